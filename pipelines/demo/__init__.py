"""A synthetic demo inbox: annual reports, grant registers and the broken files offices send.

`generate(out_dir, seed, years)` writes one report per municipality and year (JSON or XLSX, about
half each), a grant register per funding year (Swedish-Excel CSV, one year as XLSX, one as
comma-separated English keys), late, missing and revised reports and a handful of malformed files,
and returns a manifest of what it wrote and what ingest should make of each file. The manifest is
returned, not written into the inbox, because every file in the inbox gets ingested.

The world behind the files follows shared/DOMAIN.md: coverage of councils, coordinators,
agreements and citizen promises rises over the years, situation reports and action plans rise
sharply after the 2023 law (action plans lagging), regions and counties differ, small
municipalities have part-time coordinators, agreements run 3-4 years and are renewed (some late),
and the grant volumes match the public figures (about 60 granted municipalities in 2023, 97 in
2024). It is synthetic and must never be shown as real statistics.

Reproducible: every random draw comes from `random.Random` seeded with the seed plus a fixed label
(the municipality, the year), never from global state or the clock, so the same seed gives
byte-identical files, and a municipality's history does not depend on which years are written.

The modules: `world` (municipalities and their coverage over the years), `draws` (weighted picks,
focus areas, titles), `grants` (grant decisions and register files), `reports` (one report and its
file), `malformed` (the broken files), `inbox` (files and manifest entries collected in memory)
and `generator` (`generate`, which ties them together).
"""

from pipelines.demo.generator import Progress, generate
from pipelines.demo.malformed import MALFORMED_KINDS

__all__ = ["MALFORMED_KINDS", "Progress", "generate"]
