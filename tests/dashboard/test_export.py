"""Downloads: Swedish-Excel CSV, XLSX, and formula neutralisation."""

from __future__ import annotations

import base64
import datetime as dt
import io

import polars as pl
import pytest
from openpyxl import load_workbook

from dashboard import export


@pytest.mark.parametrize("text", ["=1+1", "+46", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text):
    assert export.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Trygg", "", 5, -2.5, None])
def test_other_values_pass(value):
    assert export.neutralise(value) == value


FRAME = pl.DataFrame(
    {
        "Kommun": ["Åre", '=HYPERLINK("x")'],
        "Andel (%)": [64.5, None],
        "Antal": [-3, 2],
        "Datum": [dt.date(2024, 1, 2), None],
    }
)


def test_csv_is_for_swedish_excel():
    raw = export.to_csv(FRAME)
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Kommun;Andel (%);Antal;Datum"
    assert lines[1] == "Åre;64,5;-3;2024-01-02"
    assert lines[2].startswith('"\'=HYPERLINK(""x"")";;2;')
    assert len(lines) == 1 + FRAME.height


def test_xlsx_has_exactly_the_rows():
    wb = load_workbook(io.BytesIO(export.to_xlsx(FRAME)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == tuple(FRAME.columns)
    assert len(rows) == 1 + FRAME.height
    assert rows[2][0].startswith("'=")
    assert rows[1][2] == -3


def test_download_payload():
    payload = export.download(FRAME, "xlsx", "karta_kommun_2024")
    assert payload["filename"] == "karta_kommun_2024.xlsx"
    assert payload["base64"] is True
    assert base64.b64decode(payload["content"])[:2] == b"PK"
    assert export.download(FRAME, "csv", "x")["filename"] == "x.csv"
