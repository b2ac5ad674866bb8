"""The note a page shows when its link asked for something it cannot show (``state.ignored``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import Lang, t


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
