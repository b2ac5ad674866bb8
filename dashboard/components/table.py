"""Tables as real HTML ``<table>`` elements, with CSV/XLSX downloads of exactly the rows shown.

A ``Table`` carries the frame that is both rendered and downloaded, so what a user downloads is
what they see. Status cells (Ja / Nej / Ej rapporterat) show an icon *and* the word, never colour
alone. Text from reports is passed as plain strings: Dash escapes it, nothing is rendered as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl
from dash import dcc, html

from dashboard import fmt
from dashboard.i18n import STATUS_LABELS, Lang, t

Kind = Literal["text", "int", "number", "percent", "sek", "date", "status"]

STATUS_ICONS = {"yes": "✓", "no": "✗", "null": "–"}
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


def format_cell(value: object, kind: Kind, lang: Lang) -> str:
    """A cell's text."""
    if kind == "percent":
        return fmt.percent(None if value is None else float(value) / 100, lang)
    if kind == "sek":
        return fmt.sek(value, lang)  # type: ignore[arg-type]
    if kind == "number":
        return fmt.number(value, lang, decimals=2)  # type: ignore[arg-type]
    if kind == "int":
        return fmt.number(value, lang)  # type: ignore[arg-type]
    if kind == "date":
        return fmt.date(value)  # type: ignore[arg-type]
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
        ),
        scope="col",
        **{"aria-sort": aria_sort},
    )


def render_table(table: Table, lang: Lang, page: str) -> html.Div:
    """The table, its row count and its download buttons."""
    columns = table.frame.columns
    rows = []
    for i, row in enumerate(table.frame.iter_rows()):
        cells = []
        for col, value in zip(columns, row, strict=True):
            kind = table.kinds.get(col, "text")
            if kind == "status":
                content: object = status_cell(format_cell(value, "text", lang))
            else:
                content = format_cell(value, kind, lang)
            href = table.links.get(col, [None] * (i + 1))[i]
            if href:
                content = dcc.Link(content, href=href)
            numeric = kind in ("int", "number", "percent", "sek")
            cells.append(html.Td(content, className="num" if numeric else None))
        rows.append(html.Tr(cells))
    return html.Div(
        [
            html.Div(
                html.Table(
                    [
                        html.Caption(table.caption),
                        html.Thead(html.Tr([_header(table, c, page, lang) for c in columns])),
                        html.Tbody(rows),
                    ],
                    className="table table-sm table-striped table-hover data-table",
                    id=f"table-{page}-{table.name}",
                ),
                className="table-responsive table-scroll",
                tabIndex=0,
                role="region",
                **{"aria-label": table.caption},
            ),
            download_bar(page, table.name, lang, table.frame.height),
        ],
        className="table-block",
    )


def download_bar(page: str, name: str, lang: Lang, n_rows: int | None = None) -> html.Div:
    """CSV and XLSX buttons plus the ``dcc.Download`` they feed."""
    children: list = []
    if n_rows is not None:
        children.append(html.Span(t("rows_shown", lang, n=n_rows), className="rows-shown me-3"))
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
