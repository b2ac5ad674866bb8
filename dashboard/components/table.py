"""Tables as real HTML ``<table>`` elements, with CSV/XLSX downloads of exactly the rows shown.

A ``Table`` carries the frame that is both rendered and downloaded, so what a user downloads is
what they see: every row of the table as filtered and sorted, whichever page is on screen. Status
cells (Ja / Nej / Ej rapporterat) show an icon *and* the word, never colour alone. Text from
reports is passed as plain strings: Dash escapes it, nothing is rendered as HTML.

Long tables are shown a page of ``PAGE_SIZE`` rows at a time. Dash 4.4's renderer slows down far
faster than linearly with the number of components it is handed (plotly/dash#3846): a 290-row
table took about 9 s to redraw after a year change on 2 cores, 25 rows take well under one. The
formatted rows travel once in a ``dcc.Store``; paging is one generic callback that renders another
slice of them, so every table on every page gets it without code of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl
from dash import MATCH, Input, Output, State, ctx, dcc, html, no_update

from dashboard import fmt
from dashboard.i18n import STATUS_LABELS, Lang, t

Kind = Literal[
    "text",
    "int",
    "number",
    "number3",
    "percent",
    "percent1",
    "points",
    "points1",
    "sek",
    "date",
    "status",
]
NUMERIC_KINDS = ("int", "number", "number3", "percent", "percent1", "points", "points1", "sek")

STATUS_ICONS = {"yes": "✓", "no": "✗", "null": "–"}
PAGE_SIZE = 25
_STATUS_BY_TEXT = {text(lang): key for key, text in STATUS_LABELS.items() for lang in ("sv", "en")}


@dataclass(frozen=True)
class Table:
    """A table's content: ``frame`` has the display column names and one row per shown row."""

    name: str
    caption: str
    frame: pl.DataFrame
    kinds: dict[str, Kind] = field(default_factory=dict)
    links: dict[str, list[str | None]] = field(default_factory=dict)
    # display column -> key used in the URL for sorting; empty when the table is not sortable
    sortable: dict[str, str] = field(default_factory=dict)
    sort: tuple[str, str] | None = None  # (key, "asc" | "desc")
    # The same rows for the downloads when the screen shows numbers joined into text ("96 % (26
    # av 27 rapporterande)"): there each number is a column of its own, ready to analyse.
    download: pl.DataFrame | None = None

    @property
    def download_frame(self) -> pl.DataFrame:
        return self.frame if self.download is None else self.download


def format_cell(value: object, kind: Kind, lang: Lang) -> str:
    """A cell's text."""
    if kind == "percent":
        return fmt.percent(None if value is None else float(value) / 100, lang)
    if kind == "points":
        return fmt.points(value, lang)  # type: ignore[arg-type]
    if kind == "percent1":
        return fmt.percent1(value, lang)  # type: ignore[arg-type]
    if kind == "points1":
        return fmt.points1(value, lang)  # type: ignore[arg-type]
    if kind == "number3":
        return fmt.number(value, lang, decimals=3)  # type: ignore[arg-type]
    if kind == "sek":
        return fmt.sek(value, lang)  # type: ignore[arg-type]
    if kind == "number":
        return fmt.number(value, lang, decimals=2)  # type: ignore[arg-type]
    if kind == "int":
        return fmt.number(value, lang)  # type: ignore[arg-type]
    if kind == "date":
        return fmt.date(value)  # type: ignore[arg-type]
    if kind == "datetime":
        return fmt.minute(value)  # type: ignore[arg-type]
    if value is None:
        return fmt.MISSING
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def status_cell(text: str) -> list:
    """Icon plus word for a status; the icon is decoration for screen readers."""
    key = _STATUS_BY_TEXT.get(text)
    if key is None:
        return [text]
    return [
        html.Span(
            STATUS_ICONS[key], className=f"status-icon status-{key}", **{"aria-hidden": "true"}
        ),
        " ",
        text,
    ]


