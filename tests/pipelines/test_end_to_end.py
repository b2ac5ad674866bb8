"""`demo` then `ingest` into a temporary warehouse; the marts are checked against figures computed
here, independently of the pipeline's readers, from the generated files themselves (JSON with the
json module, XLSX with plain openpyxl, CSV with the csv module) and the generator's manifest."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from pipelines.demo import generate
from tests.conftest import query
from tests.corpus import current_reports, granted_per_year

pytestmark = pytest.mark.slow
YEARS = range(2023, 2026)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict, Path]:
    from pipelines.ingest import ingest

    root = tmp_path_factory.mktemp("e2e")
    inbox = root / "inbox"
    manifest = generate(inbox, seed=11, years=YEARS)
    files = sorted(inbox.iterdir())
    snapshot = {p.name: p.read_bytes() for p in files}
    warehouse = root / "wh"
    ingest(files, warehouse, inbox)
    return warehouse, manifest, snapshot


@pytest.fixture(scope="module")
def current(demo) -> dict[tuple[str, int], dict]:
    _, manifest, snapshot = demo
    return current_reports(manifest, snapshot)


def test_every_file_has_the_status_the_generator_expects(demo):
    warehouse, manifest, _ = demo
    got = dict(query(warehouse, "select file_name, status from mart_submissions"))
    expected = {f["name"]: f["expected"] for f in manifest["files"]}
    assert got == expected


def test_reports_and_coverage_per_year_match_the_files(demo, current):
    warehouse = demo[0]
    for year in YEARS:
        mine = {k: v for k, v in current.items() if k[1] == year}
        in_force = sum(
            1
            for f in mine.values()
            if f["agreement"]
            and f["valid_from"] <= date(year, 12, 31)
            and f["valid_to"] >= date(year, 1, 1)
        )
        expected = (
            len(mine),
            sum(f["council"] for f in mine.values()),
            sum(f["action_plan"] for f in mine.values()),
            sum(f["situation_report"] for f in mine.values()),
            in_force,
            sum(f["council"] and f["action_plan"] and f["situation_report"] for f in mine.values()),
            sum(f["promises"] for f in mine.values()),
        )
        got = query(
            warehouse,
            "select count(*) filter (where has_report), count(*) filter (where has_council),"
            " count(*) filter (where has_action_plan), count(*) filter (where has_situation_report),"
            " count(*) filter (where has_agreement_in_force),"
            " count(*) filter (where meets_legal_requirements), sum(promises_count)"
            " from mart_municipality_year where year = ?",
            [year],
        )[0]
        assert got == expected, year
        spent = query(
            warehouse, "select sum(spent_sek) from mart_municipality_year where year = ?", [year]
        )[0][0]
        assert spent == pytest.approx(sum(f["spent"] for f in mine.values()))


def test_not_reported_matches_the_missing_municipalities(demo):
    warehouse, manifest, _ = demo
    for year in YEARS:
        missing = query(
            warehouse,
            "select municipality_code from mart_municipality_year where year = ? and not has_report"
            " order by 1",
            [year],
        )
        expected = set(manifest["missing"][str(year)])
        expected |= {
            f["municipality_code"]
            for f in manifest["files"]
            if f.get("year") == year
            and f["expected"] == "rejected"
            and f["name"].startswith("rapport")
        }
        # a rejected file only leaves a gap when no other file of that municipality loaded
        loaded = {
            f["municipality_code"]
            for f in manifest["files"]
            if f["year"] == year
            and f["expected"] in ("loaded", "superseded")
            and f.get("municipality_code")
        }
        assert {c for (c,) in missing} == expected - loaded


def test_late_flags_match_the_generator(demo, current):
    warehouse = demo[0]
    for (code, year), facts in current.items():
        deadline = datetime(year + 1, 4, 1)
        expected = facts["submitted_at"] is not None and facts["submitted_at"] >= deadline
        [(is_late,)] = query(
            warehouse,
            "select is_late from mart_municipality_year where municipality_code = ? and year = ?",
            [code, year],
        )
        assert is_late == expected, (code, year)


def test_granted_money_matches_the_registers(demo):
    warehouse, _, snapshot = demo
    totals = granted_per_year(snapshot)
    for year in YEARS:
        [(granted,)] = query(
            warehouse,
            "select granted_sek from mart_region_year where level = 'nation' and year = ?",
            [year],
        )
        assert granted == pytest.approx(totals[year]), year


def test_the_same_seed_gives_the_same_warehouse_figures(demo, tmp_path):
    again = generate(tmp_path / "inbox", seed=11, years=YEARS)
    assert again["counts"] == demo[1]["counts"]
    regenerated = {p.name: p.read_bytes() for p in (tmp_path / "inbox").iterdir()}
    assert regenerated == demo[2]
