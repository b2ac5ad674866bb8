-- The municipalities of one county or police region in one year.
select
    municipality_code, municipality_name, county_code, county_name, police_region,
    population, year, has_report, is_late,
    has_council, coordinator_fte, has_coordinator,
    has_situation_report, has_action_plan, has_agreement_in_force, agreement_valid_to,
    promises_count, has_promises, meets_legal_requirements, legal_requirements_apply,
    uses_est, uses_sspf
from mart_municipality_year
where year = $year
  and (
      ($level = 'county' and county_code = $code)
      or ($level = 'police_region' and police_region = $code)
  )
order by municipality_name collate sv
