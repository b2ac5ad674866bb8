-- The funded projects of one reporting year's current reports whose grant id the current
-- register lacks (mart_projects.grant_in_register false), with the report file and the sheet and
-- row where the report carries the id (mart_issues' derived unknown_grant_id warning; NULL for
-- a JSON report, which has no sheets or rows).
select
    projects.municipality_code,
    projects.municipality_name,
    projects.project_no,
    projects.grant_id,
    projects.title,
    coalesce(issues.file_name, files.file_name) as file_name,
    issues.sheet,
    issues."row"
from mart_projects as projects
left join mart_issues as issues
    on issues.code = 'unknown_grant_id'
    and issues.sha256 = projects.report_sha256
    and issues.field = 'funded_projects[' || (projects.project_no - 1) || '].grant_id'
left join (
    select sha256, min(file_name) as file_name
    from mart_submissions
    where status = 'loaded'
    group by sha256
) as files on files.sha256 = projects.report_sha256
where projects.year = $year and not projects.grant_in_register
order by projects.municipality_name, projects.project_no
