"""Labelled native selects for year, indicator, level and the like.

Native ``<select>`` elements (dbc.Select) are keyboard- and screen-reader-friendly out of the box
and avoid the focusable ``aria-hidden`` input of Dash 4's own Dropdown.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def labelled_select(
    component_id: str, label: str, options: list[tuple[str, str]], value: str
) -> html.Div:
    """A label plus a native select; ``options`` are (value, label) pairs."""
    return html.Div(
        [
            dbc.Label(label, html_for=component_id, className="form-label"),
            dbc.Select(
                id=component_id,
                options=[{"label": lab, "value": val} for val, lab in options],
                value=value,
            ),
        ],
        className="filter",
    )


def year_options(years: list[int]) -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in sorted(years, reverse=True)]
