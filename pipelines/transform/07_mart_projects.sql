-- Grain: one row per funded project in the current reports.
create or replace table mart_projects as
with

current_reports as (
    select submission_id, municipality_code, reporting_year, sha256 from int_current_reports
),

final as (
    select
        report.municipality_code,
        municipalities.municipality_name,
        municipalities.county_code,
        municipalities.police_region,
        report.reporting_year as year,
        projects.project_no,
        projects.grant_id,
        projects.title,
        projects.category,
        projects.spent_sek,
        projects.co_funding_sek,
        projects.status,
        projects.effect_evaluated,
        projects.grant_id in (select grant_id from int_current_grants) as grant_in_register,
        report.sha256 as report_sha256
    from raw_projects as projects
    inner join current_reports as report using (submission_id)
    inner join ref_municipalities as municipalities using (municipality_code)
)

select * from final order by municipality_code, year, project_no;
