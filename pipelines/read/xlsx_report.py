"""Read an annual report sent as XLSX (the template of report-format.md section 2).

The workbook is read by header label, never by column position: the `Uppgifter` sheet by its
`Fält`/`Värde` columns, the `Medborgarlöften` and `Projekt` tables by their header row. Labels match
case- and whitespace-insensitively, and the English keys are accepted too. The result is the raw
nested shape of the JSON format with cell values left as text for the validator to coerce, plus a
`locate(path)` that turns a contract path such as `citizen_promises[2].status` into the sheet, Excel
row and Swedish label where that value sits.

Cells are read with fastexcel (calamine), every cell as text, which the validator's coercion
understands: booleans arrive as "true"/"false", date cells as "2025-03-01 00:00:00", numbers as
"1.5". Measured on a filled template: 0.7 ms for the whole read (1.7 ms for a file saved by
LibreOffice), against 7 ms (27 ms) for merely reading the cells with openpyxl's read-only mode,
which matters when an inbox of ~1 400 XLSX reports is ingested. Nothing here raises on any input
bytes: a file that cannot be opened gets one `unreadable` error.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import fastexcel

from pipelines.contract import (
    HEADER_FIELD,
    HEADER_VALUE,
    MAX_FILE_BYTES,
    PROJECT_FIELDS,
    PROMISE_FIELDS,
    REPORT_FIELDS,
    SCHEMA_VERSION,
    SHEET_FIELDS,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    SHEET_PROJECTS,
    SHEET_PROMISES,
    Field,
    field_lookup,
    normalise_label,
)
from pipelines.issues import IssueLog, Location
from pipelines.read.xlsx_cells import column_letters, is_number_cell

Locate = Callable[[str], Location]
Rows = list[list[str | None]]

# The tables of a report: list key in the JSON shape, sheet name, the fields of one row.
TABLES = (
    ("citizen_promises", SHEET_PROMISES, PROMISE_FIELDS),
    ("funded_projects", SHEET_PROJECTS, PROJECT_FIELDS),
)
# A header row is looked for among the first rows only, so that a stray label further down in
# the data is never taken for the header.
HEADER_SEARCH_ROWS = 20
# Unpacked size, as the zip's headers claim it, beyond which a workbook is refused. A claim only (a
# hostile file lies): `pipelines.parse.parse` has measured the real one while inflating
# (`xlsx_limits`) before this reader runs; this is a second, cheap refusal for a caller that
# did not.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_FIELD_HEADERS = {normalise_label(HEADER_FIELD), "field"}
_VALUE_HEADERS = {normalise_label(HEADER_VALUE), "value"}
_UNREADABLE_EXPECTED = "en .xlsx-fil sparad från rapportmallen"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _norm(text: object) -> str:
    """Label form for matching; also forgives a trailing colon or required-field star."""
    return normalise_label(text).rstrip(":*")


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


# --- where values sit ------------------------------------------------------------------------


_LIST_PATH = re.compile(r"(\w+)(?:\[(\d+)\](?:\.(\w+))?)?")
_FIELD_SV = {f.key: f.sv for f in REPORT_FIELDS}
_TABLE_SV = {key: {f.key: f.sv for f in fields} for key, _, fields in TABLES}


@dataclass
class _TablePlace:
    sheet: str
    header_row: int | None = None
    item_rows: list[int] = field(default_factory=list)


@dataclass
class XlsxLocator:
    """Maps contract paths to sheet, Excel row (1-based) and Swedish label."""

    fields_sheet: str = SHEET_FIELDS
    value_column: int = 1  # index of the Värde column on the fields sheet
    field_rows: dict[str, int] = field(default_factory=dict)
    tables: dict[str, _TablePlace] = field(
        default_factory=lambda: {key: _TablePlace(sheet) for key, sheet, _ in TABLES}
    )

    def __call__(self, path: str) -> Location:
        m = _LIST_PATH.fullmatch(path)
        if m and m.group(1) in self.tables:
            list_key, index, key = m.groups()
            place = self.tables[list_key]
            row = place.header_row
            if index is not None:
                i = int(index)
                row = place.item_rows[i] if i < len(place.item_rows) else None
            label = _TABLE_SV[list_key].get(key, key) if key else None
            return Location(sheet=place.sheet, row=row, field=label)
        return Location(
            sheet=self.fields_sheet, row=self.field_rows.get(path), field=_FIELD_SV.get(path, path)
        )


# --- opening the workbook --------------------------------------------------------------------


def _unreadable(log: IssueLog, message: str) -> None:
    log.error("unreadable", message, expected=_UNREADABLE_EXPECTED)


def _open(data: bytes, log: IssueLog) -> fastexcel.ExcelReader | None:
    """The workbook, or None with one clear `unreadable` error saying why it can't be opened."""
    if not isinstance(data, bytes):
        try:
            data = bytes(data)  # a bytearray or memoryview from an upload
        except Exception:
            _unreadable(log, "filen kunde inte läsas som bytes")
            return None
    if not data:
        _unreadable(log, "filen är tom")
        return None
    if len(data) > MAX_FILE_BYTES:
        _unreadable(log, f"filen är för stor ({len(data) // (1024 * 1024)} MB)")
        return None
    if data.startswith(_OLE2_MAGIC):
        _unreadable(
            log,
            "filen är en äldre Office-fil (.xls eller .doc), inte en .xlsx-arbetsbok; "
            "öppna den i Excel och spara som .xlsx",
        )
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:
        _unreadable(log, "filen är inte en Excel-arbetsbok (.xlsx) eller är skadad")
        return None
    if "xl/workbook.xml" not in names:
        kind = "ett Word-dokument" if "word/document.xml" in names else "en annan sorts fil"
        _unreadable(log, f"filen är {kind}, inte en Excel-arbetsbok (.xlsx)")
        return None
    if unpacked > MAX_UNPACKED_BYTES:
        _unreadable(log, "arbetsboken är för stor uppackad")
        return None
    try:
        return fastexcel.read_excel(data)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine can panic on broken XML; a panic is a BaseException
        _unreadable(log, "arbetsboken är skadad och kan inte läsas")
        return None


