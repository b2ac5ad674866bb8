"""The HTTP side of the Kolada-shaped API: routes, parameters, paging and conditional requests.

The same routes answer under ``/api/v3/`` and ``/api/v2/`` with the same data; only the paging
links are named as each Kolada version names them (``next_url``/``previous_url`` in v3,
``next_page``/``previous_page`` in v2), and v3 alone has the query forms ``data?kpi_id=...`` and
``oudata?ou_id=...``. Every answer is ``{"values": [...], "count": <values on this page>}`` plus
the links, which are absolute URLs built from the request (the host it arrived with: behind a
proxy, what the client asked for). ``per_page`` is 1..5000 (default 5000), ``page`` counts
from 1. Kolada's organisational-unit routes (``ou``, ``oudata``) are here too and answer with
no units: the project has none, and a client's metadata dump should not fail on them.

Errors are JSON as the rest of the app answers them (``access.refuse``): 400 for a parameter
that does not read (a year that is not four digits, ``per_page`` over 5000, a type that is not K
or L) or that the route does not know (a filter ignored would answer everything as if filtered),
404 for a path that is no route. Ids that name nothing are not errors: Kolada answers them with
empty values, and so does this.

The data change only when a new warehouse version is published, so each answer carries a weak
``ETag`` (the version and the catalogue's digest) and ``Last-Modified`` (when the version was
built), and a request that already has them gets 304 before anything is computed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote, urlencode

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
REVISION = "2"


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
        add("/data/kpi/<kpi_ids>", "data_k", data_path)
        # Organisational units (schools, care homes): Kolada's routes, answered with none.
        add("/ou", "ou", ou)
        add("/ou/<ids>", "ou_ids", ou)
        add("/oudata/kpi/<kpi_ids>/ou/<ou_ids>/year/<years>", "oudata_koy", oudata_path)
        add("/oudata/kpi/<kpi_ids>/year/<years>", "oudata_ky", oudata_path)
        add("/oudata/kpi/<kpi_ids>/ou/<ou_ids>", "oudata_ko", oudata_path)
        add("/oudata/ou/<ou_ids>/year/<years>", "oudata_oy", oudata_path)
        add("/oudata/kpi/<kpi_ids>", "oudata_k", oudata_path)
        if version == "v3":
            add("/data", "data_query", data_query)
            add("/oudata", "oudata_query", oudata_query)
        # Without these, an unknown path under the prefix would reach Dash's catch-all and the
        # access hook's generic 404; this one names the API's description.
        add("/", "root", unknown)
        add("/<path:rest>", "unknown", unknown)


# -- parameters ---------------------------------------------------------------------------------

# Every route takes these; each route names the filters it honours besides (``_known``).
PAGING = frozenset({"page", "per_page"})
# The filters of each kind of route, as Kolada names them. A text filter matches a
# case-insensitive part of the field; ``id`` in the query is the path's ``<ids>``; from_date
# is Kolada's "changed since" (see ``_since``).
KPI_FILTERS = frozenset({"id", "title", "description", "operating_area", "from_date"})
GROUP_FILTERS = frozenset({"id", "title", "from_date"})
MUNICIPALITY_FILTERS = frozenset({"id", "title", "type", "region_type", "from_date"})
OU_FILTERS = frozenset({"id", "title", "municipality", "from_date"})
DATA_PATH_FILTERS = frozenset({"from_date"})
DATA_QUERY_FILTERS = frozenset({"kpi_id", "municipality_id", "year", "from_date"})
# koladapy sends municipality_id to oudata as well, when a script gives both.
OUDATA_QUERY_FILTERS = frozenset({"kpi_id", "ou_id", "municipality_id", "year", "from_date"})
# The parameters that may be repeated (kpi_id=A&kpi_id=B) as well as comma-separated.
REPEATABLE = frozenset({"kpi_id", "municipality_id", "ou_id", "year"})
TEXT_FIELDS = ("title", "description", "operating_area")
# ASCII digits only: \d would take "٢٠٢٤" as a year.
YEARS_PATTERN = r"^[0-9]{4}(,[0-9]{4})*$"
YEARS_QUERY_PATTERN = r"^([0-9]{4}(,[0-9]{4})*)?$"  # empty: not given
_YEARS = re.compile(YEARS_PATTERN)
_YEARS_QUERY = re.compile(YEARS_QUERY_PATTERN)
# What a path keeps unquoted in a link (RFC 3986's pchar less "%", which is quoted).
PATH_SAFE = "/!$&'()*+,:;=@"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# page and per_page: at most nine digits (what int() reads at once; the spec says the same).
_DIGITS = re.compile(r"[0-9]{1,9}")
MAX_PAGE = 999_999_999
MUNICIPALITY_TYPES = ("K", "L", "k", "l")


def _known(allowed: frozenset[str]) -> None:
    """A parameter the route does not know is refused, not ignored: a script that filters on
    it would otherwise get everything and take it for the filtered answer."""
    args = flask.request.args
    unknown = sorted(set(args) - allowed - PAGING)
    if unknown:
        known = ", ".join(sorted(allowed | PAGING))
        raise BadParameter(f"okänd parameter: {', '.join(unknown)}; här gäller {known}")
    # One value each, but for the lists: a second page= or title= would be silently dropped
    # or read as something the description does not say.
    twice = sorted(name for name in args if name not in REPEATABLE and len(args.getlist(name)) > 1)
    if twice:
        raise BadParameter(f"ange {', '.join(twice)} en gång (kommaseparera flera id)")


def _split(*raw: str | None) -> list[str]:
    """Comma-separated and repeated values as one list (empty pieces left out)."""
    return [p.strip() for value in raw if value for p in value.split(",") if p.strip()]


def _query_list(name: str) -> list[str] | None:
    """A query parameter's values, repeated or comma-separated, or None when it is absent or
    left empty (a blank field in a spreadsheet's query means "not given")."""
    return _split(*flask.request.args.getlist(name)) or None


def _path_years(raw: str | None) -> list[int] | None:
    """``year/<years>``: four-digit years, comma-separated, nothing else."""
    if raw is None:
        return None
    if not _YEARS.fullmatch(raw):
        raise BadParameter(f"ogiltigt år: {raw or '(tomt)'}; ange år som 2024 eller 2023,2024")
    return sorted({int(y) for y in raw.split(",")})


def _query_years() -> list[int] | None:
    """``year=``: repeated or comma-separated four-digit years; left empty, not given."""
    raw = flask.request.args.getlist("year")
    bad = [r for r in raw if not _YEARS_QUERY.fullmatch(r)]
    if bad:
        raise BadParameter(f"ogiltigt år: {bad[0]}; ange år som 2024 eller 2023,2024")
    years = {int(y) for r in raw if r for y in r.split(",")}
    return sorted(years) or None


def _positive(name: str, default: int, most: int | None = None) -> int:
    raw = flask.request.args.get(name)
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or int(raw) < 1 or (most is not None and int(raw) > most):
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


def _since(since: dt.date | None, meta: data.Meta) -> bool:
    """Whether anything changed on or after ``since``: everything changes only when a version
    is published, so it is all of the version that answers, or nothing."""
    return since is None or (meta.built_at is not None and meta.built_at.date() >= since)


def _filter(items: list[dict], ids: str | None) -> list[dict]:
    """The path's ids, then the query's ``id``, ``title``, ``description`` and
    ``operating_area`` (a case-insensitive part of the field; left empty, not given)."""
    for wanted in (ids, flask.request.args.get("id")):
        keep = set(_split(wanted))
        if keep:
            items = [i for i in items if i["id"] in keep]
    for field in TEXT_FIELDS:
        raw = flask.request.args.get(field)
        if raw:
            needle = raw.casefold()
            items = [i for i in items if needle in (i.get(field) or "").casefold()]
    return items


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
    """The same request's other page. The path is percent-encoded again (``request.path`` is
    decoded: an id with "ö" or "%" would make a link that is no URI, or another one)."""
    request = flask.request
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    pairs.append(("page", str(page)))
    path = quote(request.script_root + request.path, safe=PATH_SAFE)
    return f"{request.host_url.rstrip('/')}{path}?{urlencode(pairs)}"


class _Response(flask.Response):
    """Keeps ``Last-Modified`` on a 304, which werkzeug drops as an entity header: a cache
    that revalidates should learn the date it compares with next time (RFC 9110 15.4.5 lets a
    304 carry the validators of the 200 it stands for)."""

    def get_wsgi_headers(self, environ):
        headers = super().get_wsgi_headers(environ)
        modified = self.headers.get("Last-Modified")
        if self.status_code == 304 and modified and "Last-Modified" not in headers:
            headers["Last-Modified"] = modified
        return headers


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
    page = _positive("page", 1, MAX_PAGE)
    per_page = _positive("per_page", MAX_PER_PAGE, MAX_PER_PAGE)
    wh = context.warehouse()
    meta = data.meta(wh)
    built = meta.built_at.replace(tzinfo=dt.UTC) if meta.built_at is not None else None
    if not is_resource_modified(flask.request.environ, etag=_tag(meta), last_modified=built):
        return _cache_headers(_Response(status=304, mimetype="application/json"), meta)

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
    _known(KPI_FILTERS)
    since = _from_date()

    def items(wh, meta):
        if not _since(since, meta):
            return []
        register_last = wh.memo(
            "api.register_last", lambda: max(data.fund_years(wh), default=meta.last_year)
        )
        return _filter(values.kpis(meta, register_last, version), ids)

    return _answer(version, items)


@_json_errors
def kpi_groups(version: str, ids: str | None = None):
    _known(GROUP_FILTERS)
    since = _from_date()
    return _answer(
        version,
        lambda wh, meta: _filter(values.kpi_groups(), ids) if _since(since, meta) else [],
    )


@_json_errors
def municipality(version: str, ids: str | None = None):
    _known(MUNICIPALITY_FILTERS)
    since = _from_date()
    # koladapy sends "type", rKolada (v3) "region_type"; left empty, not given
    raw = flask.request.args.get("type") or flask.request.args.get("region_type") or ""
    for name in ("type", "region_type"):
        given = flask.request.args.get(name)
        if given and given not in MUNICIPALITY_TYPES:
            raise BadParameter(f"{name} ska vara K (kommun) eller L (län, riket): fick {given!r}")
    kind = raw.upper() or None

    def items(wh, meta):
        if not _since(since, meta):
            return []
        found = _filter(values.places(wh).municipalities, ids)
        return [m for m in found if kind is None or m["type"] == kind]

    return _answer(version, items)


@_json_errors
def municipality_groups(version: str, ids: str | None = None):
    _known(GROUP_FILTERS)
    since = _from_date()
    return _answer(
        version,
        lambda wh, meta: _filter(values.places(wh).groups, ids) if _since(since, meta) else [],
    )


@_json_errors
def ou(version: str, ids: str | None = None):
    """Kolada's organisational units (schools, care homes, ...): this project has none, so the
    answer is Kolada's empty one, whatever the ids and filters."""
    _known(OU_FILTERS)
    _from_date()
    return _answer(version, lambda wh, meta: [])


def _data(version: str, kpi_ids: list[str] | None, place_ids: list[str] | None, years):
    since = _from_date()
    deleted = DELETED[version] if since is not None else None
    kpis = cat.KPIS if kpi_ids is None else [k for k in cat.KPIS if k.id in set(kpi_ids)]

    def items(wh, meta):
        if not _since(since, meta):
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
    _known(DATA_PATH_FILTERS)
    return _data(
        version,
        None if kpi_ids is None else _split(kpi_ids),
        None if place_ids is None else _split(place_ids),
        _path_years(years),
    )


@_json_errors
def data_query(version: str):
    """v3's ``data?kpi_id=...&municipality_id=...&year=...``: each left out (or empty) means
    all of it, so a query with none of them answers every value (a few pages)."""
    _known(DATA_QUERY_FILTERS)
    years = _query_years()
    return _data(version, _query_list("kpi_id"), _query_list("municipality_id"), years)


@_json_errors
def oudata_path(
    version: str,
    kpi_ids: str | None = None,
    ou_ids: str | None = None,
    years: str | None = None,
):
    """An organisational unit's values: none (there are no units), once the years read."""
    _known(DATA_PATH_FILTERS)
    _path_years(years)
    _from_date()
    return _answer(version, lambda wh, meta: [])


@_json_errors
def oudata_query(version: str):
    _known(OUDATA_QUERY_FILTERS)
    _query_years()
    _from_date()
    return _answer(version, lambda wh, meta: [])


@_json_errors
def unknown(version: str, rest: str = ""):
    return access.refuse(
        404, f"okänd adress i /api/{version}/; se /api/openapi.json för alla adresser"
    )
