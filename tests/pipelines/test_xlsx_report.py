"""Reading annual reports from XLSX (report-format.md sections 2 and 4): the round trip through
the template, the messy forms real offices send, where errors are reported, and files that can't
be read at all.

tests/fixtures/report_libreoffice.xlsx was made once with LibreOffice 7.4 (Debian 12,
libreoffice-calc-nogui) from report_valid.json:

    wb = openpyxl.load_workbook(io.BytesIO(report_to_xlsx_bytes(report_valid)))
    wb["Uppgifter"]["B3"] = 114             # Kommunkod typed as a number
    wb["Uppgifter"]["B6"] = True            # Råd finns as a boolean cell
    wb["Medborgarlöften"]["I3"] = True      # Publicerat as a boolean cell
    wb.save("in.xlsx")
    soffice --headless --convert-to xlsx --outdir out in.xlsx

so it has LibreOffice's shared strings, styles and `TRUE()` boolean formulas.
"""

import copy
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import contract as c
from pipelines.issues import IssueLog, Location
from pipelines.read.detect import detect_kind
from pipelines.read.xlsx_cells import column_letters, is_number_cell
from pipelines.read.xlsx_report import read_report_xlsx
from pipelines.reference import municipality_codes
from pipelines.template import report_to_xlsx_bytes
from pipelines.validate.report import validate_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VALID = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
TODAY = date(2026, 6, 1)
CODES = municipality_codes()


def _validate(raw, locate=None):
    kwargs = {"locate": locate} if locate else {}
    return validate_report(raw, known_codes=CODES, today=TODAY, **kwargs)


def _load(data: bytes):
    """(typed report or None, every issue from reading and validating)."""
    log = IssueLog()
    raw, locate = read_report_xlsx(data, log)
    if raw is None:
        return None, log.issues
    report, vlog = _validate(raw, locate)
    return report, log.issues + vlog.issues


def _workbook(report=VALID):
    return openpyxl.load_workbook(io.BytesIO(report_to_xlsx_bytes(report)))


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _field_row(wb, label):
    ws = wb[c.SHEET_FIELDS]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == label)


def _set_field(wb, label, value):
    cell = wb[c.SHEET_FIELDS].cell(row=_field_row(wb, label), column=2)
    cell.value = value  # assigned, because cell(value=None) would leave the old value
    _plain(cell)


def _set_item(wb, sheet, index, label, value):
    ws = wb[sheet]
    column = next(cell.column for cell in ws[1] if cell.value == label)
    cell = ws.cell(row=index + 2, column=column)
    cell.value = value
    _plain(cell)


def _plain(cell):
    # A number pasted over a date cell arrives in the General format: a bare Excel serial.
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        cell.number_format = "General"


def _get(report, path):
    node = report
    for part in path.replace("[", ".").replace("]", "").split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


# --- the round trip -------------------------------------------------------------------------


MINIMAL = {
    "schema_version": "1",
    "municipality_code": "2584",
    "reporting_year": 2019,
    "council": {"exists": False, "members": [], "coordination_models": []},
    "situation_report": {"exists": False},
    "action_plan": {"exists": False},
    "agreement": {"exists": False, "focus_areas": []},
    "citizen_promises": [],
    "funded_projects": [],
    "measures": [],
}


@pytest.mark.parametrize("report", [VALID, MINIMAL], ids=["valid", "minimal"])
def test_round_trip_gives_the_same_typed_report(report):
    expected, json_log = _validate(copy.deepcopy(report))
    assert json_log.errors == []
    typed, issues = _load(report_to_xlsx_bytes(report))
    assert typed == expected
    assert [i for i in issues if i.severity == "error"] == []
    assert [i.code for i in issues] == [i.code for i in json_log.issues]


def test_libreoffice_file_loads():
    typed, issues = _load((FIXTURES / "report_libreoffice.xlsx").read_bytes())
    expected, _ = _validate(copy.deepcopy(VALID))
    assert typed == expected
    # The code typed as a number 114 was padded, and said so, at its place in the sheet.
    assert [(i.severity, i.field, i.sheet, i.row) for i in issues] == [
        ("warning", "municipality_code", c.SHEET_FIELDS, 3)
    ]


# --- messy forms ----------------------------------------------------------------------------

PROJ, PROM = c.SHEET_PROJECTS, c.SHEET_PROMISES
VALID_FROM_SERIAL = (date(2023, 2, 1) - date(1899, 12, 30)).days