def _header(table: Table, column: str, page: str, lang: Lang) -> html.Th:
    key = table.sortable.get(column)
    if key is None:
        return html.Th(column, scope="col")
    aria_sort = "none"
    arrow = "↕"
    if table.sort and table.sort[0] == key:
        aria_sort = "ascending" if table.sort[1] == "asc" else "descending"
        arrow = "▲" if table.sort[1] == "asc" else "▼"
    return html.Th(
        html.Button(
            [column, " ", html.Span(arrow, **{"aria-hidden": "true"})],
            id={"type": "sort", "page": page, "col": key},
            className="btn btn-link sort-button",
            title=t("sort_by", lang, label=column),
            # sorting redraws the page: assets/app.js puts the focus back on this header
            **{"data-refocus": "true"},
        ),
        scope="col",
        **{"aria-sort": aria_sort},
    )


def _cells(table: Table, lang: Lang) -> dict:
    """The table's rows as display text, with which columns are links, statuses and numbers."""
    columns = table.frame.columns
    status = [i for i, c in enumerate(columns) if table.kinds.get(c) == "status"]
    numeric = [i for i, c in enumerate(columns) if table.kinds.get(c, "text") in NUMERIC_KINDS]
    rows = [
        [
            format_cell(value, "text" if i in status else table.kinds.get(col, "text"), lang)
            for i, (col, value) in enumerate(zip(columns, row, strict=True))
        ]
        for row in table.frame.iter_rows()
    ]
    links = {str(columns.index(c)): hrefs for c, hrefs in table.links.items() if c in columns}
    return {"rows": rows, "links": links, "status": status, "numeric": numeric}


def _body_rows(cells: dict, start: int) -> list[html.Tr]:
    """`html.Tr`s for the rows from `start` on, at most one page of them."""
    out = []
    for n, row in enumerate(cells["rows"][start : start + PAGE_SIZE], start=start):
        tds = []
        for i, text in enumerate(row):
            content: object = status_cell(text) if i in cells["status"] else text
            href = cells["links"].get(str(i), [])
            if n < len(href) and href[n]:
                content = dcc.Link(content, href=href[n])
            # The first column names the row (a municipality, a year, an indicator): a row header.
            cell = html.Th if i == 0 else html.Td
            extra = {"scope": "row"} if i == 0 else {}
            tds.append(cell(content, className="num" if i in cells["numeric"] else None, **extra))
        out.append(html.Tr(tds))
    return out


def _range_text(start: int, total: int, lang: Lang) -> str:
    return t("rows_range", lang, first=start + 1, last=min(start + PAGE_SIZE, total), n=total)


def _pager(table: Table, page: str, lang: Lang, cells: dict) -> html.Nav:
    key = {"page": page, "table": table.name}
    total = len(cells["rows"])
    return html.Nav(
        [
            html.Button(
                ["‹ ", t("previous_page", lang)],
                id={"type": "table-prev", **key},
                className="btn btn-outline-secondary btn-sm me-2",
                n_clicks=0,
                disabled=True,
            ),
            html.Span(
                _range_text(0, total, lang),
                id={"type": "table-range", **key},
                className="me-2",
                **{"aria-live": "polite"},
            ),
            html.Button(
                [t("next_page", lang), " ›"],
                id={"type": "table-next", **key},
                className="btn btn-outline-secondary btn-sm",
                n_clicks=0,
            ),
            dcc.Store(id={"type": "table-rows", **key}, data={**cells, "lang": lang}),
            dcc.Store(id={"type": "table-start", **key}, data=0),
        ],
        className="table-pager mt-1",
        **{"aria-label": t("table_pages", lang, caption=table.caption)},
    )


