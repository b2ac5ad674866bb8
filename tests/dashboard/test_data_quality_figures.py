"""The Datakvalitet figures over the seeded demo corpus, recomputed from the inbox files.

Which municipality and year each file names is read from its content (json, openpyxl, csv); the
generator's manifest says which files load, which are superseded, duplicates or rejected. From
that, per municipality: the current report (the latest loaded one by submitted_at, then receipt
order), on time or late against the end of 31 March (Swedish time) of the next year, revised
(more than one loaded report), missing with nothing received or with only rejected files. A
rejected file whose content names no municipality (empty, truncated, not a report, no code)
counts for nobody. The page's cards, tables and downloads (`pages.data_quality.tables`, the
function behind both) must say the same (INDICATORS.md, "Data quality").
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

import openpyxl
import polars as pl
import pytest

from dashboard import data, export, fmt
from dashboard.i18n import t
from tests.corpus import (
    files_of_year,
    reference_municipalities,
    reporting_status,
)

YEARS = range(2022, 2026)  # as the demo_inbox fixture generates it
# The demo breaks files of its last year only: 2025 has late, revised, missing (nothing received
# and only rejected files) and rejected files; 2024 has all but the rejected ones.
YEAR = YEARS[-1]
CHECKED = (YEARS[-2], YEAR)
SV = "sv"


@dataclass
class Corpus:
    manifest: dict
    snapshot: dict[str, bytes]
    municipalities: dict[str, dict]  # the reference list by code
    received: datetime  # about when the warehouse received the files (naive UTC)
    named: dict[str, tuple[str | None, int | None]]  # file -> the municipality and year it names


@pytest.fixture(scope="module")
def corpus(demo_manifest, demo_names, demo_warehouse) -> Corpus:
    manifest, snapshot = demo_manifest
    return Corpus(
        manifest=manifest,
        snapshot=snapshot,
        municipalities={m["municipality_code"]: m for m in reference_municipalities()},
        received=datetime.now(UTC).replace(tzinfo=None),
        named=demo_names,
    )


@pytest.fixture(scope="module")
def status(corpus):
    """``status(year)``: every municipality's status from the files (computed once a year)."""
    inbox = corpus.manifest, corpus.snapshot
    return cache(lambda year: reporting_status(*inbox, year, corpus.received, corpus.named))


@pytest.fixture(scope="module")
def files(corpus):
    """``files(year)``: the files received for the year, from the files and the manifest."""
    inbox = corpus.manifest, corpus.snapshot
    return cache(lambda year: files_of_year(*inbox, year, corpus.received, corpus.named))


@pytest.fixture(scope="module")
def page(app, demo_warehouse):
    """``page(year)``: the page's tables for ``?year=``, built once (after ``create_app``: the
    page module registers itself at import)."""
    from dashboard.views import data_quality_state as data_quality

    wh = data.Warehouse(demo_warehouse)
    meta = data.meta(wh)
    built: dict[int, dict] = {}

    def tables(year: int) -> dict:
        if year not in built:
            st = data_quality.parse(meta, {"year": str(year)})
            assert st["year"] == year
            built[year] = {
                **data_quality.tables(wh, st, SV),
                "_kpis": data_quality.cards(wh, st, SV),
            }
        return built[year]

    return tables


def figures(rows: list[dict]) -> dict[str, int]:
    """The year's figures over some municipalities' statuses."""
    count = Counter(r["status"] for r in rows)
    return {
        "municipalities": len(rows),
        "received": count["on_time"] + count["late"],
        "on_time": count["on_time"],
        "late": count["late"],
        "revised": sum(1 for r in rows if r["revised"] and r["current"]),
        "nothing": count["missing"],
        "only_rejected": count["rejected"],
    }


def label(status: str | None) -> str | None:
    """A file's fate as the page words it; no file, no fate: an empty cell, like the file name
    beside it (the screen shows a dash, a mail merge gets nothing)."""
    return t(f"dq_file_{status}", SV) if status else None


def test_the_year_has_every_case(status, files):
    got = figures(list(status(YEAR).values()))
    assert got["municipalities"] == 290
    for key in ("on_time", "late", "revised", "nothing", "only_rejected"):
        assert got[key] > 0, key
    fates = Counter(f["fate"] for f in files(YEAR).values())
    assert fates["rejected"] > 0 and fates["duplicate"] > 0 and fates["superseded"] > 0
    # a rejected file that names no municipality: its sender counts as having sent nothing
    assert any(f["fate"] == "rejected" and f["code"] is None for f in files(YEAR).values())
    # a revision that is late where the first report was on time, or the other way round, would
    # make "late" depend on choosing the right current report: the corpus has a revision
    revised = [r for r in status(YEAR).values() if r["revised"]]
    assert all(r["current"] and "_rev" in r["current"] for r in revised)


