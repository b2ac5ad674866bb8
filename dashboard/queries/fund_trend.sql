-- Applied, granted, paid and reported spent per year for the nation, a county or a police
-- region ($level as in mart_region_year), or a municipality ($level = 'municipality').
select year, applied_sek, granted_sek, paid_sek, spent_sek
from mart_region_year
where level = $level and region_code = $code
union all
select year, applied_sek, granted_sek, paid_sek, coalesce(spent_sek, 0) as spent_sek
from mart_municipality_year
where $level = 'municipality' and municipality_code = $code
order by year
