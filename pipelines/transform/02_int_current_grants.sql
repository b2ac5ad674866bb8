-- Grain: one row per grant id: the row of the register received last that carries it. A re-sent
-- register replaces the rows it carries and keeps the rest.
create or replace view int_current_grants as
with

loaded_rows as (
    select
        grants.*,
        submissions.file_name as source_file_name,
        submissions.sha256 as source_sha256,
        submissions.received_at
    from raw_grants as grants
    inner join raw_submissions as submissions using (submission_id)
    where submissions.ingest_status in ('loaded', 'partially_loaded')
),

ranked as (
    select
        *,
        row_number() over (
            partition by grant_id order by submission_id desc, line_no desc
        ) as recency
    from loaded_rows
),

final as (
    select * exclude (recency) from ranked where recency = 1
)

select * from final;