@pytest.mark.parametrize(
    ("where", "cell", "path", "expected", "warned"),
    [
        ("Giltig från", VALID_FROM_SERIAL, "agreement.valid_from", date(2023, 2, 1), True),
        ("Giltig från", float(VALID_FROM_SERIAL), "agreement.valid_from", date(2023, 2, 1), True),
        ("Giltig från", "2023-02-01", "agreement.valid_from", date(2023, 2, 1), False),
        ("Giltig från", " 2023-02-01 ", "agreement.valid_from", date(2023, 2, 1), False),
        ("Giltig från", "2023/02/01", "agreement.valid_from", date(2023, 2, 1), True),
        ("Giltig från", str(VALID_FROM_SERIAL), "agreement.valid_from", date(2023, 2, 1), True),
        (
            "Åtgärdsplan antagen",
            date(2024, 3, 12),
            "action_plan.adopted_date",
            date(2024, 3, 12),
            0,
        ),
        ("Kommunkod", 114, "municipality_code", "0114", True),
        ("Kommunkod", 1280, "municipality_code", "1280", True),  # a number, though nothing lost
        ("Kommunkod", "1280", "municipality_code", "1280", False),
        ("Kommunkod", "114", "municipality_code", "0114", True),
        ("Kommunkod", " 0114 ", "municipality_code", "0114", False),
        ("Rapportår", "2024", "reporting_year", 2024, False),
        ("Rapportår", 2024.0, "reporting_year", 2024, False),
        ("Råd finns", "JA", "council.exists", True, False),
        ("Råd finns", "ja", "council.exists", True, False),
        ("Råd finns", "Ja  ", "council.exists", True, False),
        ("Råd finns", "x", "council.exists", True, True),
        ("Råd finns", 1, "council.exists", True, False),
        ("Råd finns", 0, "council.exists", False, False),
        ("Råd finns", True, "council.exists", True, False),
        ("Råd finns", "nej", "council.exists", False, False),
        ("Samordnare (årsarbetare)", "1,5", "council.coordinator_fte", 1.5, False),
        ("Ordförande", "  gemensamt ", "council.chair", "joint", False),
        ("Ordförande", "joint", "council.chair", "joint", False),
        ("Rådets medlemmar", "kommunen,POLISEN", "council.members", ["municipality", "police"], 0),
        ("Samordningsmodeller", "EST ; SSPF ;", "council.coordination_models", ["est", "sspf"], 0),
        (
            "Rådets medlemmar",
            "Kommunen; Polisen, Skolan",
            "council.members",
            ["municipality", "police", "school"],
            0,
        ),
        ("Inskickad", 45702.4375, "submitted_at", datetime(2025, 2, 14, 9, 30), True),
        ("Inskickad", "45702,4375", "submitted_at", datetime(2025, 2, 14, 9, 30), True),
        ("Inskickad", "2025-02-14T10:30:00+01:00", "submitted_at", datetime(2025, 2, 14, 9, 30), 0),
        (
            "Inskickad",
            datetime(2025, 2, 14, 10, 30),
            "submitted_at",
            datetime(2025, 2, 14, 9, 30),
            0,
        ),
        ((PROJ, 0, "Använt belopp (kr)"), "250 000 kr", "funded_projects[0].spent_sek", 250000, 0),
        (
            (PROJ, 0, "Använt belopp (kr)"),
            "1 234 567 kr",
            "funded_projects[0].spent_sek",
            1234567,
            0,
        ),
        (
            (PROJ, 0, "Medfinansiering (kr)"),
            "1 234,50",
            "funded_projects[0].co_funding_sek",
            1234.5,
            0,
        ),
        (
            (PROJ, 0, "Medfinansiering (kr)"),
            "1\u00a0234,50 kr",
            "funded_projects[0].co_funding_sek",
            1234.5,
            False,
        ),
        ((PROJ, 0, "Effekt utvärderad"), "NEJ", "funded_projects[0].effect_evaluated", False, 0),
        ((PROM, 1, "Publicerat"), "X", "citizen_promises[1].published", True, True),
        (
            (PROM, 1, "Startdatum"),
            "2024-03-01",
            "citizen_promises[1].start_date",
            date(2024, 3, 1),
            0,
        ),
        ((PROM, 1, "Status"), "pågående ", "citizen_promises[1].status", "ongoing", False),
    ],
)
def test_messy_values_load(where, cell, path, expected, warned):
    wb = _workbook()
    if isinstance(where, tuple):
        _set_item(wb, *where, cell)
    else:
        _set_field(wb, where, cell)
    typed, issues = _load(_bytes(wb))
    assert typed is not None, [i.describe() for i in issues]
    assert _get(typed, path) == expected
    guesses = [i for i in issues if i.field == path]
    assert bool(guesses) == bool(warned), guesses
    assert all(i.severity == "warning" for i in issues)


