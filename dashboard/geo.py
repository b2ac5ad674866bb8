"""Boundary files for the map, served once as static files the browser caches.

The GeoJSON lives in ``data/geo/`` (copied there at setup from shared/reference/geo, not
committed, may be absent) or the folder named by ``GEO_DIR``. Only the known file names are
served; the map falls back to points when a file is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import flask

from dashboard.components.map import GEO_FILES

ROOT = Path(__file__).resolve().parents[1]
ROUTE = "/geo/"
MAX_AGE = 7 * 24 * 3600


def geo_dir_from_env() -> Path:
    return Path(os.environ.get("GEO_DIR") or ROOT / "data" / "geo")


def geo_url(geo_dir: Path, level: str) -> str | None:
    """The URL of a level's boundaries, or None when the file is missing (points fallback)."""
    name = GEO_FILES[level]
    if not (geo_dir / name).is_file():
        return None
    # The file's mtime in the URL: a new file gets a new URL, so a long cache is safe.
    stamp = int((geo_dir / name).stat().st_mtime)
    return f"{ROUTE}{name}?v={stamp}"


def install(server: flask.Flask, geo_dir: Path) -> None:
    """Serve the whitelisted GeoJSON files with long cache headers."""
    allowed = set(GEO_FILES.values())

    @server.route(ROUTE + "<name>")
    def geojson(name: str):
        if name not in allowed or not (geo_dir / name).is_file():
            flask.abort(404)
        response = flask.send_from_directory(
            geo_dir, name, mimetype="application/geo+json", max_age=MAX_AGE
        )
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
        return response
