-- Grain: one row per ingest run (each run publishes the next warehouse version): when it ran
-- and what it added, file by file fate (as the files stand now: a report loaded by one run may
-- have been superseded by a later one).
create or replace table mart_runs as
with

per_run as (
    select
        run_id,
        count(*)::integer as files,
        count(*) filter (where status = 'loaded')::integer as loaded,
        count(*) filter (where status = 'partially_loaded')::integer as partially_loaded,
        count(*) filter (where status = 'superseded')::integer as superseded,
        count(*) filter (where status = 'duplicate')::integer as duplicates,
        count(*) filter (where status = 'rejected')::integer as rejected,
        count(*) filter (where kind like 'report_%')::integer as reports,
        count(*) filter (where kind like 'grants_%')::integer as registers
    from mart_submissions
    group by run_id
),

final as (
    select
        runs.run_id,
        runs.started_at,
        runs.synthetic,
        coalesce(per_run.files, 0) as files,
        coalesce(per_run.loaded, 0) as loaded,
        coalesce(per_run.partially_loaded, 0) as partially_loaded,
        coalesce(per_run.superseded, 0) as superseded,
        coalesce(per_run.duplicates, 0) as duplicates,
        coalesce(per_run.rejected, 0) as rejected,
        coalesce(per_run.reports, 0) as reports,
        coalesce(per_run.registers, 0) as registers
    from raw_runs as runs
    left join per_run using (run_id)
)

select * from final order by run_id;
