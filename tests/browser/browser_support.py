"""What the browser tests share: the served app, the console log, page helpers, mart reads.

``Server`` (from ``dashboard.serving.cluster``) runs ``python -m dashboard`` as a user would
(gunicorn, two workers, a free port on 127.0.0.1) over one warehouse directory. ``BrowserLog``
collects a page's console errors, uncaught exceptions and failed requests. ``open_page`` and
``choose`` wait for Dash the way a reader does: until the heading is there and no component waits
for a callback.
``pdf_pages`` reads what Chromium's ``page.pdf`` printed (each page's size, text and pictures) with
the standard library alone: neither pypdf nor poppler's pdftotext is a dependency.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb

# The Chromium set-up is the benchmark's and the served app the reference deployment's: one way
# to start and drive them.
from bench.dashboard import (
    CHROMIUM,
    CHROMIUM_ARGS,
    choose,
    click_map,
    open_page,
    show,
    wait_settled,
)
from dashboard.serving.cluster import Server

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "VIEWPORT",
    "BrowserLog",
    "PdfPage",
    "Server",
    "active",
    "choose",
    "click_map",
    "copy_warehouse",
    "download_table",
    "marts",
    "open_page",
    "pdf_pages",
    "plain",
    "query_of",
    "show",
    "swedish",
    "table_block",
    "wait_settled",
]

VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class BrowserLog:
    """Console errors, uncaught exceptions and failed requests (HTTP errors too) of one page."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("requestfailed", self._request_failed)
        page.on(
            "response",
            lambda res: (
                self.failed_requests.append(f"{res.request.method} {res.url}: {res.status}")
                if res.status >= 400
                else None
            ),
        )

    def _request_failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request because the test moved to the next page
        # before it finished (seen in CI: the lazily fetched favicon, the map library's blob:
        # worker scripts). That is the page being left, not a failure; a server error still shows
        # as an HTTP status above, and a refused or broken connection as its own net:: error.
        if request.failure == "net::ERR_ABORTED":
            return
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.failed_requests == [], self.failed_requests


