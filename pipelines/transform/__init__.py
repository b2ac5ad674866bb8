"""Transform: the raw tables become the marts the dashboard reads.

The SQL lives next to this module: numbered `NN_*.sql` files run in order (intermediate views,
then marts), then every `checks/*.sql` query, each of which returns the rows that break a rule.
Any such row fails the build loudly, so a broken warehouse is never published.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines import reference
from pipelines.contract import ENUMS

HERE = Path(__file__).parent


class CheckFailed(RuntimeError):
    """A mart broke one of its checks; the version being built must not be published."""


def model_files() -> list[Path]:
    return sorted(HERE.glob("[0-9][0-9]_*.sql"))


def check_files() -> list[Path]:
    return sorted((HERE / "checks").glob("*.sql"))


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the reference tables from data/reference and the contract's enums."""
    enums = pl.DataFrame(
        [
            {"enum": enum, "key": key, "label_sv": label.sv, "label_en": label.en}
            for enum, options in ENUMS.items()
            for key, label in options.items()
        ]
    )
    for table, frame in (
        ("ref_municipalities", reference.municipalities()),
        ("ref_counties", reference.counties()),
        ("ref_municipality_groups", reference.municipality_groups()),
        ("ref_enums", enums),
    ):
        con.register("reference_frame", frame.to_arrow())
        try:
            con.execute(f"create or replace table {table} as select * from reference_frame")
        finally:
            con.unregister("reference_frame")


def run_checks(con: duckdb.DuckDBPyConnection) -> None:
    failures = []
    for path in check_files():
        sql = path.read_text(encoding="utf-8")
        rows = con.execute(f"select * from ({sql}) limit 5").fetchall()
        if rows:
            rule = sql.splitlines()[0].lstrip("- ").strip()
            failures.append(f"{path.stem}: {rule}; e.g. {rows}")
    if failures:
        raise CheckFailed("mart checks failed:\n" + "\n".join(failures))


def run_transform(con: duckdb.DuckDBPyConnection) -> None:
    load_reference(con)
    for path in model_files():
        con.execute(path.read_text(encoding="utf-8"))
    run_checks(con)
