"""KPI cards: a share with its denominator and the change from the previous year."""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import html

from dashboard.components.definitions import definition_popover
from dashboard.i18n import Lang


@dataclass(frozen=True)
class Kpi:
    """What one card says, already in words: built by ``views.overview.kpis``."""

    key: str
    label: str
    value: str
    detail: str
    change: str
    note: str | None = None


def kpi_card(kpi: Kpi, lang: Lang) -> dbc.Card:
    """One card; the change sits in text (not only in colour)."""
    body = [
        html.Div(
            [html.H3(kpi.label, className="kpi-label"), definition_popover(kpi.key, lang, "kpi")],
            className="kpi-head",
        ),
        html.P(kpi.value, className="kpi-value", id=f"kpi-value-{kpi.key}"),
        html.P(kpi.detail, className="kpi-detail"),
        html.P(kpi.change, className="kpi-change"),
    ]
    if kpi.note:
        body.append(html.P(kpi.note, className="kpi-note"))
    return dbc.Card(dbc.CardBody(body), className="kpi-card h-100", id=f"kpi-{kpi.key}")


def kpi_grid(kpis: list[Kpi], lang: Lang) -> dbc.Row:
    return dbc.Row(
        [dbc.Col(kpi_card(k, lang), xs=12, sm=6, lg=3, className="mb-3") for k in kpis],
        className="kpi-grid",
    )
