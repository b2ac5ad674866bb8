-- Every figure the Kolada-shaped API publishes, per municipality and year (dashboard/api/).
-- $codes: municipality codes, or NULL for all; $years: years, or NULL for all.
-- NULL is "not reported" (docs/marts.md), never "no"; per inhabitant divides by the reference
-- population. is_reporting_year: the year is one of meta's reporting years (the figures from
-- the reports are published for those; the grant register's for every year of the marts).
select
    m.municipality_code,
    m.year,
    m.year between meta.first_year and meta.last_year as is_reporting_year,
    m.has_report,
    m.is_late,
    m.has_council,
    m.has_coordinator,
    m.has_situation_report,
    m.has_action_plan,
    m.has_agreement_in_force,
    m.has_promises,
    m.meets_legal_requirements,
    m.uses_est,
    m.uses_sspf,
    m.coordinator_fte,
    m.promises_count::double as promises_count,
    m.applied_sek,
    m.granted_sek,
    m.paid_sek,
    m.spent_sek,
    m.applied_sek / m.population as applied_per_inhabitant,
    m.granted_sek / m.population as granted_per_inhabitant,
    m.paid_sek / m.population as paid_per_inhabitant,
    m.spent_sek / m.population as spent_per_inhabitant
from mart_municipality_year as m
cross join (select first_year, last_year from meta limit 1) as meta
where ($codes::varchar[] is null or list_contains($codes::varchar[], m.municipality_code))
    and ($years::integer[] is null or list_contains($years::integer[], m.year))
order by m.municipality_code, m.year
