"""Definitions and sources, one click away: the "i" button next to a figure, and the
"Definitioner och källor" disclosure listing every figure of a profile page."""

from __future__ import annotations

from collections.abc import Iterable

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import Indicator, Lang, figure, t


def _definition(ind: Indicator, lang: Lang) -> list[html.P]:
    """The definition and the source, as the popover and the list both show them."""
    return [
        html.P(ind.definition(lang)),
        html.P([html.Strong(t("source", lang) + ": "), ind.source(lang)]),
    ]


def definitions_list(keys: Iterable[str], lang: Lang, uid: str) -> html.Details:
    """A disclosure with the definition and source of every indicator or measure in ``keys``.

    A native ``<details>``: its summary is a labelled button in the tab order that opens with
    Enter or Space. Each term gives the label and, where the tables use a shorter column name,
    that name too. ``uid`` makes the ids unique on the page.
    """
    items: list = []
    for key in keys:
        ind = figure(key)
        label, short = ind.label(lang), ind.short(lang)
        term = (
            label
            if short.lower() in label.lower()
            else t("definition_term", lang, label=label, short=short)
        )
        items += [
            html.Dt(term, id=f"{uid}-def-{key}"),
            html.Dd(_definition(ind, lang), className="mb-3"),
        ]
    return html.Details(
        [
            html.Summary(t("definitions_heading", lang), className="h5"),
            html.Dl(items, className="definitions-body"),
        ],
        id=f"{uid}-definitions",
        className="definitions-list mb-3",
    )


def definition_popover(key: str, lang: Lang, uid: str) -> html.Span:
    """A keyboard-reachable button with a popover holding the definition and source of ``key``.

    ``uid`` makes the element ids unique on the page (the same indicator can appear twice).
    """
    ind = figure(key)
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
                # assets/app.js keeps it true while the definition is open
                **{"aria-label": t("definition_of", lang, label=label), "aria-expanded": "false"},
            ),
            dbc.Popover(
                [
                    dbc.PopoverHeader(label),
                    dbc.PopoverBody(_definition(ind, lang)),
                ],
                target=target,
                trigger="legacy",
                placement="auto",
            ),
        ],
        className="definition",
    )
