"""The map: an offline choropleth of municipalities, counties or police regions.

No tiles and no CDN: ``go.Choroplethmap`` with ``map.style="white-bg"`` draws only our shapes
(``go.Choropleth`` would fetch a world topojson from a CDN; see ENGINEERING-NOTES). The GeoJSON is
not inside the figure but a URL to a static route (``/geo/...``) that the browser caches, so the
figure is a few KB. Changing year or indicator sends a ``dash.Patch`` of ``z`` (or marker colours)
and hover text only, and ``uirevision`` keeps the user's zoom. Police regions are drawn as their
counties coloured by the region's value (a police region is a union of whole counties).

Without the boundary files the map falls back to one point per municipality, sized by population,
on the same blank map, and the page says so.

Colours: Okabe–Ito blue/orange for Ja/Nej and viridis for shares are safe for colour-blind
readers; "not reported" is its own grey class, never folded into "no". The table below the map is
the text alternative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from dash import Patch
from plotly.colors import sequential

from dashboard.i18n import STATUS_LABELS, Lang, t

GEO_FILES = {"kommun": "municipalities.geojson", "lan": "counties.geojson"}
GEO_FILES["polisregion"] = GEO_FILES["lan"]
# Three lightnesses as well as three hues, so that the classes stay apart in greyscale and for
# every kind of colour blindness: dark blue (Ja), mid grey (Ej rapporterat), light orange (Nej).
# Relative luminance 0.09, 0.29, 0.54: 2.4:1 and 1.7:1 between neighbours; the grey is 3:1 on white.
YES = "#005a8c"
GREY = "#939393"
NO = "#f2b950"
# z below 0 is the grey "not reported" band of the share scale.
NULL_Z = -0.1
CENTER = {"lat": 62.6, "lon": 17.0}
ZOOM = 3.75

Kind = Literal["bool", "share", "amount", "classes"]
# The "no money" class of an amount layer sits below 0, a band of this share of the scale's top.
NONE_BAND = 0.12


@dataclass(frozen=True)
class MapValues:
    """One layer of the map: per shape its location id, class value, hover text, name, target.

    For ``bool``, ``z`` is 0 (not reported), 1 (no) or 2 (yes); for ``share`` it is 0..1, or
    ``NULL_Z`` where nobody reported. ``targets`` are the profile links a click opens.
    """

    kind: Kind
    locations: list[str]
    z: list[float]
    text: list[str]
    names: list[str]
    targets: list[str]
    lat: list[float] | None = None
    lon: list[float] | None = None
    population: list[int] | None = None
    # ``amount``: the scale's top (SEK per inhabitant), its unit and the "none" class's label.
    zmax: float | None = None
    unit: str = ""
    none_label: str = ""
    capped: bool = False  # values above zmax are drawn at zmax
    # ``classes``: (label, colour) per class; ``z`` is the class's index
    classes: tuple[tuple[str, str], ...] = ()


def bool_class(value: bool | None) -> int:
    """0 = not reported, 1 = no, 2 = yes."""
    if value is None:
        return 0
    return 2 if value else 1


def share_z(share: float | None) -> float:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return NULL_Z
    return float(share)


def amount_z(value: float | None, zmax: float) -> float:
    """An amount per inhabitant on the amount scale: nothing (0 or none) is the grey band."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value <= 0:
        return -NONE_BAND * zmax
    return float(value)


def z_range(values: MapValues) -> tuple[float, float]:
    if values.kind == "bool":
        return 0, 2
    if values.kind == "classes":
        return 0, len(values.classes) - 1
    if values.kind == "amount":
        top = values.zmax or 1.0
        return -NONE_BAND * top, top
    return NULL_Z, 1


def class_scale(classes: tuple[tuple[str, str], ...]) -> list[list]:
    """A stepped scale: class i (z = i) in its own colour, with no blend between classes."""
    n = len(classes)
    out: list[list] = []
    for i, (_label, colour) in enumerate(classes):
        out += [[i / n, colour], [(i + 1) / n, colour]]
    return out


def colorscale(kind: Kind, values: MapValues | None = None) -> list[list]:
    if kind == "classes" and values is not None:
        return class_scale(values.classes)
    if kind == "amount":
        # Viridis reversed: more money is darker; the grey "none" band is a class of its own.
        start = NONE_BAND / (1 + NONE_BAND)
        viridis = sequential.Viridis[::-1]
        steps = [start + (1 - start) * i / (len(viridis) - 1) for i in range(len(viridis))]
        return [[0, GREY], [start, GREY], *([s, c] for s, c in zip(steps, viridis, strict=True))]
    if kind == "bool":
        third = 1 / 3
        return [
            [0, GREY],
            [third, GREY],
            [third, NO],
            [2 * third, NO],
            [2 * third, YES],
            [1, YES],
        ]
    span = 1 - NULL_Z
    start = -NULL_Z / span
    viridis = sequential.Viridis
    steps = [start + (1 - start) * i / (len(viridis) - 1) for i in range(len(viridis))]
    return [[0, GREY], [start, GREY], *([s, c] for s, c in zip(steps, viridis, strict=True))]


