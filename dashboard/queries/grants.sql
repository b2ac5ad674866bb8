-- The grant register's current rows for one municipality and funding year.
select grant_id, decision_date, funding_year, project_title, category,
       amount_applied_sek, amount_granted_sek, amount_paid_sek, reported_spent_sek
from mart_grants
where municipality_code = $code and funding_year = $year
order by decision_date, grant_id
