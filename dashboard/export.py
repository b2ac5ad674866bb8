"""Downloads: a frame as CSV that Swedish Excel opens, or as XLSX, safe to open.

The CSV flavour and the neutralising of formula-like text are ``pipelines.excel_csv``'s (the bulk
exports of each version use the same); XLSX keeps numbers and dates typed, neutralises text the
same way and replaces what an XLSX cannot hold (control characters) with U+FFFD
(``pipelines.xlsx_text``, shared by every XLSX the project writes).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math

import polars as pl
from openpyxl import Workbook

from pipelines import xlsx_text
from pipelines.excel_csv import neutralise, to_csv

__all__ = ["download", "neutralise", "to_csv", "to_xlsx", "xlsx_cell"]

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_cell(value: object) -> object:
    """A value as an XLSX cell: numbers and dates stay typed, text is cleaned and neutralised."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return xlsx_text.cell(value)


def to_xlsx(frame: pl.DataFrame, sheet: str = "Data") -> bytes:
    """The frame as one XLSX sheet with a header row."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([xlsx_text.cell(c) for c in frame.columns])
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