def _load(book: fastexcel.ExcelReader, name: str, log: IssueLog) -> Rows:
    """All rows of a sheet as text, index i being Excel row i + 1; cell errors are warned."""
    # skip_rows=0 keeps leading empty rows, so that list positions stay Excel row numbers.
    sheet = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
    batch, errors = sheet.to_arrow_with_errors()
    columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    rows: Rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    for error in errors.errors if errors else ():
        row, _column = error.position
        log.warn(
            "cell_error",
            "en cell innehåller ett fel (t.ex. #N/A eller #REF!) och lästes som tom",
            loc=Location(sheet=name, row=row + 1),
            expected="ett värde, inte en formel som ger fel",
        )
    return rows


# --- the sheets ------------------------------------------------------------------------------


def _set(target: dict, path: str, value: object) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def _fields_header(rows: Rows) -> tuple[int, int, int] | None:
    """(header row index, label column, value column) of the Fält/Värde header."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        norms = [_norm(c) if c is not None else "" for c in row]
        label_col = next((i for i, n in enumerate(norms) if n in _FIELD_HEADERS), None)
        value_col = next((i for i, n in enumerate(norms) if n in _VALUE_HEADERS), None)
        if label_col is not None and value_col is not None:
            return r, label_col, value_col
    return None


def _read_fields(rows: Rows, sheet: str, log: IssueLog, locator: XlsxLocator) -> dict:
    lookup = field_lookup(REPORT_FIELDS)
    header = _fields_header(rows)
    if header is None:
        # Without the header, take the column holding the most known labels and the next one.
        counts: dict[int, int] = {}
        for row in rows:
            for i, cell in enumerate(row):
                if cell is not None and _norm(cell) in lookup:
                    counts[i] = counts.get(i, 0) + 1
        if not counts:
            return {}
        label_col = max(counts, key=lambda i: (counts[i], -i))
        header = (-1, label_col, label_col + 1)
        log.warn(
            "missing_header",
            f"rubrikraden '{HEADER_FIELD}' / '{HEADER_VALUE}' saknas; fältnamnen togs från "
            "kolumnen med flest kända fält och värdena från kolumnen till höger",
            loc=Location(sheet=sheet),
            expected=f"en rubrikrad med '{HEADER_FIELD}' och '{HEADER_VALUE}'",
        )
    header_row, label_col, value_col = header
    locator.value_column = value_col
    if header_row >= 0:
        extra = [
            c
            for i, c in enumerate(rows[header_row])
            if i not in (label_col, value_col) and not _blank(c)
        ]
        if extra:
            log.warn(
                "unknown_column",
                "okända kolumner ignorerades: " + ", ".join(f"'{c.strip()}'" for c in extra),
                loc=Location(sheet=sheet, row=header_row + 1),
                expected=f"kolumnerna '{HEADER_FIELD}' och '{HEADER_VALUE}'",
            )
    raw: dict = {}
    stray_row: int | None = None
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1
        label = row[label_col] if label_col < len(row) else None
        value = row[value_col] if value_col < len(row) else None
        others = any(not _blank(c) for i, c in enumerate(row) if i not in (label_col, value_col))
        if others and stray_row is None:
            stray_row = excel_row
        if _blank(label):
            if not _blank(value):
                log.warn(
                    "unknown_field",
                    "ett värde utan fältnamn ignorerades",
                    loc=Location(sheet=sheet, row=excel_row),
                    expected=f"fältnamnet i kolumnen '{HEADER_FIELD}'",
                    value=value,
                )
            continue
        fld = lookup.get(_norm(label))
        if fld is None:
            log.warn(
                "unknown_field",
                f"okänt fält '{label.strip()}' ignorerades",
                loc=Location(sheet=sheet, row=excel_row, field=label.strip()),
                expected="ett fältnamn från mallen",
            )
            continue
        if fld.key in locator.field_rows:
            first = locator.field_rows[fld.key]
            if not _blank(value):
                if _has(raw, fld.key):
                    log.warn(
                        "duplicate_field",
                        f"fältet '{fld.sv}' förekommer igen; värdet på rad {first} används",
                        field=fld.key,
                        loc=Location(sheet=sheet, row=excel_row, field=fld.sv),
                        value=value,
                    )
                    continue
                locator.field_rows[fld.key] = excel_row
                _set(raw, fld.key, value)
            continue
        locator.field_rows[fld.key] = excel_row
        if not _blank(value):
            _set(raw, fld.key, value)
    if stray_row is not None:
        log.warn(
            "unknown_column",
            f"värden utanför kolumnerna '{HEADER_FIELD}' och '{HEADER_VALUE}' ignorerades",
            loc=Location(sheet=sheet, row=stray_row),
            expected=f"svaren i kolumnen '{HEADER_VALUE}'",
        )
    return raw


def _has(raw: dict, path: str) -> bool:
    node: object = raw
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _read_table(
    rows: Rows, sheet: str, fields: tuple[Field, ...], log: IssueLog, place: _TablePlace
) -> list[dict] | None:
    """The rows of a table sheet as dicts of raw values; None when its header can't be found."""
    lookup = field_lookup(fields)
    header_row = next(
        (
            r
            for r, row in enumerate(rows[:HEADER_SEARCH_ROWS])
            if any(c is not None and _norm(c) in lookup for c in row)
        ),
        None,
    )
    if header_row is None:
        if any(not _blank(c) for row in rows for c in row):
            log.error(
                "missing_header",
                f"bladet '{sheet}' saknar rubrikrad, så raderna kan inte tolkas",
                loc=Location(sheet=sheet),
                expected="rubrikerna från mallen: " + ", ".join(f.sv for f in fields),
            )
            return None
        return []
    place.header_row = header_row + 1
    columns: dict[int, Field] = {}
    unknown: list[str] = []
    for i, cell in enumerate(rows[header_row]):
        if _blank(cell):
            continue
        fld = lookup.get(_norm(cell))
        if fld is None:
            unknown.append(cell.strip())
        elif fld in columns.values():
            log.warn(
                "duplicate_column",
                f"kolumnen '{fld.sv}' förekommer två gånger; den första används",
                loc=Location(sheet=sheet, row=header_row + 1, field=fld.sv),
            )
        else:
            columns[i] = fld
    if unknown:
        log.warn(
            "unknown_column",
            "okända kolumner ignorerades: " + ", ".join(f"'{c}'" for c in unknown),
            loc=Location(sheet=sheet, row=header_row + 1),
            expected="rubrikerna från mallen: " + ", ".join(f.sv for f in fields),
        )
    items: list[dict] = []
    unnamed_rows: list[int] = []
    header = rows[header_row]
    # Columns without a header: blank header cells, and any column right of the header row.
    unnamed = {i for i, cell in enumerate(header) if _blank(cell)}
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        item = {
            fld.key: row[i] for i, fld in columns.items() if i < len(row) and not _blank(row[i])
        }
        if any(not _blank(c) for i, c in enumerate(row) if i in unnamed or i >= len(header)):
            unnamed_rows.append(r + 1)
        if item:  # rows of only blanks and whitespace are not items
            items.append(item)
            place.item_rows.append(r + 1)
    if unnamed_rows:
        log.warn(
            "unnamed_column",
            "värden i en kolumn utan rubrik ignorerades (rad "
            + ", ".join(str(r) for r in unnamed_rows[:10])
            + (" …)" if len(unnamed_rows) > 10 else ")"),
            loc=Location(sheet=sheet, row=unnamed_rows[0]),
            expected="en rubrik från mallen på varje kolumn som används",
        )
    return items


