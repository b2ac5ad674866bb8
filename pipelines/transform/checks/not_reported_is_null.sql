-- mart_municipality_year: without a report the report-based columns are NULL, never false
select municipality_code, year
from mart_municipality_year
where has_report is null
    or (not has_report and (
        has_council is not null or has_situation_report is not null
        or has_action_plan is not null or has_agreement_in_force is not null
        or promises_count is not null or meets_legal_requirements is not null
        or spent_sek is not null or uses_est is not null or uses_sspf is not null
    ))
