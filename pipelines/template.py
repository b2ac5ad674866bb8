"""The XLSX report template (report-format.md section 2), empty or filled with a report.

`write_template` writes the workbook municipal offices fill in: the sheets `Uppgifter`,
`Medborgarlöften` and `Projekt` with Swedish labels from `pipelines.contract`, drop-down lists for
every enum and Ja/Nej field, an instructions sheet in Swedish and a hidden sheet holding the lists.
`report_to_xlsx_bytes` writes the same template filled with a report given in the canonical JSON
shape; the demo generator calls it for hundreds of files, so it fills a cached copy of the template
by writing the three data sheets' XML directly (about a millisecond a file) instead of building a
workbook with openpyxl each time (tens of milliseconds).

Both outputs are byte-for-byte reproducible: fixed document properties and fixed zip timestamps.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from pipelines import xlsx_text
from pipelines.contract import (
    BOOLEAN_LABELS,
    COORDINATION_MODEL_HELP,
    ENUMS,
    HEADER_FIELD,
    HEADER_VALUE,
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
)
from pipelines.validate.coerce import STOCKHOLM

# The hidden sheet with the drop-down lists. Excel limits a list typed into a validation to 255
# characters, which the focus areas exceed, so every validation points at a range here instead.
BOOL_LIST = "bool"  # the Listor column holding Ja / Nej
# Table rows that carry drop-downs and formats; more rows can still be typed, just unassisted.
TABLE_ROWS = 500
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
# Fixed document properties and zip timestamps make the output reproducible byte for byte.
FIXED_MOMENT = datetime(2025, 1, 1)
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
CREATOR = "Brottsförebyggande arbete – nationell lägesbild"
MULTI_PROMPT = (
    "Flera värden får stå i samma cell, åtskilda med semikolon (;). "
    "Välj ett i listan eller skriv flera, t.ex. Kommunen; Polisen. "
    "Alla tillåtna värden finns på bladet Instruktioner."
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")

# Excel's serial day 0 for the 1900 date system (its leap-year bug lies before any date here).
_EXCEL_EPOCH = datetime(1899, 12, 30)


# --- the template ------------------------------------------------------------------------------


def _list_columns() -> dict[str, tuple[str, list[str]]]:
    """Listor column letter and labels for each enum and for Ja/Nej."""
    lists = {name: [label.sv for label in values.values()] for name, values in ENUMS.items()}
    lists[BOOL_LIST] = [BOOLEAN_LABELS.sv, BOOLEAN_LABELS.en]
    return {
        name: (get_column_letter(index), labels)
        for index, (name, labels) in enumerate(lists.items(), start=1)
    }


def _list_range(name: str) -> str:
    letter, labels = _list_columns()[name]
    return f"{quote_sheetname(SHEET_LISTS)}!${letter}$2:${letter}${len(labels) + 1}"


def _validation(field: Field) -> DataValidation | None:
    """The drop-down for one field, or None for free-text, number and date fields."""
    if field.type == "bool":
        return DataValidation(
            type="list",
            formula1=_list_range(BOOL_LIST),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ogiltigt värde",
            error="Välj Ja eller Nej.",
        )
    if field.type == "enum":
        return DataValidation(
            type="list",
            formula1=_list_range(field.enum or ""),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ogiltigt värde",
            error="Välj ett värde i listan.",
        )
    if field.type == "enums":
        # A drop-down holds one value; the error alert is off so that several can be typed.
        return DataValidation(
            type="list",
            formula1=_list_range(field.enum or ""),
            allow_blank=True,
            showErrorMessage=False,
            showInputMessage=True,
            promptTitle="Flera värden: skriv ; mellan",
            prompt=MULTI_PROMPT,
        )
    return None


def _number_format(field: Field) -> str | None:
    return {
        "date": DATE_FORMAT,
        "datetime": DATETIME_FORMAT,
        # Text format keeps the leading zero of 0114 and the schema version's "1" as typed.
        "code": TEXT_FORMAT,
        "string": TEXT_FORMAT,
        "grant_id": TEXT_FORMAT,
        "text": TEXT_FORMAT,
    }.get(field.type)


def _style_header(cells: Iterable) -> None:
    for cell in cells:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL


def _add_fields_sheet(wb: Workbook) -> None:
    ws = wb.active
    ws.title = SHEET_FIELDS
    ws.append([HEADER_FIELD, HEADER_VALUE])
    _style_header(ws[1])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 60
    ws.freeze_panes = "A2"
    validations: dict[str, DataValidation] = {}
    for row, field in enumerate(REPORT_FIELDS, start=2):
        ws.cell(row=row, column=1, value=field.sv).font = _HEADER_FONT
        value = ws.cell(row=row, column=2)
        if field.key == "schema_version":
            value.value = SCHEMA_VERSION
        number_format = _number_format(field)
        if number_format:
            value.number_format = number_format
        dv = _validation(field)
        if dv is not None:
            # One validation per list and kind, covering every cell that uses it.
            key = f"{field.type}:{field.enum}"
            if key not in validations:
                validations[key] = dv
                ws.add_data_validation(dv)
            validations[key].add(value.coordinate)


def _add_table_sheet(wb: Workbook, title: str, fields: tuple[Field, ...]) -> None:
    ws = wb.create_sheet(title)
    ws.append([f.sv for f in fields])
    _style_header(ws[1])
    ws.freeze_panes = "A2"
    for column, field in enumerate(fields, start=1):
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = 48 if field.type == "text" else 22
        number_format = _number_format(field)
        if number_format:
            ws.column_dimensions[letter].number_format = number_format
        dv = _validation(field)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{TABLE_ROWS + 1}")
            ws.add_data_validation(dv)


def _format_text(field: Field) -> str:
    kind = {
        "string": "Text",
        "grant_id": "Diarienummer, t.ex. BRA-2025-0042",
        "text": "Text",
        "code": "Fyra siffror, t.ex. 0114",
        "year": "Årtal, t.ex. 2024",
        "int": "Heltal",
        "number": "Tal, t.ex. 1,5 eller 250 000",
        "bool": "Ja eller Nej",
        "date": "Datum ÅÅÅÅ-MM-DD",
        "datetime": "Datum och tid ÅÅÅÅ-MM-DD TT:MM",
        "enum": "Ett värde ur listan",
        "enums": "Ett eller flera värden ur listan, åtskilda med ;",
    }[field.type]
    if field.min is not None and field.max is not None:
        kind += f", {field.min:g}–{field.max:g}"
    elif field.min is not None:
        kind += f", minst {field.min:g}"
    if field.max_len is not None:
        kind += f", högst {field.max_len} tecken"
    return kind


INSTRUCTIONS = (
    "Årlig uppföljning av det lokala brottsförebyggande arbetet",
    "",
    "Fyll i en mall per kommun och rapportår och skicka in den som .xlsx.",
    f"Bladet {SHEET_FIELDS}: skriv kommunens svar i kolumnen {HEADER_VALUE}, ett fält per rad. "
    f"Ändra inte texterna i kolumnen {HEADER_FIELD} och ändra inte {REPORT_FIELDS[0].sv}.",
    f"Bladet {SHEET_PROMISES}: ett medborgarlöfte per rad. Lämna bara rubrikraden kvar om kommunen "
    "inte har några medborgarlöften.",
    f"Bladet {SHEET_PROJECTS}: ett projekt per rad för projekt som betalats med utvecklingsmedel. "
    "Diarienummer anges som i beslutet, t.ex. BRA-2024-0042.",
    "Datum skrivs ÅÅÅÅ-MM-DD, t.ex. 2025-03-01.",
    "Ja/nej-frågor besvaras med Ja eller Nej; välj i listan.",
    "Fält som kan ha flera värden (t.ex. Rådets medlemmar och fokusområden) skrivs i en cell med "
    "värdena åtskilda med semikolon (;), t.ex. Kommunen; Polisen; Skolan.",
    "Kommunkod är fyra siffror med inledande nolla, t.ex. 0114.",
    "Belopp anges i kronor, t.ex. 250000 eller 250 000.",
    "När Överenskommelse finns är Ja ska Giltig från och Giltig till fyllas i.",
    "Lämna cellen tom när en uppgift saknas. Byt inte namn på bladen och ta inte bort rubrikerna.",
    "Samordningsmodeller: "
    + "; ".join(f"{key.upper()} = {text}" for key, text in COORDINATION_MODEL_HELP.items())
    + ".",
)


def _add_instructions_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(SHEET_INSTRUCTIONS)
    for line in INSTRUCTIONS:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    header = ["Blad", "Fält", "Obligatoriskt", "Format", "Tillåtna värden"]
    ws.append(header)
    _style_header(ws[ws.max_row])
    for sheet, fields in (
        (SHEET_FIELDS, REPORT_FIELDS),
        (SHEET_PROMISES, PROMISE_FIELDS),
        (SHEET_PROJECTS, PROJECT_FIELDS),
    ):
        for field in fields:
            allowed = ""
            if field.enum:
                allowed = "; ".join(label.sv for label in ENUMS[field.enum].values())
            elif field.type == "bool":
                allowed = f"{BOOLEAN_LABELS.sv}; {BOOLEAN_LABELS.en}"
            ws.append(
                [sheet, field.sv, "Ja" if field.required else "", _format_text(field), allowed]
            )
            for cell in ws[ws.max_row]:
                cell.alignment = _WRAP
    for letter, width in zip("ABCDE", (100, 32, 14, 40, 70), strict=True):
        ws.column_dimensions[letter].width = width


def _add_lists_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(SHEET_LISTS)
    ws.sheet_state = "hidden"
    for name, (letter, labels) in _list_columns().items():
        ws[f"{letter}1"] = name
        for row, label in enumerate(labels, start=2):
            ws[f"{letter}{row}"] = label


def build_template() -> Workbook:
    """The empty template as an openpyxl workbook."""
    wb = Workbook()
    _add_fields_sheet(wb)
    _add_table_sheet(wb, SHEET_PROMISES, PROMISE_FIELDS)
    _add_table_sheet(wb, SHEET_PROJECTS, PROJECT_FIELDS)
    _add_instructions_sheet(wb)
    _add_lists_sheet(wb)
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = CREATOR
    props.title = "Årlig uppföljning – brottsförebyggande arbete"
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """Reproducible XLSX bytes of an openpyxl workbook: fixed dates and zip timestamps.

    Sets the workbook's created/modified properties to a fixed moment as a side effect.
    """
    wb.properties.created = wb.properties.modified = FIXED_MOMENT
    # ExcelWriter directly: openpyxl's save_workbook stamps the current time into the file.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return _rezip(_unzip(raw.getvalue()))


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rezip(parts: dict[str, bytes]) -> bytes:
    """A zip of the parts, in the given order, with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, content)
    return out.getvalue()


