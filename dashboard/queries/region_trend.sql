-- One region over the reporting years (the marts also hold later funding years: not here).
select *
from mart_region_year
where level = $level and region_code = $code
    and year between (select first_year from meta) and (select last_year from meta)
order by year
