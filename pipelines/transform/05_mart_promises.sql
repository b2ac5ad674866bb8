-- Grain: one row per citizen promise in the current reports.
create or replace table mart_promises as
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
        promises.promise_id,
        promises.promise_no,
        promises.title,
        promises.focus_area,
        promises.start_date,
        promises.end_date,
        promises.dialogue_methods,
        len(promises.dialogue_methods) > 0 as has_dialogue,
        promises.status,
        promises.followed_up,
        promises.published,
        report.sha256 as report_sha256
    from raw_promises as promises
    inner join current_reports as report using (submission_id)
    inner join ref_municipalities as municipalities using (municipality_code)
)

select * from final order by municipality_code, year, promise_no;