@cache
def template_bytes() -> bytes:
    """The empty template as XLSX bytes (built once per process)."""
    return workbook_bytes(build_template())


def write_template(path: str | Path) -> None:
    """Write the empty report template to `path`."""
    Path(path).write_bytes(template_bytes())


# --- filling the template with a report --------------------------------------------------------


class _TemplateParts:
    """The template's zip parts plus what filling needs: sheet paths and cell style ids."""

    def __init__(self) -> None:
        self.parts = _unzip(template_bytes())
        self.sheet_paths = self._sheet_paths()
        fields_xml = self.parts[self.sheet_paths[SHEET_FIELDS]].decode()
        # Style ids the template gave each cell of Uppgifter, reused for the filled values.
        self.field_styles = dict(re.findall(r'<c r="([A-Z]+\d+)"[^>]*?\ss="(\d+)"', fields_xml))
        self.column_styles = {
            title: self._column_styles(self.parts[self.sheet_paths[title]].decode())
            for title in (SHEET_PROMISES, SHEET_PROJECTS)
        }

    def _sheet_paths(self) -> dict[str, str]:
        workbook = self.parts["xl/workbook.xml"].decode()
        rels = self.parts["xl/_rels/workbook.xml.rels"].decode()
        targets = dict(re.findall(r'Id="([^"]+)"\s+Target="([^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*\sId="([^"]+)"', rels)})
        out = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*?r:id="([^"]+)"', workbook):
            target = targets[rid].lstrip("/")
            out[_unescape(name)] = target if target.startswith("xl/") else f"xl/{target}"
        return out

    @staticmethod
    def _column_styles(xml: str) -> dict[int, str]:
        styles = {}
        for element in re.findall(r"<col\s[^>]*>", xml):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', element))
            if "style" in attrs:
                for column in range(int(attrs["min"]), int(attrs["max"]) + 1):
                    styles[column] = attrs["style"]
        return styles


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


