-- The files received for one year: reports of that reporting year and registers of that funding
-- year, and files whose year could not be read (received, so accounted for on every year's list
-- would be noise: they are listed under the year they arrived in).
select
    submissions.*,
    municipalities.municipality_name
from mart_submissions as submissions
left join (
    select distinct municipality_code, municipality_name from mart_municipality_year
) as municipalities using (municipality_code)
where submissions.year = $year
    or (submissions.year is null and year(submissions.received_at) = $year + 1)
order by submissions.received_at desc, submissions.submission_id desc
