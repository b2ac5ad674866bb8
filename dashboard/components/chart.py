"""A chart with its text alternative: ``<figure>`` around the graph, ``<figcaption>`` saying what
it shows and which table on the page holds the same numbers.

The caption names the figure for screen readers; the graph itself gets no ``role="img"`` (the map
is interactive: it zooms, pans and opens profiles).
"""

from __future__ import annotations

from dash import dcc, html


def captioned_chart(graph: dcc.Graph, caption: str, caption_id: str) -> html.Figure:
    """``graph`` inside a figure whose caption (``caption_id``, for callbacks) comes first."""
    return html.Figure(
        [html.Figcaption(caption, id=caption_id, className="small text-muted"), graph],
        className="chart-figure",
    )
