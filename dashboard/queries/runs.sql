-- The warehouse's ingest runs, newest first (each published a version).
select * from mart_runs order by run_id desc