@pytest.mark.parametrize("year", CHECKED)
def test_the_cards_match_the_files(page, status, files, year):
    expected = figures(list(status(year).values()))
    year_files = files(year)
    rejected = sum(1 for f in year_files.values() if f["fate"] == "rejected")
    missing = expected["nothing"] + expected["only_rejected"]
    cards = {k.key: (k.value, k.detail, k.change) for k in page(year)["_kpis"]}
    of_all = t("of_municipalities", SV, n=290)
    of_received = t("dq_of_received", SV, n=expected["received"])
    split = t(
        "dq_missing_detail", SV, nothing=expected["nothing"], rejected=expected["only_rejected"]
    )
    assert cards == {
        "dq_received": (fmt.number(expected["received"], SV), of_all, ""),
        "dq_on_time": (fmt.number(expected["on_time"], SV), of_received, ""),
        "dq_late": (fmt.number(expected["late"], SV), of_received, ""),
        "dq_revised": (fmt.number(expected["revised"], SV), of_received, ""),
        "dq_missing": (fmt.number(missing, SV), of_all, split),
        "dq_rejected_files": (
            fmt.number(rejected, SV),
            t("dq_files_for_year", SV, n=len(year_files)),
            "",
        ),
    }


@pytest.mark.parametrize("year", CHECKED)
def test_the_counties_table_matches_the_files(page, corpus, status, year):
    rows = status(year)
    counties: dict[str, list[dict]] = {}
    for code, m in corpus.municipalities.items():
        counties.setdefault(m["county_name"], []).append(rows[code])
    expected = [(t("nation", SV), figures(list(rows.values())))]
    expected += [(name, figures(counties[name])) for name in sorted(counties, key=fmt.swedish_key)]
    frame = page(year)["counties"].download_frame
    columns = [t(f"dq_col_{k}", SV) for k in expected[0][1]]
    got = [(r[t("county", SV)], [r[c] for c in columns]) for r in frame.iter_rows(named=True)]
    assert got == [(name, list(counts.values())) for name, counts in expected]
    assert len(got) == 22  # the nation and the 21 counties


def chase_rows(corpus: Corpus, rows: dict[str, dict]) -> list[dict]:
    """The chase list from the files: the missing municipalities by county and name, with their
    county and police region from the reference list and the last file that names them."""
    missing = [code for code, r in rows.items() if r["status"] in ("missing", "rejected")]
    ref = corpus.municipalities

    def order(code: str) -> tuple:
        return (
            fmt.swedish_key(ref[code]["county_name"]),
            fmt.swedish_key(ref[code]["municipality_name"]),
        )

    return [
        {
            t("municipality", SV): ref[code]["municipality_name"],
            t("municipality_code", SV): code,
            t("county", SV): ref[code]["county_name"],
            t("police_region", SV): ref[code]["police_region"],
            t("dq_why", SV): t(f"dq_status_{rows[code]['status']}", SV),
            t("dq_last_file", SV): rows[code]["last_file"],
            t("dq_last_fate", SV): label(rows[code]["last_fate"]),
        }
        for code in sorted(missing, key=order)
    ]


@pytest.mark.parametrize("year", CHECKED)
def test_the_chase_list_holds_exactly_the_missing_municipalities(page, corpus, status, year):
    expected = chase_rows(corpus, status(year))
    frame = page(year)["chase"].download_frame
    received = frame[t("dq_last_received", SV)].to_list()
    assert frame.drop(t("dq_last_received", SV)).to_dicts() == expected
    # a receipt time exactly where there is a last file
    assert [v is not None for v in received] == [
        r[t("dq_last_file", SV)] is not None for r in expected
    ]


def parse_back(payload: dict) -> list[list]:
    content = base64.b64decode(payload["content"])
    if payload["filename"].endswith(".csv"):
        text = content.decode("utf-8")
        assert text.startswith("\ufeff")
        return [list(r) for r in csv.reader(io.StringIO(text[1:]), delimiter=";")]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_chase_list_downloads_hold_exactly_the_missing(page, corpus, status, kind):
    expected = chase_rows(corpus, status(YEAR))
    frame = page(YEAR)["chase"].download_frame
    payload = export.download(frame, kind, f"datakvalitet_chase_{YEAR}")
    assert payload["filename"] == f"datakvalitet_chase_{YEAR}.{kind}"
    header, *body = parse_back(payload)
    assert header == frame.columns
    received_at = header.index(t("dq_last_received", SV))
    empty = "" if kind == "csv" else None
    got = [dict(zip(header, row, strict=True)) for row in body]
    for row, want, when in zip(got, expected, frame[t("dq_last_received", SV)], strict=True):
        moment = row.pop(header[received_at])
        if kind == "csv":
            assert moment == (when.isoformat() if when else empty)
        elif when is None:
            assert moment is None
        else:  # Excel keeps milliseconds
            assert abs(moment - when) < timedelta(milliseconds=1)
        assert row == {k: (empty if v is None else v) for k, v in want.items()}
    # codes keep their leading zero, ready for a mail merge
    assert len(got) == len(expected) and all(len(r[t("municipality_code", SV)]) == 4 for r in got)


@pytest.mark.parametrize("year", CHECKED)
def test_the_files_table_lists_every_file_of_the_year_with_its_fate(page, files, year):
    frame = page(year)["files"].download_frame
    got = dict(zip(frame[t("dq_file", SV)], frame[t("dq_fate", SV)], strict=True))
    assert frame.height == len(got)  # each file once
    assert got == {name: label(f["fate"]) for name, f in files(year).items()}


