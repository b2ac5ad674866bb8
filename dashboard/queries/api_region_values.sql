-- Every figure the Kolada-shaped API publishes for counties, police regions, the nation and
-- SKR's municipality groups, per year (dashboard/api/). $years: years, or NULL for all.
--
-- Counties, police regions and the nation are mart_region_year's own rows: their shares over
-- the reporting municipalities (with the denominator), their money (county-level grants
-- included) and per inhabitant, as the dashboard shows them. What that mart lacks is added from
-- the municipalities: late reports among the reporting ones, and the means of the coordinator
-- FTE and of the number of promises over the municipalities that gave them. SKR's groups are
-- not in the mart: they are computed here from their members by the same rules (no county-level
-- grant belongs to a municipality, so none counts for a group).
-- n_<figure>: the municipalities behind a value (Kolada's "count").
with

meta as (
    select first_year, last_year from meta limit 1
),

municipality_year as (
    select *
    from mart_municipality_year
    where $years::integer[] is null or list_contains($years::integer[], year)
),

by_level as (
    select 'county' as level, county_code as region_code, * from municipality_year
    union all by name
    select 'police_region' as level, police_region as region_code, * from municipality_year
    union all by name
    select 'nation' as level, 'SE' as region_code, * from municipality_year
    union all by name
    select 'skr_group' as level, municipality_group as region_code, *
    from municipality_year
    where municipality_group is not null
),

members as (
    select
        level,
        region_code,
        year,
        count(*)::integer as municipalities,
        count(*) filter (where has_report)::integer as reported,
        count(*) filter (where is_late)::integer as count_is_late,
        count(is_late)::integer as denominator_is_late,
        avg(coordinator_fte) as mean_coordinator_fte,
        count(coordinator_fte)::integer as n_coordinator_fte,
        avg(promises_count) as mean_promises_count,
        count(promises_count)::integer as n_promises_count,
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
        sum(applied_sek)::double as applied_sek,
        sum(granted_sek)::double as granted_sek,
        sum(paid_sek)::double as paid_sek,
        sum(spent_sek)::double as spent_sek,
        count(spent_sek)::integer as n_spent_sek
    from by_level
    group by level, region_code, year
),

from_mart as (
    select
        r.level,
        r.region_code,
        r.year,
        r.municipalities,
        r.reported,
        r.share_reported,
        r.share_has_council,
        r.denominator_has_council,
        r.share_has_coordinator,
        r.denominator_has_coordinator,
        r.share_has_situation_report,
        r.denominator_has_situation_report,
        r.share_has_action_plan,
        r.denominator_has_action_plan,
        r.share_has_agreement_in_force,
        r.denominator_has_agreement_in_force,
        r.share_has_promises,
        r.denominator_has_promises,
        r.share_meets_legal_requirements,
        r.denominator_meets_legal_requirements,
        r.share_uses_est,
        r.denominator_uses_est,
        r.share_uses_sspf,
        r.denominator_uses_sspf,
        r.population,
        r.applied_sek,
        r.granted_sek,
        r.paid_sek,
        r.spent_sek,
        r.applied_sek / r.population as applied_per_inhabitant,
        r.granted_per_inhabitant,
        r.paid_per_inhabitant,
        r.spent_per_inhabitant,
        m.n_spent_sek
    from mart_region_year as r
    inner join members as m using (level, region_code, year)
),

skr_groups as (
    select
        level,
        region_code,
        year,
        municipalities,
        reported,
        reported::double / municipalities as share_reported,
        case
            when denominator_has_council > 0
                then count_has_council::double / denominator_has_council
        end as share_has_council,
        denominator_has_council,
        case
            when denominator_has_coordinator > 0
                then count_has_coordinator::double / denominator_has_coordinator
        end as share_has_coordinator,
        denominator_has_coordinator,
        case
            when denominator_has_situation_report > 0
                then count_has_situation_report::double / denominator_has_situation_report
        end as share_has_situation_report,
        denominator_has_situation_report,
        case
            when denominator_has_action_plan > 0
                then count_has_action_plan::double / denominator_has_action_plan
        end as share_has_action_plan,
        denominator_has_action_plan,
        case
            when denominator_has_agreement_in_force > 0
                then count_has_agreement_in_force::double / denominator_has_agreement_in_force
        end as share_has_agreement_in_force,
        denominator_has_agreement_in_force,
        case
            when denominator_has_promises > 0
                then count_has_promises::double / denominator_has_promises
        end as share_has_promises,
        denominator_has_promises,
        case
            when denominator_meets_legal_requirements > 0
                then count_meets_legal_requirements::double / denominator_meets_legal_requirements
        end as share_meets_legal_requirements,
        denominator_meets_legal_requirements,
        case
            when denominator_uses_est > 0
                then count_uses_est::double / denominator_uses_est
        end as share_uses_est,
        denominator_uses_est,
        case
            when denominator_uses_sspf > 0
                then count_uses_sspf::double / denominator_uses_sspf
        end as share_uses_sspf,
        denominator_uses_sspf,
        population,
        applied_sek,
        granted_sek,
        paid_sek,
        spent_sek,
        applied_sek / population as applied_per_inhabitant,
        granted_sek / population as granted_per_inhabitant,
        paid_sek / population as paid_per_inhabitant,
        spent_sek / population as spent_per_inhabitant,
        n_spent_sek
    from members
    where level = 'skr_group'
),

regions as (
    select * from from_mart
    union all by name
    select * from skr_groups
)

select
    regions.*,
    regions.year between meta.first_year and meta.last_year as is_reporting_year,
    share_of(m.count_is_late, m.denominator_is_late) as share_is_late,
    m.denominator_is_late,
    m.mean_coordinator_fte,
    m.n_coordinator_fte,
    m.mean_promises_count,
    m.n_promises_count,
    -- every municipality has an amount from the register (0 where none): all count
    regions.municipalities as n_applied_sek,
    regions.municipalities as n_granted_sek,
    regions.municipalities as n_paid_sek,
    regions.municipalities as n_applied_per_inhabitant,
    regions.municipalities as n_granted_per_inhabitant,
    regions.municipalities as n_paid_per_inhabitant,
    regions.n_spent_sek as n_spent_per_inhabitant
from regions
inner join members as m using (level, region_code, year)
cross join meta
order by regions.level, regions.region_code, regions.year
