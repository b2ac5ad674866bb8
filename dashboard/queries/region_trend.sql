-- One region over the years.
select *
from mart_region_year
where level = $level and region_code = $code
order by year
