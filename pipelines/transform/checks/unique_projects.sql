-- mart_projects: unique (municipality, year, project_no); accepted category and status
select municipality_code, year, project_no
from mart_projects
where category not in (select key from ref_enums where enum = 'focus_area')
    or status not in (select key from ref_enums where enum = 'project_status')
union all
select municipality_code, year, project_no
from mart_projects
group by municipality_code, year, project_no
having count(*) > 1
