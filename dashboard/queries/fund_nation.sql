-- The nation's funds over a range of funding years (county-level grants included, shown apart).
select
    'SE' as region_code,
    'Sverige' as region_name,
    any_value(population)::bigint as population,
    sum(applied_sek) as applied_sek,
    sum(granted_sek) as granted_sek,
    sum(paid_sek) as paid_sek,
    sum(spent_sek) as spent_sek,
    sum(county_level_granted_sek) as county_level_granted_sek,
    sum(applied_sek) / any_value(population) as applied_per_inhabitant,
    sum(granted_sek) / any_value(population) as granted_per_inhabitant,
    sum(paid_sek) / any_value(population) as paid_per_inhabitant,
    sum(spent_sek) / any_value(population) as spent_per_inhabitant
from mart_region_year
where level = 'nation' and year between $year_from and $year_to
