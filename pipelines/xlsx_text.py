"""Text an XLSX file can hold: the one cleaning every XLSX the project writes goes through.

An XLSX sheet is XML 1.0, which cannot hold the control characters U+0000-U+001F (tab, line feed
and carriage return apart), U+FFFE, U+FFFF or a lone surrogate. openpyxl refuses the first with
``IllegalCharacterError`` (its ``ILLEGAL_CHARACTERS_RE``) and the XML writer the others, so one
such character in a report's text or a sign-in name made a whole download fail. Each is replaced
with U+FFFD (the replacement character): the reader sees that something was there, nothing else
of the text is lost. A cell is cut to Excel's 32 767 characters (Excel repairs a longer one).

``cell`` adds the formula neutralising of ``excel_csv``: text that Excel would read as a formula
gets a leading apostrophe. Numbers, dates and None pass unchanged.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pipelines.excel_csv import neutralise

ILLEGAL = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
EXCEL_MAX_CELL_CHARS = 32767


def clean(text: str) -> str:
    """``text`` with every character an XLSX cannot hold replaced, cut to Excel's cell size."""
    return ILLEGAL.sub(REPLACEMENT, text)[:EXCEL_MAX_CELL_CHARS]


def cell(value: object) -> object:
    """A value for an XLSX cell: text cleaned and neutralised, anything else unchanged."""
    if isinstance(value, str):
        return neutralise(clean(value))
    return value
