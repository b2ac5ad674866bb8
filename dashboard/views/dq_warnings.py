"""Datakvalitet: pure builders for the year's warnings and the grant ids reports and register
disagree on.

Warnings do not stop a file but say that something was guessed or ignored; they are counted per
kind and per municipality over the files of the year (the files the page lists:
``data.submissions_for_year``, less those refused for who sent them, which say nothing about
the municipality they name), so feedback can go back to each office. The kind is the
pipelines' warning ``code`` (``mart_issues.code``), except that a ``guessed_value`` on a code
field (a municipality or county code without its leading zero, or stored as a number) is the kind
``padded_code``: the commonest guess, and one an office can fix in its own template. A register's
warnings belong to no municipality: they are a row of their own, for the grant office. Both
tables are public: rejected files are counted, never named (their names are on the file list,
for the roles).

The grant ids: the year's current grants that no current report names (``mart_grants.no_report``)
and the funded projects of the year's current reports whose grant id the current register lacks
(``mart_projects.grant_in_register`` false), which report-format.md asks to be visible here.
"""

from __future__ import annotations

import polars as pl

from dashboard import fmt
from dashboard.components.table import Table
from dashboard.i18n import STRINGS, Lang, t

PADDED_FIELDS = ("municipality_code", "county_code")
REGISTER = "register"  # the by-municipality row of the grant registers' warnings
UNKNOWN = "unknown"  # ... and of reports whose municipality could not be read


def warning_kind(code: str, field: str | None) -> str:
    """The kind a warning is counted under: its code, ``padded_code`` for a padded code."""
    if code == "guessed_value" and field in PADDED_FIELDS:
        return "padded_code"
    return code


def kind_label(kind: str, lang: Lang) -> str:
    """A warning kind in words; the code itself for a code without words yet."""
    key = f"dqw_code_{kind}"
    return t(key, lang) if key in STRINGS else kind


def _kommun(code: str, year: int) -> str:
    return f"/kommun?kod={code}&year={year}"


def with_kinds(warnings: pl.DataFrame) -> pl.DataFrame:
    """The warnings with their ``warning_kind`` and the owner they go back to (``owner``: the
    municipality code, ``REGISTER`` for a grant register, ``UNKNOWN`` for a file naming none)."""
    kinds = [
        warning_kind(c, f)
        for c, f in zip(warnings["code"].to_list(), warnings["field"].to_list(), strict=True)
    ]
    owner = (
        pl.when(pl.col("municipality_code").is_not_null())
        .then(pl.col("municipality_code"))
        .when(pl.col("kind").str.starts_with("grants"))
        .then(pl.lit(REGISTER))
        .otherwise(pl.lit(UNKNOWN))
    )
    return warnings.with_columns(warning_kind=pl.Series(kinds, dtype=pl.String), owner=owner)


def by_kind_table(warnings: pl.DataFrame, year: int, lang: Lang) -> Table:
    """Per kind of warning, most frequent first: the warnings, and the files and municipalities
    they occur in."""
    rows = with_kinds(warnings)
    grouped = (
        rows.group_by("warning_kind")
        .agg(
            n=pl.len(),
            files=pl.col("submission_id").n_unique(),
            municipalities=pl.col("municipality_code").drop_nulls().n_unique(),
        )
        .sort(["n", "warning_kind"], descending=[True, False])
    )
    cols = [
        t("dqw_kind", lang),
        t("dqw_code", lang),
        t("dqw_n", lang),
        t("dqw_files", lang),
        t("dqw_municipalities", lang),
    ]
    frame = pl.DataFrame(
        {
            cols[0]: [kind_label(k, lang) for k in grouped["warning_kind"].to_list()],
            cols[1]: grouped["warning_kind"].to_list(),
            cols[2]: grouped["n"].to_list(),
            cols[3]: grouped["files"].to_list(),
            cols[4]: grouped["municipalities"].to_list(),
        },
        schema={c: pl.String if i < 2 else pl.Int64 for i, c in enumerate(cols)},
    )
    kinds = dict.fromkeys(cols[2:], "int")
    return Table(
        "warnings_by_kind",
        t("dqw_by_kind_heading", lang, year=year),
        frame,
        kinds=kinds,  # type: ignore[arg-type]
    )


