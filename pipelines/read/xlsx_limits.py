"""Measure an XLSX while it is inflated, and refuse one too large or too complex to read.

An XLSX is a zip archive, and its headers say how large each part is once unpacked; a hostile
file lies (a part declared 4 KB that inflates to 1 GB), and an honest one may simply be huge (a
1 MB file whose sheet inflates to 1 GB). Neither claim is trusted here: every part's compressed
bytes are located from the zip's own directory and inflated in 64 KB pieces, and the reading stops
as soon as a limit is passed: inflated bytes, parts, sheets, rows, cells, shared strings and how
deep the XML nests. Nothing is kept but counters, so measuring costs a few MB of memory whatever
the file, and a real report (a few hundred KB inflated) is measured in milliseconds.

The counts are of XML tags (`<row`, `<c`, `<si`, `<sheet`), found by a pattern over the inflated
text, not by an XML parser: the point is to learn cheaply whether a parser may be let loose on the
file. A count can only be too high (a tag name inside a comment), never fooled lower by anything a
parser would read as a row or a cell. Nesting is counted from `<` and `</` and `/>` between 64 KB
pieces: it cannot see a short deep excursion inside one piece, but 100 000 levels span many.

Limits for reports and for grant registers differ (`REPORT_LIMITS`, `REGISTER_LIMITS`); README's
hardening section states them. Whatever passes here is still read in a child process with a memory
and a time ceiling (`pipelines.read.isolated`).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

from pipelines.issues import Issue

TOO_COMPLEX = "filen är för stor eller för komplex för att läsas"
CHUNK = 64 * 1024
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one XLSX may hold, counted while it is inflated (all parts together)."""

    what: str  # Swedish, for the message: "en rapport"
    inflated_bytes: int
    members: int  # parts of the zip archive
    sheets: int
    rows: int
    cells: int
    shared_strings: int
    depth: int  # levels of XML nesting


# Measured: the LibreOffice fixture report inflates to 253 KB (14 parts, 5 sheets, 1 098 rows,
# 4 354 cells, 149 shared strings), the demo's reports to under 100 KB, the demo's XLSX register to
# 57 KB. Real XLSX nests about 6 levels deep. Limits are far above that, far below harm.
REPORT_LIMITS = Limits(
    what="en rapport",
    inflated_bytes=20 * MB,
    members=500,
    sheets=50,
    rows=10_000,
    cells=200_000,
    shared_strings=200_000,
    depth=1_000,
)
REGISTER_LIMITS = Limits(
    what="ett bidragsregister",
    inflated_bytes=100 * MB,
    members=500,
    sheets=50,
    rows=200_000,
    cells=3_000_000,
    shared_strings=1_000_000,  # a register's text columns: a few distinct values a row
    depth=1_000,
)
# Before its kind is known (`detect_kind`): the limits both kinds share.
ANY_XLSX = replace(REPORT_LIMITS, what="en Excel-fil")
# A zip's central directory is read whole by any zip reader; beyond this it is not read at all.
MAX_DIRECTORY_BYTES = 1 * MB

_LABELS = {
    "inflated_bytes": "uppackad storlek",
    "directory": "zip-arkivets innehållsförteckning",
    "members": "antal delar i zip-arkivet",
    "sheets": "antal blad",
    "rows": "antal rader",
    "cells": "antal celler",
    "shared_strings": "antal delade textvärden",
    "depth": "nivåer av nästlad XML",
    "area": "celler från A1 till ett blads yttersta cell (rader gånger kolumner)",
}
# Tags counted, with an optional namespace prefix: `<row `, `<x:c>`, `<si/>`, `<sheet `.
_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,15}:)?(row|c|si|sheet)[\s/>]")
_COUNTED = {b"row": "rows", b"c": "cells", b"si": "shared_strings", b"sheet": "sheets"}
# Where a sheet reaches: a cell's reference (`<c r="XFD9000"`, other attributes first allowed) and
# the sheet's stated dimension (`<dimension ref="A1:XFD9000"/>`). Readers allocate the rectangle
# from A1 to the farthest cell, so two cells far apart weigh as much as every cell between them.
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]{0,15}:)?c\s[^>]{0,64}?\br="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(
    rb'<(?:[A-Za-z_][\w.-]{0,15}:)?dimension\s+ref="[A-Z]{0,3}[0-9]{0,7}:?([A-Z]{1,3})([0-9]{1,7})"'
)
_CARRY = 128  # longer than any match of _TAGS, _CELL_REF or _DIMENSION: one split is seen once


