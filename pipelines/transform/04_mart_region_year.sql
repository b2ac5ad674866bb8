-- Grain: one row per region and year, for the 21 counties, the 7 police regions and the nation.
-- Shares are over the municipalities that reported (with a value), and carry their denominator.
create or replace macro share_of(n, d) as case when d > 0 then n::double / d end;

create or replace table mart_region_year as
with

municipality_year as (
    select * from mart_municipality_year
),

by_level as (
    select 'county' as level, county_code as region_code, county_name as region_name, *
    from municipality_year
    union all by name
    select 'police_region' as level, police_region as region_code, police_region as region_name, *
    from municipality_year
    union all by name
    select 'nation' as level, 'SE' as region_code, 'Sverige' as region_name, *
    from municipality_year
),

aggregated as (
    select
        level,
        region_code,
        any_value(region_name) as region_name,
        year,
        count(*)::integer as municipalities,
        count(*) filter (where has_report)::integer as reported,
        count(*) filter (where has_council)::integer as count_has_council,
        count(has_council)::integer as denominator_has_council,
        count(*) filter (where has_coordinator)::integer as count_has_coordinator,
        count(has_coordinator)::integer as denominator_has_coordinator,
        count(*) filter (where has_situation_report)::integer as count_has_situation_report,
        count(has_situation_report)::integer as denominator_has_situation_report,
        count(*) filter (where has_action_plan)::integer as count_has_action_plan,
        count(has_action_plan)::integer as denominator_has_action_plan,
        count(*) filter (where has_agreement_in_force)::integer as count_has_agreement_in_force,
        count(has_agreement_in_force)::integer as denominator_has_agreement_in_force,
        count(*) filter (where has_promises)::integer as count_has_promises,
        count(has_promises)::integer as denominator_has_promises,
        count(*) filter (where meets_legal_requirements)::integer
            as count_meets_legal_requirements,
        count(meets_legal_requirements)::integer as denominator_meets_legal_requirements,
        count(*) filter (where uses_est)::integer as count_uses_est,
        count(uses_est)::integer as denominator_uses_est,
        count(*) filter (where uses_sspf)::integer as count_uses_sspf,
        count(uses_sspf)::integer as denominator_uses_sspf,
        sum(population)::bigint as population,
        sum(applied_sek) as municipal_applied_sek,
        sum(granted_sek) as municipal_granted_sek,
        sum(paid_sek) as municipal_paid_sek,
        coalesce(sum(spent_sek), 0)::double as spent_sek
    from by_level
    group by level, region_code, year
),

county_grants as (
    select
        county_code,
        funding_year as year,
        sum(amount_applied_sek) as applied_sek,
        sum(amount_granted_sek) as granted_sek,
        sum(amount_paid_sek) as paid_sek
    from int_current_grants
    where municipality_code is null
    group by county_code, funding_year
),

county_grants_by_level as (
    select 'county' as level, county_code as region_code, year, applied_sek, granted_sek, paid_sek
    from county_grants
    union all
    select
        'police_region' as level,
        counties.police_region as region_code,
        year,
        sum(applied_sek),
        sum(granted_sek),
        sum(paid_sek)
    from county_grants
    inner join ref_counties as counties using (county_code)
    group by counties.police_region, year
    union all
    select 'nation' as level, 'SE' as region_code, year, sum(applied_sek), sum(granted_sek), sum(paid_sek)
    from county_grants
    group by year
),

totals as (
    select
        aggregated.*,
        aggregated.municipal_applied_sek + coalesce(cg.applied_sek, 0) as applied_sek,
        aggregated.municipal_granted_sek + coalesce(cg.granted_sek, 0) as granted_sek,
        aggregated.municipal_paid_sek + coalesce(cg.paid_sek, 0) as paid_sek,
        coalesce(cg.granted_sek, 0)::double as county_level_granted_sek
    from aggregated
    left join county_grants_by_level as cg
        on cg.level = aggregated.level
        and cg.region_code = aggregated.region_code
        and cg.year = aggregated.year
),

nation as (
    select year, population as nation_population, granted_sek as nation_granted_sek
    from totals
    where level = 'nation'
),

final as (
    select
        totals.level,
        totals.region_code,
        totals.region_name,
        totals.year,
        totals.municipalities,
        totals.reported,
        share_of(totals.reported, totals.municipalities) as share_reported,
        count_has_council,
        share_of(count_has_council, denominator_has_council) as share_has_council,
        denominator_has_council,
        count_has_coordinator,
        share_of(count_has_coordinator, denominator_has_coordinator) as share_has_coordinator,
        denominator_has_coordinator,
        count_has_situation_report,
        share_of(count_has_situation_report, denominator_has_situation_report)
            as share_has_situation_report,
        denominator_has_situation_report,
        count_has_action_plan,
        share_of(count_has_action_plan, denominator_has_action_plan) as share_has_action_plan,
        denominator_has_action_plan,
        count_has_agreement_in_force,
        share_of(count_has_agreement_in_force, denominator_has_agreement_in_force)
            as share_has_agreement_in_force,
        denominator_has_agreement_in_force,
        count_has_promises,
        share_of(count_has_promises, denominator_has_promises) as share_has_promises,
        denominator_has_promises,
        count_meets_legal_requirements,
        share_of(count_meets_legal_requirements, denominator_meets_legal_requirements)
            as share_meets_legal_requirements,
        denominator_meets_legal_requirements,
        count_uses_est,
        share_of(count_uses_est, denominator_uses_est) as share_uses_est,
        denominator_uses_est,
        count_uses_sspf,
        share_of(count_uses_sspf, denominator_uses_sspf) as share_uses_sspf,
        denominator_uses_sspf,
        totals.population,
        totals.applied_sek::double as applied_sek,
        totals.granted_sek::double as granted_sek,
        totals.paid_sek::double as paid_sek,
        totals.county_level_granted_sek,
        totals.spent_sek,
        totals.granted_sek / totals.population as granted_per_inhabitant,
        totals.paid_sek / totals.population as paid_per_inhabitant,
        totals.spent_sek / totals.population as spent_per_inhabitant,
        totals.population / nation.nation_population as population_share,
        case
            when nation.nation_granted_sek > 0 then totals.granted_sek / nation.nation_granted_sek
        end as granted_share
    from totals
    inner join nation using (year)
)

select * from final order by level, region_code, year;
