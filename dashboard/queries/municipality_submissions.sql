-- Every file received for one municipality, newest first, with its fate: the reports naming it,
-- except those refused for who sent them (another municipality's account: they say nothing
-- about this one), and the files this municipality's own account sent and was refused for.
select submission_id, file_name, received_at, kind, status, year, submitted_at,
       n_errors, n_warnings, errors, warnings
from mart_submissions
where (municipality_code = $code and not refused_for_sender)
    or sender_municipality_code = $code
order by received_at desc, submission_id desc
