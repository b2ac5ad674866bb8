"""Medel: the summary figures and the review pack (one XLSX to hand over).

The pack holds a summary sheet (at the top the filters that produced the figures, the warehouse
version and build time, and "synthetic demo data" when it is; then the page's key figures), the
regions sheet (the allocation table), the grants sheet (the filtered list, one column per flag)
and the flags sheet (counts per region). Numbers and dates are real cells; text that Excel would
read as a formula is neutralised (``export.neutralise``).
"""

from __future__ import annotations

import base64
import io

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dashboard import data, export, fmt
from dashboard.components.kpi import Kpi
from dashboard.i18n import Lang, t
from dashboard.views import funds as view
from dashboard.views import funds_state as fstate


def summary_figures(content: fstate.Content, lang: Lang) -> list[tuple[str, object, str]]:
    """(label, value, kind) of the page's key figures for the state's range."""
    nation = content.nation
    conc = content.range_concentration() or {}
    granted = content.grants().filter(pl.col("amount_granted_sek") > 0)
    return [
        (view.money_label("applied", lang), nation["applied_sek"], "sek"),
        (view.money_label("granted", lang), nation["granted_sek"], "sek"),
        (t("fund_county_level", lang), nation["county_level_granted_sek"], "sek"),
        (view.money_label("paid", lang), nation["paid_sek"], "sek"),
        (view.money_label("spent", lang), nation["spent_sek"], "sek"),
        (view.per_inhabitant_label("granted", lang), nation["granted_per_inhabitant"], "number"),
        (t("fund_gini", lang), conc.get("gini"), "number3"),
        (t("fund_without", lang), conc.get("municipalities_without_grant"), "int"),
        (t("fund_grants_count", lang), granted.height, "int"),
        (t("fund_rejected_count", lang), content.grants().height - granted.height, "int"),
    ]


def summary_kpis(content: fstate.Content, lang: Lang) -> list[Kpi]:
    nation = content.nation
    conc = content.range_concentration() or {}
    pop = nation["population"] or 0
    span = content.span
    granted = nation["granted_sek"] or 0
    return [
        Kpi(
            "granted_sek",
            view.money_label("granted", lang),
            fmt.sek(nation["granted_sek"], lang),
            t("fund_kpi_applied", lang, applied=fmt.sek(nation["applied_sek"], lang)),
            t(
                "fund_kpi_county_level",
                lang,
                amount=fmt.sek(nation["county_level_granted_sek"], lang),
            ),
        ),
        Kpi(
            "paid_sek",
            view.money_label("paid", lang),
            fmt.sek(nation["paid_sek"], lang),
            t(
                "fund_kpi_of_granted",
                lang,
                share=fmt.percent1(_pct(nation["paid_sek"], granted), lang),
            ),
            span,
        ),
        Kpi(
            "spent_sek",
            view.money_label("spent", lang),
            fmt.sek(nation["spent_sek"], lang),
            t(
                "fund_kpi_of_paid",
                lang,
                share=fmt.percent1(_pct(nation["spent_sek"], nation["paid_sek"]), lang),
            ),
            span,
        ),
        Kpi(
            "fund_per_inhabitant",
            view.per_inhabitant_label("granted", lang),
            f"{fmt.number(nation['granted_per_inhabitant'], lang, 2)} {t('fund_unit', lang)}",
            t("fund_kpi_population", lang, n=fmt.number(pop, lang)),
            span,
        ),
        Kpi(
            "fund_gini",
            t("fund_gini", lang),
            fmt.number(conc.get("gini"), lang, 3),
            t("fund_kpi_gini", lang),
            span,
        ),
        Kpi(
            "fund_without",
            t("fund_without", lang),
            fmt.number(conc.get("municipalities_without_grant"), lang),
            t("of_municipalities", lang, n=conc.get("municipalities", 290)),
            span,
        ),
    ]


def _pct(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else part / whole * 100


def _cell(ws, value: object, bold: bool = False, size: int | None = None, fmt_: str | None = None):
    """A write-only cell with a style (write-only sheets take styled values as such cells)."""
    cell = WriteOnlyCell(ws, value=value)
    if bold or size:
        cell.font = Font(bold=bold, size=size or 11)
    if fmt_:
        cell.number_format = fmt_
    return cell


def _sheet(wb: Workbook, title: str, frame: pl.DataFrame, caption: str) -> None:
    """A sheet with the table's caption, its header (bold, frozen) and its rows as typed cells."""
    ws = wb.create_sheet(title[:31])
    ws.freeze_panes = "B4"  # below the caption, the blank row and the header; beside the names
    ws.append([_cell(ws, export.xlsx_cell(caption), bold=True)])
    ws.append([])
    ws.append([_cell(ws, export.xlsx_cell(c), bold=True) for c in frame.columns])
    for row in frame.iter_rows():
        ws.append([export.xlsx_cell(v) for v in row])


def review_pack(content: fstate.Content, meta: data.Meta) -> str:
    """The pack as base64 (for ``dcc.Download``). Write-only sheets: the pack of every
    municipality over the years is thousands of rows, and openpyxl's normal sheets are slow."""
    lang = content.lang
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t("fund_pack_summary", lang))
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 36
    ws.append([_cell(ws, t("fund_pack_title", lang, period=content.span), bold=True, size=14)])
    if meta.synthetic:
        ws.append([_cell(ws, t("fund_pack_synthetic", lang), bold=True)])
    ws.append([])
    ws.append([_cell(ws, t("fund_pack_filters", lang), bold=True)])
    for label, value in fstate.selection(content.wh, content.st, lang):
        ws.append([label, export.xlsx_cell(value)])
    ws.append([t("fund_pack_version", lang), meta.version])
    built = meta.built_at.replace(tzinfo=None) if meta.built_at else None
    ws.append([t("fund_pack_built", lang), _cell(ws, built, fmt_="yyyy-mm-dd hh:mm")])
    ws.append([])
    ws.append(
        [
            _cell(ws, t("fund_pack_figures", lang, period=content.span), bold=True),
            _cell(ws, t("value", lang), bold=True),
        ]
    )
    for label, value, kind in summary_figures(content, lang):
        ws.append([label, _cell(ws, value, fmt_="# ##0" if kind == "sek" else None)])
    tables = (
        (t("fund_pack_regions", lang), "allocation"),
        (t("fund_pack_grants", lang), "grants"),
        (t("fund_pack_flags", lang), "flags"),
    )
    for title, name in tables:
        table = content.table(name)
        _sheet(wb, title, table.download_frame, table.caption)
    buf = io.BytesIO()
    wb.save(buf)
    return base64.b64encode(buf.getvalue()).decode("ascii")
