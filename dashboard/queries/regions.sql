-- The regions of one level, for pickers.
select distinct region_code, region_name
from mart_region_year
where level = $level
order by region_code
