-- Every municipality with the places and groups it belongs to, for the Kolada-shaped API's
-- metadata (municipalities, counties, the nation, police regions, SKR's municipality groups).
-- The reference list is the same in every year of a warehouse; the latest year's row is taken.
select distinct on (municipality_code)
    municipality_code,
    municipality_name,
    county_code,
    county_name,
    police_region,
    municipality_group,
    municipality_group_name
from mart_municipality_year
order by municipality_code, year desc
