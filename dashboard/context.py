"""What a request needs from the app it runs in: the warehouse and the boundary files.

``create_app`` stores them on the Flask server (``server.extensions``), not in module globals,
so two apps in one process (as in tests) each read their own warehouse.
"""

from __future__ import annotations

from pathlib import Path

import flask

from dashboard.data import Warehouse

WAREHOUSE_KEY = "bf_warehouse"
GEO_DIR_KEY = "bf_geo_dir"


def warehouse() -> Warehouse:
    return flask.current_app.extensions[WAREHOUSE_KEY]


def geo_dir() -> Path:
    return flask.current_app.extensions[GEO_DIR_KEY]
