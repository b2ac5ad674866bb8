-- Grain: one row per received file, with what became of it. Every file is accounted for:
-- loaded, partially_loaded, duplicate, superseded or rejected.
--
-- A file refused for who sent it (an upload's `wrong_municipality` or `grants_need_coordinator`,
-- pipelines/ingest.py SENDER_REFUSALS) says nothing about the municipality it names: it counts
-- for its sender. `municipality_code` still records whom the file named (the record, and the
-- upload job's outcome, say so); `refused_for_sender` keeps it out of every public status
-- (mart_reporting_status, Datakvalitet's warnings), and `sender_municipality_code` (the sending
-- account's own municipality, when the refusal names it) puts it on that municipality's lists
-- for the roles instead of the named one's.
create or replace table mart_submissions as
with

sender_refusals as (
    select
        submission_id,
        -- wrong_municipality records the account's own code as what was expected
        max(expected) filter (where code = 'wrong_municipality') as sender_municipality_code
    from raw_issues
    where severity = 'error' and code in ('wrong_municipality', 'grants_need_coordinator')
    group by submission_id
),

current_report_ids as (
    select submission_id from int_current_reports
),

registers_with_current_rows as (
    select distinct submission_id from int_current_grants
),

issue_lists as (
    select
        submission_id,
        count(*) filter (where severity = 'error')::integer as n_errors,
        count(*) filter (where severity = 'warning')::integer as n_warnings,
        list(description order by "row" nulls first, field) filter (where severity = 'error')
            as errors,
        list(description order by "row" nulls first, field) filter (where severity = 'warning')
            as warnings
    from mart_issues
    group by submission_id
),

final as (
    select
        submissions.submission_id,
        submissions.file_name,
        submissions.sha256,
        submissions.size_bytes,
        submissions.received_at,
        submissions.kind,
        case
            when submissions.ingest_status = 'loaded'
                and submissions.kind like 'report_%'
                and submissions.submission_id not in (select submission_id from current_report_ids)
                then 'superseded'
            when submissions.ingest_status in ('loaded', 'partially_loaded')
                and submissions.kind like 'grants_%'
                and submissions.rows_loaded > 0
                and submissions.submission_id not in (
                    select submission_id from registers_with_current_rows
                )
                then 'superseded'
            else submissions.ingest_status
        end as status,
        submissions.duplicate_of,
        -- a duplicate is the same bytes as its original: the same municipality and year
        coalesce(submissions.municipality_code, original.municipality_code) as municipality_code,
        sender_refusals.submission_id is not null as refused_for_sender,
        sender_refusals.sender_municipality_code,
        coalesce(submissions.year, original.year) as year,
        submissions.submitted_at,
        submissions.rows_loaded,
        submissions.rows_rejected,
        coalesce(issue_lists.n_errors, 0) as n_errors,
        coalesce(issue_lists.n_warnings, 0) as n_warnings,
        coalesce(issue_lists.errors, []::varchar[]) as errors,
        coalesce(issue_lists.warnings, []::varchar[]) as warnings,
        submissions.source_path,
        submissions.run_id
    from raw_submissions as submissions
    left join raw_submissions as original on original.submission_id = submissions.duplicate_of
    left join issue_lists on issue_lists.submission_id = submissions.submission_id
    left join sender_refusals on sender_refusals.submission_id = submissions.submission_id
)

select * from final order by submission_id;
