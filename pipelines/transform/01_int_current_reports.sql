-- Grain: one row per municipality and reporting year: its current report, the latest loaded one
-- (by submitted_at, then time received, then order of receipt). Superseded and rejected files
-- are set aside here.
create or replace view int_current_reports as
with

loaded_reports as (
    select
        reports.*,
        submissions.file_name,
        submissions.sha256
    from raw_reports as reports
    inner join raw_submissions as submissions using (submission_id)
    where submissions.ingest_status = 'loaded'
),

ranked as (
    select
        *,
        row_number() over (
            partition by municipality_code, reporting_year
            order by submitted_at desc, received_at desc, submission_id desc
        ) as recency
    from loaded_reports
),

final as (
    select * exclude (recency) from ranked where recency = 1
)

select * from final;
