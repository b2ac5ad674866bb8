"""Serve the project's partial plotly.js bundle where Dash's renderer loads plotly.js from.

Dash loads plotly.js from one fixed path (``compression.PLOTLY_PATH``) when the first graph is
drawn. The full plotly.min.js holds every trace type (4.8 MB); parsing and running it took about
1.3 s of the first load in headless Chromium, before the map could start. The dashboard draws
four trace types, and ``vendor/plotly/plotly-partial.min.js`` holds only those (the same
plotly.js version, 3.1 MB): the map is drawn about 1 s sooner (``make bench``). The bundle is
built from ``vendor/plotly/entry.js`` by ``make plotly-bundle`` and committed, so neither set-up
nor CI needs Node.js. Without the file the full plotly.js is served, as Dash would.
"""

from __future__ import annotations

import logging
from pathlib import Path

import flask

from dashboard.serving.compression import PLOTLY_PATH

log = logging.getLogger(__name__)

BUNDLE = Path(__file__).resolve().parents[1] / "vendor" / "plotly" / "plotly-partial.min.js"
# The trace types the bundle registers (entry.js); every figure the app builds uses only these.
TRACE_TYPES = frozenset({"bar", "scatter", "choroplethmap", "scattermap"})
# The URL does not change with the bundle: browsers revalidate within the hour (ETag).
MAX_AGE_S = 3600


def install(server: flask.Flask, bundle: Path = BUNDLE) -> None:
    if not bundle.is_file():
        log.warning("%s is missing: serving the full plotly.js", bundle)
        return

    def plotly_js() -> flask.Response:
        return flask.send_file(
            bundle, mimetype="text/javascript", conditional=True, max_age=MAX_AGE_S
        )

    # A rule without variables wins over Dash's /_dash-component-suites/<package>/<path> rule.
    server.add_url_rule(PLOTLY_PATH, "plotly_partial", plotly_js)
