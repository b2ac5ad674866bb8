-- The warehouse's one-row description: version, build time, demo flag, year range.
select version, built_at, synthetic, first_year, last_year
from meta
limit 1
