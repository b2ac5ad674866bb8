-- Every county and the nation in every reporting year (Jämför: a county over the years).
select *
from mart_region_year
where level in ('county', 'nation')
    and year between (select first_year from meta) and (select last_year from meta)
order by year, region_code
