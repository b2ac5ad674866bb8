"""Cell types read straight from a workbook's XML, for the one question the text read of
``xlsx_report`` cannot answer: was a value typed as a number?

calamine gives every cell as text, so the number 1280 and the text "1280" look alike. The
contract asks for a warning when a municipality code is stored as a number (Excel drops leading
zeros of numbers), so the reader looks up that one cell's type here. Anything unexpected in the
XML means "not known to be a number": this never raises and never blocks a file.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile

_TAG = r"<(?:\w+:)?{name}\b([^>]*)>"
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')


def _attrs(text: str) -> dict[str, str]:
    return {
        k.split(":")[-1] if k != "r:id" else k: html.unescape(v) for k, v in _ATTR.findall(text)
    }


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_number_cell(data: bytes, sheet: str, ref: str) -> bool:
    """True when cell ``ref`` (e.g. ``B3``) of sheet ``sheet`` holds a number (not text, a
    boolean, an error or a formula's text result)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _sheet_path(archive, sheet)
            if path is None:
                return False
            xml = archive.read(path).decode("utf-8", errors="replace")
    except Exception:  # any damage: not known to be a number
        return False
    for match in re.finditer(_TAG.format(name="c"), xml):
        attrs = _attrs(match.group(1))
        if attrs.get("r") == ref:
            return attrs.get("t", "n") == "n"
    return False


def _sheet_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    rel_id = next(
        (
            attrs.get("r:id")
            for attrs in map(_attrs, re.findall(_TAG.format(name="sheet"), workbook))
            if attrs.get("name") == sheet
        ),
        None,
    )
    if rel_id is None:
        return None
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    for attrs in map(_attrs, re.findall(_TAG.format(name="Relationship"), rels)):
        if attrs.get("Id") == rel_id and attrs.get("Target"):
            target = attrs["Target"]
            # Targets are relative to xl/, or absolute from the package root.
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return None
