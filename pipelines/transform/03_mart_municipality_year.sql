-- Grain: one row per municipality (all 290) and year, from the first to the last reporting or
-- funding year present. Report-based columns are NULL (not reported) where there is no current report.
create or replace table mart_municipality_year as
with

report_years as (
    select reporting_year as year from int_current_reports
),

grant_years as (
    -- a register for a year arrives before that year's reports (due the next spring): its
    -- grants still need municipality rows to sit in (meta's years stay the reporting years)
    select funding_year as year from int_current_grants
),

years as (
    select unnest(generate_series(min(year), max(year)))::integer as year
    from (select year from report_years union all select year from grant_years)
),

spine as (
    select
        municipalities.*,
        groups.group_code as municipality_group,
        groups.group_name as municipality_group_name,
        years.year
    from ref_municipalities as municipalities
    left join ref_municipality_groups as groups using (municipality_code)
    cross join years
),

promises as (
    select
        submission_id,
        count(*) as promises_count,
        count(*) filter (where status = 'fulfilled') as promises_fulfilled,
        count(*) filter (where len(dialogue_methods) > 0) as promises_with_dialogue
    from raw_promises
    group by submission_id
),

projects as (
    select submission_id, count(*) as projects_count, sum(spent_sek) as spent_sek
    from raw_projects
    group by submission_id
),

grants as (
    select
        municipality_code,
        funding_year as year,
        count(*) as grants_count,
        sum(amount_applied_sek) as applied_sek,
        sum(amount_granted_sek) as granted_sek,
        sum(amount_paid_sek) as paid_sek
    from int_current_grants
    where municipality_code is not null
    group by municipality_code, funding_year
),

final as (
    select
        spine.municipality_code,
        spine.municipality_name,
        spine.county_code,
        spine.county_name,
        spine.police_region,
        spine.population,
        spine.municipality_group,
        spine.municipality_group_name,
        spine.lat,
        spine.lon,
        spine.year,
        report.submission_id is not null as has_report,
        report.submitted_at,
        case
            when report.submission_id is not null
                -- submitted_at is UTC. The deadline is the end of 31 March, Swedish time, and
                -- summer time has always begun by then (last Sunday of March), so 1 April 00:00
                -- in Stockholm is 31 March 22:00 UTC in every year.
                then report.submitted_at >= make_timestamp(spine.year + 1, 3, 31, 22, 0, 0)
        end as is_late,
        report.sha256 as report_sha256,
        report.file_name as report_file_name,
        report.council_exists as has_council,
        report.council_name,
        report.council_coordinator_fte as coordinator_fte,
        report.council_coordinator_fte > 0 as has_coordinator,
        report.council_coordination_models as coordination_models,
        -- false where the council has no models or does not exist; NULL without a report
        case
            when report.submission_id is not null
                then coalesce(list_contains(report.council_coordination_models, 'est'), false)
        end as uses_est,
        case
            when report.submission_id is not null
                then coalesce(list_contains(report.council_coordination_models, 'sspf'), false)
        end as uses_sspf,
        report.situation_report_exists as has_situation_report,
        report.situation_report_updated_year,
        report.action_plan_exists as has_action_plan,
        report.action_plan_adopted_date,
        report.agreement_exists as has_agreement,
        case
            when report.submission_id is not null then coalesce(
                report.agreement_exists
                and report.agreement_valid_from <= make_date(spine.year, 12, 31)
                and report.agreement_valid_to >= make_date(spine.year, 1, 1),
                false
            )
        end as has_agreement_in_force,
        report.agreement_valid_from,
        report.agreement_valid_to,
        report.agreement_signed_date,
        report.agreement_police_area,
        report.agreement_focus_areas,
        case when report.submission_id is not null then coalesce(promises.promises_count, 0) end::integer
            as promises_count,
        case when report.submission_id is not null then coalesce(promises.promises_count, 0) > 0 end
            as has_promises,
        case when report.submission_id is not null then coalesce(promises.promises_fulfilled, 0) end::integer
            as promises_fulfilled,
        case when report.submission_id is not null then coalesce(promises.promises_with_dialogue, 0) end::integer
            as promises_with_dialogue,
        report.council_exists and report.situation_report_exists and report.action_plan_exists
            as meets_legal_requirements,
        spine.year >= 2023 as legal_requirements_apply,
        case when report.submission_id is not null then coalesce(projects.projects_count, 0) end::integer
            as projects_count,
        case when report.submission_id is not null then coalesce(projects.spent_sek, 0) end::double
            as spent_sek,
        coalesce(grants.granted_sek, 0)::double as granted_sek,
        coalesce(grants.paid_sek, 0)::double as paid_sek,
        coalesce(grants.applied_sek, 0)::double as applied_sek,
        coalesce(grants.grants_count, 0)::integer as grants_count
    from spine
    left join int_current_reports as report
        on report.municipality_code = spine.municipality_code
        and report.reporting_year = spine.year
    left join promises on promises.submission_id = report.submission_id
    left join projects on projects.submission_id = report.submission_id
    left join grants
        on grants.municipality_code = spine.municipality_code
        and grants.year = spine.year
)

select * from final order by municipality_code, year;
