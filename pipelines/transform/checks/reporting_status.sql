-- mart_reporting_status: one row per municipality and year, a known status, "missing" never with a report
select municipality_code, year
from mart_reporting_status
where status not in ('on_time', 'late', 'missing', 'rejected')
    or (status in ('missing', 'rejected') and has_report)
    or (status in ('on_time', 'late') and not has_report)
    or (municipality_code, year) in (
        select (municipality_code, year) from mart_reporting_status group by all having count(*) > 1
    )