def render_table(table: Table, lang: Lang, page: str) -> html.Div:
    """The table (its first page when long), a pager, its row count and its download buttons."""
    columns = table.frame.columns
    cells = _cells(table, lang)
    paged = len(cells["rows"]) > PAGE_SIZE
    body_id: object = {"type": "table-body", "page": page, "table": table.name}
    return html.Div(
        [
            html.Div(
                html.Table(
                    [
                        html.Caption(table.caption),
                        html.Thead(html.Tr([_header(table, c, page, lang) for c in columns])),
                        html.Tbody(_body_rows(cells, 0), id=body_id),
                    ],
                    className="table table-sm table-striped table-hover data-table",
                    id=f"table-{page}-{table.name}",
                ),
                className="table-responsive table-scroll",
                tabIndex=0,
                role="region",
                # not the caption alone: the section around a table is often named by the same
                # words, and two landmarks with one name cannot be told apart
                **{"aria-label": t("table_region", lang, caption=table.caption)},
            ),
            _pager(table, page, lang, cells) if paged else None,
            download_bar(page, table.name, lang, table.frame.height),
        ],
        className="table-block",
    )


def register(app) -> None:
    """The paging callback, on ``app`` itself: registered with ``dash.callback`` at import, it
    would go to the first app created in the process only (tests create several)."""
    app.callback(
        Output({"type": "table-body", "page": MATCH, "table": MATCH}, "children"),
        Output({"type": "table-range", "page": MATCH, "table": MATCH}, "children"),
        Output({"type": "table-start", "page": MATCH, "table": MATCH}, "data"),
        Output({"type": "table-prev", "page": MATCH, "table": MATCH}, "disabled"),
        Output({"type": "table-next", "page": MATCH, "table": MATCH}, "disabled"),
        Input({"type": "table-prev", "page": MATCH, "table": MATCH}, "n_clicks"),
        Input({"type": "table-next", "page": MATCH, "table": MATCH}, "n_clicks"),
        State({"type": "table-rows", "page": MATCH, "table": MATCH}, "data"),
        State({"type": "table-start", "page": MATCH, "table": MATCH}, "data"),
        prevent_initial_call=True,
    )(turn_page)


def cells_ok(cells: object) -> bool:
    """Whether ``cells`` has the shape ``_cells`` writes (and the pager's store hands back): rows
    of texts, links as lists of texts or None by column number, column numbers, a language. The
    store comes back from the browser: anything else is refused before it is drawn."""
    if not isinstance(cells, dict) or cells.get("lang") not in ("sv", "en"):
        return False
    rows, links = cells.get("rows"), cells.get("links")
    status, numeric = cells.get("status"), cells.get("numeric")
    return (
        isinstance(rows, list)
        and all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in rows)
        and isinstance(links, dict)
        and all(
            isinstance(hrefs, list) and all(h is None or isinstance(h, str) for h in hrefs)
            for hrefs in links.values()
        )
        and all(
            isinstance(columns, list)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in columns)
            for columns in (status, numeric)
        )
    )


def turn_page(_prev, _next, cells, start):
    """Show the previous or next page of a long table."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not cells_ok(cells):
        return (no_update,) * 5
    start = start if isinstance(start, int) and not isinstance(start, bool) else 0
    step = -PAGE_SIZE if trigger.get("type") == "table-prev" else PAGE_SIZE
    return page_view(cells, start + step)


def page_view(cells: dict, start: int) -> tuple:
    """(rows, range text, start, previous disabled, next disabled) for the page at `start`."""
    total = len(cells["rows"])
    start = max(0, min(start, (total - 1) // PAGE_SIZE * PAGE_SIZE))
    return (
        _body_rows(cells, start),
        _range_text(start, total, cells["lang"]),
        start,
        start == 0,
        start + PAGE_SIZE >= total,
    )


def download_bar(page: str, name: str, lang: Lang, n_rows: int | None = None) -> html.Div:
    """CSV and XLSX buttons plus the ``dcc.Download`` they feed."""
    children: list = []
    if n_rows is not None:
        words = "row_shown" if n_rows == 1 else "rows_shown"
        children.append(html.Span(t(words, lang, n=n_rows), className="rows-shown me-3"))
    for file_format, label in (("csv", "download_csv"), ("xlsx", "download_xlsx")):
        children.append(
            html.Button(
                t(label, lang),
                id={"type": "dl", "page": page, "table": name, "fmt": file_format},
                className="btn btn-outline-primary btn-sm me-2",
                n_clicks=0,
            )
        )
    children.append(dcc.Download(id={"type": "download", "page": page, "table": name}))
    return html.Div(children, className="download-bar")
