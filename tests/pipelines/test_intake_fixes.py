"""Fixes from the issue "Datakvalitet" (files as a new user makes them), through the real CLI.

- An XLSX report without the `Schemaversion` row (typed by hand from the labels report-format.md
  names, which do not include it) loads as version "1" with a warning; any other version is
  still rejected. A JSON report must still carry `schema_version` (section 1 lists it without
  "optional" or a default).
- A register row with an empty paid amount (a grant not paid yet) loads as 0 paid with a warning
  naming the row; an empty granted amount still rejects the row.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from pipelines import contract as c
from pipelines.reference import municipality_codes
from pipelines.template import report_to_xlsx_bytes
from pipelines.validate.report import validate_report
from tests.conftest import FIXTURES, query, run_cli

VALID = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
LABEL = "Schemaversion"


def ingest(warehouse: Path, *paths: Path) -> tuple[int, list[dict]]:
    result = run_cli("ingest", "--json", *map(str, paths), "--warehouse", str(warehouse))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout)["files"]


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def template_report() -> openpyxl.Workbook:
    """The valid fixture report written by the project's template writer."""
    return openpyxl.load_workbook(io.BytesIO(report_to_xlsx_bytes(VALID)))


def schema_row(wb: openpyxl.Workbook) -> int:
    ws = wb[c.SHEET_FIELDS]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == LABEL)