def read_report_xlsx(data: bytes, log: IssueLog) -> tuple[dict | None, Locate]:
    """The raw nested report from XLSX bytes, and where each value sits.

    Returns (None, locate) with the reasons in `log` when the workbook can't be read as a report
    (not a workbook, damaged, no sheet `Uppgifter`, a table whose header can't be found), so that
    a caller can't load half a report. A missing table sheet leaves its list out; the validator
    then warns that it is missing.
    """
    locator = XlsxLocator()
    book = _open(data, log)
    if book is None:
        return None, locator
    errors_before = len(log.errors)
    try:
        raw = _read_book(book, log, locator)
        if raw is None or len(log.errors) != errors_before:
            return None, locator
        _number_typed_code(data, raw, locator)
        _assume_schema_version(raw, locator, log)
        return raw, locator
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a broken sheet inside a valid zip; calamine may panic
        _unreadable(log, "arbetsboken är skadad och kan inte läsas")
        return None, locator


def _number_typed_code(data: bytes, raw: dict, locator: XlsxLocator) -> None:
    """Hand a municipality code typed as a number on as a number, so that the validator warns
    about it as it does for JSON (the text read cannot tell 1280 from "1280")."""
    code, row = raw.get("municipality_code"), locator.field_rows.get("municipality_code")
    if not (isinstance(code, str) and code.strip().isdigit() and row is not None):
        return
    ref = f"{column_letters(locator.value_column)}{row}"
    if is_number_cell(data, locator.fields_sheet, ref):
        raw["municipality_code"] = int(code)


