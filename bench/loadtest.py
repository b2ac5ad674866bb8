"""A bounded load test of the served dashboard, with publishes of new data while it runs.

``python -m bench.loadtest [--users 20 --seconds 60 --workers 2]`` (``make bench`` runs it after the
benchmark) builds a warehouse from seeded demo data in a temporary folder, adds a few accounts,
serves the real app with gunicorn (``dashboard.serving.cluster.Server``: ``python -m dashboard`` on
a free port of 127.0.0.1) and lets simulated clients use it for a fixed time: browsers (half of them
anonymous, half signed in through the real form) and, one in five by default, scripts reading the
Kolada-shaped API. Half-way through, the real pipeline (``python -m pipelines ingest``, in a
subprocess) publishes a new warehouse version while the clients keep going.

``--cluster 2`` runs the same against the reference deployment
(``dashboard.serving.cluster.Cluster``: haproxy in front of that many app servers, each gunicorn
with ``--workers`` workers, all reading one warehouse directory); there three in five clients are
API scripts by default. ``--publishes N`` spreads N publishes evenly over the run (at 1/3 and 2/3 of
the time for two), each a real
ingest of another revised report. ``make bench`` runs ``--cluster 2 --users 50 --seconds 60
--publishes 2 --workers 1`` after the single server's run: on the 2-core reference machine one
worker per app server measured better than two (the same throughput, a lower p95; two app
servers already make two processes for two cores).

If an ingest outlasts the run (a busy machine), the run goes on until 2 s after the last
publish finished (``--hold-after-publish``), so that its version is seen; the report says so.

It prints what it measured: requests per second, p50/p95/p99/max latency and errors per kind of
request and overall, the API's p95 on its own and per route (next to each route's time when
asked alone before the run), each publish and the versions the answers carried before and after
it, the clients whose version ever went backwards, the CPU the servers (and haproxy), the
publishes and the load generator used against what the whole (shared) machine used and its load
average, how the requests were spread over the app servers, tracebacks in their logs, and
whether the target was met. One server: no error, p95 under 500 ms overall and for every kind,
every answer naming its version and no client's version going backwards, each new version seen.
The cluster: no error, the API's p95 under 100 ms, every answer naming its version and no client's
version going backwards, each new version seen. Nothing is tuned to pass: the numbers are the
numbers.

A browser is one thread with one keep-alive connection and its own cookies (behind haproxy that
includes ``BFSERVER``, so it stays on one app server), and does what a browser does (checked
against Chromium's requests): a page load is the page's HTML, ``/_dash-layout``,
``/_dash-dependencies``, then the shell callback and the pages router callback for the URL; then
one or two interactions with the page (a select, a "Visa" button, a download, a sort, paging),
each posting every callback the change triggers, with bodies built from the app's own
``/_dash-dependencies`` and the components the router returned; a callback that navigates
(``*-nav.href``) is followed by the shell and router callbacks for the new URL, as the browser
does. Signed-in reporters and coordinators also ask ``GET /api/inlamning`` (kind "api
(uploads)"). Not modelled: the static bundles and boundary files (a browser has them cached after
the first visit), and a browser's parallel requests (a reader sends its callbacks one after
another, which is gentler per reader).

An API client (kind "api (Kolada)") is what koladapy, a Power Query in Excel or an R script
does: one keep-alive connection, no cookies kept (so behind haproxy each request may go to
another server), ``Accept-Encoding: gzip, deflate``, plain GETs of the Kolada routes in a seeded
mix: the KPI list, the places, one KPI in one year for every place (290 municipalities, the
counties and the nation), one municipality over every KPI, a county's value, the v2 form Excel
is given, a query paged with ``per_page`` following ``next_url`` to the end (the pages one after
another, as a client does), and the bulk manifest ``/data/manifest.json``. Every answer is
checked: its shape, how many objects, that they are the ones asked for, that the paging links
point back at the address the client used.

Every client notes the ``X-Warehouse-Version`` of each answer in order; the report counts
answers without it and clients whose version ever went backwards (each request reads one pinned
version, and versions are only ever published forwards, so both must be 0). A browser's footer
must name the same version as the header of the answer it came in. Between requests a client
waits 0-200 ms (seeded); a paging client follows ``next_url`` without waiting.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlencode, urlsplit

import brotli

from bench.dashboard import CALLBACKS, ROOT, percentile, read
from dashboard.api import catalogue
from dashboard.serving.cluster import Cluster, Server

TARGET_P95_MS = 500
TARGET_API_P95_MS = 100  # the cluster's target for the Kolada API (issue 13)
TIMEOUT_S = 10.0
THINK_S = (0.0, 0.2)
# Chromium before zstd support: the server prefers br anyway, and the standard library and
# brotli decode everything this asks for.
ACCEPT_ENCODING = "gzip, deflate, br"
ROUTER = "_pages_content"  # first output of Dash's pages router
SHELL = "nav-links"  # first output of app.update_shell (it also writes the footer's version)
UPLOADS = "api (uploads)"
API = "api (Kolada)"
KINDS = (
    "sign-in",
    "page GET",
    "dash boot JSON",
    "shell callback",
    "router callback",
    "page callbacks",
    UPLOADS,
    API,
)
# What the clients call themselves: the app servers' access logs tell them apart by it.
BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) loadtest-browser"
API_AGENT = "python-requests/2.32 loadtest-api"
API_ACCEPT_ENCODING = "gzip, deflate"  # requests without brotli, and Excel's Power Query
VERSION_HEADER = "X-Warehouse-Version"
VERSION = re.compile(r"(?:version|Version) (\d+)")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# Callbacks this test posts that bench.dashboard.CALLBACKS has no name for.
MORE_CALLBACKS = {"rg-code": "region.region_choices"}

# What a reader may do on each page: each interaction is a list of steps; a step changes one
# select to another of its options ("select", id) or clicks a button ("click", id), where a
# dict id picks any component on the page whose id has those keys and values.
INTERACTIONS: dict[str, list[list[tuple[str, str | dict]]]] = {
    "/": [
        [("select", "ov-year")],
        [("select", "ov-indicator")],
        [("select", "ov-level")],
        [("click", {"type": "dl", "page": "overview"})],
        [("click", {"type": "table-next", "page": "overview"})],
    ],
    "/medel": [
        [("select", "md-measure")],
        [("select", "md-level")],
        [("select", "md-from"), ("click", "md-show")],
        [("click", {"type": "dl", "page": "funds"})],
        [("click", "md-pack")],
    ],
    "/kommun": [
        [("select", "mu-year"), ("click", "mu-show")],
        [("click", {"type": "dl", "page": "municipality"})],
    ],
    "/region": [
        [("select", "rg-year"), ("click", "rg-show")],
        [("select", "rg-level")],
        [("click", {"type": "sort", "page": "region"})],
        [("click", {"type": "dl", "page": "region"})],
    ],
    "/jamfor": [
        [("select", "cp-level")],
        [("select", "cp-year"), ("click", "cp-show")],
        [("click", {"type": "dl", "page": "compare"})],
    ],
    "/datakvalitet": [
        [("select", "dq-year"), ("click", "dq-show")],
        [("click", {"type": "dl", "page": "dataquality"})],
        [("click", {"type": "table-next", "page": "dataquality"})],
    ],
}


# -- Dash's side of a browser ---------------------------------------------------------------------


def id_key(ident: str | dict) -> str:
    """A component id as Dash's renderer writes it in bodies and responses (dicts: sorted JSON)."""
    if isinstance(ident, dict):
        return json.dumps(ident, sort_keys=True, separators=(",", ":"))
    return ident


def parse_id(text: str) -> str | dict:
    return json.loads(text) if text.startswith("{") else text


