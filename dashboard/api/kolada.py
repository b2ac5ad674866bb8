"""The HTTP side of the Kolada-shaped API: routes, parameters, paging and conditional requests.

The same routes answer under ``/api/v3/`` and ``/api/v2/`` with the same data; only the paging
links are named as each Kolada version names them (``next_url``/``previous_url`` in v3,
``next_page``/``previous_page`` in v2), and v3 alone has the query form ``data?kpi_id=...``.
Every answer is ``{"values": [...], "count": <values on this page>}`` plus the links, which
are absolute URLs built from the request (``request.base_url``: behind a proxy, what the
client asked for). ``per_page`` is 1..5000 (default 5000) and ``page`` counts from 1.

Errors are JSON as the rest of the app answers them (``access.refuse``): 400 for a parameter
that does not read (a year that is not four digits, ``per_page`` over 5000, a type that is not K
or L), 404 for a path that is no route. Ids that name nothing are not errors: Kolada answers
them with empty values, and so does this.

The data change only when a new warehouse version is published, so each answer carries a weak
``ETag`` (the version and the catalogue's digest) and ``Last-Modified`` (when the version was
built), and a request that already has them gets 304 before anything is computed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import flask
from werkzeug.http import is_resource_modified

from dashboard import context, data
from dashboard.api import catalogue as cat
from dashboard.api import values
from dashboard.security import access

VERSIONS = ("v3", "v2")
LINKS = {"v3": ("next_url", "previous_url"), "v2": ("next_page", "previous_page")}
# The name of the deleted flag a from_date query adds to each value: v2 documents
# "is_deleted" (0|1); v3 clients (koladapy) read "isdeleted".
DELETED = {"v3": "isdeleted", "v2": "is_deleted"}
MAX_PER_PAGE = 5000
CACHE_CONTROL = "public, max-age=60"
# Bump when the shape of an answer changes, so clients do not keep a 304 across a release.
REVISION = "1"
_YEAR = re.compile(r"\d{4}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadParameter(ValueError):
    """A parameter that does not read: 400 with the message."""


def install(server: flask.Flask) -> None:
    """Register every route under /api/v3/ and /api/v2/ (plus a JSON 404 for the rest)."""
    for version in VERSIONS:
        prefix = f"/api/{version}"

        def add(path: str, name: str, view: Callable, prefix=prefix, version=version) -> None:
            server.add_url_rule(
                prefix + path,
                f"kolada_{version}_{name}",
                view,
                defaults={"version": version},
                strict_slashes=False,  # koladapy asks for "data/"
            )

        add("/kpi", "kpi", kpi)
        add("/kpi/<ids>", "kpi_ids", kpi)
        add("/kpi_groups", "kpi_groups", kpi_groups)
        add("/kpi_groups/<ids>", "kpi_groups_ids", kpi_groups)
        add("/municipality", "municipality", municipality)
        add("/municipality/<ids>", "municipality_ids", municipality)
        add("/municipality_groups", "municipality_groups", municipality_groups)
        add("/municipality_groups/<ids>", "municipality_groups_ids", municipality_groups)
        add("/data/kpi/<kpi_ids>/municipality/<place_ids>/year/<years>", "data_kmy", data_path)
        add("/data/kpi/<kpi_ids>/year/<years>", "data_ky", data_path)
        add("/data/kpi/<kpi_ids>/municipality/<place_ids>", "data_km", data_path)
        add("/data/municipality/<place_ids>/year/<years>", "data_my", data_path)
        if version == "v3":
            add("/data", "data_query", data_query)
        # Without these, an unknown path under the prefix would reach Dash's catch-all and the
        # access hook's generic 404; this one names the API's description.
        add("/", "root", unknown)
        add("/<path:rest>", "unknown", unknown)


# -- parameters ---------------------------------------------------------------------------------


def _split(*raw: str | None) -> list[str]:
    """Comma-separated and repeated values as one list (empty pieces left out)."""
    return [p.strip() for value in raw if value for p in value.split(",") if p.strip()]


def _query_list(name: str) -> list[str] | None:
    """A query parameter's values, repeated or comma-separated, or None when it is absent or
    left empty (a blank field in a spreadsheet's query means "not given")."""
    return _split(*flask.request.args.getlist(name)) or None


def _years(raw: list[str] | None) -> list[int] | None:
    if raw is None:
        return None
    if not raw or not all(_YEAR.fullmatch(y) for y in raw):
        raise BadParameter(f"ogiltigt år: {','.join(raw) or '(tomt)'}; ange år som 2024")
    return sorted({int(y) for y in raw})


def _positive(name: str, default: int, most: int | None = None) -> int:
    raw = flask.request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (most is not None and int(raw) > most):
        bound = f" och högst {most}" if most is not None else ""
        raise BadParameter(f"{name} ska vara ett heltal, minst 1{bound}: fick {raw!r}")
    return int(raw)


def _from_date() -> dt.date | None:
    raw = flask.request.args.get("from_date")
    if raw is None:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"from_date ska vara ett datum ÅÅÅÅ-MM-DD: fick {raw!r}") from None


def _title_filter(items: list[dict]) -> list[dict]:
    """Kolada's ``title`` search: a case-insensitive part of the title."""
    title = flask.request.args.get("title")
    if not title:
        return items
    needle = title.casefold()
    return [i for i in items if needle in i["title"].casefold()]


def _id_filter(items: list[dict], ids: str | None) -> list[dict]:
    if ids is None:
        return items
    wanted = set(_split(ids))
    return [i for i in items if i["id"] in wanted]


