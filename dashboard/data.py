"""The only module that talks to DuckDB: small typed functions that return Polars frames.

The pipelines publish a new ``warehouse-<n>.duckdb`` and atomically repoint ``current.duckdb``
at it (docs/marts.md). A ``Warehouse`` holds read-only connections per process to the files the
link points to; each request resolves the link at its first query and reads that version to its
end, so a new version is picked up without a restart and no request mixes two. Distinct
versioned paths matter: DuckDB hands back the old database for a path the process already has
open. Each query uses its own cursor, because a connection is not thread-safe and gunicorn runs
threads. No connection is opened at import or in
``create_app``: the first query opens it, in the worker, after the fork.

Every value is a bound parameter; the SQL is read from ``dashboard/queries/``. Indicator columns
are never spliced into SQL: queries return all indicator columns and the caller picks one from the
whitelist in ``i18n.INDICATORS``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

import duckdb
import flask
import polars as pl

QUERIES = Path(__file__).parent / "queries"
CURRENT = "current.duckdb"
DEFAULT_WAREHOUSE_DIR = "data/warehouse"
PINNED_KEY = "bf_warehouse_version"
T = TypeVar("T")
_VERSION_FILE = re.compile(r"warehouse-(\d+)\.duckdb$")


class WarehouseUnavailable(RuntimeError):
    """No published warehouse: ``current.duckdb`` is missing or points nowhere."""


def warehouse_dir_from_env() -> Path:
    """The warehouse directory named by ``WAREHOUSE_DIR`` (default ``data/warehouse``)."""
    return Path(os.environ.get("WAREHOUSE_DIR") or DEFAULT_WAREHOUSE_DIR)


@cache
def sql(name: str) -> str:
    """The text of ``queries/<name>.sql`` (files are part of the code: read once)."""
    return (QUERIES / f"{name}.sql").read_text(encoding="utf-8")


class Warehouse:
    """A per-process handle on the published warehouse in ``directory``.

    Within a request, every query reads the version the request's first query found: a request
    never mixes two versions, and the version it reports (``X-Warehouse-Version``) is the one
    that answered. The connections of the last few versions stay open, so a request that began
    just before a publish finishes on its own version while new requests read the new one.
    """

    KEEP = 3  # as many versions as the pipelines keep on disk

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._cons: dict[str, duckdb.DuckDBPyConnection] = {}
        self._memo: dict[str, dict[object, object]] = {}

    MEMO_ENTRIES = 512  # per version: the oldest entries go first beyond this

    def memo(self, key: object, compute: Callable[[], T]) -> T:
        """``compute()`` once per published version and ``key``: a version never changes, so
        what is read from it (its meta, the API's tables) is read once per process. Callers
        must not change what they get. Two threads may compute the same value at the same
        time; the second result is dropped."""
        path = self.request_path()
        with self._lock:
            found = self._memo.get(path, {})
            if key in found:
                return found[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            entries = self._memo.setdefault(path, {})
            entries.setdefault(key, value)
            found = entries[key]
            while len(entries) > self.MEMO_ENTRIES:
                del entries[next(iter(entries))]
            for old in list(self._memo)[: -self.KEEP]:
                del self._memo[old]
            return found  # type: ignore[return-value]

    def current_path(self) -> str:
        """The versioned file ``current.duckdb`` points at now."""
        target = os.path.realpath(self.directory / CURRENT)
        if not os.path.isfile(target):
            raise WarehouseUnavailable(f"no published warehouse in {self.directory}")
        return target

    def request_path(self) -> str:
        """The version this request reads: pinned at its first query (outside a request, now)."""
        if not flask.has_request_context():
            return self.current_path()
        pinned = flask.g.get(PINNED_KEY)
        if pinned is None or pinned[0] is not self:
            pinned = (self, self.current_path())
            setattr(flask.g, PINNED_KEY, pinned)
        return pinned[1]

    def _connection(self) -> duckdb.DuckDBPyConnection:
        target = self.request_path()
        with self._lock:
            con = self._cons.get(target)
            if con is None:
                con = duckdb.connect(target, read_only=True)
                self._cons[target] = con
                # Older versions are dropped, not closed: cursors other threads still use keep
                # their database alive until they finish.
                for old in list(self._cons)[: -self.KEEP]:
                    del self._cons[old]
            return con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._connection().cursor()
        try:
            yield cur
        finally:
            cur.close()

    def query(self, name: str, **params: object) -> pl.DataFrame:
        """``queries/<name>.sql`` with named parameters, as a Polars frame. A version never
        changes, so the same query with the same parameters is run once per version and
        process (no query reads the clock); Polars frames are not changed in place."""
        key = ("query", name, tuple(sorted((k, _frozen(v)) for k, v in params.items())))
        return self.memo(key, lambda: self._run(name, params))

    def _run(self, name: str, params: dict) -> pl.DataFrame:
        with self.cursor() as cur:
            return cur.sql(sql(name), params=params or None).pl()


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Meta:
    version: int
    built_at: dt.datetime | None
    synthetic: bool
    first_year: int
    last_year: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


def version_of(path: str) -> int | None:
    """The version number of a versioned warehouse file's path."""
    match = _VERSION_FILE.search(path)
    return int(match.group(1)) if match else None


def served_version(wh: Warehouse) -> int | None:
    """The version this request read (or would read): for the ``X-Warehouse-Version`` header."""
    try:
        return version_of(wh.request_path())
    except WarehouseUnavailable:
        return None


def meta(wh: Warehouse) -> Meta:
    """The warehouse's version, build time, demo flag and year range (read once per version)."""
    return wh.memo("meta", lambda: _meta(wh))


def _meta(wh: Warehouse) -> Meta:
    row = wh.query("meta").row(0, named=True)
    return Meta(
        version=int(row["version"]),
        built_at=row["built_at"],
        synthetic=bool(row["synthetic"]),
        first_year=int(row["first_year"]),
        last_year=int(row["last_year"]),
    )


def municipality_year(wh: Warehouse, year: int) -> pl.DataFrame:
    """All municipalities in ``year`` with every indicator (one row each)."""
    return wh.query("municipality_year", year_from=year, year_to=year)


def municipality_history(wh: Warehouse, code: str) -> pl.DataFrame:
    """One municipality over every year."""
    return wh.query("municipality_history", code=code)


def municipalities(wh: Warehouse) -> pl.DataFrame:
    """Code, name, county and police region of every municipality, by name."""
    return wh.query("municipalities")


def region_year(wh: Warehouse, year: int) -> pl.DataFrame:
    """Every county, police region and the nation in ``year``."""
    return wh.query("region_year", year=year)


def region_trend(wh: Warehouse, level: str, code: str) -> pl.DataFrame:
    """One region (``level`` as in the mart: county, police_region, nation) over the years."""
    return wh.query("region_trend", level=level, code=code)


def regions(wh: Warehouse, level: str) -> pl.DataFrame:
    """Code and name of the regions of one mart level."""
    return wh.query("regions", level=level)


def region_members(wh: Warehouse, level: str, code: str, year: int) -> pl.DataFrame:
    """The municipalities of one county or police region in ``year``, by name."""
    return wh.query("region_members", level=level, code=code, year=year)


def promises(wh: Warehouse, code: str, year: int) -> pl.DataFrame:
    """One municipality's citizen promises in ``year``."""
    return wh.query("promises", code=code, year=year)


def projects(wh: Warehouse, code: str, year: int) -> pl.DataFrame:
    """One municipality's funded projects in ``year``."""
    return wh.query("projects", code=code, year=year)


def grants(wh: Warehouse, code: str, year: int) -> pl.DataFrame:
    """The grant register's rows for one municipality and funding year."""
    return wh.query("grants", code=code, year=year)


# -- Medel (fund use) -----------------------------------------------------------------------------

FUND_LEVELS = ("municipality", "county", "police_region")


def fund_years(wh: Warehouse) -> list[int]:
    """Every year the marts hold: the reporting years and any later funding year."""
    return wh.query("fund_years")["year"].to_list()


def fund_allocation(wh: Warehouse, level: str, year_from: int, year_to: int) -> pl.DataFrame:
    """Applied, granted, paid and spent per region of ``level`` (one of ``FUND_LEVELS``) summed
    over the funding years ``year_from..year_to``, per inhabitant, with the shares and their gap."""
    if level not in FUND_LEVELS:
        raise ValueError(f"unknown level {level!r}")
    return wh.query("fund_allocation", level=level, year_from=year_from, year_to=year_to)


def fund_nation(wh: Warehouse, year_from: int, year_to: int) -> dict:
    """The nation's money over the range, county-level grants included (one row as a dict)."""
    return wh.query("fund_nation", year_from=year_from, year_to=year_to).row(0, named=True)


def fund_trend(wh: Warehouse, level: str, code: str) -> pl.DataFrame:
    """Applied, granted, paid and spent per year for one region (``level`` as in the marts, or
    ``municipality``)."""
    return wh.query("fund_trend", level=level, code=code)


def fund_grants(wh: Warehouse, year_from: int, year_to: int) -> pl.DataFrame:
    """Every current grant of the funding years in the range, with its review flags."""
    return wh.query("fund_grants", year_from=year_from, year_to=year_to)


def fund_concentration(wh: Warehouse, year_from: int, year_to: int) -> pl.DataFrame:
    """Gini and municipalities without a grant for each year of the range and for the range
    (the range's row last)."""
    return wh.query("fund_concentration", year_from=year_from, year_to=year_to)


def fund_lorenz(wh: Warehouse, year_from: int, year_to: int) -> pl.DataFrame:
    """The Lorenz curve's points for the range, in order."""
    return wh.query("fund_lorenz", year_from=year_from, year_to=year_to)


def fund_grant(wh: Warehouse, grant_id: str) -> dict | None:
    """One grant's current row, or None for an unknown id."""
    rows = wh.query("fund_grant", grant_id=grant_id)
    return rows.row(0, named=True) if rows.height else None


def grant_sources(wh: Warehouse, grant_id: str) -> pl.DataFrame:
    """The current reports' projects that name the grant, with their report files."""
    return wh.query("grant_sources", grant_id=grant_id)


# -- Jämför (peer comparison) ---------------------------------------------------------------------


def municipality_years(wh: Warehouse) -> pl.DataFrame:
    """Every municipality in every reporting year, the columns of ``municipality_year``."""
    meta_ = meta(wh)
    return wh.query("municipality_year", year_from=meta_.first_year, year_to=meta_.last_year)


def county_years(wh: Warehouse) -> pl.DataFrame:
    """``mart_region_year``'s counties and the nation in every reporting year."""
    return wh.query("county_years")


# -- Datakvalitet (what arrived) -------------------------------------------------------------------


def reporting_status(wh: Warehouse, year: int) -> pl.DataFrame:
    """Every municipality's reporting status (on time, late, missing, rejected) in ``year``."""
    return wh.query("reporting_status", year=year)


def submissions_for_year(wh: Warehouse, year: int) -> pl.DataFrame:
    """The files received for ``year`` (reports and registers), newest first, with their fate."""
    return wh.query("submissions_for_year", year=year)


def municipality_submissions(wh: Warehouse, code: str) -> pl.DataFrame:
    """Every file received that names one municipality, newest first, with its fate."""
    return wh.query("municipality_submissions", code=code)


# -- Datakvalitet: warnings and grant ids (dashboard/views/dq_warnings.py) ------------------------


def dq_warnings(wh: Warehouse, year: int) -> pl.DataFrame:
    """Every warning about the files received for ``year`` (those of ``submissions_for_year``),
    with the municipality the file names."""
    return wh.query("dq_warnings", year=year)


def dq_unreported_grants(wh: Warehouse, year: int) -> pl.DataFrame:
    """The current grants of funding year ``year`` that no current report names."""
    return wh.query("dq_unreported_grants", year=year)


def dq_unknown_grant_ids(wh: Warehouse, year: int) -> pl.DataFrame:
    """The funded projects of ``year``'s current reports whose grant id the register lacks."""
    return wh.query("dq_unknown_grant_ids", year=year)


def runs(wh: Warehouse) -> pl.DataFrame:
    """Every ingest run (each published the next version), newest first, with what it added."""
    return wh.query("runs")


# -- the Kolada-shaped API (dashboard/api/) -------------------------------------------------------


def api_places(wh: Warehouse) -> pl.DataFrame:
    """Every municipality with its county, police region and SKR municipality group, by code."""
    return wh.query("api_places")


def api_municipality_values(
    wh: Warehouse, codes: list[str] | None, years: list[int] | None
) -> pl.DataFrame:
    """Every figure the API publishes per municipality and year (None: every code or year)."""
    return wh.query("api_municipality_values", codes=codes, years=years)


def api_region_values(wh: Warehouse, years: list[int] | None) -> pl.DataFrame:
    """Every figure the API publishes per county, police region, SKR group and the nation, per
    year (None: every year), with the number of municipalities behind each value."""
    return wh.query("api_region_values", years=years)
