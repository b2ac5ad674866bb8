-- Every warning about the files received for one year (the files of submissions_for_year.sql:
-- reports of that reporting year and registers of that funding year, and files whose year could
-- not be read under the year before their receipt), one row each, with the municipality the file
-- names (NULL for registers and for files that name none that could be read). A file refused
-- for who sent it (mart_submissions.refused_for_sender) is left out: it says nothing about the
-- municipality it names, and these tables are public; it is on the file list, for the roles.
select
    issues.submission_id,
    issues.file_name,
    submissions.kind,
    submissions.status,
    issues.code,
    issues.field,
    issues.sheet,
    issues."row",
    submissions.municipality_code,
    municipalities.municipality_name
from mart_issues as issues
inner join mart_submissions as submissions using (submission_id)
left join (
    select distinct municipality_code, municipality_name from mart_municipality_year
) as municipalities on municipalities.municipality_code = submissions.municipality_code
where issues.severity = 'warning'
    and not submissions.refused_for_sender
    and (
        submissions.year = $year
        or (submissions.year is null and year(submissions.received_at) = $year + 1)
    )
order by issues.submission_id, issues."row" nulls first, issues.field
