"""Downloads: a frame as CSV that Swedish Excel opens, or as XLSX, safe to open.

CSV is UTF-8 with a byte-order mark, ``;`` as separator and a decimal comma, which is what Excel
with Swedish settings expects. Text that municipalities wrote ends up in these files, and a cell
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is a formula in Excel, so such
cells get a leading apostrophe. Numbers stay numbers (a negative number is not text).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import math

import polars as pl
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: object) -> object:
    """Text that Excel would read as a formula, made inert; everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", ",") if not value.is_integer() else str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(neutralise(str(value)))


def to_csv(frame: pl.DataFrame) -> bytes:
    """The frame as CSV for Swedish Excel: UTF-8 with BOM, ``;``, decimal comma."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in frame.columns])
    for row in frame.iter_rows():
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_cell(value: object) -> object:
    """A value as an XLSX cell: numbers and dates stay typed, text is neutralised."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return neutralise(value)


def to_xlsx(frame: pl.DataFrame, sheet: str = "Data") -> bytes:
    """The frame as one XLSX sheet with a header row."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([neutralise(c) for c in frame.columns])
    for row in frame.iter_rows():
        ws.append([xlsx_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(frame: pl.DataFrame, fmt: str, stem: str) -> dict:
    """A ``dcc.Download`` payload for ``frame`` as ``csv`` or ``xlsx``."""
    if fmt == "xlsx":
        content, mime, ext = to_xlsx(frame), XLSX_MIME, "xlsx"
    else:
        content, mime, ext = to_csv(frame), CSV_MIME, "csv"
    return {
        "content": base64.b64encode(content).decode("ascii"),
        "filename": f"{stem}.{ext}",
        "type": mime,
        "base64": True,
    }
