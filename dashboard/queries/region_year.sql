-- Every region (counties, police regions, the nation) in one year.
select *
from mart_region_year
where year = $year
order by level, region_code