class TooComplex(Exception):
    """A limit was passed; `issue()` is the rejection to record."""

    def __init__(self, limit: str, found: int, allowed: int, what: str) -> None:
        super().__init__(limit)
        self.limit, self.found, self.allowed, self.what = limit, found, allowed, what

    def issue(self) -> Issue:
        label = _LABELS.get(self.limit, self.limit)
        if self.limit in ("inflated_bytes", "directory"):
            found, allowed = f"{self.found / MB:.1f} MB", f"{self.allowed / MB:.0f} MB"
        else:
            found, allowed = _number(self.found), _number(self.allowed)
        return Issue(
            "error",
            "too_complex",
            f"{TOO_COMPLEX}: {label} är minst {found}, högst {allowed} tas emot för {self.what} "
            "(läsningen avbröts där)",
            expected=f"{label} högst {allowed}",
            value=str(self.found),
        )


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # 10 000, as Swedish writes it


class Damaged(Exception):
    """The zip cannot be measured as it stands (its directory or a part is broken)."""


def limits_for(kind: str) -> Limits:
    return REGISTER_LIMITS if kind.startswith("grants") else REPORT_LIMITS


def directory_entries(data: bytes) -> tuple[int, int] | None:
    """(entries, bytes) of the zip's central directory, from its end record alone; None when
    there is no end record (not a zip, or cut off)."""
    tail_start = max(0, len(data) - (65_535 + 22))
    at = data.rfind(b"PK\x05\x06", tail_start)
    if at < 0 or at + 22 > len(data):
        return None
    entries, size = struct.unpack("<HI", data[at + 10 : at + 16])
    if entries == 0xFFFF or size == 0xFFFFFFFF:
        return 1 << 31, 1 << 31  # zip64: far more than any workbook has
    return entries, size


def check_directory(data: bytes, limits: Limits = REPORT_LIMITS) -> None:
    """Raise TooComplex when the zip's directory alone is beyond the limits (checked before any
    zip reader builds an object for every entry)."""
    found = directory_entries(data)
    if found is None:
        return  # not read as a zip at all: the readers reject it for what it is
    entries, size = found
    if entries > limits.members:
        raise TooComplex("members", entries, limits.members, limits.what)
    if size > MAX_DIRECTORY_BYTES:
        raise TooComplex("directory", size, MAX_DIRECTORY_BYTES, limits.what)


