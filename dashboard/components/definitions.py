"""The "i" button next to every figure that opens its definition and source."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import INDICATORS, MEASURES, Lang, t


def definition_popover(key: str, lang: Lang, uid: str) -> html.Span:
    """A keyboard-reachable button with a popover holding the definition and source of ``key``.

    ``uid`` makes the element ids unique on the page (the same indicator can appear twice).
    """
    ind = INDICATORS.get(key) or MEASURES[key]
    target = f"def-{uid}-{key}"
    label = ind.label(lang)
    return html.Span(
        [
            html.Button(
                html.Span("i", **{"aria-hidden": "true"}),
                id=target,
                type="button",
                className="btn btn-link btn-sm definition-button",
                title=t("definition_of", lang, label=label),
                **{"aria-label": t("definition_of", lang, label=label)},
            ),
            dbc.Popover(
                [
                    dbc.PopoverHeader(label),
                    dbc.PopoverBody(
                        [
                            html.P(ind.definition(lang)),
                            html.P([html.Strong(t("source", lang) + ": "), ind.source(lang)]),
                        ]
                    ),
                ],
                target=target,
                trigger="legacy",
                placement="auto",
            ),
        ],
        className="definition",
    )
