"""`demo` then `ingest` into a temporary warehouse; the marts are checked against figures computed
here, independently of the pipeline's readers, from the generated files themselves (JSON with the
json module, XLSX with plain openpyxl, CSV with the csv module) and the generator's manifest."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from pipelines.demo import generate
from tests.conftest import query

pytestmark = pytest.mark.slow
YEARS = range(2023, 2026)
UTC = ZoneInfo("UTC")


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


def _yes(value) -> bool:
    return str(value).strip().casefold() in ("ja", "true", "1", "x")


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return date.fromordinal(date(1899, 12, 30).toordinal() + int(value))
    return date.fromisoformat(str(value).strip()[:10])


def _moment(value) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Stockholm"))
    return moment.astimezone(UTC).replace(tzinfo=None)


def facts_from_json(data: bytes) -> dict:
    r = json.loads(data)
    agreement = r["agreement"]
    return {
        "code": str(r["municipality_code"]).zfill(4),
        "year": int(r["reporting_year"]),
        "submitted_at": _moment(r["submitted_at"]) if r.get("submitted_at") else None,
        "council": bool(r["council"]["exists"]),
        "action_plan": bool(r["action_plan"]["exists"]),
        "situation_report": bool(r["situation_report"]["exists"]),
        "agreement": bool(agreement["exists"]),
        "valid_from": _date(agreement["valid_from"]) if agreement["exists"] else None,
        "valid_to": _date(agreement["valid_to"]) if agreement["exists"] else None,
        "promises": len(r.get("citizen_promises") or []),
        "spent": sum(float(p["spent_sek"]) for p in r.get("funded_projects") or []),
    }


def facts_from_xlsx(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    fields = {}
    for row in book["Uppgifter"].iter_rows(min_row=2, values_only=True):
        if row and row[0] is not None:
            fields[" ".join(str(row[0]).split()).casefold()] = row[1]

    def table(sheet: str) -> list[dict]:
        rows = [r for r in book[sheet].iter_rows(values_only=True)]
        header = [" ".join(str(h).split()).casefold() if h else "" for h in rows[0]]
        return [
            dict(zip(header, r, strict=False))
            for r in rows[1:]
            if any(c is not None and str(c).strip() for c in r)
        ]

    agreement = _yes(fields["överenskommelse finns"])
    spent = 0.0
    for project in table("Projekt"):
        text = str(project["använt belopp (kr)"]).replace("kr", "").replace("\xa0", "")
        spent += float(text.replace(" ", "").replace(",", "."))
    submitted = fields.get("inskickad")
    return {
        "code": str(fields["kommunkod"]).split(".")[0].zfill(4),
        "year": int(float(fields["rapportår"])),
        "submitted_at": _moment(submitted) if submitted not in (None, "") else None,
        "council": _yes(fields["råd finns"]),
        "action_plan": _yes(fields["åtgärdsplan finns"]),
        "situation_report": _yes(fields["lägesbild finns"]),
        "agreement": agreement,
        "valid_from": _date(fields["giltig från"]) if agreement else None,
        "valid_to": _date(fields["giltig till"]) if agreement else None,
        "promises": len(table("Medborgarlöften")),
        "spent": spent,
    }


def current_reports(manifest: dict, snapshot: dict[str, bytes]) -> dict[tuple[str, int], dict]:
    """The latest report per municipality and year among the files the generator says load."""
    best: dict[tuple[str, int], tuple] = {}
    order = sorted(snapshot)
    for entry in manifest["files"]:
        if entry["kind"] not in ("report", "revision") or entry["expected"] == "rejected":
            continue
        if entry["expected"] == "duplicate":
            continue
        data = snapshot[entry["name"]]
        facts = facts_from_json(data) if entry["name"].endswith(".json") else facts_from_xlsx(data)
        key = (facts["code"], facts["year"])
        rank = (facts["submitted_at"] or datetime.max, order.index(entry["name"]))
        if key not in best or rank > best[key][0]:
            best[key] = (rank, facts)
    return {key: facts for key, (_, facts) in best.items()}


def granted_per_year(snapshot: dict[str, bytes]) -> dict[int, float]:
    """Sum of granted amounts per funding year over every register row with valid values."""
    totals: dict[int, float] = defaultdict(float)
    seen: dict[str, tuple[int, float]] = {}
    for name in sorted(snapshot):
        data = snapshot[name]
        if name.endswith(".csv"):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
            sep = ";" if text.splitlines()[0].count(";") > 1 else ","
            rows = list(csv.reader(io.StringIO(text), delimiter=sep))
            header, body = rows[0], rows[1:]
        elif name.endswith(".xlsx") and name.startswith("bidrag"):
            sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            header, body = [str(h) for h in rows[0]], rows[1:]
        else:
            continue
        index = {h.strip().casefold(): i for i, h in enumerate(header)}
        gid = index.get("diarienummer", index.get("grant_id"))
        year = index.get("bidragsår", index.get("funding_year"))
        amount = index.get("beviljat belopp", index.get("amount_granted_sek"))
        code = index.get("kommunkod", index.get("municipality_code"))
        decided = index.get("beslutsdatum", index.get("decision_date"))
        for row in body:
            if not row or not row[gid]:
                continue
            try:
                value = float(str(row[amount]).replace(" ", "").replace(",", "."))
                _date(row[decided])
            except ValueError:
                continue  # the rows the generator broke on purpose
            if str(row[code] or "").strip() == "9999":
                continue
            seen[str(row[gid]).strip()] = (int(float(row[year])), value)
    for funding_year, value in seen.values():
        totals[funding_year] += value
    return totals


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
