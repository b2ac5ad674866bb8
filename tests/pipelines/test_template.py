"""The XLSX template (report-format.md section 2): sheets, labels, drop-downs, and that a template
filled in by hand the way a clerk would loads and validates."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.worksheet.cell_range import CellRange

from pipelines import contract as c
from pipelines.issues import IssueLog
from pipelines.read.xlsx_report import read_report_xlsx
from pipelines.reference import municipality_codes
from pipelines.template import (
    SHEET_LISTS,
    TABLE_ROWS,
    report_to_xlsx_bytes,
    template_bytes,
    write_template,
)
from pipelines.validate.report import validate_report

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("mall") / "mall.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def _validation_for(ws, coordinate):
    hits = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(hits) == 1, f"{ws.title}!{coordinate} has {len(hits)} validations"
    return hits[0]


def _list_values(wb, formula):
    """The labels a list validation offers, resolved through the hidden lists sheet."""
    sheet, cells = formula.split("!")
    assert sheet.strip("'") == SHEET_LISTS
    rng = CellRange(cells.replace("$", ""))
    ws = wb[SHEET_LISTS]
    return [
        ws.cell(row=row, column=rng.min_col).value for row in range(rng.min_row, rng.max_row + 1)
    ]


def _expected_labels(fld):
    if fld.type == "bool":
        return [c.BOOLEAN_LABELS.sv, c.BOOLEAN_LABELS.en]
    return [label.sv for label in c.ENUMS[fld.enum].values()]


def test_sheets_and_instructions(template):
    for name in (c.SHEET_FIELDS, c.SHEET_PROMISES, c.SHEET_PROJECTS, c.SHEET_INSTRUCTIONS):
        assert name in template.sheetnames
    assert template.sheetnames[0] == c.SHEET_FIELDS
    assert template[SHEET_LISTS].sheet_state == "hidden"
    text = " ".join(
        str(v)
        for row in template[c.SHEET_INSTRUCTIONS].iter_rows(values_only=True)
        for v in row
        if v
    )
    for must in ("ÅÅÅÅ-MM-DD", "Ja eller Nej", "semikolon (;)", c.SHEET_PROMISES, "0114"):
        assert must in text
    # Every field is explained on the instructions sheet.
    for fld in c.REPORT_FIELDS + c.PROMISE_FIELDS + c.PROJECT_FIELDS:
        assert fld.sv in text


def test_fields_sheet_has_every_label_in_order(template):
    ws = template[c.SHEET_FIELDS]
    assert [ws["A1"].value, ws["B1"].value] == [c.HEADER_FIELD, c.HEADER_VALUE]
    labels = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert labels == [f.sv for f in c.REPORT_FIELDS]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, 30)}
    assert values["Schemaversion"] == "1"
    assert all(v is None for k, v in values.items() if k != "Schemaversion")
    # Text format keeps the leading zero a clerk types into the code.
    code_row = labels.index("Kommunkod") + 2
    assert ws.cell(row=code_row, column=2).number_format == "@"


@pytest.mark.parametrize(
    ("sheet", "fields"),
    [(c.SHEET_PROMISES, c.PROMISE_FIELDS), (c.SHEET_PROJECTS, c.PROJECT_FIELDS)],
)
def test_table_headers(template, sheet, fields):
    ws = template[sheet]
    assert [cell.value for cell in ws[1]] == [f.sv for f in fields]


def test_fields_sheet_drop_downs(template):
    ws = template[c.SHEET_FIELDS]
    checked = 0
    for row, fld in enumerate(c.REPORT_FIELDS, start=2):
        coordinate = f"B{row}"
        if fld.type not in ("enum", "enums", "bool"):
            assert not any(coordinate in dv.sqref for dv in ws.data_validations.dataValidation)
            continue
        dv = _validation_for(ws, coordinate)
        assert dv.type == "list"
        assert _list_values(template, dv.formula1) == _expected_labels(fld)
        if fld.type == "enums":
            # Several values are typed with ';', so the drop-down must not reject them.
            assert not dv.showErrorMessage
            assert ";" in dv.prompt
        else:
            assert dv.showErrorMessage
        checked += 1
    assert checked == sum(f.type in ("enum", "enums", "bool") for f in c.REPORT_FIELDS) >= 10


@pytest.mark.parametrize(
    ("sheet", "fields"),
    [(c.SHEET_PROMISES, c.PROMISE_FIELDS), (c.SHEET_PROJECTS, c.PROJECT_FIELDS)],
)
def test_table_drop_downs(template, sheet, fields):
    ws = template[sheet]
    for column, fld in enumerate(fields, start=1):
        if fld.type not in ("enum", "enums", "bool"):
            continue
        letter = openpyxl.utils.get_column_letter(column)
        first = _validation_for(ws, f"{letter}2")
        assert _validation_for(ws, f"{letter}{TABLE_ROWS + 1}") is first
        assert _list_values(template, first.formula1) == _expected_labels(fld)


def test_list_validations_refer_to_the_hidden_sheet(template):
    # Long inline lists (over 255 characters) break Excel; every list must be a range.
    for ws in template.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert dv.formula1.startswith(f"'{SHEET_LISTS}'!"), dv.formula1


def test_template_bytes_are_reproducible(tmp_path):
    write_template(tmp_path / "a.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == template_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert wb.properties.modified == wb.properties.created


def _fill_by_hand(wb):
    """What a clerk does: type values next to the labels, pick labels from the drop-downs."""
    ws = wb[c.SHEET_FIELDS]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    values = {
        "Kommunkod": "1280",
        "Rapportår": 2025,
        "Råd finns": "Ja",
        "Rådets namn": "Trygg i Malmö",
        "Rådet inrättat år": 2008,
        "Ordförande": "Polisen",
        "Rådets medlemmar": "Kommunen; Polisen; Socialtjänsten",
        "Antal möten under året": 10,
        "Samordnare (årsarbetare)": 3.5,
        "Samordningsmodeller": "EST",
        "Lägesbild finns": "Ja",
        "Lägesbild uppdaterad år": 2025,
        "Åtgärdsplan finns": "Nej",
        "Överenskommelse finns": "Ja",
        "Giltig från": datetime(2024, 1, 1),
        "Giltig till": datetime(2027, 12, 31),
        "Överenskommelsens fokusområden": "Narkotika; Organiserad brottslighet",
        "Arbetade områden under året": "Avhopparverksamhet",
    }
    for label, value in values.items():
        ws.cell(row=rows[label], column=2, value=value)
    promises = wb[c.SHEET_PROMISES]
    promises.append(
        [
            "ML-1",
            "Trygg kvällsmiljö i Rosengård",
            "Trygghet i offentlig miljö",
            datetime(2025, 2, 1),
            None,
            "Trygghetsvandring; Enkät",
            "Pågående",
            "Nej",
            "Ja",
        ]
    )
    wb[c.SHEET_PROJECTS].append(
        [
            "BRA-2025-0042",
            "Avhopparstöd",
            "Avhopparverksamhet",
            380000,
            None,
            "Pågående",
            "Nej",
        ]
    )


def test_template_filled_by_hand_validates():
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    _fill_by_hand(wb)
    out = io.BytesIO()
    wb.save(out)
    log = IssueLog()
    raw, locate = read_report_xlsx(out.getvalue(), log)
    assert log.issues == []
    report, vlog = validate_report(
        raw, known_codes=municipality_codes(), locate=locate, today=TODAY
    )
    assert vlog.errors == [], [i.describe() for i in vlog.errors]
    assert report["municipality_code"] == "1280"
    assert report["council"]["chair"] == "police"
    assert report["council"]["members"] == ["municipality", "police", "social_services"]
    assert report["council"]["coordinator_fte"] == 3.5
    assert report["action_plan"] == {"exists": False, "adopted_date": None}
    assert report["agreement"]["valid_to"] == date(2027, 12, 31)
    assert report["agreement"]["focus_areas"] == ["drugs", "organised_crime"]
    assert report["citizen_promises"][0]["dialogue_methods"] == ["safety_walk", "survey"]
    assert report["citizen_promises"][0]["end_date"] is None
    assert report["funded_projects"][0]["spent_sek"] == 380000
    assert report["funded_projects"][0]["category"] == "exit_programme"


def test_filled_template_keeps_drop_downs_and_formats():
    report = {
        "schema_version": "1",
        "municipality_code": "0114",
        "reporting_year": 2024,
        "council": {"exists": True, "chair": "joint"},
        "agreement": {"exists": True, "valid_from": "2023-02-01", "valid_to": date(2026, 1, 31)},
        "citizen_promises": [],
        "funded_projects": [],
    }
    wb = openpyxl.load_workbook(io.BytesIO(report_to_xlsx_bytes(report)))
    ws = wb[c.SHEET_FIELDS]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(2, 30)}
    assert values["Ordförande"].value == "Gemensamt"
    assert values["Råd finns"].value == "Ja"
    assert values["Kommunkod"].value == "0114"
    assert values["Giltig från"].value == datetime(2023, 2, 1)
    assert values["Giltig från"].number_format == "yyyy-mm-dd"
    assert values["Giltig till"].value == datetime(2026, 1, 31)
    assert values["Rådets namn"].value is None
    assert _validation_for(ws, values["Ordförande"].coordinate).type == "list"
    assert wb[c.SHEET_PROMISES].max_row == 1
    assert wb[SHEET_LISTS].sheet_state == "hidden"


def test_filled_template_is_reproducible():
    report = {"municipality_code": "0114", "reporting_year": 2024, "council": {"exists": False}}
    assert report_to_xlsx_bytes(report) == report_to_xlsx_bytes(dict(report))