# -- answers ------------------------------------------------------------------------------------


def _json_errors(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except BadParameter as exc:
            return access.refuse(400, str(exc))
        except data.WarehouseUnavailable:
            return access.refuse(503, "det finns inget publicerat datalager ännu")

    return wrapped


def _link(page: int) -> str:
    pairs = [(k, v) for k, v in flask.request.args.items(multi=True) if k != "page"]
    pairs.append(("page", str(page)))
    return f"{flask.request.base_url}?{urlencode(pairs)}"


def _tag(meta: data.Meta) -> str:
    """The ETag's opaque part: the version, what the catalogue says, the answers' shape."""
    return f"bf-{meta.version}-{cat.fingerprint()}-{REVISION}"


def _cache_headers(response: flask.Response, meta: data.Meta) -> flask.Response:
    # Weak: flask-compress sends the same data in several encodings.
    response.set_etag(_tag(meta), weak=True)
    if meta.built_at is not None:
        response.last_modified = meta.built_at.replace(tzinfo=dt.UTC)
    # A signed-in caller's answer is made private by the access hook, which runs after this.
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _answer(
    version: str,
    items: Callable[[data.Warehouse, data.Meta], list],
    render: Callable[[list], list[dict]] | None = None,
):
    """Page ``items(wh, meta)``, computed only when the client lacks the current version;
    ``render`` makes the page's items into the objects sent (when they are not already)."""
    page = _positive("page", 1)
    per_page = _positive("per_page", MAX_PER_PAGE, MAX_PER_PAGE)
    wh = context.warehouse()
    meta = data.meta(wh)
    built = meta.built_at.replace(tzinfo=dt.UTC) if meta.built_at is not None else None
    if not is_resource_modified(flask.request.environ, etag=_tag(meta), last_modified=built):
        return _cache_headers(flask.Response(status=304, mimetype="application/json"), meta)

    def answer() -> bytes:
        everything = items(wh, meta)
        start = (page - 1) * per_page
        chunk = everything[start : start + per_page]
        if render is not None:
            chunk = render(chunk)
        body: dict = {"values": chunk, "count": len(chunk)}
        next_key, previous_key = LINKS[version]
        if start + per_page < len(everything):
            body[next_key] = _link(page + 1)
        if page > 1:
            body[previous_key] = _link(page - 1)
        return flask.json.dumps(body).encode("utf-8")

    # The same question to the same version has the same answer: made once per process (the
    # links in it name the host asked, so the host is part of the question).
    request = flask.request
    key = ("api.answer", request.host_url, request.path, tuple(request.args.items(multi=True)))
    body = wh.memo(key, answer)
    return _cache_headers(flask.Response(body, mimetype="application/json"), meta)


# -- routes -------------------------------------------------------------------------------------


@_json_errors
def kpi(version: str, ids: str | None = None):
    def items(wh, meta):
        register_last = wh.memo(
            "api.register_last", lambda: max(data.fund_years(wh), default=meta.last_year)
        )
        return _title_filter(_id_filter(values.kpis(meta, register_last), ids))

    return _answer(version, items)


@_json_errors
def kpi_groups(version: str, ids: str | None = None):
    return _answer(version, lambda wh, meta: _title_filter(_id_filter(values.kpi_groups(), ids)))


@_json_errors
def municipality(version: str, ids: str | None = None):
    # koladapy sends "type", rKolada (v3) "region_type"
    raw = flask.request.args.get("type") or flask.request.args.get("region_type")
    kind = raw.strip().upper() if raw else None
    if kind is not None and kind not in ("K", "L"):
        raise BadParameter(f"type ska vara K (kommun) eller L (län och riket): fick {raw!r}")

    def items(wh, meta):
        found = _title_filter(_id_filter(values.places(wh).municipalities, ids))
        return [m for m in found if kind is None or m["type"] == kind]

    return _answer(version, items)


@_json_errors
def municipality_groups(version: str, ids: str | None = None):
    return _answer(
        version, lambda wh, meta: _title_filter(_id_filter(values.places(wh).groups, ids))
    )


def _data(version: str, kpi_ids: list[str] | None, place_ids: list[str] | None, years_raw):
    years = _years(years_raw)
    since = _from_date()
    deleted = DELETED[version] if since is not None else None
    kpis = cat.KPIS if kpi_ids is None else [k for k in cat.KPIS if k.id in set(kpi_ids)]

    def items(wh, meta):
        if since is not None and (meta.built_at is None or meta.built_at.date() < since):
            return []  # nothing was published after the date the client names
        return values.data_values(wh, values.places(wh), list(kpis), place_ids, years)

    return _answer(version, items, lambda parts: values.render(parts, deleted))


@_json_errors
def data_path(
    version: str,
    kpi_ids: str | None = None,
    place_ids: str | None = None,
    years: str | None = None,
):
    return _data(
        version,
        None if kpi_ids is None else _split(kpi_ids),
        None if place_ids is None else _split(place_ids),
        None if years is None else _split(years) or [years],
    )


@_json_errors
def data_query(version: str):
    kpi_ids = _query_list("kpi_id")
    place_ids = _query_list("municipality_id")
    if not kpi_ids and not place_ids:
        raise BadParameter("ange kpi_id eller municipality_id (eller båda), och gärna year")
    return _data(version, kpi_ids, place_ids, _query_list("year"))


@_json_errors
def unknown(version: str, rest: str = ""):
    return access.refuse(
        404, f"okänd adress i /api/{version}/; se /api/openapi.json för alla adresser"
    )
