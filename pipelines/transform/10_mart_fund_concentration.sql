-- Grain: mart_fund_lorenz has one row per range of funding years (year_from..year_to, every
-- range within the warehouse's years) and municipality, in Lorenz order; mart_fund_concentration
-- one row per range with the Gini coefficient and the municipalities that received nothing.
-- Municipal grants only: county-level grants belong to no municipality (INDICATORS.md, Fund use).
create or replace table mart_fund_lorenz as
with

years as (
    select distinct year from mart_municipality_year
),

ranges as (
    select first.year as year_from, last.year as year_to
    from years as first
    inner join years as last on last.year >= first.year
),

per_municipality as (
    select
        ranges.year_from,
        ranges.year_to,
        muni.municipality_code,
        any_value(muni.municipality_name) as municipality_name,
        any_value(muni.population)::bigint as population,
        sum(muni.granted_sek)::double as granted_sek
    from ranges
    inner join mart_municipality_year as muni
        on muni.year between ranges.year_from and ranges.year_to
    group by ranges.year_from, ranges.year_to, muni.municipality_code
),

ordered as (
    select
        *,
        granted_sek / population as granted_per_inhabitant,
        row_number() over (
            partition by year_from, year_to
            order by granted_sek / population, municipality_code
        )::integer as position
    from per_municipality
),

final as (
    select
        year_from,
        year_to,
        position,
        municipality_code,
        municipality_name,
        population,
        granted_sek,
        granted_per_inhabitant,
        sum(population) over running / sum(population) over whole as population_share_cum,
        case
            when sum(granted_sek) over whole > 0
                then sum(granted_sek) over running / sum(granted_sek) over whole
        end as granted_share_cum
    from ordered
    window
        running as (partition by year_from, year_to order by position),
        whole as (partition by year_from, year_to)
)

select * from final order by year_from, year_to, position;

create or replace table mart_fund_concentration as
with

steps as (
    select
        *,
        population_share_cum
            - coalesce(lag(population_share_cum) over range_order, 0) as population_step,
        granted_share_cum + coalesce(lag(granted_share_cum) over range_order, 0) as granted_pair
    from mart_fund_lorenz
    window range_order as (partition by year_from, year_to order by position)
),

final as (
    select
        year_from,
        year_to,
        count(*)::integer as municipalities,
        count(*) filter (where granted_sek > 0)::integer as municipalities_with_grant,
        count(*) filter (where granted_sek = 0)::integer as municipalities_without_grant,
        sum(granted_sek)::double as municipal_granted_sek,
        sum(population)::bigint as population,
        -- NULL when nothing was granted (granted_share_cum is NULL then)
        1 - sum(population_step * granted_pair) as gini
    from steps
    group by year_from, year_to
)

select * from final order by year_from, year_to;
