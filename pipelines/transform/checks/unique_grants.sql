-- mart_grants: grant_id unique and not NULL; codes resolve; category accepted
select grant_id
from mart_grants
where grant_id is null
    or grant_id in (select grant_id from mart_grants group by grant_id having count(*) > 1)
    or county_code not in (select county_code from ref_counties)
    or (municipality_code is not null
        and municipality_code not in (select municipality_code from ref_municipalities))
    or category not in (select key from ref_enums where enum = 'focus_area')
    or (municipality_code is not null and municipality_name is null)
