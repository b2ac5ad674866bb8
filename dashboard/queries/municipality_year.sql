-- Every municipality in the years $year_from..$year_to: identity, report status, all indicators.
select
    municipality_code, municipality_name, county_code, county_name, police_region,
    population, municipality_group, municipality_group_name, lat, lon, year,
    has_report, submitted_at, is_late,
    has_council, coordinator_fte, has_coordinator,
    uses_est, uses_sspf,
    has_situation_report, situation_report_updated_year, has_action_plan,
    has_agreement, has_agreement_in_force, agreement_valid_to,
    promises_count, has_promises, promises_fulfilled,
    meets_legal_requirements, legal_requirements_apply,
    spent_sek, granted_sek, paid_sek
from mart_municipality_year
where year between $year_from and $year_to
order by year, municipality_code
