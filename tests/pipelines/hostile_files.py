"""Hostile XLSX files, built in the test run (never committed as binaries).

Each is a workbook an attacker with an account could send: honest and lying zip bombs, XML nested
100 000 levels deep, a huge shared-strings table, thousands of sheets, a zip of thousands of parts,
and a sparse sheet whose one far cell makes a reader allocate the whole rectangle. Each comes as a
report (the template's sheet names, so `detect_kind` says `report_xlsx`) and as a register.
`hostile_xlsx` draws random ones of the same sorts for the fuzz tests.

The zip is written here byte by byte (local headers, central directory, end record), so that a
part's declared sizes can lie and so that a 1 GB part is never held in memory: its deflate stream
is one compressed piece repeated (each piece ends in a full flush, so every copy is the same
bytes), which is how a 1 MB file inflates to 1 GB.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, replace
from functools import cache

from hypothesis import strategies as st

REPORT_SHEETS = ("Instruktioner", "Uppgifter", "Medborgarlöften", "Projekt", "Listor")
REGISTER_SHEETS = ("Bidrag",)
REGISTER_COLUMNS = (
    "Diarienummer",
    "Beslutsdatum",
    "Bidragsår",
    "Kommunkod",
    "Länskod",
    "Projektnamn",
    "Kategori",
    "Sökt belopp",
    "Beviljat belopp",
    "Utbetalt belopp",
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = f"{REL}/worksheet"
GB = 1024 * 1024 * 1024


@dataclass
class Part:
    """One zip member: its deflate stream, the CRC and size of what it inflates to, and the size
    its headers declare (the real one unless it lies)."""

    name: str
    deflated: bytes
    crc: int
    size: int
    declared: int | None = None


def part(name: str, text: bytes | str) -> Part:
    data = text.encode() if isinstance(text, str) else text
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, co.compress(data) + co.flush(), zlib.crc32(data), len(data))


def repeated(
    name: str, head: bytes, piece: bytes, times: int, tail: bytes, *, crc: bool = True
) -> Part:
    """head + piece * times + tail, deflated without ever being built whole. Without `crc` the
    checksum is left 0 (a damaged part, quick to build however large)."""
    # The piece is repeated inside a unit of about 1 MB first: each copy of a unit costs a flush
    # (a few bytes) and compresses nothing against the one before.
    per_unit = max(1, min(times, (1 << 20) // max(1, len(piece))))
    units, rest = divmod(times, per_unit)
    unit = piece * per_unit
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    one = co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH)  # the same bytes every time
    out += one * units + co.compress(piece * rest) + co.flush(zlib.Z_FULL_FLUSH)
    end = co.compress(tail) + co.flush()
    checksum = 0
    if crc:
        checksum = zlib.crc32(head)
        for _ in range(units):
            checksum = zlib.crc32(unit, checksum)
        checksum = zlib.crc32(piece * rest, checksum)
        checksum = zlib.crc32(tail, checksum)
    size = len(head) + len(piece) * times + len(tail)
    return Part(name, out + end, checksum, size)


def zip_bytes(parts: list[Part]) -> bytes:
    """A zip archive of the parts, each deflated, with the sizes they declare."""
    body, directory = bytearray(), bytearray()
    for p in parts:
        name = p.name.encode()
        size = p.size if p.declared is None else p.declared
        fields = (20, 0, 8, 0, 0x21, p.crc, len(p.deflated), size, len(name))
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + name + p.deflated
        directory += (
            struct.pack("<4sH", b"PK\x01\x02", 20)
            + struct.pack("<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0, offset)
            + name
        )
    end = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        len(parts),
        len(parts),
        len(directory),
        len(body),
        0,
    )
    return bytes(body + directory + end)


def sheet_xml(rows: str = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>') -> str:
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    )


def package(
    sheet_names: tuple[str, ...],
    sheets: dict[int, Part] | None = None,
    extra: list[Part] = (),
    sheet_entries: int | None = None,
) -> bytes:
    """A workbook: sheet i is `sheets[i]` or a one-cell sheet; `sheet_entries` > len(names)
    declares that many sheets in workbook.xml, all pointing at the first sheet's part."""
    sheets = sheets or {}
    names = list(sheet_names)
    if sheet_entries:
        names += [f"Blad{i}" for i in range(len(names), sheet_entries)]
    parts_n = len(sheet_names)
    entries = "".join(
        f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{min(i, parts_n - 1) + 1}"/>'
        for i, n in enumerate(names)
    )
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{SHEET_TYPE}" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(parts_n)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(parts_n)
    )
    parts = [
        part(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        ),
        part(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        ),
        part(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}'
            "</sheets></workbook>",
        ),
        part(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>',
        ),
    ]
    for i in range(parts_n):
        parts.append(sheets.get(i) or part(f"xl/worksheets/sheet{i + 1}.xml", sheet_xml()))
    return zip_bytes(parts + list(extra))


def _sheet_name(i: int) -> str:
    return f"xl/worksheets/sheet{i + 1}.xml"


def _head() -> bytes:
    return f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()


TAIL = b"</sheetData></worksheet>"


