-- The current grants of one funding year that no current report names (mart_grants.no_report),
-- by municipality and grant id.
select
    grant_id,
    municipality_code,
    municipality_name,
    project_title,
    decision_date,
    amount_granted_sek,
    amount_paid_sek
from mart_grants
where funding_year = $year and no_report
order by municipality_name, grant_id
