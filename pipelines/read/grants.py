"""Read the national grant register (report-format.md section 3) from CSV or XLSX into raw rows.

The reader only finds the table: it decodes the file, finds the header row, maps each heading to a
contract key through `contract.field_lookup(GRANT_FIELDS)` and hands every data row over with its
place in the file. Values stay as they arrived (text from CSV, cell values from XLSX), because
typing them is the validator's job and a reader that guesses types turns `0114` into 114.

Whatever the bytes, the reader never raises: a file it cannot make sense of gets one clear,
file-level error and `None`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from typing import Literal

from pipelines.contract import GRANT_FIELDS, MAX_FILE_BYTES, Field, field_lookup, normalise_label
from pipelines.issues import IssueLog, Location

Row = tuple[Location, dict]

LOOKUP = field_lookup(GRANT_FIELDS)
BY_KEY = {f.key: f for f in GRANT_FIELDS}
REQUIRED = tuple(f for f in GRANT_FIELDS if f.required)
# A county-level grant has no municipality, so neither code column is required on its own, but a
# register with neither cannot place any grant anywhere.
PLACE_KEYS = ("municipality_code", "county_code")
# Title rows above the header: how far down to look for it.
HEADER_SCAN_ROWS = 30
DELIMITERS = (";", ",", "\t")
EXPECTED_COLUMNS = ", ".join(f.sv for f in GRANT_FIELDS)

_UNIT_SUFFIX = re.compile(r"(\((kr|sek|kronor)\)|:)$")
_SEP_HINT = re.compile(r"sep=([;,\t|])\s*")
# Control characters no spreadsheet writes into text; tab, line ends, form feed and the DOS
# end-of-file mark (0x1a) are left out because they do turn up in genuine files.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def read_grants(data: bytes, fmt: Literal["csv", "xlsx"], log: IssueLog) -> list[Row] | None:
    """Raw rows of a grant register keyed by contract key, or None when the file is rejected.

    Each row comes with `Location(sheet, row)`: the line number in a CSV file (header line 1 when
    at the top) or the row number in the XLSX sheet.
    """
    if not isinstance(data, bytes | bytearray) or len(data) == 0:
        log.error("unreadable", "filen är tom", expected="ett bidragsregister som CSV eller XLSX")
        return None
    if len(data) > MAX_FILE_BYTES:
        log.error(
            "unreadable",
            f"filen är {len(data) / 1024 / 1024:.1f} MB, större än gränsen "
            f"{MAX_FILE_BYTES / 1024 / 1024:.0f} MB",
            expected=f"högst {MAX_FILE_BYTES / 1024 / 1024:.0f} MB",
        )
        return None
    fmt = str(fmt).lower().lstrip(".")  # "XLSX" or ".csv" from a file name mean the same
    if fmt == "xlsx":
        return _read_xlsx(bytes(data), log)
    if fmt == "csv":
        return _read_csv(bytes(data), log)
    log.error("unreadable", f"okänt filformat '{fmt}'", expected="CSV eller XLSX")
    return None


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(data: bytes, log: IssueLog) -> list[Row] | None:
    text = _decode(data, log)
    if text is None:
        return None
    if not text.strip():
        log.error("unreadable", "filen är tom", expected="en rubrikrad och minst en rad med beslut")
        return None
    try:
        delimiter = _sniff_delimiter(text)
        records = list(_records(text, delimiter))
    except csv.Error as exc:
        # Only a pathological file gets here (e.g. one field over csv's 128 KB limit after an
        # unclosed quote); it is not a register.
        log.error(
            "unreadable",
            f"filen kan inte tolkas som CSV: {exc}",
            expected="en CSV-fil med ; eller , som avgränsare",
        )
        return None
    return _table(records, None, log)


def _decode(data: bytes, log: IssueLog) -> str | None:
    """UTF-8 (with or without BOM) first; Windows-1252, which Swedish Excel writes, second."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        log.error(
            "unreadable",
            "filen är kodad i UTF-16 (Excels 'Unicode-text'), som inte stöds",
            expected="CSV i UTF-8 eller Windows-1252 (spara som 'CSV UTF-8')",
        )
        return None
    if data.startswith(b"PK\x03\x04"):
        log.error(
            "unreadable",
            "filen är en Excel- eller zip-fil, inte CSV",
            expected="en CSV-fil, eller skicka den som .xlsx",
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            log.error(
                "unreadable",
                "filen kan inte läsas: teckenkodningen är varken UTF-8 eller Windows-1252",
                expected="CSV i UTF-8 eller Windows-1252",
            )
            return None
        if _looks_binary(text):
            log.error("unreadable", "filen är ingen textfil", expected="en CSV-fil")
            return None
        log.warn(
            "encoding",
            "filen var kodad i Windows-1252, inte UTF-8; å, ä och ö har tolkats därefter",
            expected="UTF-8",
        )
        return text
    if _looks_binary(text):
        log.error("unreadable", "filen är ingen textfil", expected="en CSV-fil")
        return None
    return text


def _looks_binary(text: str) -> bool:
    """NUL or many control characters: a binary file that happened to decode."""
    if "\x00" in text:
        return True
    return len(_CONTROL.findall(text)) > max(1, len(text) // 100)


def _sniff_delimiter(text: str) -> str:
    """The separator under which the header row matches the most grant columns.

    Sniffing by matched headings instead of by counting characters means a decimal comma in the
    data, or a title line above the header, cannot mislead it. Excel's `sep=;` first line wins.
    """
    first_line = text.lstrip("\ufeff").split("\n", 1)[0].strip("\r")
    hint = _SEP_HINT.fullmatch(first_line)
    if hint:
        return hint.group(1)
    best, best_score = None, 0
    for delimiter in DELIMITERS:
        head = itertools.islice(_records(text, delimiter), HEADER_SCAN_ROWS)
        score = max((_score(cells) for _, cells in head), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    if best is not None:
        return best
    # No heading recognised under any separator: the most frequent one in the first line keeps
    # the "missing column" message readable.
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    return max(DELIMITERS, key=line.count)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for every record, blank lines included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for cells in reader:
        yield previous_end + 1, cells
        previous_end = reader.line_num


# --- XLSX ------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, log: IssueLog) -> list[Row] | None:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        log.error(
            "unreadable",
            "filen är i det gamla Excel-formatet (.xls) eller lösenordsskyddad",
            expected="en .xlsx-fil utan lösenord, eller CSV",
        )
        return None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        log.error(
            "unreadable",
            "filen är ingen giltig Excel-fil (.xlsx); den kan vara skadad eller av annat slag",
            expected="en .xlsx-fil (Excel 2007 eller senare) eller CSV",
        )
        return None
    if b"opendocument" in data[:200]:
        log.error(
            "unreadable",
            "filen är i OpenDocument-format (.ods), som inte stöds",
            expected="en .xlsx-fil (Spara som > Excel 2007-365) eller CSV",
        )
        return None
    import openpyxl  # imported here: CSV-only callers should not pay for it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not affect values.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = [(ws.title, _sheet_rows(ws)) for ws in workbook.worksheets]
                chosen = _choose_sheet(sheets)
                if chosen is None:
                    log.error(
                        "unreadable",
                        "arbetsboken har inga blad med innehåll",
                        expected="ett blad med bidragsregistret",
                    )
                    return None
                title, rows = chosen
                return _table(rows, title, log)
            finally:
                workbook.close()
    except Exception as exc:
        # openpyxl raises a zoo of exception types (KeyError, ValueError, TypeError, lxml and
        # zip errors, ...) on damaged packages; every one of them means the same to the clerk.
        log.error(
            "unreadable",
            "Excel-filen kan inte läsas; den kan vara skadad eller ofullständigt överförd",
            expected="en .xlsx-fil som går att öppna i Excel",
            value=f"{type(exc).__name__}: {exc}",
        )
        return None


def _sheet_rows(ws) -> Iterator[tuple[int, list]]:
    """(row number, cell values) for every row of a read-only sheet."""
    # Some writers store a wrong <dimension>; trusting it would cut rows off in read-only mode.
    ws.reset_dimensions()
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, list(values)


def _choose_sheet(sheets: list[tuple[str, Iterator]]) -> tuple[str, Iterable] | None:
    """The sheet whose header matches the most grant columns; the first sheet on a tie."""
    best = None
    best_score = -1
    for title, rows in sheets:
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        if not any(not _blank(v) for _, cells in head for v in cells):
            continue
        score = max((_score(cells) for _, cells in head), default=0)
        if score > best_score:
            best, best_score = (title, itertools.chain(head, rows)), score
    return best


# --- the table, shared by both formats -------------------------------------------------------


def _field_for(heading: object) -> Field | None:
    if not isinstance(heading, str):
        heading = "" if heading is None else str(heading)
    key = normalise_label(heading.replace("\ufeff", ""))
    found = LOOKUP.get(key)
    if found is None and key:
        found = LOOKUP.get(_UNIT_SUFFIX.sub("", key))
    return found


def _score(cells: list) -> int:
    """How many distinct grant columns a row's cells name."""
    return len({f.key for f in map(_field_for, cells) if f is not None})


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _table(
    records: Iterable[tuple[int, list]], sheet: str | None, log: IssueLog
) -> list[Row] | None:
    """Find the header among the first rows, map the columns, and collect the data rows."""
    records = iter(records)
    head = list(itertools.islice(records, HEADER_SCAN_ROWS))
    filled = [(n, cells) for n, cells in head if any(not _blank(v) for v in cells)]
    if not filled:
        log.error(
            "unreadable",
            "filen innehåller inga uppgifter",
            expected="en rubrikrad och minst en rad med beslut",
        )
        return None
    # The header is the row naming the most grant columns (the first such row); title rows above
    # it name none.
    header_line, header = max(filled, key=lambda item: (_score(item[1]), -item[0]))
    if _score(header) == 0:
        header_line, header = filled[0]
        log.error(
            "unreadable",
            "hittade ingen rubrikrad med bidragsregistrets kolumner; filen ser inte ut att vara "
            "ett bidragsregister",
            loc=Location(sheet=sheet, row=header_line),
            expected=f"rubriker som {EXPECTED_COLUMNS}",
        )
        return None

    columns = _map_columns(header, header_line, sheet, log)
    if columns is None:
        return None

    rest = itertools.chain((r for r in head if r[0] > header_line), records)
    rows: list[Row] = []
    data_lines = 0
    unnamed_data = False
    for line, cells in rest:
        if all(_blank(v) for v in cells):
            continue  # empty lines and rows of only separators
        data_lines += 1
        loc = Location(sheet=sheet, row=line)
        extra = [v for v in cells[len(header) :] if not _blank(v)]
        if extra:
            log.error(
                "too_many_values",
                f"raden har {len(cells)} värden men rubrikraden bara {len(header)} kolumner",
                loc=loc,
                expected="lika många värden som kolumner; ett belopp med decimalkomma måste stå "
                "inom citattecken när avgränsaren är komma",
                value=extra[0],
            )
            continue
        row: dict = {}
        for index, value in enumerate(cells[: len(header)]):
            key = columns.get(index)
            if key is not None:
                row[key] = value
            elif _blank(header[index]) and not _blank(value):
                unnamed_data = True
        # A row with nothing in the register's columns still goes on: the validator rejects it
        # by its line number rather than letting it vanish.
        rows.append((loc, row))
    if unnamed_data:
        log.warn(
            "unnamed_column",
            "värden i en kolumn utan rubrik ignorerades",
            loc=Location(sheet=sheet, row=header_line),
            expected="en rubrik på varje kolumn som används",
        )
    if data_lines == 0:
        log.error(
            "no_rows",
            "filen innehåller bara en rubrikrad, inga beslut",
            loc=Location(sheet=sheet, row=header_line),
            expected="minst en rad med ett bidragsbeslut under rubrikraden",
        )
        return None
    return rows


def _map_columns(
    header: list, header_line: int, sheet: str | None, log: IssueLog
) -> dict[int, str] | None:
    """Column index -> contract key; unknown headings warned, missing or repeated ones errors."""
    loc = Location(sheet=sheet, row=header_line)
    columns: dict[int, str] = {}
    first_seen: dict[str, object] = {}
    ok = True
    for index, heading in enumerate(header):
        if _blank(heading):
            continue
        field = _field_for(heading)
        if field is None:
            log.warn(
                "unknown_column",
                f"okänd kolumn '{str(heading).strip()}' ignorerades",
                loc=loc,
                expected=f"kolumner som {EXPECTED_COLUMNS}",
                value=heading,
            )
            continue
        if field.key in first_seen:
            log.error(
                "duplicate_column",
                f"kolumnen '{field.sv}' finns två gånger ('{first_seen[field.key]}' och "
                f"'{str(heading).strip()}'); det går inte att avgöra vilken som gäller",
                field=field.key,
                loc=loc,
                expected="varje kolumn en gång",
            )
            ok = False
            continue
        first_seen[field.key] = str(heading).strip()
        columns[index] = field.key
    for field in REQUIRED:
        if field.key not in first_seen:
            log.error(
                "missing_column",
                f"kolumnen '{field.sv}' saknas",
                field=field.key,
                loc=loc,
                expected=f"en kolumn med rubriken '{field.sv}' (eller '{field.key}')",
            )
            ok = False
    municipality, county = (BY_KEY[key] for key in PLACE_KEYS)
    if not any(key in first_seen for key in PLACE_KEYS):
        log.error(
            "missing_column",
            f"kolumnerna '{municipality.sv}' och '{county.sv}' saknas båda; besluten kan inte "
            "knytas till en kommun eller ett län",
            field=municipality.key,
            loc=loc,
            expected=f"en kolumn '{municipality.sv}', och '{county.sv}' för bidrag på länsnivå",
        )
        ok = False
    return columns if ok else None
