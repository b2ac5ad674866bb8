"""A read API in Kolada's shape: the dashboard's figures for clients that know api.kolada.se.

Municipal analysts read key figures from Kolada with clients they already have (rKolada,
koladapy, Excel's "From Web"); given this app's base URL instead, the same clients read the
figures published here. ``install(server)`` registers:

- ``/api/v3/...`` and ``/api/v2/...``: the routes of ``kolada.py`` (metadata, data and
  Kolada's organisational-unit routes, answered with none);
- ``/api/openapi.json``: their description (``openapi.py``);
- CORS on all of them, so a page on another site may read them (GET only, no cookies).

``catalogue.py`` holds the KPI table (ids that never change) and the place ids; ``values.py``
turns the warehouse's rows into Kolada's objects. Who may read is ``dashboard.security.access``'s
decision, as for every request. Nothing is read at import.
"""

from __future__ import annotations

import flask

from dashboard.api import kolada, openapi

PREFIXES = tuple(f"/api/{version}/" for version in kolada.VERSIONS)
OPENAPI_PATH = "/api/openapi.json"
ALLOW = "GET, HEAD, OPTIONS"


def install(server: flask.Flask) -> None:
    kolada.install(server)
    server.add_url_rule(OPENAPI_PATH, "kolada_openapi", describe)
    server.after_request(cors)


def describe() -> flask.Response:
    """The description, with a strong ETag of its bytes (it names the host asked, so the tag
    is per host) and a 304 for a client that has them."""
    body = flask.json.dumps(openapi.spec(flask.request.url_root)).encode("utf-8")
    response = flask.Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = kolada.CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(flask.request)


def cors(response: flask.Response) -> flask.Response:
    """Anyone's page may read the API (the statistics are public; a token, not a cookie, is how
    a closed instance is read, and ``*`` never sends cookies)."""
    path = flask.request.path
    if path.startswith(PREFIXES) or path == OPENAPI_PATH:
        if response.status_code == 405:
            # The access hook refuses a method the route lacks (TRACE, POST, ...); HTTP wants
            # the methods it has named with it.
            response.headers["Allow"] = ALLOW
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            "ETag, Last-Modified, X-Warehouse-Version"
        )
        if flask.request.method == "OPTIONS":
            # The preflight of a GET that carries a token or a conditional header.
            response.headers["Access-Control-Allow-Methods"] = ALLOW
            response.headers["Access-Control-Allow-Headers"] = (
                "Authorization, If-None-Match, If-Modified-Since"
            )
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
