"""Boundary files for the map, served once as static files the browser caches.

The GeoJSON lives in ``data/geo/`` (copied there at setup from shared/reference/geo, not
committed, may be absent) or the folder named by ``GEO_DIR``. Only the known file names are
served; the map falls back to points when a file is missing.

The reference files carry coordinates with 15 decimals (nanometres) on shapes already simplified
to a median of 2 km between points. They are served with ``DECIMALS`` decimals (0.001 degrees:
110 m north-south, 55 m east-west here; about a pixel when zoomed in on a town, far below one at
the national view), without the properties (the map joins on the feature ``id`` only) and
without spaces: the municipalities file goes from 816 KB to 340 KB, and from 167 KB to 49 KB with
brotli, which is what keeps the first load under 1.5 MB. Borders shared by two municipalities have
the same input points, so they round to the same output points and no gaps appear. The compact
text is made once per file version, in memory.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import flask

from dashboard.components.map import GEO_FILES

ROOT = Path(__file__).resolve().parents[2]
ROUTE = "/geo/"
MAX_AGE = 7 * 24 * 3600
DECIMALS = 3


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


def round_coordinates(value: object, decimals: int = DECIMALS) -> object:
    """Nested coordinate arrays with every number rounded."""
    if isinstance(value, list):
        return [round_coordinates(v, decimals) for v in value]
    if isinstance(value, float):
        return round(value, decimals)
    return value


def compact(text: str, decimals: int = DECIMALS) -> bytes:
    """A GeoJSON document with rounded coordinates, empty properties and no whitespace."""
    doc = json.loads(text)
    for feature in doc.get("features", []):
        feature["properties"] = {}
        geometry = feature.get("geometry") or {}
        if "coordinates" in geometry:
            geometry["coordinates"] = round_coordinates(geometry["coordinates"], decimals)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def install(server: flask.Flask, geo_dir: Path) -> None:
    """Serve the whitelisted GeoJSON files, compacted, with long cache headers."""
    allowed = set(GEO_FILES.values())
    made: dict[tuple[str, int], bytes] = {}
    lock = threading.Lock()

    def compact_file(name: str) -> bytes:
        path = geo_dir / name
        key = (name, path.stat().st_mtime_ns)
        with lock:
            if key not in made:
                made[key] = compact(path.read_text(encoding="utf-8"))
            return made[key]

    @server.route(ROUTE + "<name>")
    def geojson(name: str):
        if name not in allowed or not (geo_dir / name).is_file():
            flask.abort(404)
        response = flask.Response(compact_file(name), mimetype="application/geo+json")
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
        response.add_etag()
        return response.make_conditional(flask.request)
