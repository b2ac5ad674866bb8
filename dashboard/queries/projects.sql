-- One municipality's funded projects in one year's current report.
select project_no, grant_id, title, category, spent_sek, co_funding_sek, status,
       effect_evaluated, grant_in_register
from mart_projects
where municipality_code = $code and year = $year
order by project_no
