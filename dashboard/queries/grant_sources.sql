-- Where a grant's numbers come from: the current reports whose funded projects name it, with the
-- report file and when it was received (the register file is on the grant's own row).
select
    projects.municipality_code,
    projects.municipality_name,
    projects.year,
    projects.project_no,
    projects.title,
    projects.category,
    projects.spent_sek,
    projects.co_funding_sek,
    projects.status,
    projects.effect_evaluated,
    submissions.file_name as report_file_name,
    submissions.received_at as report_received_at,
    submissions.submitted_at as report_submitted_at
from mart_projects as projects
left join mart_submissions as submissions
    on submissions.sha256 = projects.report_sha256
    and submissions.status = 'loaded'
where projects.grant_id = $grant_id
order by projects.year, projects.municipality_code, projects.project_no
