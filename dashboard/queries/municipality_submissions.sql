-- Every file received for one municipality (reports naming it), newest first, with its fate.
select submission_id, file_name, received_at, kind, status, year, submitted_at,
       n_errors, n_warnings, errors, warnings
from mart_submissions
where municipality_code = $code
order by received_at desc, submission_id desc
