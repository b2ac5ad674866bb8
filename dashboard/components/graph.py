"""The plotly ``config`` every chart of the app shares: Swedish controls, no cloud button.

plotly.js shows its mode bar in English and offers "Share chart…" (an upload to Plotly Cloud,
which the CSP blocks anyway); the partial bundle carries plotly's Swedish locale, so the mode
bar's tooltips follow the page's language.
"""

from __future__ import annotations

from dashboard.i18n import Lang


def graph_config(lang: Lang, **overrides) -> dict:
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "locale": "sv" if lang == "sv" else "en",
        **overrides,
    }
