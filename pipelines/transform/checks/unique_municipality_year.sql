-- mart_municipality_year: one row per municipality and year, no NULL keys
select municipality_code, year, count(*) as n
from mart_municipality_year
group by all
having count(*) > 1 or municipality_code is null or year is null
