-- The current grants decided for the funding years of a range, with their review flags.
select *
from mart_grants
where funding_year between $year_from and $year_to
order by decision_date, grant_id
