"""CSV as Swedish Excel opens it, safe to open: shared by the dashboard's downloads and the bulk
exports of each published version.

UTF-8 with a byte-order mark, ``;`` as separator and a decimal comma, which is what Excel with
Swedish settings expects. Text that municipalities wrote ends up in these files, and a cell
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is a formula in Excel, so such
cells get a leading apostrophe. Numbers stay numbers (a negative number is not text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that Excel would read as a formula, made inert; everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_cell(value: object) -> str:
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
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