def colorbar(kind: Kind, lang: Lang, values: MapValues | None = None) -> dict:
    if kind == "classes" and values is not None:
        n = len(values.classes)
        # the middle of each class's band on the scale from 0 to n - 1
        return {
            "tickvals": [(i + 0.5) * (n - 1) / n for i in range(n)],
            "ticktext": [label for label, _ in values.classes],
            "len": 0.45,
            "thickness": 18,
        }
    if kind == "amount" and values is not None:
        top = values.zmax or 1.0
        ticks = [top * i / 4 for i in range(5)]
        return {
            "tickvals": [-NONE_BAND * top / 2, *ticks],
            "ticktext": [
                values.none_label,
                *[_tick(v, lang) for v in ticks[:-1]],
                ("≥ " if values.capped else "") + _tick(ticks[-1], lang),
            ],
            "title": {"text": values.unit, "side": "right"},
            "len": 0.5,
            "thickness": 18,
        }
    if kind == "bool":
        return {
            "tickvals": [1 / 3, 1, 5 / 3],
            "ticktext": [STATUS_LABELS[k](lang) for k in ("null", "no", "yes")],
            "len": 0.35,
            "thickness": 18,
        }
    unit = "\u00a0%" if lang == "sv" else "%"
    return {
        "tickvals": [NULL_Z / 2, 0, 0.25, 0.5, 0.75, 1],
        "ticktext": [STATUS_LABELS["null"](lang), *[f"{p}{unit}" for p in (0, 25, 50, 75, 100)]],
        "len": 0.5,
        "thickness": 18,
    }


def _tick(value: float, lang: Lang) -> str:
    text = f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"
    return text.replace(",", "\u00a0").replace(".", ",") if lang == "sv" else text


def point_sizes(population: list[int]) -> list[float]:
    """Marker diameters so that area grows with population."""
    return [round(4 + math.sqrt(max(p, 0)) / 45, 1) for p in population]


def map_figure(values: MapValues, level: str, geo_url: str | None, lang: Lang) -> dict:
    """The whole figure as a plain dict (a ``go.Figure`` would be validated and much slower).

    ``geo_url`` is the GeoJSON's URL, or None for the points fallback.
    """
    hover = "%{customdata[0]}<br>%{text}<extra></extra>"
    customdata = [[n, tgt] for n, tgt in zip(values.names, values.targets, strict=True)]
    scale = colorscale(values.kind, values)
    zmin, zmax = z_range(values)
    if geo_url is not None:
        trace = {
            "type": "choroplethmap",
            "geojson": geo_url,
            "featureidkey": "id",
            "locations": values.locations,
            "z": values.z,
            "zmin": zmin,
            "zmax": zmax,
            "colorscale": scale,
            "colorbar": colorbar(values.kind, lang, values),
            "marker": {"line": {"color": "#ffffff", "width": 0.6 if level == "kommun" else 1}},
            "text": values.text,
            "customdata": customdata,
            "hovertemplate": hover,
        }
    else:
        trace = {
            "type": "scattermap",
            "lat": values.lat,
            "lon": values.lon,
            "mode": "markers",
            "marker": {
                "size": point_sizes(values.population or []),
                "color": values.z,
                "cmin": zmin,
                "cmax": zmax,
                "colorscale": scale,
                "colorbar": colorbar(values.kind, lang, values),
                "opacity": 0.85,
            },
            "text": values.text,
            "customdata": customdata,
            "hovertemplate": hover,
        }
    return {
        "data": [trace],
        "layout": {
            "map": {"style": "white-bg", "center": CENTER, "zoom": ZOOM},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "uirevision": "map",
            "height": 640,
            "font": {"family": "system-ui, sans-serif", "size": 13},
            "meta": {"level": level, "fallback": geo_url is None},
        },
    }


def map_patch(values: MapValues, fallback: bool, lang: Lang = "sv") -> Patch:
    """Recolour an existing map of the same level: only the colours and the hover text change
    (and, for amounts, the scale's range and legend)."""
    patch = Patch()
    if fallback:
        patch["data"][0]["marker"]["color"] = values.z
    else:
        patch["data"][0]["z"] = values.z
    patch["data"][0]["text"] = values.text
    if values.kind == "amount":
        zmin, zmax = z_range(values)
        target = patch["data"][0]["marker"] if fallback else patch["data"][0]
        target["cmin" if fallback else "zmin"] = zmin
        target["cmax" if fallback else "zmax"] = zmax
        target["colorbar"] = colorbar("amount", lang, values)
    return patch


def map_note(fallback: bool, lang: Lang) -> str:
    return t("map_fallback", lang) if fallback else t("map_alt", lang)
