-- Every municipality in one year: identity, report status and all indicators.
select
    municipality_code, municipality_name, county_code, county_name, police_region,
    population, lat, lon, year,
    has_report, submitted_at, is_late,
    has_council, coordinator_fte, has_coordinator,
    has_situation_report, has_action_plan,
    has_agreement, has_agreement_in_force, agreement_valid_to,
    promises_count, has_promises,
    meets_legal_requirements, legal_requirements_apply,
    spent_sek, granted_sek, paid_sek
from mart_municipality_year
where year = $year
order by municipality_code
