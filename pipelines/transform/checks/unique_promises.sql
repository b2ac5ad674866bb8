-- mart_promises: unique (municipality, year, promise id); accepted status and focus area
select municipality_code, year, promise_id
from mart_promises
where status not in (select key from ref_enums where enum = 'promise_status')
    or focus_area not in (select key from ref_enums where enum = 'focus_area')
    or promise_id is null
union all
select municipality_code, year, promise_id
from mart_promises
group by municipality_code, year, promise_id
having count(*) > 1