def test_labels_match_case_and_whitespace_insensitively_and_by_english_key():
    wb = _workbook()
    ws = wb[c.SHEET_FIELDS]
    ws.cell(row=_field_row(wb, "Råd finns"), column=1, value="  RÅD   FINNS ")
    ws.cell(row=_field_row(wb, "Ordförande"), column=1, value="council.chair")
    ws.cell(row=_field_row(wb, "Lägesbild finns"), column=1, value="Situation report exists")
    ws["A1"], ws["B1"] = " fält ", "VÄRDE "
    wb[PROM]["G1"] = "status "
    typed, issues = _load(_bytes(wb))
    expected, _ = _validate(copy.deepcopy(VALID))
    assert typed == expected
    assert issues == []


def _sheet_from_scratch():
    """A workbook typed from nothing: other column order, title rows, English headers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "uppgifter"  # sheet names match case-insensitively too
    ws.append(["Rapport 2024"])
    ws.append([])
    ws.append(["Value", "Field"])  # value column first
    ws.append(["1", "Schemaversion"])
    ws.append(["0114", "Kommunkod"])
    ws.append([2024, "Rapportår"])
    ws.append(["Ja", "Råd finns"])
    ws.append(["Nej", "Lägesbild finns"])
    ws.append(["Nej", "Åtgärdsplan finns"])
    ws.append(["Nej", "Överenskommelse finns"])
    for _ in range(5):
        ws.append([None, None])
    ws.append(["   ", None])
    promises = wb.create_sheet(c.SHEET_PROMISES)
    promises.append(["Medborgarlöften"])  # a title row above the header
    header = ["published", "followed_up", "status", "dialogue_methods", "start_date"]
    promises.append([*header, "focus_area", "title", "promise_id"])
    promises.append(["Ja", "Nej", "Planerat", "Enkät", "2024-05-01", "Narkotika", "T1", "A"])
    promises.append([None] * 8)
    promises.append(["  "] * 8)
    promises.append(["nej", "ja", "Infriat", "", 45500, "Annat", "T2", "B"])
    promises.append([None] * 8)
    projects = wb.create_sheet(c.SHEET_PROJECTS)
    projects.append([f.en for f in reversed(c.PROJECT_FIELDS)])
    return wb


def test_workbook_from_scratch_with_other_order_and_blank_rows():
    wb = _sheet_from_scratch()
    log = IssueLog()
    raw, locate = read_report_xlsx(_bytes(wb), log)
    assert log.issues == []
    assert raw["citizen_promises"][1]["promise_id"] == "B"
    assert len(raw["citizen_promises"]) == 2 and raw["funded_projects"] == []
    report, vlog = _validate(raw, locate)
    assert vlog.errors == []
    assert report["council"]["exists"] is True
    assert [p["promise_id"] for p in report["citizen_promises"]] == ["A", "B"]
    assert report["citizen_promises"][1]["start_date"] == date(2024, 7, 27)
    # The second promise sits on Excel row 6, after an empty and a whitespace-only row.
    assert locate("citizen_promises[1].status") == c_loc(c.SHEET_PROMISES, 6, "Status")
    assert locate("council.exists") == c_loc("uppgifter", 7, "Råd finns")
    no_dialogue = [i for i in vlog.warnings if i.code == "no_dialogue"]
    assert [(i.sheet, i.row) for i in no_dialogue] == [(c.SHEET_PROMISES, 6)]


def c_loc(sheet, row, label):
    return Location(sheet=sheet, row=row, field=label)


# --- problems found are located -------------------------------------------------------------


def test_errors_name_sheet_row_and_field():
    wb = _workbook()
    _set_field(wb, "Råd finns", "kanske")
    _set_field(wb, "Giltig till", "2022-12-31")  # before Giltig från 2023-02-01
    _set_field(wb, "Lägesbild finns", None)
    _set_item(wb, PROM, 1, "Status", "Klart")
    _set_item(wb, PROJ, 0, "Använt belopp (kr)", "mycket")
    typed, issues = _load(_bytes(wb))
    assert typed is None
    errors = {(i.field, i.sheet, i.row): i for i in issues if i.severity == "error"}
    rows = {label: _field_row(wb, label) for label in ("Råd finns", "Giltig till")}
    assert set(errors) == {
        ("council.exists", c.SHEET_FIELDS, rows["Råd finns"]),
        ("agreement.valid_to", c.SHEET_FIELDS, rows["Giltig till"]),
        ("situation_report.exists", c.SHEET_FIELDS, _field_row(wb, "Lägesbild finns")),
        ("citizen_promises[1].status", c.SHEET_PROMISES, 3),
        ("funded_projects[0].spent_sek", c.SHEET_PROJECTS, 2),
    }
    status = errors[("citizen_promises[1].status", c.SHEET_PROMISES, 3)]
    assert "Status" in status.message and "Pågående" in status.expected
    line = status.describe("rapport_0114_2024.xlsx")
    assert line.startswith("rapport_0114_2024.xlsx, Medborgarlöften, rad 3")


def test_missing_label_row_is_located_on_the_sheet():
    wb = _workbook()
    ws = wb[c.SHEET_FIELDS]
    ws.delete_rows(_field_row(wb, "Råd finns"))
    typed, issues = _load(_bytes(wb))
    assert typed is None
    [error] = [i for i in issues if i.severity == "error"]
    assert (error.code, error.field, error.sheet, error.row) == (
        "missing_required",
        "council.exists",
        c.SHEET_FIELDS,
        None,
    )


def test_unknown_labels_and_columns_are_warned_with_sheet_and_row():
    wb = _workbook()
    ws = wb[c.SHEET_FIELDS]
    ws.append(["Antal trygghetsvandringar", 12])
    unknown_row = ws.max_row
    wb[PROM]["J1"] = "Kommentar"
    wb[PROM]["J2"] = "bra löfte"
    typed, issues = _load(_bytes(wb))
    assert typed is not None
    warned = {(i.code, i.sheet, i.row) for i in issues}
    assert ("unknown_field", c.SHEET_FIELDS, unknown_row) in warned
    assert ("unknown_column", c.SHEET_PROMISES, 1) in warned
    messages = " ".join(i.message for i in issues)
    assert "Antal trygghetsvandringar" in messages and "Kommentar" in messages


def test_duplicate_label_keeps_the_first_value_and_warns():
    wb = _workbook()
    wb[c.SHEET_FIELDS].append(["Rapportår", 2023])
    typed, issues = _load(_bytes(wb))
    assert typed["reporting_year"] == 2024
    assert [i.code for i in issues] == ["duplicate_field"]


def test_missing_fields_sheet_is_an_error():
    wb = _workbook()
    del wb[c.SHEET_FIELDS]
    log = IssueLog()
    raw, _ = read_report_xlsx(_bytes(wb), log)
    assert raw is None
    [error] = log.errors
    assert error.code == "missing_sheet" and c.SHEET_FIELDS in error.message


def test_missing_fields_sheet_is_still_recognised_as_a_report():
    wb = _workbook()
    del wb[c.SHEET_FIELDS]
    assert detect_kind(_bytes(wb)) == ("report_xlsx", None)


def test_copied_fields_sheet_is_read_with_a_warning():
    wb = _workbook()
    wb[c.SHEET_FIELDS].title = "Uppgifter (2)"
    assert detect_kind(_bytes(wb)) == ("report_xlsx", None)
    typed, issues = _load(_bytes(wb))
    assert typed["municipality_code"] == VALID["municipality_code"]
    assert [(i.code, i.sheet) for i in issues] == [("renamed_sheet", "Uppgifter (2)")]


def test_values_under_a_blank_header_are_warned_with_their_rows():
    wb = _workbook()
    ws = wb[PROM]
    ws.cell(row=3, column=ws.max_column + 2, value="anteckning")
    typed, issues = _load(_bytes(wb))
    assert len(typed["citizen_promises"]) == 2
    [warning] = issues
    assert (warning.code, warning.sheet, warning.row) == ("unnamed_column", PROM, 3)
    assert warning.severity == "warning"


def test_missing_table_sheet_is_left_to_the_validator_as_a_warning():
    wb = _workbook()
    del wb[c.SHEET_PROJECTS]
    log = IssueLog()
    raw, locate = read_report_xlsx(_bytes(wb), log)
    assert "funded_projects" not in raw and len(raw["citizen_promises"]) == 2
    report, vlog = _validate(raw, locate)
    assert report["funded_projects"] == []
    [warning] = vlog.warnings
    assert (warning.code, warning.sheet) == ("missing_list", c.SHEET_PROJECTS)


def test_table_without_header_is_an_error():
    wb = _workbook()
    wb[PROM].delete_rows(1)
    typed, issues = _load(_bytes(wb))
    assert typed is None
    assert ("missing_header", c.SHEET_PROMISES) in {(i.code, i.sheet) for i in issues}


def test_unknown_sheet_with_content_is_warned():
    wb = _workbook()
    wb.create_sheet("Anteckningar")["A1"] = "att göra"
    wb.create_sheet("Blad1")  # empty: not worth a warning
    typed, issues = _load(_bytes(wb))
    assert typed is not None
    assert [(i.code, i.sheet) for i in issues] == [("unknown_sheet", "Anteckningar")]


def test_formula_error_cell_is_warned_and_read_as_blank():
    data = report_to_xlsx_bytes(VALID)
    parts = _unzip(data)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # Rådets namn (row 7) replaced by a cached #N/A, as Excel writes a failed lookup.
    start = sheet.index('<c r="B7"')
    end = sheet.index("</c>", start) + len("</c>")
    sheet = sheet[:start] + '<c r="B7" t="e"><f>VLOOKUP(1,A1:A2,2)</f><v>#N/A</v></c>' + sheet[end:]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    typed, issues = _load(_zip(parts))
    assert typed["council"]["name"] is None
    assert [(i.code, i.sheet, i.row) for i in issues] == [("cell_error", c.SHEET_FIELDS, 7)]


# --- unreadable files ----------------------------------------------------------------------


def _unzip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def _docx():
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _broken_sheet():
    parts = _unzip(report_to_xlsx_bytes(VALID))
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'>"
    return _zip(parts)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "tom"),
        (b"\x00\x01 just some bytes \xff" * 40, "inte en Excel-arbetsbok"),
        (report_to_xlsx_bytes(VALID)[:3000], "inte en Excel-arbetsbok"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), ".xls"),
        (_docx(), "Word-dokument"),
        (_zip({"hello.txt": b"hi"}), "inte en Excel-arbetsbok"),
        (_broken_sheet(), "skadad"),
        (b'{"schema_version": "1"}', "inte en Excel-arbetsbok"),
    ],
    ids=["empty", "random", "truncated", "old-xls", "word", "other-zip", "broken-xml", "json"],
)
def test_unreadable_files_give_one_clear_error(data, says):
    log = IssueLog()
    raw, locate = read_report_xlsx(data, log)
    assert raw is None
    [issue] = log.issues
    assert (issue.severity, issue.code) == ("error", "unreadable")
    assert says in issue.message
    assert locate("council.exists").field == "Råd finns"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_never_raises_on_arbitrary_bytes(data):
    log = IssueLog()
    raw, _ = read_report_xlsx(data, log)
    assert raw is None and [i.code for i in log.issues] == ["unreadable"]


VALID_BYTES = report_to_xlsx_bytes(VALID)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, len(VALID_BYTES) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=8,
    )
)
def test_never_raises_on_damaged_workbooks(changes):
    data = bytearray(VALID_BYTES)
    for position, byte in changes:
        data[position] = byte
    log = IssueLog()
    raw, locate = read_report_xlsx(bytes(data), log)
    if raw is None:
        assert log.errors
    else:
        _validate(raw, locate)  # whatever was read, the validator can take it


def test_cell_types_are_read_from_the_sheet_xml_and_never_raise():
    wb = _workbook()
    wb[c.SHEET_FIELDS]["D5"] = 12.5
    wb[c.SHEET_FIELDS]["D6"] = "12.5"
    data = _bytes(wb)
    assert is_number_cell(data, c.SHEET_FIELDS, "D5")
    assert not is_number_cell(data, c.SHEET_FIELDS, "D6")
    assert not is_number_cell(data, c.SHEET_FIELDS, "D7")  # empty
    assert not is_number_cell(data, "Finns inte", "D5")
    assert not is_number_cell(data[:500], c.SHEET_FIELDS, "D5")
    assert (column_letters(0), column_letters(26), column_letters(701)) == ("A", "AA", "ZZ")
