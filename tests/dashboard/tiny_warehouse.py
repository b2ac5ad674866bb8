"""A tiny but real warehouse directory for the dashboard's tests.

It writes ``warehouse-<n>.duckdb`` with the mart tables of docs/marts.md (a handful of
municipalities and years, values chosen so that every case appears: yes, no, not reported, a
missing FTE, an expiring agreement, report text that looks like a formula or HTML) and points
``current.duckdb`` at it, as the pipelines publish. ``mart_region_year`` is aggregated from the
municipality rows with the marts' own definitions, so the shares agree with them.

Run it as a script to build a warehouse of all 290 municipalities for trying the app by hand:
``.venv/bin/python tests/dashboard/tiny_warehouse.py /tmp/wh --all``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
YEARS = (2022, 2023, 2024)
# Four municipalities in Stockholms län (police region Stockholm), two in Uppsala län (Mitt),
# two in Skåne (Syd): enough for three counties, three police regions and a nation.
TINY_CODES = ("0114", "0115", "0117", "0180", "0380", "0381", "1280", "1281")
NO_REPORT = ("0114", 2024)  # no current report in the last year: every report value NULL
NO_FTE = ("0115", 2024)  # a report that leaves the coordinator FTE out
FORMULA_TITLE = '=HYPERLINK("http://example.invalid","klicka")'
HTML_TITLE = "<script>alert('x')</script> Trygga skolvägar"

INDICATORS = (
    "has_council",
    "has_coordinator",
    "has_situation_report",
    "has_action_plan",
    "has_agreement_in_force",
    "has_promises",
    "meets_legal_requirements",
    "uses_est",
    "uses_sspf",
)


def _reference() -> pl.DataFrame:
    return pl.read_csv(
        ROOT / "data" / "reference" / "municipalities.csv",
        schema_overrides={"municipality_code": pl.String, "county_code": pl.String},
    )


def _municipality_row(ref: dict, year: int, rng: random.Random) -> dict:
    code = ref["municipality_code"]
    base = {
        **ref,
        "year": year,
        "legal_requirements_apply": year >= 2023,
        "granted_sek": 0.0,
        "paid_sek": 0.0,
        "applied_sek": 0.0,
        "grants_count": 0,
    }
    if (code, year) == NO_REPORT or rng.random() < 0.08:
        return {**base, "has_report": False}
    progress = (year - YEARS[0]) * 0.1
    fte = None if (code, year) == NO_FTE else round(rng.choice([0.0, 0.25, 0.5, 1.0, 2.0]), 2)
    council = rng.random() < 0.75 + progress
    situation = rng.random() < 0.6 + progress
    plan = rng.random() < 0.45 + progress
    agreement = rng.random() < 0.9
    valid_from = dt.date(year - 2, 1, 1)
    valid_to = dt.date(year + rng.choice([-1, 0, 1, 2]), rng.choice([3, 6, 12]), 28)
    promises = rng.choice([0, 1, 2, 3])
    granted = float(rng.choice([0, 0, 150_000, 400_000]))
    return {
        **base,
        "has_report": True,
        "submitted_at": dt.datetime(year + 1, rng.choice([2, 3, 4]), 15, 10, 0),
        "report_sha256": f"{code}{year}".ljust(64, "0"),
        "report_file_name": f"rapport_{code}_{year}.json",
        "has_council": council,
        "council_name": f"Brå {ref['municipality_name']}" if council else None,
        "coordinator_fte": fte,
        "has_coordinator": None if fte is None else fte > 0,
        "coordination_models": ["est"] if rng.random() < 0.4 else [],
        "has_situation_report": situation,
        "situation_report_updated_year": year if situation else None,
        "has_action_plan": plan,
        "action_plan_adopted_date": dt.date(year, 5, 1) if plan else None,
        "has_agreement": agreement,
        "has_agreement_in_force": agreement and valid_to >= dt.date(year, 1, 1),
        "agreement_valid_from": valid_from if agreement else None,
        "agreement_valid_to": valid_to if agreement else None,
        "agreement_signed_date": valid_from if agreement else None,
        "agreement_police_area": f"LPO {ref['municipality_name']}" if agreement else None,
        "agreement_focus_areas": ["youth_crime", "drugs"] if agreement else [],
        "promises_count": promises,
        "has_promises": promises > 0,
        "promises_fulfilled": min(promises, 1),
        "promises_with_dialogue": promises,
        "meets_legal_requirements": council and situation and plan,
        "projects_count": 1 if granted else 0,
        "spent_sek": granted * 0.8,
        "granted_sek": granted,
        "paid_sek": granted,
        "applied_sek": granted * 1.5,
        "grants_count": 1 if granted else 0,
    }


MUNICIPALITY_YEAR_SCHEMA = {
    "municipality_code": pl.String,
    "municipality_name": pl.String,
    "county_code": pl.String,
    "county_name": pl.String,
    "police_region": pl.String,
    "population": pl.Int64,
    "municipality_group": pl.String,
    "municipality_group_name": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "year": pl.Int32,
    "has_report": pl.Boolean,
    "submitted_at": pl.Datetime("us"),
    "is_late": pl.Boolean,
    "report_sha256": pl.String,
    "report_file_name": pl.String,
    "has_council": pl.Boolean,
    "council_name": pl.String,
    "coordinator_fte": pl.Float64,
    "has_coordinator": pl.Boolean,
    "coordination_models": pl.List(pl.String),
    "uses_est": pl.Boolean,
    "uses_sspf": pl.Boolean,
    "has_situation_report": pl.Boolean,
    "situation_report_updated_year": pl.Int32,
    "has_action_plan": pl.Boolean,
    "action_plan_adopted_date": pl.Date,
    "has_agreement": pl.Boolean,
    "has_agreement_in_force": pl.Boolean,
    "agreement_valid_from": pl.Date,
    "agreement_valid_to": pl.Date,
    "agreement_signed_date": pl.Date,
    "agreement_police_area": pl.String,
    "agreement_focus_areas": pl.List(pl.String),
    "promises_count": pl.Int32,
    "has_promises": pl.Boolean,
    "promises_fulfilled": pl.Int32,
    "promises_with_dialogue": pl.Int32,
    "meets_legal_requirements": pl.Boolean,
    "legal_requirements_apply": pl.Boolean,
    "projects_count": pl.Int32,
    "spent_sek": pl.Float64,
    "granted_sek": pl.Float64,
    "paid_sek": pl.Float64,
    "applied_sek": pl.Float64,
    "grants_count": pl.Int32,
}


def municipality_year(codes: tuple[str, ...] | None, years=YEARS, seed: int = 7) -> pl.DataFrame:
    ref = _reference()
    if codes is not None:
        ref = ref.filter(pl.col("municipality_code").is_in(list(codes)))
    rows = []
    for r in ref.iter_rows(named=True):
        for year in years:
            rng = random.Random(f"{seed}-{r['municipality_code']}-{year}")
            rows.append(_municipality_row(r, year, rng))
    df = pl.DataFrame(rows, schema_overrides=MUNICIPALITY_YEAR_SCHEMA, infer_schema_length=None)
    reported = pl.when(pl.col("has_report"))
    df = df.with_columns(
        is_late=reported.then(
            pl.col("submitted_at").dt.date() > pl.date(pl.col("year") + 1, 3, 31)
        ).otherwise(None),
        uses_est=reported.then(pl.col("coordination_models").list.contains("est")),
        uses_sspf=reported.then(pl.col("coordination_models").list.contains("sspf")),
    )
    groups = pl.read_csv(
        ROOT / "data" / "reference" / "municipality_groups.csv",
        schema_overrides={"municipality_code": pl.String},
    ).select(
        "municipality_code",
        municipality_group="group_code",
        municipality_group_name="group_name",
    )
    df = df.join(groups, on="municipality_code", how="left")
    return df.select([pl.col(c).cast(t) for c, t in MUNICIPALITY_YEAR_SCHEMA.items()])


def _region_year_sql() -> str:
    shares = ",\n".join(
        f"count_if({i})::integer as count_{i}, "
        f"count({i}) filter (where has_report)::integer as denominator_{i}, "
        f"count_if({i}) / nullif(count({i}) filter (where has_report), 0) as share_{i}"
        for i in INDICATORS
    )
    # Test fixture only: the identifiers come from the fixed tuple above.
    return f"""
    with m as (
        select *, 'county' as level, county_code as region_code, county_name as region_name
        from mart_municipality_year
        union all
        select *, 'police_region', police_region, police_region from mart_municipality_year
        union all
        select *, 'nation', 'SE', 'Sverige' from mart_municipality_year
    ), agg as (
        select level, region_code, any_value(region_name) as region_name, year,
               count(*)::integer as municipalities,
               count_if(has_report)::integer as reported,
               count_if(has_report) / count(*) as share_reported,
               {shares},
               sum(population)::bigint as population,
               sum(applied_sek) as applied_sek, sum(granted_sek) as granted_sek,
               sum(paid_sek) as paid_sek, 0.0 as county_level_granted_sek,
               coalesce(sum(spent_sek), 0) as spent_sek
        from m group by all
    )
    select *, granted_sek / population as granted_per_inhabitant,
           paid_sek / population as paid_per_inhabitant,
           spent_sek / population as spent_per_inhabitant,
           population / sum(population) filter (where level = 'nation') over (partition by year)
               as population_share,
           granted_sek / nullif(sum(granted_sek) filter (where level = 'nation')
               over (partition by year), 0) as granted_share
    from agg
    """


def _detail_frames(muni: pl.DataFrame) -> dict[str, pl.DataFrame]:
    reported = muni.filter(pl.col("has_report")).sort("municipality_code", "year")
    promises, projects, grants = [], [], []
    for i, r in enumerate(reported.iter_rows(named=True)):
        common = {
            "municipality_code": r["municipality_code"],
            "municipality_name": r["municipality_name"],
            "county_code": r["county_code"],
            "police_region": r["police_region"],
            "year": r["year"],
            "report_sha256": r["report_sha256"],
        }
        for n in range(r["promises_count"]):
            title = [FORMULA_TITLE, HTML_TITLE, "Fler trygghetsvandringar"][(i + n) % 3]
            promises.append(
                {
                    **common,
                    "promise_id": f"ML-{n + 1}",
                    "title": title,
                    "focus_area": "public_space_safety",
                    "start_date": dt.date(r["year"], 2, 1),
                    "end_date": dt.date(r["year"] + 1, 1, 31),
                    "dialogue_methods": ["safety_walk", "survey"],
                    "has_dialogue": True,
                    "status": ["ongoing", "fulfilled", "planned"][n % 3],
                    "followed_up": n % 2 == 0,
                    "published": True,
                }
            )
        if r["granted_sek"]:
            grant_id = f"BRÅ-{r['year']}-{r['municipality_code']}"
            projects.append(
                {
                    **common,
                    "project_no": 1,
                    "grant_id": grant_id,
                    "title": "Trygg i centrum",
                    "category": "youth_crime",
                    "spent_sek": r["spent_sek"],
                    "co_funding_sek": 10_000.0,
                    "status": "ongoing",
                    "effect_evaluated": False,
                    "grant_in_register": True,
                }
            )
            grants.append(
                {
                    "grant_id": grant_id,
                    "decision_date": dt.date(r["year"], 3, 1),
                    "funding_year": r["year"],
                    "municipality_code": r["municipality_code"],
                    "municipality_name": r["municipality_name"],
                    "county_code": r["county_code"],
                    "county_name": r["county_name"],
                    "police_region": r["police_region"],
                    "project_title": "Trygg i centrum",
                    "category": "youth_crime",
                    "amount_applied_sek": r["applied_sek"],
                    "amount_granted_sek": r["granted_sek"],
                    "amount_paid_sek": r["paid_sek"],
                    "reported_spent_sek": r["spent_sek"],
                    "reports_count": 1,
                    "paid_exceeds_granted": False,
                    "granted_exceeds_applied": False,
                    "spent_exceeds_paid": False,
                    "no_report": False,
                    "source_file_name": f"register_{r['year']}.csv",
                    "source_sha256": "f" * 64,
                    "received_at": dt.datetime(r["year"], 3, 2),
                }
            )
    return {
        "mart_promises": pl.DataFrame(
            promises, schema_overrides={"year": pl.Int32}, infer_schema_length=None
        ),
        "mart_projects": pl.DataFrame(
            projects,
            schema_overrides={"year": pl.Int32, "project_no": pl.Int32},
            infer_schema_length=None,
        ),
        "mart_grants": pl.DataFrame(
            grants, schema_overrides={"funding_year": pl.Int32}, infer_schema_length=None
        ),
    }


def build(
    directory: Path,
    codes: tuple[str, ...] | None = TINY_CODES,
    years=YEARS,
    version: int = 1,
    synthetic: bool = True,
) -> Path:
    """Write ``warehouse-<version>.duckdb`` in ``directory`` and point ``current.duckdb`` at it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"warehouse-{version}.duckdb"
    muni = municipality_year(codes, years)
    details = _detail_frames(muni)
    con = duckdb.connect(str(path))
    try:
        con.register("muni_df", muni)
        con.sql("create table mart_municipality_year as select * from muni_df")
        con.sql(f"create table mart_region_year as {_region_year_sql()}")
        for name, frame in details.items():
            con.register("detail_df", frame)
            con.sql(f"create table {name} as select * from detail_df")
            con.unregister("detail_df")
        con.sql(
            "create table mart_submissions (submission_id integer, file_name varchar, "
            "sha256 varchar, size_bytes bigint, received_at timestamp, kind varchar, "
            "status varchar, duplicate_of integer, municipality_code varchar, "
            "refused_for_sender boolean, sender_municipality_code varchar, year integer, "
            "submitted_at timestamp, rows_loaded integer, rows_rejected integer, "
            "n_errors integer, n_warnings integer, errors varchar[], warnings varchar[])"
        )
        con.sql(
            "create table mart_issues (submission_id integer, file_name varchar, "
            "sha256 varchar, kind varchar, severity varchar, code varchar, sheet varchar, "
            "row integer, field varchar, message varchar, expected varchar, value varchar)"
        )
        con.execute(
            "create table meta as select ?::integer as version, "
            "timestamp '2025-04-01 06:00:00' as built_at, ?::boolean as synthetic, "
            "?::integer as first_year, ?::integer as last_year, '1' as contract_version",
            [version, synthetic, min(years), max(years)],
        )
    finally:
        con.close()
    tmp_link = directory / ".current.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(path.name)
    os.replace(tmp_link, directory / "current.duckdb")
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    build(out, codes=None if "--all" in sys.argv else TINY_CODES)
    print(f"warehouse written to {out}")