def split_output(output: str) -> list[tuple[str, str]]:
    """``..a.children...b.data..`` (several outputs) or ``a.children`` as (id, property) pairs."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts]


def components(tree: object, into: dict[str, dict] | None = None) -> dict[str, dict]:
    """Every component with an id in a layout tree: id key -> props (the same dicts)."""
    found = {} if into is None else into
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "id" in props:
                found[id_key(props["id"])] = props
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def wildcard(value: object) -> str | None:
    return value[0] if isinstance(value, list) and len(value) == 1 else None


def matches(pattern: dict, ident: object, fixed: dict) -> bool:
    """Whether a concrete dict id fits a pattern; MATCH keys must equal ``fixed`` when set."""
    if not isinstance(ident, dict) or set(pattern) != set(ident):
        return False
    for key, want in pattern.items():
        kind = wildcard(want)
        if kind == "MATCH":
            if key in fixed and ident[key] != fixed[key]:
                return False
        elif kind not in ("ALL", "ALLSMALLER") and ident[key] != want:
            return False
    return True


@dataclass
class Dependencies:
    """The app's callbacks as ``/_dash-dependencies`` lists them (server-side ones only)."""

    callbacks: list[dict]

    @classmethod
    def parse(cls, listing: list[dict]) -> Dependencies:
        return cls([d for d in listing if not d.get("clientside_function")])

    def named(self, first_output: str) -> dict:
        for dep in self.callbacks:
            if split_output(dep["output"])[0][0] == first_output:
                return dep
        raise KeyError(f"no callback writes {first_output} first")

    def triggered_by(self, ident: str | dict, prop: str) -> list[tuple[dict, dict]]:
        """The callbacks with ``ident.prop`` as an input, each with its MATCH values."""
        out = []
        for dep in self.callbacks:
            for spec in dep["inputs"]:
                if spec["property"] != prop:
                    continue
                pattern = parse_id(spec["id"])
                if pattern == ident:
                    out.append((dep, {}))
                    break
                if isinstance(pattern, dict) and matches(pattern, ident, {}):
                    fixed = {k: ident[k] for k, v in pattern.items() if wildcard(v) == "MATCH"}
                    out.append((dep, fixed))
                    break
        return out


def body_for(dep: dict, comps: dict[str, dict], changed: list[str], fixed: dict) -> dict:
    """The request body Dash's renderer posts for ``dep`` given the page's components.

    Values come from the components' current props; ``changed`` names the ``id.prop``s that
    triggered it; ``fixed`` holds the MATCH values of a pattern-matching callback.
    """

    def concrete(pattern: dict) -> list[dict]:
        return [
            parse_id(key)
            for key in comps
            if key.startswith("{") and matches(pattern, parse_id(key), fixed)
        ]

    def item(spec: dict) -> dict | list[dict]:
        pattern, prop = parse_id(spec["id"]), spec["property"]
        if not isinstance(pattern, dict):
            return {"id": pattern, "property": prop, "value": comps.get(pattern, {}).get(prop)}
        items = [
            {"id": ident, "property": prop, "value": comps[id_key(ident)].get(prop)}
            for ident in concrete(pattern)
        ]
        if any(wildcard(v) in ("ALL", "ALLSMALLER") for v in pattern.values()):
            return items
        if not items:
            raise LookupError(f"no component on the page for {spec['id']}")
        return items[0]

    outputs = []
    for text, prop in split_output(dep["output"]):
        pattern = parse_id(text)
        if isinstance(pattern, dict):
            found = concrete(pattern)
            if not found:
                raise LookupError(f"no component on the page for output {text}")
            pattern = found[0]
        outputs.append({"id": pattern, "property": prop})
    body = {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": [item(s) for s in dep["inputs"]],
        "changedPropIds": changed,
    }
    if dep.get("state"):
        body["state"] = [item(s) for s in dep["state"]]
    return body


def callback_label(body: dict) -> str:
    """A short name per callback (``bench.dashboard.CALLBACKS`` where it has one)."""
    outputs = body["outputs"]
    ident = (outputs[0] if isinstance(outputs, list) else outputs)["id"]
    if isinstance(ident, dict):
        kind = {"table-body": "turn_page"}.get(ident.get("type"), ident.get("type"))
        return f"{ident.get('page')}.{kind}"
    if ident == ROUTER:
        path = next(i["value"] for i in body["inputs"] if i["property"] == "pathname")
        return f"pages router {path}"
    return {**CALLBACKS, **MORE_CALLBACKS}.get(ident, ident)


# -- one reader -----------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    name: str
    start: float  # seconds since the run started
    ms: float
    error: str | None = None
    answered: bool = False  # an HTTP answer came (whatever its status)
    version: int | None = None  # its X-Warehouse-Version


@dataclass
class Account:
    name: str
    role: str
    password: str
    kommun: str | None = None


class RequestFailed(Exception):
    """Counted as an error; ends the current interaction (a browser would show a broken page)."""


