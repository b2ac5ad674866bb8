-- mart_submissions: a rejected file always carries at least one error
select submission_id
from mart_submissions
where status = 'rejected' and n_errors = 0
