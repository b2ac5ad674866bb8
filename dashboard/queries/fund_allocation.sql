-- Funds per region of one level over a range of funding years: applied, granted, paid (grant
-- register) and reported spent (reports of the years), per inhabitant, and each region's share of
-- the nation's granted total beside its share of the population. A county's (and so a police
-- region's) total includes its county-level grants, shown apart; a municipality has none.
with

municipalities as (
    select
        municipality_code as region_code,
        any_value(municipality_name) as region_name,
        any_value(county_code) as county_code,
        any_value(population)::bigint as population,
        sum(applied_sek) as applied_sek,
        sum(granted_sek) as granted_sek,
        sum(paid_sek) as paid_sek,
        coalesce(sum(spent_sek), 0) as spent_sek,
        0::double as county_level_granted_sek
    from mart_municipality_year
    where $level = 'municipality' and year between $year_from and $year_to
    group by municipality_code
),

regions as (
    select
        region_code,
        any_value(region_name) as region_name,
        null::varchar as county_code,
        any_value(population)::bigint as population,
        sum(applied_sek) as applied_sek,
        sum(granted_sek) as granted_sek,
        sum(paid_sek) as paid_sek,
        sum(spent_sek) as spent_sek,
        sum(county_level_granted_sek) as county_level_granted_sek
    from mart_region_year
    where level = $level and level <> 'municipality' and year between $year_from and $year_to
    group by region_code
),

nation as (
    select any_value(population) as population, sum(granted_sek) as granted_sek
    from mart_region_year
    where level = 'nation' and year between $year_from and $year_to
),

unioned as (
    select * from municipalities
    union all
    select * from regions
),

final as (
    select
        unioned.*,
        unioned.applied_sek / unioned.population as applied_per_inhabitant,
        unioned.granted_sek / unioned.population as granted_per_inhabitant,
        unioned.paid_sek / unioned.population as paid_per_inhabitant,
        unioned.spent_sek / unioned.population as spent_per_inhabitant,
        unioned.population / nation.population as population_share,
        case when nation.granted_sek > 0 then unioned.granted_sek / nation.granted_sek end
            as granted_share,
        case
            when nation.granted_sek > 0
                then (unioned.granted_sek / nation.granted_sek
                    - unioned.population / nation.population) * 100
        end as share_gap_pp
    from unioned
    cross join nation
)

select * from final
