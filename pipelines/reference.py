"""Reference facts: the 290 municipalities and 21 counties with codes, regions and population.

Read from `data/reference/` (committed copies of `shared/reference/`), or from the folder named by
the environment variable `REFERENCE_DIR`, so that a newer SCB table can replace them.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
POLICE_REGIONS = ("Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen")


def reference_dir() -> Path:
    return Path(os.environ.get("REFERENCE_DIR", ROOT / "data" / "reference"))


def municipalities() -> pl.DataFrame:
    return pl.read_csv(
        reference_dir() / "municipalities.csv",
        schema_overrides={"municipality_code": pl.String, "county_code": pl.String},
    )


def counties() -> pl.DataFrame:
    return pl.read_csv(
        reference_dir() / "counties.csv", schema_overrides={"county_code": pl.String}
    )


def municipality_groups() -> pl.DataFrame:
    """SKR's Kommungruppsindelning 2023: code, name, group code and group name per municipality."""
    return pl.read_csv(
        reference_dir() / "municipality_groups.csv",
        schema_overrides={"municipality_code": pl.String},
    )


@cache
def _codes(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    return (
        frozenset(municipalities()["municipality_code"].to_list()),
        frozenset(counties()["county_code"].to_list()),
    )


def municipality_codes() -> set[str]:
    return set(_codes(str(reference_dir()))[0])


def county_codes() -> set[str]:
    return set(_codes(str(reference_dir()))[1])