@cache
def _bomb_sheet(i: int, declared: int | None = None) -> Part:
    """A sheet of rows each holding one 100 KB text: 1 GB inflated, about 1 MB deflated;
    `declared` is the size its headers claim (a lying bomb)."""
    if declared is not None:
        return replace(_bomb_sheet(i), declared=declared)
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"A" * 100_000 + b"</t></is></c></row>"
    piece = row * 10
    return repeated(_sheet_name(i), _head(), piece, GB // len(piece), TAIL)


def _deep_sheet(i: int) -> Part:
    """XML nested 100 000 levels deep inside the sheet's data."""
    return repeated(_sheet_name(i), _head(), b"", 0, b"<a>" * 100_000 + b"</a>" * 100_000 + TAIL)


def _shared_strings() -> Part:
    """Five million shared strings (80 MB inflated)."""
    head = f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode()
    return repeated("xl/sharedStrings.xml", head, b"<si><t>x</t></si>" * 1000, 5000, b"</sst>")


def _cell(ref: str, text: str, disguised: bool = False) -> str:
    if disguised:  # the reference after 70 blanks: valid XML, past what the measuring looks at
        return f'<c t="inlineStr"{" " * 70}r="{ref}"><is><t>{text}</t></is></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sparse_report_sheet(i: int, disguised: bool = False) -> Part:
    """Two cells, A1 and XFD9000: within every count, but calamine allocates the sheet's whole
    rectangle, 9 000 x 16 384 cells. The measuring refuses that rectangle; disguised (the far
    cell's reference where the measuring does not look) only the child's memory ceiling stops it."""
    far = f'<row r="9000">{_cell("XFD9000", "y", disguised)}</row>'
    return part(_sheet_name(i), sheet_xml(f'<row r="1">{_cell("A1", "x")}</row>{far}'))


def _sparse_register_sheet(i: int, disguised: bool = False) -> Part:
    """A register's header, then 150 000 rows of one cell each in the last column (XFD): within
    every count, but a reader hands each row over as 16 384 values. Disguised, only the child's
    time ceiling stops it."""
    header = "".join(_cell(f"{chr(65 + n)}1", h) for n, h in enumerate(REGISTER_COLUMNS))
    rows = "".join(
        f'<row r="{r}">{_cell(f"XFD{r}", "1", disguised)}</row>' for r in range(2, 150_002)
    )
    return part(_sheet_name(i), sheet_xml(f'<row r="1">{header}</row>{rows}'))


def _fields_index(names: tuple[str, ...]) -> int:
    return names.index("Uppgifter") if "Uppgifter" in names else 0


@cache
def hostile(kind: str) -> dict[str, bytes]:
    """The hostile files of one kind (`report` or `register`), by a name saying what each is."""
    names = REPORT_SHEETS if kind == "report" else REGISTER_SHEETS
    at = _fields_index(names)
    many = [part(f"xl/media/bild{i}.png", b"\x89PNG") for i in range(5000)]
    sparse = _sparse_report_sheet if kind == "report" else _sparse_register_sheet
    return {
        "zipbomb": package(names, {at: _bomb_sheet(at)}),
        "lying_zipbomb": package(names, {at: _bomb_sheet(at, declared=4096)}),
        "deep_xml": package(names, {at: _deep_sheet(at)}),
        "shared_strings": package(names, extra=[_shared_strings()]),
        "many_sheets": package(names, sheet_entries=5000),
        "many_members": package(names, extra=many),
        # Passes the counts; the rectangle from A1 to its farthest cell is what is refused.
        "sparse": package(names, {at: sparse(at)}),
        # The same with the far cells' references disguised: only the child's ceilings stop it.
        "sparse_disguised": package(names, {at: sparse(at, disguised=True)}),
    }


# -- for hypothesis: random hostile structures ----------------------------------------------------

COLUMNS = st.sampled_from(["A", "B", "Z", "AA", "ZZ", "XFD"])
ROW_NUMBERS = st.sampled_from([1, 2, 30, 1_000, 9_999, 65_536, 1_048_576])


@st.composite
def hostile_xlsx(draw) -> bytes:
    """Workbooks built part by part: random sheets, rows, far cells, nesting, shared strings,
    parts and sizes that lie, some of them cut short; as reports and as registers."""
    names = draw(st.sampled_from([REPORT_SHEETS, REGISTER_SHEETS]))
    at = names.index("Uppgifter") if "Uppgifter" in names else 0
    cell = draw(
        st.builds(
            lambda col, row, text: (
                f'<row r="{row}"><c r="{col}{row}" t="inlineStr"><is><t>'
                f"{text}</t></is></c></row>".encode()
            ),
            COLUMNS,
            ROW_NUMBERS,
            st.sampled_from(["x", "Diarienummer", "Kommunkod", "0114", "A" * 1000]),
        )
    )
    depth = draw(st.sampled_from([0, 10, 900, 5_000, 60_000]))
    piece = b"<a>" * depth + cell + b"</a>" * depth
    # Inflated size of the sheet, up to 1.5 GB; its deflate stream stays a few MB at most.
    inflated = draw(st.sampled_from([0, 1_000, 1_000_000, 30_000_000, 200_000_000, 1_500_000_000]))
    sheet = repeated(
        f"xl/worksheets/sheet{at + 1}.xml",
        _head(),
        piece,
        inflated // len(piece),
        TAIL,
        crc=inflated <= 1_000_000,
    )
    if draw(st.booleans()):
        sheet.declared = draw(st.sampled_from([0, 4096, sheet.size // 2, 0xFFFFFFFE]))
    extra = []
    strings = draw(st.sampled_from([0, 10, 250_000, 4_000_000]))
    if strings:
        extra.append(
            repeated(
                "xl/sharedStrings.xml",
                b"<sst>",
                b"<si><t>s</t></si>",
                strings,
                b"</sst>",
                crc=False,
            )
        )
    members = draw(st.sampled_from([0, 3, 600]))
    extra += [part(f"xl/media/m{i}.bin", b"m") for i in range(members)]
    data = package(
        names,
        {at: sheet},
        extra,
        sheet_entries=draw(st.sampled_from([None, 60, 3_000])),
    )
    if draw(st.sampled_from([False] * 9 + [True])):  # cut short, somewhere in its second half
        data = data[: draw(st.integers(len(data) // 2, len(data)))]
    return data