def _open(data: bytes, limits: Limits) -> zipfile.ZipFile:
    check_directory(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, and odder things for odder bytes
        raise Damaged(str(exc)) from exc
    if len(archive.infolist()) > limits.members:
        raise TooComplex("members", len(archive.infolist()), limits.members, limits.what)
    return archive


def inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes as they inflate, at most CHUNK at a time, whatever its headers claim."""
    view = memoryview(data)
    offset = info.header_offset
    head = bytes(view[offset : offset + 30])
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise Damaged(f"{info.filename}: no local header")
    if info.flag_bits & 0x1:
        raise Damaged(f"{info.filename}: encrypted")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    start = offset + 30 + name_len + extra_len
    raw = view[start : min(len(data), start + info.compress_size)]
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), CHUNK):
            yield bytes(raw[i : i + CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise Damaged(f"{info.filename}: compression method {info.compress_type}")
    inflater = zlib.decompressobj(-15)
    try:
        for i in range(0, len(raw), CHUNK):
            pending: bytes | memoryview = raw[i : i + CHUNK]
            while True:
                out = inflater.decompress(pending, CHUNK)
                if out:
                    yield out
                pending = inflater.unconsumed_tail
                if inflater.eof or (not pending and len(out) < CHUNK):
                    break
            if inflater.eof:
                return
    except zlib.error as exc:
        raise Damaged(f"{info.filename}: {exc}") from exc


class _Counter:
    """Running totals over all parts; raises TooComplex the moment one passes its limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.totals = dict.fromkeys(("inflated_bytes", *_COUNTED.values()), 0)
        self.reach = (0, 0)  # the part being read: its farthest (column, row)

    def _add(self, key: str, n: int) -> None:
        self.totals[key] += n
        allowed = getattr(self.limits, key)
        if self.totals[key] > allowed:
            raise TooComplex(key, self.totals[key], allowed, self.limits.what)

    def part(self, pieces: Iterator[bytes]) -> int:
        """Count one part's tags; returns its inflated size."""
        size = depth = 0
        self.reach = (0, 0)  # this part's farthest (column, row)
        carry = b""
        piece = next(pieces, None)
        while piece is not None:
            size += len(piece)
            self._add("inflated_bytes", len(piece))
            following = next(pieces, None)  # the last piece is counted to its end at once
            buf = carry + piece
            cut = len(buf) if following is None else max(0, len(buf) - _CARRY)
            depth = self._region(buf, cut, depth)
            carry, piece = buf[cut:], following
        return size

    def _region(self, buf: bytes, cut: int, depth: int) -> int:
        """Count what starts in buf[:cut] (buf goes on beyond cut so that tags there are whole);
        returns the nesting depth after it."""
        found = _TAGS.findall(buf)
        if cut < len(buf):
            later = _TAGS.findall(buf, cut)
            for tag in later:
                found.remove(tag)
        for tag in set(found):
            self._add(_COUNTED[tag], found.count(tag))
        self._reach(buf, cut)
        # Two-byte marks are counted where they start before cut (buf[:cut + 1] holds them whole).
        end = cut + 1
        closed = buf.count(b"</", 0, end)
        opened = buf.count(b"<", 0, cut) - closed - buf.count(b"<?", 0, end)
        opened -= buf.count(b"<!", 0, end)
        depth = max(0, depth + opened - closed - buf.count(b"/>", 0, end))
        if depth > self.limits.depth:
            raise TooComplex("depth", depth, self.limits.depth, self.limits.what)
        return depth

    def _reach(self, buf: bytes, cut: int) -> None:
        """The rectangle a reader would allocate for this part, from the references that start
        before cut; raises TooComplex when it holds more cells than the cell limit."""
        column, row = self.reach
        for pattern in (_CELL_REF, _DIMENSION):
            for match in pattern.finditer(buf, 0, len(buf)):
                if match.start() >= cut:
                    break
                column = max(column, _column_number(match.group(1)))
                row = max(row, int(match.group(2)))
        self.reach = (column, row)
        if column * row > self.limits.cells:
            raise TooComplex("area", column * row, self.limits.cells, self.limits.what)


def _column_number(letters: bytes) -> int:
    """`A` -> 1, `XFD` -> 16 384."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def measure(data: bytes, kind: str) -> dict[str, int]:
    """Totals of an XLSX of the given kind (`report_xlsx` or `grants_xlsx`). Raises TooComplex
    as soon as a limit is passed, Damaged for a zip that cannot be measured (a part whose real
    size differs from the size its headers give is damaged, or lies)."""
    limits = limits_for(kind)
    counter = _Counter(limits)
    with _open(data, limits) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            size = counter.part(inflate(data, info))
            if size != info.file_size:
                raise Damaged(f"{info.filename}: {size} bytes inflated, {info.file_size} declared")
    return {**counter.totals, "members": len(archive.infolist())}


def check(data: bytes, kind: str) -> Issue | None:
    """The rejection for an XLSX that is too large, too complex or too damaged to be read
    safely, or None when a reader may be let loose on it."""
    try:
        measure(data, kind)
    except TooComplex as exc:
        return exc.issue()
    except Damaged:
        return Issue(
            "error",
            "unreadable",
            "filen är ingen hel Excel-arbetsbok: zip-arkivet är skadat eller dess uppgifter om "
            "delarnas storlek stämmer inte med innehållet",
            expected="en .xlsx-fil sparad från Excel eller LibreOffice",
        )
    return None


def read_head(data: bytes, name: str, max_bytes: int) -> bytes | None:
    """At most max_bytes of the named part, inflated (None when there is no such part); for a
    cheap look such as the sheet names in `xl/workbook.xml`. Raises Damaged or TooComplex."""
    with _open(data, ANY_XLSX) as archive:
        try:
            info = archive.getinfo(name)
        except KeyError:
            return None
        out = bytearray()
        for piece in inflate(data, info):
            out += piece
            if len(out) >= max_bytes:
                break
    return bytes(out[:max_bytes])