def by_municipality_table(warnings: pl.DataFrame, year: int, lang: Lang) -> Table:
    """Per municipality, most warnings first (then by name): the warnings, their kinds in words
    with how many of each, the files that were not rejected by name and the rejected ones by
    number. The grant registers' warnings, and those of files that name no municipality, come
    last on rows of their own.

    The table and its download are public: a rejected file's name (sender's text, which can say
    anything) is shown only on the file list, which needs a role (``access.submission_scope``)."""
    rows = with_kinds(warnings)
    records = []
    for (owner,), part in rows.group_by(["owner"], maintain_order=True):
        counts = (
            part.group_by("warning_kind")
            .len()
            .sort(["len", "warning_kind"], descending=[True, False])
        )
        kinds = ", ".join(
            f"{kind_label(k, lang)} ({n})" for k, n in counts.iter_rows() if k is not None
        )
        rejected = part.filter(pl.col("status") == "rejected")
        files = ", ".join(
            sorted(set(part.filter(pl.col("status") != "rejected")["file_name"].to_list()))
        )
        if owner == REGISTER:
            name, code, rank = t("dqw_register", lang), None, 1
        elif owner == UNKNOWN:
            name, code, rank = t("dqw_unknown_municipality", lang), None, 2
        else:
            name, code, rank = part["municipality_name"][0] or owner, owner, 0
        n_rejected = rejected["submission_id"].n_unique()
        records.append(
            (rank, -part.height, name, code, part.height, kinds, files or None, n_rejected)
        )
    records.sort(key=lambda r: (r[0], r[1], fmt.swedish_key(r[2])))
    cols = [
        t("municipality", lang),
        t("municipality_code", lang),
        t("dqw_n", lang),
        t("dqw_kinds", lang),
        t("dqw_files", lang),
        t("dqw_rejected_files", lang),
    ]
    frame = pl.DataFrame(
        [r[2:] for r in records],
        schema={
            cols[0]: pl.String,
            cols[1]: pl.String,
            cols[2]: pl.Int64,
            cols[3]: pl.String,
            cols[4]: pl.String,
            cols[5]: pl.Int64,
        },
        orient="row",
    )
    links = {cols[0]: [_kommun(r[3], year) if r[3] else None for r in records]}
    return Table(
        "warnings_by_municipality",
        t("dqw_by_municipality_heading", lang, year=year),
        frame,
        kinds={cols[2]: "int", cols[5]: "int"},
        links=links,
    )


def unreported_grants_table(grants: pl.DataFrame, year: int, lang: Lang) -> Table:
    """The funding year's current grants that no current report names."""
    cols = [
        t("grant_id", lang),
        t("municipality", lang),
        t("municipality_code", lang),
        t("project_title", lang),
        t("decision_date", lang),
        t("granted", lang),
        t("paid", lang),
    ]
    frame = pl.DataFrame(
        {
            cols[0]: grants["grant_id"].to_list(),
            cols[1]: grants["municipality_name"].to_list(),
            cols[2]: grants["municipality_code"].to_list(),
            cols[3]: grants["project_title"].to_list(),
            cols[4]: grants["decision_date"].to_list(),
            cols[5]: grants["amount_granted_sek"].to_list(),
            cols[6]: grants["amount_paid_sek"].to_list(),
        },
        schema={
            cols[0]: pl.String,
            cols[1]: pl.String,
            cols[2]: pl.String,
            cols[3]: pl.String,
            cols[4]: pl.Date,
            cols[5]: pl.Float64,
            cols[6]: pl.Float64,
        },
    )
    links = {cols[1]: [_kommun(c, year) for c in grants["municipality_code"].to_list()]}
    return Table(
        "unreported_grants",
        t("dqw_unreported_heading", lang, year=year),
        frame,
        kinds={cols[4]: "date", cols[5]: "sek", cols[6]: "sek"},
        links=links,
    )


def unknown_grant_ids_table(projects: pl.DataFrame, year: int, lang: Lang) -> Table:
    """The funded projects of the year's current reports naming a grant id the register lacks,
    with the report file and, for an XLSX report, the sheet and row that carry the id."""
    cols = [
        t("municipality", lang),
        t("municipality_code", lang),
        t("dq_file", lang),
        t("grant_id", lang),
        t("project_title", lang),
        t("dqw_sheet", lang),
        t("dqw_row", lang),
    ]
    frame = pl.DataFrame(
        {
            cols[0]: projects["municipality_name"].to_list(),
            cols[1]: projects["municipality_code"].to_list(),
            cols[2]: projects["file_name"].to_list(),
            cols[3]: projects["grant_id"].to_list(),
            cols[4]: projects["title"].to_list(),
            cols[5]: projects["sheet"].to_list(),
            cols[6]: projects["row"].to_list(),
        },
        schema={c: pl.Int64 if c == cols[6] else pl.String for c in cols},
    )
    links = {cols[0]: [_kommun(c, year) for c in projects["municipality_code"].to_list()]}
    return Table(
        "unknown_grant_ids",
        t("dqw_unknown_ids_heading", lang, year=year),
        frame,
        kinds={cols[6]: "int"},
        links=links,
    )