@cache
def _template_parts() -> _TemplateParts:
    return _TemplateParts()


def _get(report: dict, path: str) -> object:
    node: object = report
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _excel_serial(moment: date | datetime) -> float | int:
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            # Excel has no time zones; a clerk sees Swedish local time.
            moment = moment.astimezone(STOCKHOLM).replace(tzinfo=None)
        delta = moment - _EXCEL_EPOCH
        return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return (moment - _EXCEL_EPOCH.date()).days


def _parse_date(value: object, field: Field) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        try:
            if field.type == "datetime":
                return datetime.fromisoformat(value.strip())
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _cell_value(value: object, field: Field) -> tuple[str, object] | None:
    """(kind, value) to write for a report value: 'n' number, 'd' date serial, 's' text."""
    if value is None or value == [] or value == "":
        return None
    if field.type == "bool" and isinstance(value, bool):
        return "s", BOOLEAN_LABELS.sv if value else BOOLEAN_LABELS.en
    if field.type == "enum" and isinstance(value, str) and field.enum:
        label = ENUMS[field.enum].get(value)
        return "s", label.sv if label else value
    if field.type == "enums" and isinstance(value, list | tuple) and field.enum:
        labels = []
        for item in value:
            label = ENUMS[field.enum].get(item) if isinstance(item, str) else None
            labels.append(label.sv if label else str(item))
        return "s", "; ".join(labels)
    if field.type in ("date", "datetime"):
        moment = _parse_date(value, field)
        if moment is not None:
            return "d", _excel_serial(moment)
    if isinstance(value, bool):
        return "s", BOOLEAN_LABELS.sv if value else BOOLEAN_LABELS.en
    if (
        field.type in ("year", "int", "number")
        and isinstance(value, int | float)
        and math.isfinite(value)
    ):
        return "n", value
    # Everything else, including values the contract would reject, goes in as text so that a
    # deliberately broken demo report still shows its mistake.
    return "s", str(value)