def by_hand_report() -> openpyxl.Workbook:
    """A report a clerk types into an empty workbook from the labels report-format.md names."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = c.SHEET_FIELDS
    for row in (
        ("Fält", "Värde"),
        ("Kommunkod", "0114"),
        ("Rapportår", 2024),
        ("Råd finns", "Ja"),
        ("Samordnare (årsarbetare)", "1,5"),
        ("Lägesbild finns", "Ja"),
        ("Åtgärdsplan finns", "Nej"),
        ("Överenskommelse finns", "Ja"),
        ("Giltig från", "2023-02-01"),
        ("Giltig till", "2026-01-31"),
    ):
        ws.append(row)
    wb.create_sheet(c.SHEET_PROMISES).append([f.sv for f in c.PROMISE_FIELDS])
    wb.create_sheet(c.SHEET_PROJECTS).append([f.sv for f in c.PROJECT_FIELDS])
    return wb


# --- the report's schema version -------------------------------------------------------------


@pytest.mark.parametrize("made", ["template_without_row", "by_hand"])
def test_xlsx_report_without_schema_version_row_loads_as_version_1_with_a_warning(tmp_path, made):
    if made == "by_hand":
        wb = by_hand_report()
    else:
        wb = template_report()
        wb[c.SHEET_FIELDS].delete_rows(schema_row(wb))
    path = save(wb, tmp_path / "rapport_0114_2024.xlsx")
    code, [file] = ingest(tmp_path / "wh", path)
    assert code == 0
    assert (file["status"], file["kind"], file["errors"]) == ("loaded", "report_xlsx", [])
    [warning] = [w for w in file["warnings"] if w["field"] == "schema_version"]
    assert file["file"] == "rapport_0114_2024.xlsx"
    assert (warning["code"], warning["sheet"], warning["row"], warning["label"]) == (
        "missing_schema_version",
        c.SHEET_FIELDS,
        None,  # the row is not there to point at: the sheet and the label say where it belongs
        LABEL,
    )
    assert "raden 'Schemaversion' saknas" in warning["message"]
    assert "version 1" in warning["message"]  # what was assumed
    assert warning["text"].startswith("Uppgifter, fält Schemaversion: raden 'Schemaversion'")
    rows = query(
        tmp_path / "wh",
        "select has_report, has_council, coordinator_fte, has_agreement_in_force"
        " from mart_municipality_year where municipality_code = '0114' and year = 2024",
    )
    assert rows == [(True, True, 1.5, True)]


def test_xlsx_report_with_an_empty_schema_version_is_warned_at_its_row(tmp_path):
    wb = template_report()
    row = schema_row(wb)
    wb[c.SHEET_FIELDS].cell(row, 2).value = None
    code, [file] = ingest(tmp_path / "wh", save(wb, tmp_path / "tom_version.xlsx"))
    assert code == 0 and file["status"] == "loaded"
    [warning] = [w for w in file["warnings"] if w["field"] == "schema_version"]
    assert (warning["code"], warning["sheet"], warning["row"], warning["label"]) == (
        "missing_schema_version",
        c.SHEET_FIELDS,
        row,
        LABEL,
    )
    assert warning["text"].startswith(f"Uppgifter, rad {row}, fält Schemaversion: ")


@pytest.mark.parametrize("version", ["2", 2, "1.1"])
def test_xlsx_report_with_another_schema_version_is_rejected(tmp_path, version):
    wb = template_report()
    row = schema_row(wb)
    wb[c.SHEET_FIELDS].cell(row, 2).value = version
    code, [file] = ingest(tmp_path / "wh", save(wb, tmp_path / "version2.xlsx"))
    assert code == 1
    assert file["status"] == "rejected"
    [error] = file["errors"]
    assert (error["code"], error["field"], error["sheet"], error["row"], error["label"]) == (
        "unsupported_schema",
        "schema_version",
        c.SHEET_FIELDS,
        row,
        LABEL,
    )
    assert not any(w["code"] == "missing_schema_version" for w in file["warnings"])
    assert query(
        tmp_path / "wh", "select count(*) from mart_municipality_year where has_report"
    ) == [(0,)]


def test_json_report_without_schema_version_is_still_an_error():
    # Section 1 lists schema_version "1" without "optional" or a default (unlike submitted_at);
    # only the XLSX section leaves the row out of the labels it names.
    report = copy.deepcopy(VALID)
    del report["schema_version"]
    typed, log = validate_report(report, known_codes=municipality_codes())
    assert typed is None
    assert [(i.code, i.field) for i in log.errors] == [("missing_required", "schema_version")]


# --- the register's paid amount --------------------------------------------------------------

HEADER = [f.sv for f in c.GRANT_FIELDS]


def register_rows() -> list[list]:
    """Line 2 fully paid, line 3 not paid yet (empty), line 4 without a granted amount."""
    recent = (date.today() - timedelta(days=30)).isoformat()
    year = date.today().year
    rows = [
        ("BRA-2025-0101", "0114", "Trygg park", "Narkotika", 100000, 80000, 80000),
        ("BRA-2025-0102", "1280", "Föräldrastöd", "Föräldrastöd", 50000, 40000, ""),
        ("BRA-2025-0103", "0180", "Skolprojekt", "Skolåtgärder", 30000, "", 0),
    ]
    return [[gid, recent, year, code, "", *rest] for gid, code, *rest in rows]


def write_register(tmp_path: Path, fmt: str) -> Path:
    rows = register_rows()
    if fmt == "csv":
        # As Swedish Excel saves it: `;`, BOM, CRLF, Swedish headers.
        path = tmp_path / "register.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Beslut"
    ws.append(HEADER)
    for row in rows:
        ws.append([None if v == "" else v for v in row])  # an empty cell, as Excel leaves it
    return save(wb, tmp_path / "register.xlsx")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_register_row_with_empty_paid_loads_as_zero_with_a_warning(tmp_path, fmt):
    path = write_register(tmp_path, fmt)
    code, [file] = ingest(tmp_path / "wh", path)
    assert code == 1  # line 4 (no granted amount) is rejected
    assert file["kind"] == f"grants_{fmt}"
    assert (file["status"], file["rows_loaded"], file["rows_rejected"]) == (
        "partially_loaded",
        2,
        1,
    )
    sheet = None if fmt == "csv" else "Beslut"
    [warning] = [w for w in file["warnings"] if w["code"] == "missing_paid_amount"]
    assert (warning["sheet"], warning["row"], warning["field"]) == (sheet, 3, "amount_paid_sek")
    assert "'Utbetalt belopp' är tomt" in warning["message"]
    assert "0 kr" in warning["message"]  # what was assumed
    place = "rad 3, fält amount_paid_sek" if fmt == "csv" else "Beslut, rad 3, fält amount_paid_sek"
    assert warning["text"].startswith(f"{place}: ")
    # The empty granted amount is still an error, on its own line and field.
    [error] = file["errors"]
    assert (error["code"], error["sheet"], error["row"], error["field"]) == (
        "missing_required",
        sheet,
        4,
        "amount_granted_sek",
    )
    assert query(
        tmp_path / "wh",
        "select grant_id, amount_applied_sek, amount_granted_sek, amount_paid_sek, not_paid,"
        " paid_exceeds_granted from mart_grants order by grant_id",
    ) == [
        ("BRA-2025-0101", 100000.0, 80000.0, 80000.0, False, False),
        ("BRA-2025-0102", 50000.0, 40000.0, 0.0, False, False),  # decided 30 days ago
    ]