def _assume_schema_version(raw: dict, locator: XlsxLocator, log: IssueLog) -> None:
    """A workbook typed by hand from the labels report-format.md names has no `Schemaversion`
    row (section 2 does not list it): read it as version "1", the only one there is, with a
    warning. A version that was given is left to the validator, which rejects any other."""
    if not _blank(raw.get("schema_version")):
        return
    label = _FIELD_SV["schema_version"]
    row = locator.field_rows.get("schema_version")
    what = f"raden '{label}' saknas" if row is None else f"'{label}' är tom"
    raw["schema_version"] = SCHEMA_VERSION
    log.warn(
        "missing_schema_version",
        f"{what}; rapporten lästes som version {SCHEMA_VERSION}, den enda versionen av "
        "rapportformatet",
        field="schema_version",
        loc=Location(sheet=locator.fields_sheet, row=row, field=label),
        expected=f"en rad '{label}' med värdet {SCHEMA_VERSION}",
    )


def _read_book(book: fastexcel.ExcelReader, log: IssueLog, locator: XlsxLocator) -> dict | None:
    sheets: dict[str, str] = {}
    for name in book.sheet_names:
        norm = _norm(name)
        if norm in sheets:
            log.warn(
                "duplicate_sheet",
                f"bladet '{name}' har samma namn som '{sheets[norm]}' och ignorerades",
                loc=Location(sheet=name),
            )
        else:
            sheets[norm] = name
    fields_name = sheets.get(_norm(SHEET_FIELDS))
    if fields_name is None:
        # Excel names a copied sheet "Uppgifter (2)": one such sheet is the fields, with a warning.
        renamed = [name for norm, name in sheets.items() if norm.startswith(_norm(SHEET_FIELDS))]
        if len(renamed) == 1:
            fields_name = renamed[0]
            log.warn(
                "renamed_sheet",
                f"bladet '{fields_name}' lästes som '{SHEET_FIELDS}'",
                loc=Location(sheet=fields_name),
                expected=f"bladet heter '{SHEET_FIELDS}' som i mallen",
            )
    known = {_norm(s) for s in (SHEET_INSTRUCTIONS, SHEET_LISTS)}
    known |= {_norm(sheet) for _, sheet, _ in TABLES}
    if fields_name is not None:
        known.add(_norm(fields_name))
    for norm, name in sheets.items():
        if norm not in known and any(not _blank(c) for row in _load(book, name, log) for c in row):
            log.warn(
                "unknown_sheet",
                f"bladet '{name}' hör inte till mallen och ignorerades",
                loc=Location(sheet=name),
                expected=f"bladen {SHEET_FIELDS}, {SHEET_PROMISES} och {SHEET_PROJECTS}",
            )

    if fields_name is None:
        log.error(
            "missing_sheet",
            f"bladet '{SHEET_FIELDS}' saknas, så rapportens uppgifter kan inte läsas",
            loc=Location(sheet=SHEET_FIELDS),
            expected=f"en arbetsbok enligt mallen med bladen {SHEET_FIELDS}, {SHEET_PROMISES} "
            f"och {SHEET_PROJECTS}",
        )
        return None
    locator.fields_sheet = fields_name
    raw = _read_fields(_load(book, fields_name, log), fields_name, log, locator)
    for list_key, sheet, fields in TABLES:
        name = sheets.get(_norm(sheet))
        if name is None:
            continue  # left out: the validator warns that the list is missing
        place = locator.tables[list_key]
        place.sheet = name
        items = _read_table(_load(book, name, log), name, fields, log, place)
        if items is not None:
            raw[list_key] = items
    return raw
