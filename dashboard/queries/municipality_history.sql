-- One municipality, every year: the profile's status history and agreement details.
select
    municipality_code, municipality_name, county_code, county_name, police_region,
    population, year,
    has_report, submitted_at, is_late, report_file_name,
    has_council, council_name, coordinator_fte, has_coordinator, coordination_models,
    uses_est, uses_sspf,
    has_situation_report, situation_report_updated_year,
    has_action_plan, action_plan_adopted_date,
    has_agreement, has_agreement_in_force,
    agreement_valid_from, agreement_valid_to, agreement_signed_date,
    agreement_police_area, agreement_focus_areas,
    promises_count, has_promises, promises_fulfilled, promises_with_dialogue,
    meets_legal_requirements, legal_requirements_apply,
    projects_count, spent_sek, granted_sek, paid_sek, applied_sek, grants_count
from mart_municipality_year
where municipality_code = $code
    -- the reporting years (the mart also holds later funding years)
    and year between (select first_year from meta) and (select last_year from meta)
order by year
