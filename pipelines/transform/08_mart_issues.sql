-- Grain: one row per error or warning: those found at ingest, plus the warnings that depend on
-- what else has arrived (a funded project's grant id missing from the current register).
create or replace table mart_issues as
with

found_at_ingest as (
    select
        issues.submission_id,
        issues.severity,
        issues.code,
        issues.sheet,
        issues."row",
        issues.field,
        issues.label,
        issues.message,
        issues.expected,
        issues.value
    from raw_issues as issues
),

unknown_grants as (
    select
        projects.submission_id,
        'warning' as severity,
        'unknown_grant_id' as code,
        projects.grant_id_sheet as sheet,
        projects.grant_id_row as "row",
        'funded_projects[' || (projects.project_no - 1) || '].grant_id' as field,
        projects.grant_id_label as label,
        'diarienumret ' || projects.grant_id || ' finns inte i bidragsregistret' as message,
        'ett diarienummer ur bidragsregistret' as expected,
        projects.grant_id as value
    from raw_projects as projects
    inner join int_current_reports using (submission_id)
    where projects.grant_id not in (select grant_id from int_current_grants)
),

final as (
    select
        issues.*,
        submissions.file_name,
        submissions.sha256,
        submissions.kind,
        concat_ws(
            ', ',
            issues.sheet,
            'rad ' || issues."row",
            'fält ' || coalesce(issues.label, issues.field)
        ) as place
    from (select * from found_at_ingest union all select * from unknown_grants) as issues
    inner join raw_submissions as submissions using (submission_id)
)

select
    * exclude (place),
    case when place = '' then message else place || ': ' || message end
    || coalesce(' (förväntat: ' || expected || ')', '') as description
from final
order by submission_id, severity, "row" nulls first, field;
