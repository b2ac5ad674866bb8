-- Grain: one row per grant id (current version), with the spend reported against it and flags.
create or replace table mart_grants as
with

project_spend as (
    select
        projects.grant_id,
        sum(projects.spent_sek) as reported_spent_sek,
        count(distinct projects.submission_id) as reports_count
    from raw_projects as projects
    inner join int_current_reports using (submission_id)
    group by projects.grant_id
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
        grants.amount_paid_sek > grants.amount_granted_sek as paid_exceeds_granted,
        grants.amount_granted_sek > grants.amount_applied_sek as granted_exceeds_applied,
        coalesce(spend.reported_spent_sek, 0) > grants.amount_paid_sek as spent_exceeds_paid,
        case when grants.municipality_code is not null then spend.grant_id is null end as no_report,
        grants.source_file_name,
        grants.source_sha256,
        grants.received_at
    from int_current_grants as grants
    left join ref_municipalities as municipalities using (municipality_code)
    left join ref_counties as counties on counties.county_code = grants.county_code
    left join project_spend as spend using (grant_id)
)

select * from final order by grant_id;
