-- mart_region_year: one row per level, region and year; accepted levels; 21 + 7 + 1 regions a year
select level, year, count(*) as n
from mart_region_year
group by level, year
having count(*) <> case level when 'county' then 21 when 'police_region' then 7 when 'nation' then 1 else -1 end
    or count(distinct region_code) <> count(*)
