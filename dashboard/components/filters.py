"""Labelled native selects for year, indicator, level and the like.

Native ``<select>`` elements (dbc.Select) are keyboard- and screen-reader-friendly out of the box
and avoid the focusable ``aria-hidden`` input of Dash 4's own Dropdown. Where a choice opens a new
view (a profile), the selects sit in a ``picker_row`` and only its "Visa" button navigates.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import Lang, t


def labelled_select(
    component_id: str, label: str, options: list[tuple[str, str]], value: str
) -> html.Div:
    """A label plus a native select; ``options`` are (value, label) pairs."""
    return html.Div(
        [
            dbc.Label(label, html_for=component_id, className="form-label"),
            dbc.Select(
                id=component_id,
                options=select_options(options),
                value=value,
            ),
        ],
        className="filter",
    )


def select_options(options: list[tuple[str, str]]) -> list[dict[str, str]]:
    """(value, label) pairs as a select's ``options``."""
    return [{"label": lab, "value": val} for val, lab in options]


def picker_row(columns: list[dbc.Col], button_id: str, lang: Lang) -> dbc.Row:
    """Selects that change nothing by themselves, then a "Visa" button that opens the choice.

    Navigating on every change would open the next municipality at the first arrow key on a
    focused select and drop the focus to the body (WCAG 3.2.2 On Input, 2.4.3 Focus Order).
    ``data-refocus`` asks assets/app.js to put the focus back on the button after the new view.
    """
    return dbc.Row(
        [*columns, show_button(button_id, lang)],
        className="g-3 mb-3 controls",
    )


def year_options(years: list[int]) -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in sorted(years, reverse=True)]


def labelled_input(
    component_id: str,
    label: str,
    value: str,
    *,
    kind: str = "search",
    max_length: int = 80,
    help_text: str | None = None,
) -> html.Div:
    """A label plus a text input (search words, a hand-picked list), with a hint below it."""
    return html.Div(
        [
            dbc.Label(label, html_for=component_id, className="form-label"),
            dcc.Input(
                id=component_id,
                type=kind,
                value=value,
                className="form-control",
                maxLength=max_length,
            ),
            html.Small(help_text, className="form-text") if help_text else None,
        ],
        className="filter",
    )


def show_button(button_id: str, lang: Lang) -> dbc.Col:
    """The "Visa" button that opens the chosen view, in a column aligned with the selects.

    ``data-refocus`` asks assets/app.js to put the focus back on it after the new view."""
    return dbc.Col(
        html.Button(
            t("show", lang),
            id=button_id,
            type="button",
            n_clicks=0,
            className="btn btn-primary",
            **{"data-refocus": "true"},
        ),
        xs="auto",
        className="d-flex align-items-end",
    )
