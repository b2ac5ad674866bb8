"""The notes a page shows instead of, or above, its content: no warehouse to read, or a link
that asked for something the page cannot show (``state.ignored``)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import html

from dashboard import data
from dashboard.i18n import Lang, lang_or_default, t


def needs_warehouse(page: Callable) -> Callable:
    """A page's builder that says "no warehouse yet" when there is none to read, wherever in
    the building a query finds that out (not only at the first one)."""

    @functools.wraps(page)
    def build(**query):
        try:
            return page(**query)
        except data.WarehouseUnavailable:
            return dbc.Alert(t("no_warehouse", lang_or_default(query.get("lang"))), color="warning")

    return build


def ignored_notice(items: list[tuple[str, str, str]], lang: Lang) -> dbc.Alert | None:
    """One line per URL parameter that was not used as given, or None when all were."""
    if not items:
        return None
    return dbc.Alert(
        [
            html.P(t("url_ignored", lang, name=name, raw=raw, used=used), className="mb-0")
            for name, raw, used in items
        ],
        color="info",
        className="url-notice",
    )
