-- The municipalities known to the warehouse, for pickers.
select distinct municipality_code, municipality_name, county_code, county_name, police_region
from mart_municipality_year
order by municipality_name collate sv, municipality_code