def test_each_file_is_listed_with_the_municipality_its_content_names(page, corpus, files):
    frame = page(YEAR)["files"].download_frame
    got = dict(zip(frame[t("dq_file", SV)], frame[t("municipality", SV)], strict=True))
    names = {code: m["municipality_name"] for code, m in corpus.municipalities.items()}
    expected = {name: names.get(f["code"]) for name, f in files(YEAR).items()}
    assert {n: (got.get(n), m) for n, m in expected.items() if got.get(n) != m} == {}


def out_of_order(data: bytes) -> list[str]:
    """The fields of a readable JSON report whose end date lies before its start date."""
    try:
        report = json.loads(data)
    except ValueError:
        return []
    fields = []
    agreement = report.get("agreement") or {}
    if agreement.get("valid_to") and agreement["valid_to"] < agreement.get("valid_from", ""):
        fields.append("agreement.valid_to")
    for i, promise in enumerate(report.get("citizen_promises") or []):
        if promise.get("end_date") and promise["end_date"] < promise["start_date"]:
            fields.append(f"citizen_promises[{i}].end_date")
    return fields


def test_the_reasons_give_every_error_of_every_rejected_file(page, corpus, files):
    """Every reason of every rejected file, and of the rows a partly loaded register lost."""
    rejected = {
        name: f for name, f in files(YEAR).items() if f["fate"] in ("rejected", "partially_loaded")
    }
    assert sum(1 for f in rejected.values() if f["fate"] == "rejected") == sum(
        1 for e in corpus.manifest["files"] if e["expected"] == "rejected"
    )
    reasons = page(YEAR)["reasons"].download_frame
    listed = page(YEAR)["files"].download_frame
    errors = dict(zip(listed[t("dq_file", SV)], listed[t("dq_errors", SV)], strict=True))
    per_file = Counter(reasons[t("dq_file", SV)].to_list())
    assert set(per_file) == set(rejected)
    for name in rejected:
        assert per_file[name] == errors[name] >= 1, name
    names = {code: m["municipality_name"] for code, m in corpus.municipalities.items()}
    for row in reasons.iter_rows(named=True):
        name, reason = row[t("dq_file", SV)], row[t("dq_reason", SV)]
        assert reason and reason.strip() and reason != t("dq_no_reason", SV), name
        assert row[t("municipality", SV)] == names.get(rejected[name]["code"]), name
    # what the files themselves show to be wrong is among their reasons
    broken = {
        name: out_of_order(corpus.snapshot[name])
        for name, f in rejected.items()
        if f["fate"] == "rejected"
    }
    assert any(broken.values())
    for name, fields in broken.items():
        text = " ".join(reasons.filter(pl.col(t("dq_file", SV)) == name)[t("dq_reason", SV)])
        for field in fields:
            assert field in text, (name, field)


@pytest.mark.parametrize("year", CHECKED)
def test_needs_attention_matches_the_reports(page, corpus, demo_reports, year):
    """Stale situation reports (updated two or more years before the year), agreements expired
    or expiring within 180 days (from today for the latest year, 31 December before), and a
    situation report without an action plan: from the current reports' files."""
    today = datetime.now(UTC).date()
    reference = today if year >= today.year or year == YEARS[-1] else date(year, 12, 31)
    expected = set()
    for (code, report_year), r in demo_reports.items():
        if report_year != year:
            continue
        updated = r["situation_updated"]
        if r["situation_report"] and updated is not None and updated <= year - 2:
            expected.add((code, "stale"))
        if r["agreement"]:
            days = (r["valid_to"] - reference).days
            if days < 0:
                expected.add((code, "expired"))
            elif days <= 180:
                expected.add((code, "expires_soon"))
        if r["situation_report"] and not r["action_plan"]:
            expected.add((code, "no_plan"))
    kinds = {t(f"dq_att_{k}", SV): k for k in ("stale", "expired", "expires_soon", "no_plan")}
    frame = page(year)["attention"].download_frame
    got = {
        (code, kinds[what])
        for code, what in zip(
            frame[t("municipality_code", SV)], frame[t("dq_att_what", SV)], strict=True
        )
    }
    assert {k for _, k in expected} >= {"expired", "no_plan"}  # the corpus has these cases
    assert got == expected


def test_the_kommun_page_lists_every_file_naming_the_municipality(app, corpus, demo_warehouse):
    """The submission history on Kommun: every file whose content names the municipality (a
    duplicate names what its original names), whatever became of it, from the files."""
    from dashboard.views import data_quality as dq_view

    wh = data.Warehouse(demo_warehouse)
    named: dict[str, set[str]] = {}
    for name, (code, _year) in corpus.named.items():
        if code is not None:
            named.setdefault(code, set()).add(name)
    code = max(named, key=lambda c: len(named[c]))  # the municipality with the most files
    assert len(named[code]) >= 4
    table = dq_view.submission_history(data.municipality_submissions(wh, code), SV)
    assert set(table.download_frame[t("dq_file", SV)].to_list()) == named[code]