def marts(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows from the published warehouse, read the way the app reads it (read-only)."""
    con = duckdb.connect(str(warehouse / "current.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def copy_warehouse(source: Path, target: Path) -> Path:
    """A private copy of a warehouse directory (``current.duckdb`` stays a relative link)."""
    shutil.copytree(source, target, symlinks=True)
    return target


# -- what Chromium printed ------------------------------------------------------------------------
#
# Chromium prints with Skia: objects written out plainly (no object streams), streams deflated,
# text as glyph codes of embedded fonts with a ToUnicode map, one BT..ET block per run of text,
# canvases (the map) as images with a soft mask. That is all this reader knows; it is enough to
# check what a printed page says and whether a picture on it has anything visible.

_PDF_OBJ = re.compile(rb"(\d+) 0 obj\b")
_PDF_TOKEN = re.compile(
    rb"<<|>>|\[|\]|<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"
    rb"|/[^\s/\[\]<>()%]*|[^\s/\[\]<>()%]+",
    re.S,
)
_PDF_OPERAND = re.compile(rb"[-+.\d]+|true|false|null")
_PDF_REF = rb"(\d+) 0 R"


@dataclass
class PdfImage:
    width: int
    height: int
    visible: bool  # any pixel not fully transparent


@dataclass
class PdfPage:
    width: float  # points (A4: 595 x 842)
    height: float
    lines: list[str]  # one per run of text, NFKC (ligatures and no-break spaces as plain text)
    images: list[PdfImage]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Every ``N 0 obj``: its dictionary and its stream (inflated), if it has one."""
    spans: dict[int, tuple[bytes, int | None]] = {}
    for m in _PDF_OBJ.finditer(data):
        end = data.find(b"endobj", m.end())
        mark = data.find(b"stream", m.end(), end)
        if mark == -1:
            spans[int(m.group(1))] = (data[m.end() : end], None)
        else:
            start = mark + len(b"stream")
            start += 2 if data[start : start + 2] == b"\r\n" else 1
            spans[int(m.group(1))] = (data[m.end() : mark], start)
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for num, (head, start) in spans.items():
        if start is None:
            objects[num] = (head, None)
            continue
        length = re.search(rb"/Length (\d+)( 0 R)?", head)
        assert length is not None, head
        n = int(length.group(1))
        if length.group(2):
            n = int(spans[n][0].strip())
        raw = data[start : start + n]
        objects[num] = (head, zlib.decompress(raw) if b"/FlateDecode" in head else raw)
    return objects


def _pdf_refs(head: bytes, key: bytes) -> dict[bytes, int]:
    """``/Key <</Name N 0 R ...>>`` as {name: N}."""
    m = re.search(rb"/" + key + rb"\s*<<([^<>]*)>>", head)
    if not m:
        return {}
    return {name: int(num) for name, num in re.findall(rb"/(\S+)\s+" + _PDF_REF, m.group(1))}


def _unhex(text: bytes) -> bytes:
    return bytes.fromhex(re.sub(rb"\s", b"", text).decode("ascii"))


def _to_unicode(cmap: bytes) -> dict[bytes, str]:
    """A ToUnicode CMap: character code -> text."""
    out: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[_unhex(src)] = _unhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            first, last, width = int(lo, 16), int(hi, 16), len(lo) // 2
            if dst.startswith(b"["):
                targets = [
                    _unhex(d).decode("utf-16-be", "replace") for d in re.findall(rb"<([^>]*)>", dst)
                ]
            else:
                base = _unhex(dst[1:-1])
                start = int.from_bytes(base, "big")
                targets = [
                    (start + i).to_bytes(len(base), "big").decode("utf-16-be", "replace")
                    for i in range(last - first + 1)
                ]
            for code, text in zip(range(first, last + 1), targets, strict=False):
                out[code.to_bytes(width, "big")] = text
    return out


def _literal(token: bytes) -> bytes:
    """The bytes of a ``(...)`` string, escapes resolved."""
    body, out, i = token[1:-1], bytearray(), 0
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    while i < len(body):
        if body[i : i + 1] == b"\\" and i + 1 < len(body):
            octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
            else:
                nxt = body[i + 1 : i + 2]
                out += escapes.get(nxt, nxt)
                i += 2
        else:
            out += body[i : i + 1]
            i += 1
    return bytes(out)


def _decode(raw: bytes, cmap: dict[bytes, str] | None) -> str:
    if cmap is None:
        return raw.decode("latin-1")
    widths = sorted({len(k) for k in cmap}, reverse=True) or [1]
    out, i = [], 0
    while i < len(raw):
        for w in widths:
            if raw[i : i + w] in cmap:
                out.append(cmap[raw[i : i + w]])
                i += w
                break
        else:
            i += widths[-1]
    return "".join(out)


class _PdfReader:
    def __init__(self, data: bytes) -> None:
        self.objects = _pdf_objects(data)
        self.cmaps: dict[int, dict[bytes, str] | None] = {}

    def head(self, num: int) -> bytes:
        return self.objects[num][0]

    def resources(self, head: bytes) -> bytes:
        ref = re.search(rb"/Resources\s+" + _PDF_REF, head)
        return self.head(int(ref.group(1))) if ref else head

    def cmap(self, font: int) -> dict[bytes, str] | None:
        if font not in self.cmaps:
            ref = re.search(rb"/ToUnicode\s+" + _PDF_REF, self.head(font))
            stream = self.objects[int(ref.group(1))][1] if ref else None
            self.cmaps[font] = _to_unicode(stream) if stream else None
        return self.cmaps[font]

    def image(self, num: int) -> PdfImage:
        head, pixels = self.objects[num]
        size = {k: int(v) for k, v in re.findall(rb"/(Width|Height) (\d+)", head)}
        mask = re.search(rb"/SMask\s+" + _PDF_REF, head)
        if mask:
            alpha = self.objects[int(mask.group(1))][1] or b""
            visible = any(alpha)
        else:
            visible = bool(pixels)
        return PdfImage(size[b"Width"], size[b"Height"], visible)

    def run(self, stream: bytes, resources: bytes, page: PdfPage, depth: int = 0) -> None:
        """Follow one content stream: text runs into ``page.lines``, pictures into its images."""
        fonts = _pdf_refs(resources, b"Font")
        xobjects = _pdf_refs(resources, b"XObject")
        operands: list[bytes] = []
        run: list[str] = []
        cmap = None
        for token in _PDF_TOKEN.findall(stream):
            if token[:1] in b"<([/]" or token == b">>" or _PDF_OPERAND.fullmatch(token):
                operands.append(token)
                continue
            if token == b"BT":
                run = []
            elif token == b"ET":
                if "".join(run).strip():
                    page.lines.append(unicodedata.normalize("NFKC", "".join(run)).strip())
                run = []
            elif token == b"Tf" and len(operands) >= 2:
                font = fonts.get(operands[-2][1:])
                cmap = self.cmap(font) if font is not None else None
            elif token in (b"Tj", b"TJ", b"'", b'"'):
                for item in operands:
                    if item.startswith(b"<") and not item.startswith(b"<<"):
                        run.append(_decode(_unhex(item[1:-1]), cmap))
                    elif item.startswith(b"("):
                        run.append(_decode(_literal(item), cmap))
            elif token == b"Do" and operands and depth < 10:
                num = xobjects.get(operands[-1][1:])
                if num is not None:
                    head, body = self.objects[num]
                    if b"/Subtype /Image" in head:
                        page.images.append(self.image(num))
                    elif b"/Subtype /Form" in head and body is not None:
                        inner = self.resources(head) if b"/Resources" in head else resources
                        self.run(body, inner, page, depth + 1)
            operands = []

    def pages(self, root: int) -> list[int]:
        head = self.head(root)
        if re.search(rb"/Type\s*/Page\b", head):
            return [root]
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", head)
        assert kids is not None, head
        return [
            leaf for kid in re.findall(_PDF_REF, kids.group(1)) for leaf in self.pages(int(kid))
        ]


def pdf_pages(data: bytes) -> list[PdfPage]:
    """Each page of a PDF printed by Chromium: its size, its text runs and its pictures."""
    assert data.startswith(b"%PDF-"), data[:20]
    reader = _PdfReader(data)
    catalog = re.search(rb"/Root\s+" + _PDF_REF, data)
    assert catalog is not None, "no /Root in the trailer"
    tree = re.search(rb"/Pages\s+" + _PDF_REF, reader.head(int(catalog.group(1))))
    assert tree is not None, "no /Pages in the catalog"
    out = []
    for num in reader.pages(int(tree.group(1))):
        head = reader.head(num)
        box = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", head)
        assert box is not None, head
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        page = PdfPage(width=x1 - x0, height=y1 - y0, lines=[], images=[])
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", head)
        assert contents is not None, head
        resources = reader.resources(head)
        for ref in re.findall(_PDF_REF, contents.group(1)):
            stream = reader.objects[int(ref)][1]
            if stream:
                reader.run(stream, resources, page)
        out.append(page)
    return out


# -- what the page tests for Medel, Jämför and Datakvalitet share ---------------------------------


def query_of(url: str) -> dict[str, str]:
    """The URL's query parameters, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def active(page) -> str:
    """The id of the element that has the focus."""
    return page.evaluate("() => document.activeElement.id")


def plain(text: str) -> str:
    """Screen text with no-break and thin spaces as plain spaces."""
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text).strip()


def swedish(name: str) -> str:
    """Swedish alphabetical order: å, ä, ö after z (written here, not taken from the app)."""
    return name.lower().replace("é", "e").translate(str.maketrans("åäö", "{|}"))


def table_block(page_name: str, table: str) -> str:
    """The selector of a rendered table with its pager and download buttons."""
    return f".table-block:has(#table-{page_name}-{table})"


def download_table(page, page_name: str, table: str, fmt: str = "csv") -> tuple[str, bytes]:
    """Press a table's CSV or Excel button; the file's suggested name and bytes."""
    name = {"csv": "Ladda ner CSV", "xlsx": "Ladda ner Excel"}[fmt]
    with page.expect_download() as info:
        page.locator(table_block(page_name, table)).get_by_role("button", name=name).click()
    got = info.value
    return got.suggested_filename, got.path().read_bytes()