class Reader:
    """One simulated browser: a keep-alive connection, its cookies, the page it has open."""

    user_agent = BROWSER_AGENT
    accept_encoding = ACCEPT_ENCODING
    keeps_cookies = True

    def __init__(self, run: Run, index: int, account: Account | None) -> None:
        self.run = run
        self.index = index
        self.account = account
        self.rng = random.Random(f"{run.seed}-{index}")
        self.samples: list[Sample] = []
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0
        self.comps: dict[str, dict] = {}  # the components of the open page, shell included
        self.shell: set[str] = set()  # the ids of the shell (the app's layout around the page)
        self.footer_version: int | None = None  # the version the footer named last

    # HTTP -------------------------------------------------------------------------------------

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.run.port, timeout=TIMEOUT_S)
            return self.conn, False
        return self.conn, True

    def _send(self, method: str, path: str, body: bytes | None, headers: dict):
        headers = {
            "Accept-Encoding": self.accept_encoding,
            "User-Agent": self.user_agent,
            **headers,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            conn, reused = self._connection()
            try:
                conn.request(method, path, body, headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection as this request went out: a
                # browser retries on a new connection, so this does too, once, and counts it.
                conn.close()
                self.conn = None
                if not reused or attempt == 2:
                    raise
                self.reconnects += 1
            except BaseException:
                conn.close()
                self.conn = None
                raise
        # An API script keeps no cookies: behind haproxy it has no BFSERVER, no session.
        set_cookies = response.headers.get_all("Set-Cookie") if self.keeps_cookies else None
        for header in set_cookies or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response, decode(data, response.getheader("Content-Encoding"))

    def call(
        self,
        kind: str,
        name: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict | None = None,
        expect: tuple[int, ...] = (200,),
        is_json: bool = False,
    ) -> tuple[int, object]:
        """One timed request; raises ``RequestFailed`` after recording any failure."""
        start = time.perf_counter()
        error = None
        status, payload = 0, None
        answered, version = False, None
        try:
            response, data = self._send(method, path, body, headers or {})
            answered, status = True, response.status
            raw = (response.getheader(VERSION_HEADER) or "").strip()
            version = int(raw) if raw.isdigit() else None
            if status not in expect:
                error = f"HTTP {status}: {data[:120]!r}"
            elif is_json and status != 204:
                payload = json.loads(data)
            else:
                payload = data
        except json.JSONDecodeError as exc:
            error = f"not JSON: {exc}"
        except Exception as exc:  # any exception is an error of this request, e.g. a timeout
            error = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - start
        if error is None and elapsed > TIMEOUT_S:
            error = f"slower than {TIMEOUT_S:.0f} s"
        self.samples.append(
            Sample(kind, name, start - self.run.t0, elapsed * 1000, error, answered, version)
        )
        if error is not None:
            raise RequestFailed(error)
        return status, payload

    def post_callback(self, kind: str, body: dict) -> dict | None:
        _status, payload = self.call(
            kind,
            callback_label(body),
            "POST",
            "/_dash-update-component",
            json.dumps(body).encode("utf-8"),
            {"Content-Type": "application/json", "Accept": "application/json"},
            expect=(200, 204),
            is_json=True,
        )
        return payload if isinstance(payload, dict) else None

    # what a reader does -----------------------------------------------------------------------

    def think(self) -> None:
        time.sleep(self.rng.uniform(*THINK_S))
        if self.run.over():
            raise TimeUp

    def sign_in(self) -> None:
        _status, html = self.call("sign-in", "GET /logga-in", "GET", "/logga-in")
        token = CSRF.search(html.decode("utf-8"))
        if token is None:
            self.fail("no csrf_token in the sign-in form")
        form = urlencode(
            {"namn": self.account.name, "losenord": self.account.password, "csrf_token": token[1]}
        )
        self.call(
            "sign-in",
            "POST /logga-in",
            "POST",
            "/logga-in",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            expect=(302,),
        )

    def open(self, url: str) -> None:
        """A full page load: the HTML, Dash's layout and dependencies, shell and router."""
        self.call("page GET", urlsplit(url).path, "GET", url)
        self.think()
        _status, layout = self.call(
            "dash boot JSON", "/_dash-layout", "GET", "/_dash-layout", is_json=True
        )
        self.think()
        self.call(
            "dash boot JSON", "/_dash-dependencies", "GET", "/_dash-dependencies", is_json=True
        )
        self.comps = components(layout)
        self.shell = set(self.comps)
        self.navigate(url)

    def navigate(self, url: str) -> None:
        """What Dash does when the URL changes: the shell callback, then the pages router."""
        parts = urlsplit(url)
        location = self.comps.setdefault("_pages_location", {"id": "_pages_location"})
        location.update(pathname=parts.path, search=f"?{parts.query}" if parts.query else "")
        changed = ["_pages_location.pathname", "_pages_location.search"]
        self.think()
        shell = self.post_callback(
            "shell callback", body_for(self.run.deps.named(SHELL), self.comps, changed, {})
        )
        self.check_shell(shell)
        self.think()
        routed = self.post_callback(
            "router callback", body_for(self.run.deps.named(ROUTER), self.comps, changed, {})
        )
        content = (routed or {}).get("response", {}).get(ROUTER, {}).get("children")
        if content is None:
            raise RequestFailed("the router returned no page")
        # The new page replaces the old one: keep the shell's components, add the page's.
        page_ids = components(content)
        self.comps = {k: v for k, v in self.comps.items() if k in self.shell}
        self.comps.update(page_ids)

    def fail(self, message: str) -> NoReturn:
        """The last request's answer was wrong: count it as that request's error."""
        self.samples[-1].error = message
        raise RequestFailed(message)

    def check_shell(self, answer: dict | None) -> None:
        """Note the warehouse version the footer shows (it must be the one the answer's header
        names: both come from the version the request pinned); the account link must fit."""
        response = (answer or {}).get("response", {})
        footer = str(response.get("footer-text", {}).get("children", ""))
        found = VERSION.search(footer)
        if found is None:
            self.fail("the footer names no warehouse version")
        self.footer_version = int(found[1])
        header = self.samples[-1].version
        if header is not None and header != self.footer_version:
            self.fail(f"the footer names version {found[1]}, {VERSION_HEADER} {header}")
        account_link = json.dumps(response.get("account-link", {}))
        wanted = "/logga-ut" if self.account else "/logga-in"
        if wanted not in account_link:
            self.fail(f"the account link does not offer {wanted}")

    def interact(self, steps: list[tuple[str, str | dict]]) -> None:
        for action, target in steps:
            if action == "select":
                props = self.comps[target]
                values = [
                    o["value"]
                    for o in props.get("options") or []
                    if o["value"] != props.get("value")
                ]
                if not values:
                    continue
                ident, prop, value = target, "value", self.rng.choice(values)
            else:
                ident = self._pick(target)
                prop, value = "n_clicks", (self.comps[id_key(ident)].get("n_clicks") or 0) + 1
            self.comps[id_key(ident)][prop] = value
            changed = [f"{id_key(ident)}.{prop}"]
            for dep, fixed in self.run.deps.triggered_by(ident, prop):
                self.think()
                answer = self.post_callback(
                    "page callbacks", body_for(dep, self.comps, changed, fixed)
                )
                if answer:
                    self.apply(answer.get("response", {}))

    def _pick(self, target: str | dict) -> str | dict:
        if isinstance(target, str):
            return target
        found = [
            parse_id(k)
            for k in self.comps
            if k.startswith("{") and target.items() <= parse_id(k).items()
        ]
        return self.rng.choice(found)

    def available(self, steps: list[tuple[str, str | dict]]) -> bool:
        for _action, target in steps:
            if isinstance(target, str):
                if target not in self.comps:
                    return False
            elif not any(
                k.startswith("{") and target.items() <= parse_id(k).items() for k in self.comps
            ):
                return False
        return True

    def apply(self, response: dict) -> None:
        """Update the page with a callback's answer; follow a navigation as the browser does."""
        follow = None
        for key, props in response.items():
            if not isinstance(props, dict):
                continue
            if key.endswith("-nav") and props.get("href"):
                follow = props["href"]
            target = self.comps.get(key)
            if target is not None:
                target.update(props)
            for value in props.values():
                components(value, self.comps)
        if follow:
            self.navigate(follow)

    def visit(self) -> None:
        if self.account and self.account.role in ("kommun", "coordinator"):
            # The accounts that may send files check their uploads (a viewer may not: 403).
            self.call(UPLOADS, "GET /api/inlamning", "GET", "/api/inlamning", is_json=True)
            self.think()
        path = self.rng.choice(list(INTERACTIONS))
        self.open(self.run.page_url(path, self.rng))
        options = [s for s in INTERACTIONS[path] if self.available(s)]
        for steps in self.rng.sample(options, min(len(options), self.rng.choice((1, 2)))):
            self.interact(steps)

    def loop(self) -> None:
        try:
            if self.account:
                self.think()  # readers arrive within the first 200 ms, not in the same instant
                self.sign_in()
            while True:
                try:
                    self.think()
                    self.visit()
                except RequestFailed:
                    continue  # already recorded: start over with a fresh page, as a reader would
        except TimeUp:
            pass
        except RequestFailed:
            pass  # a failed sign-in: recorded; this reader stops
        except Exception as exc:  # a bug in this harness: must not pass silently as "no errors"
            self.samples.append(
                Sample("harness", "reader crashed", time.perf_counter() - self.run.t0, 0, repr(exc))
            )
        finally:
            if self.conn is not None:
                self.conn.close()


class ApiClient(Reader):
    """One script reading the Kolada API (koladapy, Excel's Power Query, R with jsonlite): a
    keep-alive connection, no cookies, plain GETs; each answer checked against what was asked."""

    user_agent = API_AGENT
    accept_encoding = API_ACCEPT_ENCODING
    keeps_cookies = False
    # Paged reads whose pages came from two versions (a publish between them): Kolada's paging
    # promises nothing across pages; a client can tell by the header. Counted, not an error.
    mixed_paged_reads = 0
    paged_reads = 0

    def get(self, name: str, path: str) -> dict:
        """One GET of the API; the answer must be Kolada's ``{"values", "count"}``."""
        _status, answer = self.call(API, name, "GET", path, is_json=True)
        if not isinstance(answer, dict) or not isinstance(answer.get("values"), list):
            self.fail("not a Kolada answer (no values list)")
        if answer.get("count") != len(answer["values"]):
            self.fail(f"count {answer.get('count')} for {len(answer['values'])} values")
        return answer

    def data(self, name: str, path: str, want: int | None = None, **fields: object) -> list:
        """Data objects; ``want`` of them when given, each with ``fields``' values (a set: any
        of them), each with one value for everyone (gender T)."""
        values = self.get(name, path)["values"]
        if want is not None and len(values) != want:
            self.fail(f"{len(values)} values, not {want}")
        for item in values:
            for key, allowed in fields.items():
                if item.get(key) not in (allowed if isinstance(allowed, set) else {allowed}):
                    self.fail(f"a value for {key} {item.get(key)!r}, not asked for")
            if [v.get("gender") for v in item.get("values", [])] != ["T"]:
                self.fail(f"not one value for gender T: {item!r:.120}")
        return values

    def kpi_list(self) -> None:
        version = self.rng.choice(("v3", "v2"))
        values = self.get(f"{version} kpi", f"/api/{version}/kpi")["values"]
        if [k.get("id") for k in values] != self.run.kpis:
            self.fail(f"the KPI list is not {self.run.kpis[0]}..{self.run.kpis[-1]}")

    def places(self) -> None:
        values = self.get("v3 municipality", "/api/v3/municipality")["values"]
        kinds = Counter(m.get("type") for m in values)
        if kinds["K"] != len(self.run.municipalities) or len(values) != self.run.places:
            self.fail(f"{kinds['K']} municipalities and {len(values)} places")

    def one_kpi_one_year(self, version: str = "v3") -> None:
        kpi, year = self.rng.choice(self.run.kpis), self.rng.choice(self.run.years)
        name = f"{version} data/kpi/K/year/Y" + (" (Excel)" if version == "v2" else "")
        path = f"/api/{version}/data/kpi/{kpi}/year/{year}"
        values = self.data(name, path, self.run.places, kpi=kpi, period=year)
        found = {v["municipality"] for v in values}
        if not set(self.run.municipalities) <= found:
            self.fail("not every municipality has a value object")

    def one_municipality(self) -> None:
        code = self.rng.choice(self.run.municipalities)
        if self.rng.random() < 0.5:
            year = self.rng.choice(self.run.years)
            path = f"/api/v3/data/municipality/{code}/year/{year}"
            self.data("v3 data/municipality/M/year/Y", path, len(self.run.kpis), municipality=code)
        else:  # koladapy's get_values(municipality_id=...): every KPI in every year
            values = self.data(
                "v3 data?municipality_id=M",
                f"/api/v3/data?municipality_id={code}",
                None,
                municipality=code,
            )
            if {v["kpi"] for v in values} != set(self.run.kpis):
                self.fail("not every KPI for the municipality")

    def county(self) -> None:
        kpi, year = self.rng.choice(self.run.kpis), self.rng.choice(self.run.years)
        place = catalogue.county_id(self.rng.choice(self.run.counties))
        path = f"/api/v3/data/kpi/{kpi}/municipality/{place}/year/{year}"
        self.data("v3 data/kpi/K/municipality/L/year/Y", path, 1, kpi=kpi, municipality=place)

    def excel(self) -> None:
        self.one_kpi_one_year("v2")

    def paged(self) -> None:
        """A query larger than a page, followed to the end through ``next_url``."""
        kpi, per_page = self.rng.choice(self.run.kpis), self.rng.choice((100, 250))
        years = self.run.years[-2:]
        query = urlencode({"kpi_id": kpi, "year": ",".join(map(str, years)), "per_page": per_page})
        path, seen, pages, versions = f"/api/v3/data?{query}", set(), 0, set()
        while path is not None:
            answer = self.get("v3 data?kpi_id&year&per_page (1 page)", path)
            pages += 1
            versions.add(self.samples[-1].version)
            for item in answer["values"]:
                seen.add((item.get("kpi"), item.get("municipality"), item.get("period")))
            link = answer.get("next_url")
            if link is None:
                path = None
                continue
            parts = urlsplit(link)
            if parts.netloc != f"127.0.0.1:{self.run.port}" or parts.path != "/api/v3/data":
                self.fail(f"next_url points elsewhere: {link}")
            if pages >= 50:
                self.fail("more than 50 pages")
            path = f"{parts.path}?{parts.query}"
            if self.run.over():
                raise TimeUp
        self.paged_reads += 1
        self.mixed_paged_reads += len(versions) > 1
        want = self.run.places * len(years)
        if len(seen) != want:
            self.fail(f"{len(seen)} distinct values over {pages} pages, not {want}")

    def manifest(self) -> None:
        _status, answer = self.call(
            API, "/data/manifest.json", "GET", "/data/manifest.json", is_json=True
        )
        version = self.samples[-1].version
        if not isinstance(answer, dict) or answer.get("version") != version:
            self.fail(f"the manifest is not version {version}'s")

    # What the scripts ask, and how often (weights): mostly data, now and then the lists.
    TASKS = (
        (kpi_list, 10),
        (places, 5),
        (one_kpi_one_year, 25),
        (one_municipality, 15),
        (county, 15),
        (excel, 10),
        (paged, 10),
        (manifest, 10),
    )

    def visit(self) -> None:
        task = self.rng.choices([t for t, _ in self.TASKS], [w for _, w in self.TASKS])[0]
        task(self)


class TimeUp(Exception):
    pass


def decode(data: bytes, encoding: str | None) -> bytes:
    if not encoding or encoding == "identity":
        return data
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    raise ValueError(f"unexpected Content-Encoding {encoding}")


# -- the run --------------------------------------------------------------------------------------


@dataclass
class Run:
    port: int
    deps: Dependencies
    seed: int
    municipalities: list[str]
    counties: list[str]  # the marts' county codes ("01"); the API's ids are catalogue.county_id
    years: list[int]  # the reporting years (meta.first_year..last_year)
    kpis: list[str]  # the API's KPI ids, in order
    t0: float = 0.0  # perf_counter at the start
    deadline: float = 0.0  # monotonic
    published_at: float | None = None  # seconds since t0 when the last publish had finished
    # When set, the run goes on past its time until this long after the last publish finished
    # (the short tests' guarantee that answers after it are seen on a slow machine).
    hold_after_publish: float | None = None

    @property
    def places(self) -> int:
        """The places a data query names none answers: municipalities, counties, the nation."""
        return len(self.municipalities) + len(self.counties) + 1

    def over(self) -> bool:
        now = time.monotonic()
        if now < self.deadline:
            return False
        if self.hold_after_publish is None:
            return True
        if self.published_at is None:
            return False
        return time.perf_counter() - self.t0 >= self.published_at + self.hold_after_publish

    def page_url(self, path: str, rng: random.Random) -> str:
        if path == "/kommun":
            return f"/kommun?kod={rng.choice(self.municipalities)}"
        if path == "/region":
            return f"/region?niva=lan&kod={rng.choice(self.counties)}"
        if path == "/jamfor":
            return f"/jamfor?kod={rng.choice(self.municipalities)}"
        return path


def build_warehouse(work: Path, seed: int, years: range) -> tuple[Path, Path]:
    """A warehouse from seeded demo data; returns it and the inbox it came from."""
    from pipelines.demo import generate
    from pipelines.ingest import ingest

    inbox = work / "inbox"
    generate(inbox, seed=seed, years=years)
    ingest(sorted(inbox.iterdir()), work / "warehouse", inbox, synthetic=True)
    return work / "warehouse", inbox


def revised_report(inbox: Path, target: Path, which: int = 0) -> Path:
    """The ``which``-th demo report corrected and sent again (``pipelines.demo.reports.revise``:
    a few values changed), with no submission time: received now, so the current revision."""
    from pipelines.demo.reports import revise

    source = sorted(inbox.glob("rapport_*.json"))[which]
    report = revise(json.loads(source.read_text(encoding="utf-8")), random.Random(which))
    report.pop("submitted_at", None)
    target.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return target


def make_accounts(path: Path, municipalities: list[str]) -> list[Account]:
    from dashboard.security.users import UserStore

    password = secrets.token_urlsafe(16)
    accounts = [
        Account("lasare", "viewer", password),
        Account("samordnare", "coordinator", password),
        *(Account(f"kommun{code}", "kommun", password, code) for code in municipalities[:3]),
    ]
    store = UserStore(path)
    for a in accounts:
        store.add(a.name, a.role, a.password, a.kommun)
    return accounts


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process's children: gunicorn's workers, haproxy's worker."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # field 4, the parent's pid, after the name
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def machine_cpu() -> dict[str, float]:
    """The machine's CPU seconds since boot, all cores (``/proc/stat``): busy, and stolen by
    the hypervisor. The machine is shared: what this run did not use, other work did."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    ticks = os.sysconf("SC_CLK_TCK")
    return {"busy": (user + nice + system + irq + softirq) / ticks, "steal": steal / ticks}


def children_cpu() -> float:
    """CPU seconds of this process's finished children: the publishes (``subprocess.run``)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def log_counts(log: Path, offset: int) -> dict:
    """What an app server's log (gunicorn's access log and the app's errors) says after
    ``offset``: requests by the client's User-Agent, and tracebacks (with the first one's last
    line: an exception the server logged is worth knowing even when the answer looked fine)."""
    counts: dict = {
        "browser": 0,
        "api": 0,
        "tracebacks": 0,
        "first_traceback": None,
        "api_server_ms": [],  # each API answer's time in the server (the line's last field)
    }
    in_traceback = False
    with log.open("rb") as f:
        f.seek(offset)
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip()
            if API_AGENT in line:
                counts["api"] += 1
                last = line.rsplit(" ", 1)[-1]
                if last.isdigit():
                    counts["api_server_ms"].append(int(last))
            elif BROWSER_AGENT in line:
                counts["browser"] += 1
            elif line.startswith("Traceback"):
                counts["tracebacks"] += 1
                in_traceback = counts["tracebacks"] == 1
            elif in_traceback and line and not line.startswith(" "):
                counts["first_traceback"], in_traceback = line, False
    return counts


def warm_up(ports: list[int], deps: Dependencies, urls: list[str], api_paths: list[str]) -> int:
    """Render every page and ask a few API routes a few times on fresh connections to each app
    server before the clock starts, so each worker has loaded its code and opened the warehouse
    (a deployed server has done so). Returns the warehouse version the app's footer names."""
    version = None

    def ask(port: int, method: str, path: str, body: str | None = None) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(method, path, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"warm-up of {path}: HTTP {response.status}: {data[:200]!r}")
        return data

    for port in ports:
        for _ in range(2):
            for url in urls:
                parts = urlsplit(url)
                comps = {
                    "_pages_location": {
                        "pathname": parts.path,
                        "search": f"?{parts.query}" if parts.query else "",
                    },
                    "lang": {"value": "sv"},
                }
                for name in (SHELL, ROUTER):
                    body = body_for(deps.named(name), comps, ["_pages_location.pathname"], {})
                    data = ask(port, "POST", "/_dash-update-component", json.dumps(body))
                    if name == SHELL:
                        footer = json.loads(data)["response"]["footer-text"]["children"]
                        version = int(VERSION.search(footer)[1])
            for path in api_paths:
                ask(port, "GET", path)
    return version


def api_alone(run: Run, repeats: int = 5) -> dict:
    """Every API client task ``repeats`` times by one client before the clock starts: the
    median time per route, and any error (an answer that is wrong even without load)."""
    probe = ApiClient(run, -1, None)
    run.t0, run.deadline = time.perf_counter(), time.monotonic() + 600
    try:
        for task, _weight in ApiClient.TASKS:
            for _ in range(repeats):
                with contextlib.suppress(RequestFailed):  # recorded in probe.samples
                    task(probe)
    finally:
        if probe.conn is not None:
            probe.conn.close()
    names = sorted({s.name for s in probe.samples})
    return {
        "p50": {n: percentile([s.ms for s in probe.samples if s.name == n], 0.5) for n in names},
        "errors": [f"{s.name}: {s.error}" for s in probe.samples if s.error],
    }


def publish_times(seconds: float, publishes: int, publish_at) -> list[float]:
    """When each publish starts: evenly spaced (1/2; 1/3 and 2/3; ...) unless given."""
    if publish_at is None:
        return [seconds * k / (publishes + 1) for k in range(1, publishes + 1)]
    if isinstance(publish_at, int | float):
        return [float(publish_at)]
    return [float(t) for t in publish_at]


def run_load_test(
    users: int = 20,
    seconds: float = 60,
    workers: int = 2,
    *,
    api_clients: int | None = None,
    cluster: int = 0,
    api_servers: int = 0,
    dashboard_nice: int = 0,
    api_workers: int | None = None,
    publishes: int = 1,
    publish_at: float | list[float] | None = None,
    years: range = range(2016, 2026),
    seed: int = 42,
    work: Path | None = None,
    hold_after_publish: float | None = None,
    alone_repeats: int = 5,
) -> dict:
    """Set up, run and measure; returns the report (``print_report`` prints it).

    ``api_clients`` of the ``users`` are API scripts (default: one in five on one server, three
    in five with ``cluster``), the rest browsers; ``cluster`` > 0 serves the app on that many
    app servers behind haproxy, each with ``workers`` gunicorn workers. ``publishes`` are spread
    evenly over the run unless ``publish_at`` gives their start times (seconds). Before the
    clock starts, each API task is asked ``alone_repeats`` times alone (``api_alone``)."""
    if api_clients is None:
        api_clients = users * 3 // 5 if cluster else users // 5
    if not 0 <= api_clients <= users:
        raise ValueError(f"api_clients must be 0..{users}: {api_clients}")
    own_tmp = work is None
    work = Path(tempfile.mkdtemp(prefix="loadtest-")) if own_tmp else Path(work)
    try:
        return _run(
            users=users,
            seconds=seconds,
            workers=workers,
            api_clients=api_clients,
            cluster=cluster,
            api_servers=api_servers,
            dashboard_nice=dashboard_nice,
            api_workers=api_workers,
            times=publish_times(seconds, publishes, publish_at),
            years=years,
            seed=seed,
            work=work,
            hold=hold_after_publish,
            alone_repeats=alone_repeats,
        )
    finally:
        if own_tmp:
            shutil.rmtree(work, ignore_errors=True)


def _run(
    *,
    users,
    seconds,
    workers,
    api_clients,
    cluster,
    api_servers,
    dashboard_nice,
    api_workers,
    times,
    years,
    seed,
    work,
    hold,
    alone_repeats,
) -> dict:
    setup_start = time.perf_counter()
    warehouse, inbox = build_warehouse(work, seed, years)
    municipalities = [
        r[0]
        for r in read(
            warehouse, "select distinct municipality_code from mart_municipality_year order by 1"
        )
    ]
    counties = [
        r[0]
        for r in read(
            warehouse, "select distinct county_code from mart_municipality_year order by 1"
        )
    ]
    ((old_version, first, last),) = read(
        warehouse, "select version, first_year, last_year from meta"
    )
    state = work / "state"
    accounts = make_accounts(state / "users.toml", municipalities)
    # Each publish brings another report's correction: every one is a real change.
    new_files = [
        revised_report(inbox, work / f"revised_report_{k}.json", k - 1)
        for k in range(1, len(times) + 1)
    ]
    env = {
        "BF_USERS_FILE": str(state / "users.toml"),
        "BF_AUDIT_LOG": str(state / "audit.log"),
        "BF_UPLOAD_DIR": str(state / "uploads"),
        "BF_PUBLIC": "1",
    }
    if cluster:
        service = Cluster(
            warehouse,
            work / "cluster",
            servers=cluster,
            env=env,
            workers=workers,
            api_servers=api_servers,
            dashboard_nice=dashboard_nice,
            api_workers=api_workers,
        )
        backends = service.servers + service.api_servers
    else:
        service = Server(
            warehouse, work / "server.log", env={**env, "WEB_CONCURRENCY": str(workers)}
        )
        backends = [service]
    with service:
        conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
        conn.request("GET", "/_dash-dependencies")
        deps = Dependencies.parse(json.loads(conn.getresponse().read()))
        conn.close()
        run = Run(
            service.port,
            deps,
            seed,
            municipalities,
            counties,
            list(range(first, last + 1)),
            [k.id for k in catalogue.KPIS],
            hold_after_publish=hold,
        )
        rng = random.Random(seed)
        api_paths = [
            "/api/v3/kpi",
            "/api/v3/municipality",
            f"/api/v3/data/kpi/BF0001/year/{last}",
            f"/api/v3/data/municipality/{municipalities[0]}/year/{last}",
            "/data/manifest.json",
        ]
        app_version = warm_up(
            [b.port for b in backends],
            deps,
            [run.page_url(p, rng) for p in INTERACTIONS],
            api_paths,
        )
        # What each API route costs alone (one request at a time, nothing else asked): the
        # service time its latency under load is to be read against.
        alone = api_alone(run, alone_repeats) if api_clients else {"p50": {}, "errors": []}
        setup_s = time.perf_counter() - setup_start

        # Browsers first, every other one signed in (the accounts in turn), then the scripts.
        browsers = users - api_clients
        readers = [
            Reader(run, i, accounts[(i // 2) % len(accounts)] if i % 2 else None)
            for i in range(browsers)
        ] + [ApiClient(run, i, None) for i in range(browsers, users)]
        publishes: list[dict] = []

        def do_publishes() -> None:
            try:
                for at, new_file in zip(times, new_files, strict=True):
                    delay = at - (time.perf_counter() - run.t0)
                    if delay > 0:
                        time.sleep(delay)
                    if run.hold_after_publish is None and time.monotonic() >= run.deadline:
                        break  # the run is over: reported as not started
                    record = {"planned": at, "started": time.perf_counter() - run.t0}
                    publishes.append(record)
                    command = [sys.executable, "-m", "pipelines", "ingest", str(new_file)]
                    command += ["--warehouse", str(warehouse), "--json"]
                    try:
                        done = subprocess.run(
                            command, cwd=ROOT, capture_output=True, text=True, timeout=300
                        )
                        record.update(exit=done.returncode, stderr=done.stderr[-2000:])
                        record["version"] = json.loads(done.stdout)["version"]
                    except Exception as exc:  # reported as a failed publish, never silently
                        record.setdefault("exit", None)
                        record["stderr"] = record.get("stderr") or repr(exc)
                        record["version"] = None
                    finally:
                        record["finished"] = time.perf_counter() - run.t0
            finally:
                run.published_at = time.perf_counter() - run.t0

        offsets = [b.log_path.stat().st_size for b in backends]
        load_before = os.getloadavg()
        machine0, publish_cpu0 = machine_cpu(), children_cpu()
        server_cpu0 = sum(cpu_seconds(b.process.pid) for b in backends)
        haproxy_cpu0 = cpu_seconds(service.haproxy.pid) if cluster else 0.0
        cpu0 = time.process_time()
        run.t0 = time.perf_counter()
        run.deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=r.loop, name=f"reader-{r.index}") for r in readers]
        publisher = threading.Thread(target=do_publishes, name="publisher")
        for t in [*threads, publisher]:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - run.t0
        generator_cpu = time.process_time() - cpu0
        server_cpu = sum(cpu_seconds(b.process.pid) for b in backends) - server_cpu0
        haproxy_cpu = cpu_seconds(service.haproxy.pid) - haproxy_cpu0 if cluster else None
        load_after = os.getloadavg()
        machine1 = machine_cpu()
        per_server = [log_counts(b.log_path, o) for b, o in zip(backends, offsets, strict=True)]
        publisher.join()
        publish_cpu = children_cpu() - publish_cpu0  # the ingest runs (finished by now)
        # After the run: one more page load, to see which version the app reports now.
        final = Reader(run, users, None)
        run.deadline = time.monotonic() + 60
        run.hold_after_publish = None
        with contextlib.suppress(RequestFailed, TimeUp):  # a failure is in final.samples
            final.open("/")
        final_errors = [s.error for s in final.samples if s.error]

    return build_report(
        per_reader=[(reader_label(r), r.samples) for r in readers],
        publishes=publishes,
        planned_publishes=len(times),
        old_version=old_version,
        elapsed=elapsed,
        cluster=cluster,
        api_servers=api_servers,
        dashboard_nice=dashboard_nice,
        api_workers=api_workers,
        users=users,
        browsers=browsers,
        signed_in=sum(1 for r in readers if r.account),
        api_clients=api_clients,
        seconds=seconds,
        workers=workers,
        final_version=final.footer_version,
        final_errors=final_errors,
        reconnects=sum(r.reconnects for r in readers),
        paged_reads=sum(getattr(r, "paged_reads", 0) for r in readers),
        mixed_paged_reads=sum(getattr(r, "mixed_paged_reads", 0) for r in readers),
        generator_cpu=generator_cpu,
        server_cpu=server_cpu,
        haproxy_cpu=haproxy_cpu,
        publish_cpu=publish_cpu,
        machine_busy=machine1["busy"] - machine0["busy"],
        machine_steal=machine1["steal"] - machine0["steal"],
        per_server=per_server,
        setup_s=setup_s,
        load_before=load_before,
        load_after=load_after,
        app_version_before=app_version,
        hold_after_publish=hold,
        api_alone=alone,
        data=f"demo data seed {seed}, years {first}-{last}, {len(municipalities)} municipalities",
    )


def reader_label(reader: Reader) -> str:
    if isinstance(reader, ApiClient):
        return f"API client {reader.index}"
    who = f"signed in as {reader.account.name}" if reader.account else "anonymous"
    return f"browser {reader.index} ({who})"


def stats(samples: list[Sample], elapsed: float) -> dict:
    ms = [s.ms for s in samples]
    if not ms:
        return {
            "count": 0,
            "rps": 0.0,
            "p50": None,
            "p95": None,
            "p99": None,
            "max": None,
            "errors": 0,
        }
    return {
        "count": len(ms),
        "rps": len(ms) / elapsed,
        "p50": percentile(ms, 0.50),
        "p95": percentile(ms, 0.95),
        "p99": percentile(ms, 0.99),
        "max": max(ms),
        "errors": sum(1 for s in samples if s.error),
    }


def backwards(samples: list[Sample]) -> str | None:
    """Where a client's versions went backwards first (its answers in order), or None."""
    highest = None
    for s in samples:
        if s.version is None:
            continue
        if highest is not None and s.version < highest:
            return f"version {highest}, then {s.version} ({s.kind} {s.name} at {s.start:.1f} s)"
        highest = s.version if highest is None else max(highest, s.version)
    return None


def versions_around(publishes: list[dict], answers: list[tuple], old_version: int) -> list[dict]:
    """Each publish with the versions the answers carried before and after it.

    ``answers`` are (start, end, version) in seconds since the start. Before: the versions of
    answers started after the previous publish had finished (or the run began) and before this
    one started; after: started once it had finished and before the next one started (none when
    the next one started at once). Stale: answers started after it had finished (all of them,
    ``answers_after``) with an older version; early: answers that had ended before it started
    with its version or newer (impossible unless the numbers are wrong)."""
    out = []
    previous = old_version
    for k, p in enumerate(publishes):
        new = p.get("version")
        since = publishes[k - 1]["finished"] if k else float("-inf")
        until = publishes[k + 1]["started"] if k + 1 < len(publishes) else float("inf")
        before = sorted({v for start, _end, v in answers if since <= start < p["started"]})
        after = {v for start, _end, v in answers if p["finished"] <= start < until}
        later = [v for start, _end, v in answers if start >= p["finished"]]
        newer = [(start, end) for start, end, v in answers if new is not None and v >= new]
        stale = sum(1 for v in later if v < (new or 0))
        early = sum(1 for _start, end in newer if end < p["started"])
        first_seen = min((end for _start, end in newer), default=None)
        ok = (
            p.get("exit") == 0
            and new is not None
            and new > previous
            and first_seen is not None
            and stale == 0
            and early == 0
        )
        out.append(
            {
                **p,
                "old_version": previous,
                "new_version": new,
                "versions_before": before,
                "versions_after": sorted(after),
                "answers_after": len(later),
                "stale_after": stale,
                "early": early,
                "first_new_version_seen": first_seen,
                "ok": ok,
            }
        )
        previous = new if new is not None else previous
    return out


def build_report(
    *,
    per_reader: list[tuple[str, list[Sample]]],
    publishes: list[dict],
    planned_publishes: int,
    old_version: int,
    elapsed: float,
    cluster: int,
    **rest,
) -> dict:
    samples = [s for _who, mine in per_reader for s in mine]
    kinds = {k: stats([s for s in samples if s.kind == k], elapsed) for k in KINDS}
    for extra in sorted({s.kind for s in samples} - set(KINDS)):
        kinds[extra] = stats([s for s in samples if s.kind == extra], elapsed)
    names = sorted(
        {(s.kind, s.name) for s in samples if s.kind in ("page callbacks", "router callback")}
    )
    callbacks = {
        f"{name}": stats([s for s in samples if s.name == name and s.kind == kind], elapsed)
        for kind, name in names
    }
    api_routes = {
        name: stats([s for s in samples if s.kind == API and s.name == name], elapsed)
        for name in sorted({s.name for s in samples if s.kind == API})
    }
    overall = stats(samples, elapsed)
    errors = Counter(f"{s.kind} {s.name}: {s.error}" for s in samples if s.error)

    # The version of every answer: per client in order, and against the publishes.
    missing = Counter(f"{s.kind} {s.name}" for s in samples if s.answered and s.version is None)
    went_back = {who: where for who, mine in per_reader if (where := backwards(mine))}
    answers = [(s.start, s.start + s.ms / 1000, s.version) for s in samples if s.version]
    around = versions_around(publishes, answers, old_version)
    last = around[-1]["new_version"] if around else old_version
    publish_ok = (
        len(around) == planned_publishes
        and all(p["ok"] for p in around)
        and rest["final_version"] == last
        and rest["app_version_before"] == old_version
    )

    reasons = []
    if overall["errors"]:
        reasons.append(f"{overall['errors']} errors")
    if overall["p95"] is None:
        reasons.append("nothing was measured")
    if missing:
        reasons.append(f"{missing.total()} answers without {VERSION_HEADER}")
    if went_back:
        reasons.append(f"{len(went_back)} clients saw their version go backwards")
    api = kinds[API]
    if cluster:
        if api["p95"] is None:
            reasons.append("no API answer was measured")
        elif api["p95"] >= TARGET_API_P95_MS:
            reasons.append(f"API p95 {api['p95']:.0f} ms >= {TARGET_API_P95_MS} ms")
    else:
        worst_kind = max(
            ((k, v["p95"]) for k, v in kinds.items() if v["p95"] is not None),
            key=lambda kv: kv[1],
            default=("-", 0.0),
        )
        if overall["p95"] is not None and overall["p95"] >= TARGET_P95_MS:
            reasons.append(f"overall p95 {overall['p95']:.0f} ms >= {TARGET_P95_MS} ms")
        if worst_kind[1] >= TARGET_P95_MS:
            reasons.append(f"p95 of {worst_kind[0]} {worst_kind[1]:.0f} ms >= {TARGET_P95_MS} ms")
    if not publish_ok:
        reasons.append("the publishes were not seen as they should be")
    if rest["final_errors"]:
        reasons.append("the check after the run failed")
    if rest["api_alone"]["errors"]:
        reasons.append("the API answered wrongly even alone, before the run")
    return {
        **rest,
        "cluster": cluster,
        "elapsed": elapsed,
        "kinds": kinds,
        "overall": overall,
        "callbacks": callbacks,
        "api_routes": api_routes,
        "errors": dict(errors.most_common()),
        "versions": {
            "seen": sorted({v for _s, _e, v in answers}),
            "answers": len(answers),
            "without_header": missing.total(),
            "without_header_by_request": dict(missing.most_common()),
            "clients": len(per_reader),
            "clients_backwards": len(went_back),
            "backwards": went_back,
        },
        "old_version": old_version,
        "planned_publishes": planned_publishes,
        "publishes": around,
        "publish_ok": publish_ok,
        "machine": {
            "arch": platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        },
        "target_met": not reasons,
        "target_reasons": reasons,
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_report(report: dict) -> None:
    m = report["machine"]
    cluster = report["cluster"]
    workers = f"{report['workers']} worker{'s' if report['workers'] != 1 else ''} x 4 threads"
    api_pool = report.get("api_servers") or 0
    pool = f" and {api_pool} for the open data" if api_pool else ""
    if report.get("api_workers"):
        pool += f" ({report['api_workers']} workers each)"
    if report.get("dashboard_nice"):
        pool += f" (the dashboard's at nice {report['dashboard_nice']})"
    where = (
        f"{cluster} app servers{pool} behind haproxy, each gunicorn {workers}"
        if cluster
        else f"one server, gunicorn {workers}"
    )
    print(f"\n== load test: {report['users']} clients for {report['seconds']:.0f} s on {where} ==")
    planned = report["planned_publishes"]
    print(
        f"clients: {report['browsers']} browsers ({report['signed_in']} signed in) and"
        f" {report['api_clients']} API clients; {planned} publish{'es' if planned != 1 else ''}"
    )
    lb, la = report["load_before"], report["load_after"]
    print(
        f"machine: {m['arch']}, {m['cores']} cores, Python {m['python']};"
        f" {report['data']}; set-up {report['setup_s']:.1f} s (not measured); load average"
        f" {lb[0]:.2f}, {lb[1]:.2f}, {lb[2]:.2f} (1, 5, 15 min) at the start, {la[0]:.2f}"
        f" (1 min) at the end (this run included, and any other work on the machine)"
    )
    if report["hold_after_publish"] is not None:
        print(
            f"(the run lasts at least until {report['hold_after_publish']:.1f} s after the last"
            f" publish finished: {report['elapsed']:.1f} s in all)"
        )
    columns = ("count", 6), ("req/s", 7), ("p50", 6), ("p95", 6), ("p99", 6), ("max", 6)
    print(
        f"{'request kind':38s} "
        + " ".join(f"{name:>{width}s}" for name, width in columns)
        + " errors   (latency in ms)"
    )

    def line(name: str, s: dict, api: bool = False, note: str = "") -> str:
        # What is a target where: every kind's p95 on one server, the API's in the cluster.
        limit = TARGET_API_P95_MS if api and cluster else TARGET_P95_MS
        targeted = (api and cluster) or not cluster
        flag = ""
        if s["p95"] is not None and s["p95"] >= limit:
            flag = "  <- p95 over target" if targeted else f"  (p95 over {limit} ms)"
        return (
            f"{name[:38]:38s} {s['count']:6d} {s['rps']:7.1f} {_ms(s['p50']):>6s}"
            f" {_ms(s['p95']):>6s} {_ms(s['p99']):>6s} {_ms(s['max']):>6s} {s['errors']:6d}"
            f"{note}{flag}"
        )

    for kind, s in report["kinds"].items():
        print(line(kind, s, api=kind == API))
    print(line("overall", report["overall"]))
    api = report["kinds"][API]
    target_note = "the target" if cluster else "the cluster's target; not one on one server"
    print(
        f"\nthe API (Kolada) on its own: p95 {_ms(api['p95'])} ms ({target_note}:"
        f" < {TARGET_API_P95_MS} ms), {api['count']} answers, {api['rps']:.1f} req/s;"
        f" per route ({len(report['api_routes'])}), slowest p95 first:"
    )
    alone = report["api_alone"]
    for name, s in sorted(report["api_routes"].items(), key=lambda kv: -(kv[1]["p95"] or 0)):
        print(line("  " + name, s, api=True, note=f"  alone {_ms(alone['p50'].get(name)):>4s}"))
    print(
        "  (alone: the p50 of the same route asked by one client before the run, nothing else"
        " asked: what it takes without waiting for others)"
    )
    for text in alone["errors"][:5]:
        print(f"  wrong even alone: {text}")
    print(
        f"  paged reads followed to the end: {report['paged_reads']}, of which with pages from"
        f" two versions (a publish between their pages; the header tells): "
        f"{report['mixed_paged_reads']}"
    )
    print(f"\nper callback ({len(report['callbacks'])}), slowest p95 first:")
    for name, s in sorted(report["callbacks"].items(), key=lambda kv: -(kv[1]["p95"] or 0)):
        print(line("  " + name, s))

    v = report["versions"]
    print(
        f"\nversions ({VERSION_HEADER} of every answer, {v['answers']} answers): seen {v['seen']};"
        f" answers without the header: {v['without_header']}; clients whose version went"
        f" backwards: {v['clients_backwards']} of {v['clients']}"
    )
    for what, count in list(v["without_header_by_request"].items())[:5]:
        print(f"  without the header: {count:5d} x {what}")
    for who, where in list(v["backwards"].items())[:10]:
        print(f"  went backwards: {who}: {where}")
    print(
        f"the footer showed version {report['app_version_before']} before the run (the"
        f" warehouse was built as version {report['old_version']}); after the run the app"
        f" reports version {report['final_version']}"
    )
    for k, p in enumerate(report["publishes"], 1):
        seen = p["first_new_version_seen"]
        print(
            f"publish {k} of {planned} (python -m pipelines ingest, 1 revised report): planned at"
            f" {p['planned']:.1f} s, started at {p['started']:.1f} s, finished at"
            f" {p['finished']:.1f} s (exit {p['exit']}): version {p['old_version']} ->"
            f" {p['new_version']}"
        )
        after = p["versions_after"]
        if k < len(report["publishes"]):
            after = f"{after}" if after else "none (the next one started at once)"
            after = f"after it and before the next one: {after}"
        else:
            after = f"after it: {after}"
        print(
            f"  versions of the answers started before it: {p['versions_before'] or 'none'},"
            f" {after}; first answer with version {p['new_version']} or later at "
            + ("never" if seen is None else f"{seen:.1f} s")
            + f"; of the {p['answers_after']} answers started after it, with an older version:"
            f" {p['stale_after']}"
            + (f"; answers before it with the new one: {p['early']}" if p["early"] else "")
        )
        if p["exit"] != 0:
            print("  ingest said:\n" + p["stderr"])
    for k in range(len(report["publishes"]) + 1, planned + 1):
        print(f"publish {k} of {planned}: did not start before the end of the run")

    gen = report["generator_cpu"]
    servers = "the app servers' workers" if cluster else "the server's workers"
    haproxy = (
        f"; haproxy {report['haproxy_cpu']:.1f} s" if report["haproxy_cpu"] is not None else ""
    )
    elapsed = report["elapsed"]
    print(
        f"\nwall time {elapsed:.1f} s; {servers} used {report['server_cpu']:.1f} s CPU"
        f" ({report['server_cpu'] / elapsed:.2f} cores;"
        f" {1000 * report['server_cpu'] / max(report['overall']['count'], 1):.0f} ms per answer"
        f" on average){haproxy}; the load generator"
        f" {gen:.1f} s CPU ({gen / elapsed:.2f} cores; it shares the {m['cores']} cores);"
        f" keep-alive reconnects: {report['reconnects']}"
    )
    # The machine is shared: what was busy that this run did not do was other work on it.
    ours = report["server_cpu"] + (report["haproxy_cpu"] or 0) + gen + report["publish_cpu"]
    others = report["machine_busy"] - ours
    steal = report["machine_steal"]
    print(
        f"the machine's {m['cores']} cores were busy {report['machine_busy'] / elapsed:.2f} cores"
        f" on average: this run {ours / elapsed:.2f} (the publishes' ingest"
        f" {report['publish_cpu']:.1f} s CPU, finished ones), other work on the machine"
        f" {max(others, 0.0) / elapsed:.2f}"
        + (f"; the hypervisor took {steal / elapsed:.2f}" if steal / elapsed >= 0.05 else "")
    )
    if cluster:
        print(
            "requests per app server (their access logs): "
            + "; ".join(
                f"app{i} {c['browser']} from browsers, {c['api']} from API clients"
                for i, c in enumerate(report["per_server"], 1)
            )
        )
    inside = sorted(ms for c in report["per_server"] for ms in c.get("api_server_ms", []))
    if inside:
        print(
            f"the API answers' time inside the app servers (gunicorn's access log, {len(inside)}"
            f" answers): p50 {percentile(inside, 0.5):.0f} ms, p95 {percentile(inside, 0.95):.0f}"
            f" ms, p99 {percentile(inside, 0.99):.0f} ms; the rest of what a client measures is"
            " waiting for a CPU, in the kernel's queues and in the client's own process"
        )
    tracebacks = sum(c["tracebacks"] for c in report["per_server"])
    first = next((c["first_traceback"] for c in report["per_server"] if c["first_traceback"]), None)
    logs = "the app servers' logs" if cluster else "the server's log"
    print(
        f"tracebacks in {logs} during the run: {tracebacks}"
        + (f" (the first: {first})" if first else "")
    )
    if report["errors"]:
        print("errors:")
        for text, count in list(report["errors"].items())[:15]:
            print(f"  {count:5d} x {text}")
    verdict = "yes" if report["target_met"] else "no (" + "; ".join(report["target_reasons"]) + ")"
    versions = "every answer naming its version and no client's going backwards"
    if cluster:
        print(
            f"target (no error, API p95 < {TARGET_API_P95_MS} ms, {versions}, each new version"
            f" seen): met: {verdict}"
        )
    else:
        print(
            f"target (no error, p95 < {TARGET_P95_MS} ms overall and for every kind, {versions},"
            f" the new version seen): met: {verdict}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.loadtest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", type=int, default=20, help="clients: browsers and API scripts")
    parser.add_argument(
        "--api-clients",
        type=int,
        default=None,
        help="how many of the clients read the API (default: 1 in 5; 3 in 5 with --cluster)",
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument(
        "--cluster", type=int, default=0, metavar="N", help="N app servers behind haproxy"
    )
    parser.add_argument(
        "--api-servers",
        type=int,
        default=0,
        metavar="N",
        help="with --cluster: N more app servers for the open data (haproxy sends /api/v3/, "
        "/api/v2/ and /data/ there)",
    )
    parser.add_argument(
        "--api-workers",
        type=int,
        default=None,
        metavar="N",
        help="with --api-servers: gunicorn workers of each open-data server (default --workers)",
    )
    parser.add_argument(
        "--dashboard-nice",
        type=int,
        default=0,
        metavar="N",
        help="with --cluster: run the dashboard servers N steps lower in CPU priority (nice)",
    )
    parser.add_argument("--publishes", type=int, default=1, help="spread evenly over the run")
    parser.add_argument(
        "--hold-after-publish",
        type=float,
        default=2.0,
        metavar="S",
        help="go on until S s after the last publish finished, if that is later (default 2;"
        " on a busy machine an ingest can outlast the run, and its version must be seen)",
    )
    parser.add_argument("--years", default="2016-2025", help="demo data years, e.g. 2022-2025")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is not met")
    args = parser.parse_args(argv)
    first, last = (int(y) for y in args.years.split("-"))
    report = run_load_test(
        args.users,
        args.seconds,
        args.workers,
        api_clients=args.api_clients,
        cluster=args.cluster,
        api_servers=args.api_servers,
        dashboard_nice=args.dashboard_nice,
        api_workers=args.api_workers,
        publishes=args.publishes,
        years=range(first, last + 1),
        seed=args.seed,
        hold_after_publish=args.hold_after_publish,
    )
    print_report(report)
    return 1 if args.check and not report["target_met"] else 0


if __name__ == "__main__":
    sys.exit(main())
