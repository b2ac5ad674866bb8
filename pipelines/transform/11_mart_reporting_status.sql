-- Grain: one row per municipality and reporting year (the years of mart_municipality_year): did
-- a report arrive, on time or late, was it revised, or is the municipality missing (nothing
-- received, or only rejected files: the chase list), with the last file received for the year.
-- Definitions: INDICATORS.md, "Data quality".
create or replace table mart_reporting_status as
with

report_files as (
    -- every report file that named this municipality and year, whatever became of it, except
    -- those refused for who sent them (another municipality's account): such a file says
    -- nothing about the municipality it names, and its name is the sender's, not theirs
    select *
    from mart_submissions
    where kind like 'report_%' and municipality_code is not null and year is not null
        and not refused_for_sender
),

per_year as (
    select
        municipality_code,
        year,
        count(*)::integer as files_received,
        count(*) filter (where status = 'rejected')::integer as files_rejected,
        count(*) filter (where status in ('loaded', 'superseded'))::integer as reports_loaded,
        arg_max(file_name, submission_id) as last_file_name,
        arg_max(received_at, submission_id) as last_received_at,
        arg_max(status, submission_id) as last_status
    from report_files
    group by municipality_code, year
),

final as (
    select
        muni.municipality_code,
        muni.municipality_name,
        muni.county_code,
        muni.county_name,
        muni.police_region,
        muni.year,
        muni.has_report,
        muni.is_late,
        muni.submitted_at,
        muni.report_file_name,
        case
            when muni.has_report and muni.is_late then 'late'
            when muni.has_report then 'on_time'
            when coalesce(per_year.files_rejected, 0) > 0 then 'rejected'
            else 'missing'
        end as status,
        -- the current report superseded an earlier one of the same municipality and year
        muni.has_report and coalesce(per_year.reports_loaded, 0) > 1 as is_revised,
        coalesce(per_year.files_received, 0) as files_received,
        coalesce(per_year.files_rejected, 0) as files_rejected,
        per_year.last_file_name,
        per_year.last_received_at,
        per_year.last_status
    from mart_municipality_year as muni
    left join per_year using (municipality_code, year)
    where muni.year between (select min(reporting_year) from int_current_reports)
        and (select max(reporting_year) from int_current_reports)
)

select * from final order by municipality_code, year;
