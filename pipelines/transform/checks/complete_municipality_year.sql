-- mart_municipality_year: every reference municipality in every year of the range
select year, count(*) as n
from mart_municipality_year
group by year
having count(*) <> (select count(*) from ref_municipalities)