def _cell_xml(ref: str, kind: str, value: object, style: str | None) -> str:
    s = f' s="{style}"' if style else ""
    if kind == "s":
        # what XML cannot hold replaced, cut to Excel's cell size: the shared XLSX cleaning
        text = xlsx_text.clean(str(value))
        return (
            f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
        )
    return f'<c r="{ref}"{s}><v>{_number_text(value)}</v></c>'


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _row_xml(row: int, cells: list[str]) -> str:
    return f'<row r="{row}">{"".join(cells)}</row>'


def _header_row(fields: Iterable[str], style: str | None) -> str:
    cells = [
        _cell_xml(f"{get_column_letter(column)}1", "s", label, style)
        for column, label in enumerate(fields, start=1)
    ]
    return _row_xml(1, cells)


def _fields_sheet_data(report: dict, parts: _TemplateParts) -> tuple[str, str]:
    styles = parts.field_styles
    rows = [_header_row([HEADER_FIELD, HEADER_VALUE], styles.get("A1"))]
    for row, field in enumerate(REPORT_FIELDS, start=2):
        cells = [_cell_xml(f"A{row}", "s", field.sv, styles.get(f"A{row}"))]
        value = _cell_value(_get(report, field.key), field)
        if value is not None:
            cells.append(_cell_xml(f"B{row}", *value, styles.get(f"B{row}")))
        rows.append(_row_xml(row, cells))
    return "".join(rows), f"A1:B{len(REPORT_FIELDS) + 1}"


def _table_sheet_data(
    items: object, fields: tuple[Field, ...], styles: dict[int, str], header_style: str | None
) -> tuple[str, str]:
    rows = [_header_row([f.sv for f in fields], header_style)]
    if isinstance(items, list):
        for row, item in enumerate(items, start=2):
            if not isinstance(item, dict):
                continue
            cells = []
            for column, field in enumerate(fields, start=1):
                value = _cell_value(item.get(field.key), field)
                if value is not None:
                    ref = f"{get_column_letter(column)}{row}"
                    cells.append(_cell_xml(ref, *value, styles.get(column)))
            rows.append(_row_xml(row, cells))
    last_row = max(1, len(rows))
    return "".join(rows), f"A1:{get_column_letter(len(fields))}{last_row}"


_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.DOTALL)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def _replace_sheet_data(xml: str, sheet_data: str, dimension: str) -> str:
    xml = _SHEET_DATA.sub(lambda _: f"<sheetData>{sheet_data}</sheetData>", xml, count=1)
    # openpyxl's read-only mode trusts <dimension>, so it must cover the filled rows.
    return _DIMENSION.sub(lambda _: f'<dimension ref="{dimension}"/>', xml, count=1)


def report_to_xlsx_bytes(report: dict) -> bytes:
    """The template filled with a report in the canonical JSON shape, as XLSX bytes.

    Enum keys become Swedish labels, booleans Ja/Nej, dates real Excel dates (datetimes in
    Swedish local time), lists one cell joined with "; ". Values the contract would reject are
    written as they are, as text, so malformed demo files can be made from this too.
    """
    parts = _template_parts()
    out = dict(parts.parts)
    header_style = parts.field_styles.get("A1")
    fields_xml = out[parts.sheet_paths[SHEET_FIELDS]].decode()
    out[parts.sheet_paths[SHEET_FIELDS]] = _replace_sheet_data(
        fields_xml, *_fields_sheet_data(report, parts)
    ).encode()
    for title, key, fields in (
        (SHEET_PROMISES, "citizen_promises", PROMISE_FIELDS),
        (SHEET_PROJECTS, "funded_projects", PROJECT_FIELDS),
    ):
        path = parts.sheet_paths[title]
        data = _table_sheet_data(report.get(key), fields, parts.column_styles[title], header_style)
        out[path] = _replace_sheet_data(out[path].decode(), *data).encode()
    return _rezip(out)
