-- mart_submissions: every received file has one row and an accepted status
select submission_id, status
from mart_submissions
where status not in ('loaded', 'partially_loaded', 'duplicate', 'superseded', 'rejected')
    or submission_id is null
    or sha256 is null
    or submission_id in (select submission_id from mart_submissions group by all having count(*) > 1)
union all
select submission_id, 'missing'
from raw_submissions
where submission_id not in (select submission_id from mart_submissions)
