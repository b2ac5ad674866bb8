"""The Datakvalitet page's warnings and grant-id tables (dashboard/views/dq_warnings.py).

The grant tables are recomputed from the seeded demo corpus's files (tests/corpus.py reads them
without the pipelines): the funding year's current register rows that no current report names,
and the current reports' funded projects naming an id the current register lacks (report-format.md
asks for both to be visible on the data-quality view). The warnings tables are checked on a small
hand-made inbox ingested by the real CLI: a JSON report with an unknown field and a municipality
code without its leading zero, and an XLSX report with ``x`` in a yes/no cell.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from dashboard import data
from dashboard.i18n import STRINGS, t
from dashboard.views import dq_warnings
from pipelines.template import report_to_xlsx_bytes
from tests.conftest import FIXTURES, ROOT, run_cli, write_json
from tests.corpus import (
    register_rows,
)

YEARS = range(2022, 2026)  # as the demo_inbox fixture generates it
CHECKED = tuple(YEARS)
SV = "sv"


@pytest.fixture(scope="module")
def corpus(demo_manifest, demo_reports, demo_names):
    snapshot = demo_manifest[1]
    return {
        "reports": demo_reports,
        "register": register_rows(snapshot),
        "named": demo_names,
    }


def _tables(app, warehouse: Path, year: int, lang: str = SV) -> dict:
    from dashboard.views import data_quality_state as data_quality

    wh = data.Warehouse(warehouse)
    st = data_quality.parse(data.meta(wh), {"year": str(year)})
    assert st["year"] == year
    return data_quality.tables(wh, st, lang)


@pytest.fixture(scope="module")
def page(app, demo_warehouse):
    built: dict[int, dict] = {}

    def tables(year: int) -> dict:
        if year not in built:
            built[year] = _tables(app, demo_warehouse, year)
        return built[year]

    return tables


@pytest.mark.parametrize("year", CHECKED)
def test_grants_no_report_names_match_the_files(page, corpus, year):
    named = {p["grant_id"] for r in corpus["reports"].values() for p in r["projects"]}
    expected = sorted(
        (g["grant_id"], g["municipality_code"], g["granted"], g["paid"])
        for g in corpus["register"].values()
        if g["funding_year"] == year
        and g["municipality_code"] is not None  # county-level grants: no report to name them
        and g["granted"] > 0  # refusals: nothing to report on
        and g["grant_id"] not in named
    )
    frame = page(year)["unreported_grants"].download_frame
    got = sorted(
        (
            r[t("grant_id", SV)],
            r[t("municipality_code", SV)],
            r[t("granted", SV)],
            r[t("paid", SV)],
        )
        for r in frame.iter_rows(named=True)
    )
    assert got == expected


def test_the_demo_has_rows_to_check(page):
    for name in ("unreported_grants", "unknown_grant_ids"):
        assert sum(page(year)[name].frame.height for year in CHECKED) > 0, name


def test_unreported_grants_link_to_their_municipality(page):
    table = page(CHECKED[0])["unreported_grants"]
    codes = table.frame[t("municipality_code", SV)].to_list()
    assert table.links[t("municipality", SV)] == [
        f"/kommun?kod={c}&year={CHECKED[0]}" for c in codes
    ]


@pytest.mark.parametrize("year", CHECKED)
def test_report_ids_the_register_lacks_match_the_files(page, corpus, year):
    register = corpus["register"]
    expected = Counter(
        (code, p["grant_id"])
        for (code, y), facts in corpus["reports"].items()
        if y == year
        for p in facts["projects"]
        if p["grant_id"] not in register
    )
    table = page(year)["unknown_grant_ids"]
    rows = list(table.download_frame.iter_rows(named=True))
    got = Counter((r[t("municipality_code", SV)], r[t("grant_id", SV)]) for r in rows)
    assert got == expected
    for r in rows:
        # the file is a report of that municipality and year, and an Excel report says where
        assert corpus["named"][r[t("dq_file", SV)]] == (r[t("municipality_code", SV)], year)
        if r[t("dq_file", SV)].endswith(".xlsx"):
            assert r[t("dqw_sheet", SV)] == "Projekt" and r[t("dqw_row", SV)] >= 2
    assert table.links[t("municipality", SV)] == [
        f"/kommun?kod={r[t('municipality_code', SV)]}&year={year}" for r in rows
    ]


def test_every_warning_code_the_pipelines_emit_has_swedish_words():
    """Grep the pipelines for the codes of the warnings they emit: each has a label."""
    found = {"unknown_grant_id", "padded_code"}  # derived in SQL / by the view
    for path in (ROOT / "pipelines").rglob("*.py"):
        if "demo" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"\bwarn\(\s*\"([a-z_]+)\"", text))
        found |= set(re.findall(r"\"warning\",\s*\"([a-z_]+)\"", text))
    assert {"guessed_value", "unknown_field", "duplicate", "amount_order"} <= found
    assert sorted(c for c in found if f"dqw_code_{c}" not in STRINGS) == []
    for code in found:
        sv, en = (t(f"dqw_code_{code}", lang) for lang in ("sv", "en"))
        assert sv and en and sv != code


# -- the warnings, on a hand-made inbox -------------------------------------------------------


@pytest.fixture(scope="module")
def messy_warehouse(app, tmp_path_factory) -> Path:
    """Two 2024 reports that load with warnings: Upplands Väsby's JSON with an unknown field and
    its code as ``114``, Malmö's XLSX with ``x`` in "Råd finns". No register: each report's one
    grant id is unknown."""
    report = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("dqw_inbox")
    assert report["reporting_year"] == 2024 and len(report["funded_projects"]) == 1
    json_report = {**report, "municipality_code": "114", "extra_note": "hej"}
    write_json(folder / "vasby.json", json_report)
    xlsx_report = {**report, "municipality_code": "1280"}
    book = openpyxl.load_workbook(io.BytesIO(report_to_xlsx_bytes(xlsx_report)))
    sheet = book["Uppgifter"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "Råd finns")
    sheet.cell(row, 2).value = "x"
    out = io.BytesIO()
    book.save(out)
    (folder / "malmo.xlsx").write_bytes(out.getvalue())
    warehouse = folder / "warehouse"
    result = run_cli(
        "ingest", str(folder / "vasby.json"), str(folder / "malmo.xlsx"), "--warehouse",
        str(warehouse),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return warehouse


def test_warnings_by_kind_counts_warnings_files_and_municipalities(app, messy_warehouse):
    table = _tables(app, messy_warehouse, 2024)["warnings_by_kind"]
    got = {
        r[t("dqw_code", SV)]: (
            r[t("dqw_kind", SV)],
            r[t("dqw_n", SV)],
            r[t("dqw_files", SV)],
            r[t("dqw_municipalities", SV)],
        )
        for r in table.download_frame.iter_rows(named=True)
    }
    words = {k: t(f"dqw_code_{k}", SV) for k in got}
    assert got == {
        "unknown_grant_id": (words["unknown_grant_id"], 2, 2, 2),
        "unknown_field": (words["unknown_field"], 1, 1, 1),
        "padded_code": (words["padded_code"], 1, 1, 1),  # 114 read as 0114
        "guessed_value": (words["guessed_value"], 1, 1, 1),  # x read as Ja
    }
    assert table.download_frame[t("dqw_n", SV)].to_list()[0] == 2  # most frequent first


def test_warnings_by_municipality_names_kinds_and_files(app, messy_warehouse):
    table = _tables(app, messy_warehouse, 2024)["warnings_by_municipality"]
    rows = list(table.download_frame.iter_rows(named=True))

    def words(kind: str, n: int) -> str:
        return f"{t(f'dqw_code_{kind}', SV)} ({n})"

    assert [(r[t("municipality", SV)], r[t("municipality_code", SV)]) for r in rows] == [
        ("Upplands Väsby", "0114"),  # three warnings
        ("Malmö", "1280"),  # two
    ]
    vasby, malmo = rows
    assert vasby[t("dqw_n", SV)] == 3 and malmo[t("dqw_n", SV)] == 2
    assert set(vasby[t("dqw_kinds", SV)].split(", ")) == {
        words("unknown_field", 1),
        words("padded_code", 1),
        words("unknown_grant_id", 1),
    }
    assert set(malmo[t("dqw_kinds", SV)].split(", ")) == {
        words("guessed_value", 1),
        words("unknown_grant_id", 1),
    }
    assert (vasby[t("dqw_files", SV)], malmo[t("dqw_files", SV)]) == ("vasby.json", "malmo.xlsx")
    assert table.links[t("municipality", SV)] == [
        "/kommun?kod=0114&year=2024",
        "/kommun?kod=1280&year=2024",
    ]


def test_the_four_tables_are_on_the_page_and_download_with_swedish_headings(app, messy_warehouse):
    from dashboard import export

    built = _tables(app, messy_warehouse, 2024)
    headings = {
        "warnings_by_kind": t("dqw_kind", SV),
        "warnings_by_municipality": t("dqw_kinds", SV),
        "unreported_grants": t("project_title", SV),
        "unknown_grant_ids": t("dqw_sheet", SV),
    }
    for name, heading in headings.items():
        table = built[name]
        assert table.name == name and "2024" in table.caption
        sent = export.download(table.download_frame, "csv", f"datakvalitet_{name}_2024")
        text = base64.b64decode(sent["content"]).decode("utf-8-sig")
        assert heading in text.splitlines()[0]
    # no register arrived: both reports' ids are unknown, and there is no grant to miss
    assert built["unknown_grant_ids"].frame.height == 2
    assert built["unreported_grants"].frame.height == 0


def test_a_register_warning_is_a_row_for_the_grant_office():
    import polars as pl

    warnings = pl.DataFrame(
        {
            "submission_id": [1, 1, 2],
            "file_name": ["bidrag.csv", "bidrag.csv", "r.json"],
            "kind": ["grants_csv", "grants_csv", "report_json"],
            "status": ["partially_loaded", "partially_loaded", "duplicate"],
            "code": ["guessed_value", "amount_order", "duplicate"],
            "field": ["municipality_code", "amount_paid_sek", None],
            "municipality_code": [None, None, None],
            "municipality_name": [None, None, None],
        }
    )
    table = dq_warnings.by_municipality_table(warnings, 2025, SV)
    names = table.frame[t("municipality", SV)].to_list()
    assert names == [t("dqw_register", SV), t("dqw_unknown_municipality", SV)]
    assert table.links[t("municipality", SV)] == [None, None]
    by_kind = dq_warnings.by_kind_table(warnings, 2025, SV).frame
    assert by_kind[t("dqw_municipalities", SV)].to_list() == [0, 0, 0]
