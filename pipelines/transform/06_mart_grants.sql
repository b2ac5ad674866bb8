-- Grain: one row per grant id (current version), with the spend reported against it, the project
-- as the latest current report describes it, and the review flags of INDICATORS.md ("Fund use").
create or replace table mart_grants as
with

current_projects as (
    select
        projects.grant_id,
        projects.spent_sek,
        projects.status,
        projects.effect_evaluated,
        projects.submission_id,
        report.reporting_year,
        projects.project_no
    from raw_projects as projects
    inner join int_current_reports as report using (submission_id)
    where projects.grant_id is not null
),

project_spend as (
    select
        grant_id,
        sum(spent_sek) as reported_spent_sek,
        count(distinct submission_id) as reports_count,
        bool_or(status = 'completed' and not effect_evaluated) as completed_without_effect
    from current_projects
    group by grant_id
),

latest_project as (
    -- the project as the latest reporting year's report describes it
    select grant_id, status as project_status, effect_evaluated
    from current_projects
    qualify row_number() over (
        partition by grant_id order by reporting_year desc, submission_id desc, project_no
    ) = 1
),

final as (
    select
        grants.grant_id,
        grants.decision_date,
        grants.funding_year,
        grants.municipality_code,
        municipalities.municipality_name,
        grants.county_code,
        counties.county_name,
        counties.police_region,
        grants.project_title,
        grants.category,
        grants.amount_applied_sek,
        grants.amount_granted_sek,
        grants.amount_paid_sek,
        coalesce(spend.reported_spent_sek, 0)::double as reported_spent_sek,
        coalesce(spend.reports_count, 0)::integer as reports_count,
        latest.project_status,
        latest.effect_evaluated,
        grants.amount_paid_sek > grants.amount_granted_sek as paid_exceeds_granted,
        grants.amount_granted_sek > grants.amount_applied_sek as granted_exceeds_applied,
        coalesce(spend.reported_spent_sek, 0) > grants.amount_paid_sek as spent_exceeds_paid,
        -- not judged for county-level grants (no municipal report carries them) nor for rejected
        -- applications (granted 0: there is no project to report on)
        case
            when grants.municipality_code is not null and grants.amount_granted_sek > 0
                then spend.grant_id is null
        end as no_report,
        coalesce(spend.completed_without_effect, false) as completed_without_effect,
        -- judged on the build date (every ingest rebuilds the marts); a rejected application
        -- (granted 0) has nothing to pay
        grants.amount_granted_sek > 0
            and grants.amount_paid_sek = 0
            and grants.decision_date < current_date - interval 180 day as not_paid,
        grants.source_file_name,
        grants.source_sha256,
        grants.received_at
    from int_current_grants as grants
    left join ref_municipalities as municipalities using (municipality_code)
    left join ref_counties as counties on counties.county_code = grants.county_code
    left join project_spend as spend using (grant_id)
    left join latest_project as latest using (grant_id)
)

select * from final order by grant_id;
