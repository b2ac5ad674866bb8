-- mart_submissions and mart_reporting_status: a file refused for who sent it is rejected and counts in no municipality's public status
select submission_id, municipality_code, year
from mart_submissions
where refused_for_sender and status <> 'rejected'
union all
select null, status.municipality_code, status.year
from mart_reporting_status as status
where status.files_received <> (
    select count(*)
    from mart_submissions as files
    where files.kind like 'report_%'
        and not files.refused_for_sender
        and files.municipality_code = status.municipality_code
        and files.year = status.year
)
