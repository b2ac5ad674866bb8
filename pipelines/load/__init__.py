"""Load: validated submissions become rows of the raw tables, with provenance, in one statement
per table (Polars frames handed to DuckDB through Arrow)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines.contract import REPORT_FIELDS
from pipelines.submission import Submission

SCHEMA_SQL = Path(__file__).with_name("raw_schema.sql")
LIST = pl.List(pl.String)

_TYPES = {
    "string": pl.String,
    "text": pl.String,
    "code": pl.String,
    "enum": pl.String,
    "enums": LIST,
    "bool": pl.Boolean,
    "date": pl.Date,
    "datetime": pl.Datetime("us"),
    "year": pl.Int32,
    "int": pl.Int32,
    "number": pl.Float64,
}
# Report columns of raw_reports that come straight from the contract's fields.
REPORT_COLUMNS = {
    f.key.replace(".", "_"): _TYPES[f.type]
    for f in REPORT_FIELDS
    if f.key not in ("schema_version", "municipality_code", "reporting_year", "submitted_at")
}

SUBMISSION_SCHEMA = {
    "submission_id": pl.Int32,
    "file_name": pl.String,
    "source_path": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "received_at": pl.Datetime("us"),
    "kind": pl.String,
    "ingest_status": pl.String,
    "duplicate_of": pl.Int32,
    "municipality_code": pl.String,
    "year": pl.Int32,
    "submitted_at": pl.Datetime("us"),
    "rows_loaded": pl.Int32,
    "rows_rejected": pl.Int32,
    "run_id": pl.Int32,
}
ISSUE_SCHEMA = {
    "submission_id": pl.Int32,
    "severity": pl.String,
    "code": pl.String,
    "sheet": pl.String,
    "row": pl.Int32,
    "field": pl.String,
    "label": pl.String,
    "message": pl.String,
    "expected": pl.String,
    "value": pl.String,
}
REPORT_SCHEMA = {
    "submission_id": pl.Int32,
    "municipality_code": pl.String,
    "reporting_year": pl.Int32,
    "submitted_at": pl.Datetime("us"),
    "received_at": pl.Datetime("us"),
    **REPORT_COLUMNS,
}
PROMISE_SCHEMA = {
    "submission_id": pl.Int32,
    "promise_no": pl.Int32,
    "promise_id": pl.String,
    "title": pl.String,
    "focus_area": pl.String,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "dialogue_methods": LIST,
    "status": pl.String,
    "followed_up": pl.Boolean,
    "published": pl.Boolean,
}
PROJECT_SCHEMA = {
    "submission_id": pl.Int32,
    "project_no": pl.Int32,
    "grant_id": pl.String,
    "title": pl.String,
    "category": pl.String,
    "spent_sek": pl.Float64,
    "co_funding_sek": pl.Float64,
    "status": pl.String,
    "effect_evaluated": pl.Boolean,
    "grant_id_sheet": pl.String,
    "grant_id_row": pl.Int32,
    "grant_id_label": pl.String,
}
GRANT_SCHEMA = {
    "submission_id": pl.Int32,
    "line_no": pl.Int32,
    "grant_id": pl.String,
    "decision_date": pl.Date,
    "funding_year": pl.Int32,
    "municipality_code": pl.String,
    "county_code": pl.String,
    "project_title": pl.String,
    "category": pl.String,
    "amount_applied_sek": pl.Float64,
    "amount_granted_sek": pl.Float64,
    "amount_paid_sek": pl.Float64,
}


def create_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """The single value of a query, with its result read to the end (DuckDB 2.0 blocks the
    connection while a result is unfinished, and `fetchone` leaves it unfinished)."""
    return con.execute(sql, params or []).fetchall()[0][0]


def next_submission_id(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "select coalesce(max(submission_id), 0) + 1 from raw_submissions")


def known_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """sha256 -> the first submission that carried those bytes."""
    rows = con.execute(
        "select sha256, min(submission_id) from raw_submissions group by sha256"
    ).fetchall()
    return dict(rows)


def ingested_sources(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(sha256, source path) of every file already recorded."""
    return set(con.execute("select distinct sha256, source_path from raw_submissions").fetchall())


def _report_row(s: Submission) -> dict:
    r = s.report or {}
    row = {
        "submission_id": s.submission_id,
        "municipality_code": r["municipality_code"],
        "reporting_year": r["reporting_year"],
        "submitted_at": s.submitted_at,
        "received_at": s.received_at,
    }
    for f in REPORT_FIELDS:
        column = f.key.replace(".", "_")
        if column in REPORT_COLUMNS:
            section, _, leaf = f.key.rpartition(".")
            row[column] = (r.get(section, {}) if section else r).get(leaf)
    return row


def load_submissions(
    con: duckdb.DuckDBPyConnection, submissions: list[Submission], run_id: int
) -> None:
    """Insert every submission (whatever its fate) and the rows of the loaded ones."""
    frames: dict[str, list[dict]] = {
        k: [] for k in ("subs", "issues", "reps", "proms", "projs", "grants")
    }
    for s in submissions:
        frames["subs"].append(
            {
                "submission_id": s.submission_id,
                "file_name": s.file_name,
                "source_path": str(s.source_path),
                "sha256": s.sha256,
                "size_bytes": s.size_bytes,
                "received_at": s.received_at,
                "kind": s.kind,
                "ingest_status": s.status,
                "duplicate_of": s.duplicate_of,
                "municipality_code": s.municipality_code,
                "year": s.year,
                "submitted_at": s.submitted_at,
                "rows_loaded": len(s.grant_rows) if s.kind.startswith("grants") else None,
                "rows_rejected": s.rows_rejected,
                "run_id": run_id,
            }
        )
        for issue in s.issues:
            frames["issues"].append(
                {
                    "submission_id": s.submission_id,
                    "severity": issue.severity,
                    "code": issue.code,
                    "sheet": issue.sheet,
                    "row": issue.row,
                    "field": issue.field,
                    "label": issue.label,
                    "message": issue.message,
                    "expected": issue.expected,
                    "value": issue.value,
                }
            )
        if s.status != "loaded" and s.status != "partially_loaded":
            continue
        if s.report is not None:
            frames["reps"].append(_report_row(s))
            for no, p in enumerate(s.report["citizen_promises"], start=1):
                frames["proms"].append({"submission_id": s.submission_id, "promise_no": no, **p})
            for no, (p, place) in enumerate(
                zip(s.report["funded_projects"], s.grant_id_places, strict=True), start=1
            ):
                frames["projs"].append(
                    {
                        "submission_id": s.submission_id,
                        "project_no": no,
                        **p,
                        "grant_id_sheet": place.sheet,
                        "grant_id_row": place.row,
                        # JSON locations are the key path itself: no separate label.
                        "grant_id_label": place.field if place.sheet else None,
                    }
                )
        for g in s.grant_rows:
            frames["grants"].append({"submission_id": s.submission_id, **g})

    for table, key, schema in (
        ("raw_submissions", "subs", SUBMISSION_SCHEMA),
        ("raw_issues", "issues", ISSUE_SCHEMA),
        ("raw_reports", "reps", REPORT_SCHEMA),
        ("raw_promises", "proms", PROMISE_SCHEMA),
        ("raw_projects", "projs", PROJECT_SCHEMA),
        ("raw_grants", "grants", GRANT_SCHEMA),
    ):
        rows = frames[key]
        if not rows:
            continue
        frame = pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema)
        con.register("incoming_frame", frame.to_arrow())
        try:
            con.execute(f"insert into {table} by name select * from incoming_frame")
        finally:
            con.unregister("incoming_frame")
