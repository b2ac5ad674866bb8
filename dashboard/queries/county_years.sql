-- Every county in every reporting year (Jämför: a county against the others over the years).
select *
from mart_region_year
where level = 'county'
    and year between (select first_year from meta) and (select last_year from meta)
order by year, region_code
