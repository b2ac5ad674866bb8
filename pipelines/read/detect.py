"""Recognise what a received file is from its content, not its name."""

from __future__ import annotations

import re
from typing import Literal

from pipelines.contract import (
    SHEET_FIELDS,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    SHEET_PROMISES,
    normalise_label,
)
from pipelines.read import xlsx_limits

Kind = Literal["report_json", "report_xlsx", "grants_csv", "grants_xlsx", "unknown"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
GRANT_HEADERS = ("grant_id", "diarienummer")
# Sheets only the report template has (a register may well have a sheet called "Projekt").
REPORT_ONLY_SHEETS = (SHEET_PROMISES, SHEET_INSTRUCTIONS, SHEET_LISTS)
WORKBOOK_HEAD_BYTES = 256 * 1024


def detect_kind(data: bytes) -> tuple[Kind, str | None]:
    """(kind, reason) where reason explains an `unknown` kind in Swedish."""
    if not data.strip():
        return "unknown", "filen är tom"
    if data.startswith(b"PK"):
        return _detect_zip(data)
    if data.startswith(OLE_MAGIC):
        return "unknown", (
            "filen är i det gamla Excel/Word-formatet (.xls/.doc); spara den som .xlsx "
            "enligt mallen"
        )
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    stripped = head.replace(b"\x00", b"").lstrip()
    if stripped[:1] in (b"{", b"["):
        return "report_json", None
    # The header may sit below an Excel `sep=;` line or a title row or two.
    first_lines = stripped.split(b"\n", 30)[:30]
    for line in first_lines:
        text = normalise_label(line.decode("cp1252", errors="replace"))
        if any(h in text for h in GRANT_HEADERS):
            return "grants_csv", None
    if b"\x00" in data[:4096] or _mostly_binary(data[:4096]):
        return "unknown", "filen är varken JSON, Excel (.xlsx) eller CSV"
    return "unknown", (
        "filen känns inte igen: en rapport ska vara JSON eller Excel enligt mallen, och ett "
        "bidragsregister ska ha kolumnen Diarienummer (grant_id) i första raden"
    )


def _detect_zip(data: bytes) -> tuple[Kind, str | None]:
    # A cheap look, bounded whatever the file: the zip's directory only if it is of a sane size,
    # and only the head of workbook.xml (sheet names come first; a real one is a few KB).
    try:
        head = xlsx_limits.read_head(data, "xl/workbook.xml", WORKBOOK_HEAD_BYTES)
    except xlsx_limits.TooComplex as exc:
        return "unknown", exc.issue().message
    except (xlsx_limits.Damaged, ValueError, RuntimeError, EOFError, OSError):
        return "unknown", "filen ser ut som en Excel-fil men är trasig eller avkortad"
    if head is None:
        return "unknown", "filen är ett zip-arkiv men ingen Excel-arbetsbok (.xlsx)"
    workbook = head.decode("utf-8", errors="replace")
    sheets = {
        normalise_label(n) for n in re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', workbook)
    }
    # A report whose Uppgifter sheet was renamed or deleted is still a report: it is read as one
    # and rejected for the missing sheet, not for lacking a register's columns.
    if any(name.startswith(normalise_label(SHEET_FIELDS)) for name in sheets) or sheets & {
        normalise_label(s) for s in REPORT_ONLY_SHEETS
    }:
        return "report_xlsx", None
    return "grants_xlsx", None


def _mostly_binary(sample: bytes) -> bool:
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) > 0.05
