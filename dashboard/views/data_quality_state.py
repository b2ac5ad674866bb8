"""Datakvalitet: the view's state (from the URL) and what the page reads for one year.

``fetch`` runs each query once; ``build`` makes every table the page shows and downloads from
it, so the tables, the cards, the map and the notes of one request share one read. Kept out of
the page module so that tests and other code can use it without registering the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard import data, state
from dashboard.components.table import Table
from dashboard.i18n import Lang
from dashboard.views import data_quality as view
from dashboard.views import dq_warnings


def parse(meta: data.Meta, query: dict) -> dict:
    search = state.first(query.get("sok"))
    return {
        "year": state.parse_year(query.get("year"), meta.years),
        "search": search.strip()[:80] if isinstance(search, str) and search.strip() else None,
    }


@dataclass(frozen=True)
class Year:
    """What the page reads for one year, each query once (the tables, cards, map and notes all
    draw on it)."""

    meta: data.Meta
    rows: pl.DataFrame  # every municipality's reporting status
    files: pl.DataFrame  # the files received for the year
    muni: pl.DataFrame  # mart_municipality_year of the year (attention, map)
    warnings: pl.DataFrame
    unreported: pl.DataFrame
    unknown_ids: pl.DataFrame
    runs: pl.DataFrame


def fetch(wh: data.Warehouse, meta: data.Meta, year: int) -> Year:
    return Year(
        meta=meta,
        rows=data.reporting_status(wh, year),
        files=data.submissions_for_year(wh, year),
        muni=data.municipality_year(wh, year),
        warnings=data.dq_warnings(wh, year),
        unreported=data.dq_unreported_grants(wh, year),
        unknown_ids=data.dq_unknown_grant_ids(wh, year),
        runs=data.runs(wh),
    )


def visible_files(files: pl.DataFrame, scope: str | None) -> pl.DataFrame:
    """The received files the reader may see (``access.submission_scope``): all (``"*"``), one
    municipality's (a code) or none (None). The counts on the page use every file.

    A municipality's files are those naming it, less the ones refused for who sent them
    (another municipality's account), plus the ones its own account was refused for."""
    if scope == "*":
        return files
    if scope is None:
        return files.head(0)
    return files.filter(
        ((pl.col("municipality_code") == scope) & ~pl.col("refused_for_sender"))
        | (pl.col("sender_municipality_code") == scope)
    )


def build(got: Year, st: dict, lang: Lang, scope: str | None = "*") -> dict[str, Table]:
    """Every table of the page by name: rendered and downloaded from the same place. The list
    of files and the reasons for rejections are limited to ``scope``."""
    year = st["year"]
    seen = visible_files(got.files, scope)
    return {
        "attention": view.attention_table(
            got.muni, year, dt.date.today(), got.meta.last_year, lang
        ),
        "counties": view.county_table(got.rows, year, lang),
        "chase": view.chase_table(got.rows, year, lang),
        "files": view.files_table(view.filter_files(seen, st["search"]), year, lang),
        "reasons": view.reasons_table(seen, year, lang),
        "warnings_by_kind": dq_warnings.by_kind_table(got.warnings, year, lang),
        "warnings_by_municipality": dq_warnings.by_municipality_table(got.warnings, year, lang),
        "unreported_grants": dq_warnings.unreported_grants_table(got.unreported, year, lang),
        "unknown_grant_ids": dq_warnings.unknown_grant_ids_table(got.unknown_ids, year, lang),
        "runs": view.runs_table(got.runs, lang),
    }


def tables(wh: data.Warehouse, st: dict, lang: Lang, scope: str | None = "*") -> dict[str, Table]:
    return build(fetch(wh, data.meta(wh), st["year"]), st, lang, scope)


def cards(wh: data.Warehouse, st: dict, lang: Lang) -> list:
    """The year's figures as KPI cards."""
    got = fetch(wh, data.meta(wh), st["year"])
    return view.kpis(got.rows, got.files, st["year"], lang)
