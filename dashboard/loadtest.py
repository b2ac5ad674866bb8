"""A bounded load test of the served dashboard, with a publish of new data in the middle.

``python -m dashboard.loadtest [--users 20 --seconds 60 --workers 2]`` (``make bench`` runs it
after the benchmark) builds a warehouse from seeded demo data in a temporary folder, adds a few
accounts, serves the real app with gunicorn (``dashboard.bench.Server``: ``python -m dashboard``
on a free port of 127.0.0.1) and lets simulated readers use it for a fixed time. Half of them are
anonymous, half sign in through the real form. Half-way through, the real pipeline
(``python -m pipelines ingest``, in a subprocess) publishes a new warehouse version while the
readers keep going. It prints what it measured: requests per second, p50/p95/p99/max latency and
errors per kind of request and overall, the publish and the versions the app reported before and
after it, the CPU the server and the load generator used, and whether the target (no error, p95
under 500 ms) was met. Nothing is tuned to pass: the numbers are the numbers.

Each reader is one thread with one keep-alive connection and its own cookies, and does what a
browser does (checked against Chromium's requests): a page load is the page's HTML,
``/_dash-layout``, ``/_dash-dependencies``, then the shell callback and the pages router callback
for the URL; then one or two interactions with the page (a select, a "Visa" button, a download,
a sort, paging), each posting every callback the change triggers, with bodies built from the
app's own ``/_dash-dependencies`` and the components the router returned; a callback that
navigates (``*-nav.href``) is followed by the shell and router callbacks for the new URL, as
the browser does. Signed-in reporters and coordinators also ask ``GET /api/inlamning``. Between
requests a reader waits 0-200 ms (seeded). Not modelled: the static bundles and boundary files
(a browser has them cached after the first visit), and a browser's parallel requests (a reader
sends its callbacks one after another, which is gentler per reader).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import brotli

from dashboard.bench import CALLBACKS, ROOT, Server, percentile, read

TARGET_P95_MS = 500
TIMEOUT_S = 10.0
THINK_S = (0.0, 0.2)
# Chromium before zstd support: the server prefers br anyway, and the standard library and
# brotli decode everything this asks for.
ACCEPT_ENCODING = "gzip, deflate, br"
ROUTER = "_pages_content"  # first output of Dash's pages router
SHELL = "nav-links"  # first output of app.update_shell (it also writes the footer's version)
KINDS = (
    "sign-in",
    "page GET",
    "dash boot JSON",
    "shell callback",
    "router callback",
    "page callbacks",
    "api",
)
VERSION = re.compile(r"(?:version|Version) (\d+)")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# Callbacks this test posts that dashboard.bench.CALLBACKS has no name for.
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
    """A short name per callback (``dashboard.bench.CALLBACKS`` where it has one)."""
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

    # HTTP -------------------------------------------------------------------------------------

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.run.port, timeout=TIMEOUT_S)
            return self.conn, False
        return self.conn, True

    def _send(self, method: str, path: str, body: bytes | None, headers: dict):
        headers = {"Accept-Encoding": ACCEPT_ENCODING, **headers}
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
        for header in response.headers.get_all("Set-Cookie") or []:
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
        try:
            response, data = self._send(method, path, body, headers or {})
            status = response.status
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
        self.samples.append(Sample(kind, name, start - self.run.t0, elapsed * 1000, error))
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
            self.samples[-1].error = "no csrf_token in the sign-in form"
            raise RequestFailed(self.samples[-1].error)
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

    def check_shell(self, answer: dict | None) -> None:
        """Note the warehouse version the footer shows; the account link must fit the session."""
        response = (answer or {}).get("response", {})
        footer = str(response.get("footer-text", {}).get("children", ""))
        found = VERSION.search(footer)
        if found is None:
            self.samples[-1].error = "the footer names no warehouse version"
            raise RequestFailed(self.samples[-1].error)
        self.run.saw_version(self.samples[-1], int(found[1]))
        account_link = json.dumps(response.get("account-link", {}))
        wanted = "/logga-ut" if self.account else "/logga-in"
        if wanted not in account_link:
            self.samples[-1].error = f"the account link does not offer {wanted}"
            raise RequestFailed(self.samples[-1].error)

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
            self.call("api", "GET /api/inlamning", "GET", "/api/inlamning", is_json=True)
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
    counties: list[str]
    t0: float = 0.0  # perf_counter at the start
    deadline: float = 0.0  # monotonic
    published_at: float | None = None  # seconds since t0 when the publish had finished
    old_version: int = 0
    new_version: int | None = None
    versions: list[tuple[float, float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # When set, the run goes on past its time until this long after the publish finished (the
    # short test's guarantee that answers after the publish are seen on a slow machine).
    hold_after_publish: float | None = None

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

    def saw_version(self, sample: Sample, version: int) -> None:
        with self.lock:
            self.versions.append((sample.start, sample.start + sample.ms / 1000, version))


def build_warehouse(work: Path, seed: int, years: range) -> tuple[Path, Path]:
    """A warehouse from seeded demo data; returns it and the inbox it came from."""
    from pipelines.demo import generate
    from pipelines.ingest import ingest

    inbox = work / "inbox"
    generate(inbox, seed=seed, years=years)
    ingest(sorted(inbox.iterdir()), work / "warehouse", inbox, synthetic=True)
    return work / "warehouse", inbox


def revised_report(inbox: Path, target: Path) -> Path:
    """One demo report sent again (no submission time: received now, so the current revision)."""
    source = next(p for p in sorted(inbox.glob("rapport_*.json")))
    report = json.loads(source.read_text(encoding="utf-8"))
    report.pop("submitted_at", None)
    target.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return target


def make_accounts(path: Path, municipalities: list[str]) -> list[Account]:
    from dashboard.users import UserStore

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
    """CPU time (user + system) of a process's children: gunicorn's workers."""
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


def warm_up(port: int, deps: Dependencies, urls: list[str]) -> int:
    """Render every page a few times on fresh connections before the clock starts, so each
    worker has loaded its code and opened the warehouse (a deployed server has done so).
    Returns the warehouse version the app's footer names."""
    version = None
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
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                try:
                    conn.request(
                        "POST",
                        "/_dash-update-component",
                        json.dumps(body),
                        {"Content-Type": "application/json"},
                    )
                    response = conn.getresponse()
                    data = response.read()
                finally:
                    conn.close()
                if response.status != 200:
                    raise RuntimeError(f"warm-up of {url}: HTTP {response.status}: {data[:200]!r}")
                if name == SHELL:
                    footer = json.loads(data)["response"]["footer-text"]["children"]
                    version = int(VERSION.search(footer)[1])
    return version


def run_load_test(
    users: int = 20,
    seconds: float = 60,
    workers: int = 2,
    *,
    publish_at: float | None = None,
    years: range = range(2016, 2026),
    seed: int = 42,
    work: Path | None = None,
    hold_after_publish: float | None = None,
) -> dict:
    """Set up, run and measure; returns the report (``print_report`` prints it)."""
    own_tmp = work is None
    work = Path(tempfile.mkdtemp(prefix="loadtest-")) if own_tmp else Path(work)
    try:
        return _run(users, seconds, workers, publish_at, years, seed, work, hold_after_publish)
    finally:
        if own_tmp:
            shutil.rmtree(work, ignore_errors=True)


def _run(users, seconds, workers, publish_at, years, seed, work: Path, hold) -> dict:
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
    new_file = revised_report(inbox, work / "revised_report.json")
    env = {
        "BF_USERS_FILE": str(state / "users.toml"),
        "BF_AUDIT_LOG": str(state / "audit.log"),
        "BF_UPLOAD_DIR": str(state / "uploads"),
        "BF_PUBLIC": "1",
        "WEB_CONCURRENCY": str(workers),
    }
    server = Server(warehouse, work / "server.log", env=env)
    with server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/_dash-dependencies")
        deps = Dependencies.parse(json.loads(conn.getresponse().read()))
        conn.close()
        run = Run(
            server.port,
            deps,
            seed,
            municipalities,
            counties,
            old_version=old_version,
            hold_after_publish=hold,
        )
        rng = random.Random(seed)
        app_version = warm_up(server.port, deps, [run.page_url(p, rng) for p in INTERACTIONS])
        setup_s = time.perf_counter() - setup_start

        # Every other reader signs in, the accounts in turn (two sessions per account at 20).
        readers = [
            Reader(run, i, accounts[(i // 2) % len(accounts)] if i % 2 else None)
            for i in range(users)
        ]
        publish: dict = {}
        publish_delay = seconds / 2 if publish_at is None else publish_at

        def do_publish() -> None:
            time.sleep(publish_delay)
            publish["started"] = time.perf_counter() - run.t0
            command = [sys.executable, "-m", "pipelines", "ingest", str(new_file)]
            command += ["--warehouse", str(warehouse), "--json"]
            try:
                done = subprocess.run(
                    command, cwd=ROOT, capture_output=True, text=True, timeout=300
                )
                publish.update(exit=done.returncode, stderr=done.stderr[-2000:])
                publish["version"] = json.loads(done.stdout)["version"]
            except Exception as exc:  # reported as a failed publish, never silently
                publish.setdefault("exit", None)
                publish["stderr"] = publish.get("stderr") or repr(exc)
                publish["version"] = None
            finally:
                run.new_version = publish.get("version")
                run.published_at = publish["finished"] = time.perf_counter() - run.t0

        load_before = os.getloadavg()[0]
        server_cpu0 = cpu_seconds(server.process.pid)
        cpu0 = time.process_time()
        run.t0 = time.perf_counter()
        run.deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=r.loop, name=f"reader-{r.index}") for r in readers]
        publisher = threading.Thread(target=do_publish, name="publisher")
        for t in [*threads, publisher]:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - run.t0
        generator_cpu = time.process_time() - cpu0
        server_cpu = cpu_seconds(server.process.pid) - server_cpu0
        load_after = os.getloadavg()[0]
        publisher.join()
        # After the run: one more shell callback, to see which version the app reports now.
        final = Reader(run, users, None)
        run.deadline = time.monotonic() + 60
        try:
            final.open("/")
            final_version = run.versions[-1][2]
        except (RequestFailed, TimeUp):
            final_version = None
        final_errors = [s.error for s in final.samples if s.error]

    samples = [s for r in readers for s in r.samples]
    return build_report(
        users=users,
        signed_in=sum(1 for r in readers if r.account),
        seconds=seconds,
        workers=workers,
        elapsed=elapsed,
        samples=samples,
        run=run,
        publish=publish,
        final_version=final_version,
        final_errors=final_errors,
        reconnects=sum(r.reconnects for r in readers),
        generator_cpu=generator_cpu,
        server_cpu=server_cpu,
        setup_s=setup_s,
        load_before=load_before,
        load_after=load_after,
        app_version_before=app_version,
        hold_after_publish=hold,
        data=f"demo data seed {seed}, years {first}-{last}, {len(municipalities)} municipalities",
    )


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


def build_report(*, samples: list[Sample], run: Run, publish: dict, elapsed: float, **rest) -> dict:
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
    overall = stats(samples, elapsed)
    errors = Counter(f"{s.kind} {s.name}: {s.error}" for s in samples if s.error)
    # The version every answer showed, against when the publish had finished.
    done = run.published_at
    before = [
        v for start, _end, v in run.versions if done is None or start < publish.get("started", 1e9)
    ]
    after_publish = [
        (start, v) for start, _end, v in run.versions if done is not None and start >= done
    ]
    first_new = min((end for _start, end, v in run.versions if v == run.new_version), default=None)
    stale = sum(1 for _start, v in after_publish if v != run.new_version)
    publish_ok = (
        publish.get("exit") == 0
        and run.new_version is not None
        and run.new_version > run.old_version
        and first_new is not None
        and stale == 0
        and rest["final_version"] == run.new_version
        and rest["app_version_before"] == run.old_version
    )
    worst_kind = max(
        ((k, v["p95"]) for k, v in kinds.items() if v["p95"] is not None),
        key=lambda kv: kv[1],
        default=("-", 0.0),
    )
    reasons = []
    if overall["errors"]:
        reasons.append(f"{overall['errors']} errors")
    if overall["p95"] is None:
        reasons.append("nothing was measured")
    elif overall["p95"] >= TARGET_P95_MS:
        reasons.append(f"overall p95 {overall['p95']:.0f} ms >= {TARGET_P95_MS} ms")
    if worst_kind[1] >= TARGET_P95_MS:
        reasons.append(f"p95 of {worst_kind[0]} {worst_kind[1]:.0f} ms >= {TARGET_P95_MS} ms")
    if not publish_ok:
        reasons.append("the publish was not seen as it should be")
    if rest["final_errors"]:
        reasons.append("the check after the run failed")
    return {
        **rest,
        "elapsed": elapsed,
        "kinds": kinds,
        "overall": overall,
        "callbacks": callbacks,
        "errors": dict(errors.most_common()),
        "publish": {
            **publish,
            "old_version": run.old_version,
            "app_version_before": rest["app_version_before"],
            "new_version": run.new_version,
            "versions_before": sorted(set(before)),
            "first_new_version_seen": first_new,
            "answers_after_publish": len(after_publish),
            "stale_after_publish": stale,
            "ok": publish_ok,
        },
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
    print(
        f"\n== load test: {report['users']} readers ({report['signed_in']} signed in) for"
        f" {report['seconds']:.0f} s; gunicorn {report['workers']} workers x 4 threads =="
    )
    print(
        f"machine: {m['arch']}, {m['cores']} cores, Python {m['python']};"
        f" {report['data']}; set-up {report['setup_s']:.1f} s (not measured); load average"
        f" {report['load_before']:.2f} at the start, {report['load_after']:.2f} at the end"
        " (1-minute; this run included, and any other work on the machine)"
    )
    if report["hold_after_publish"] is not None:
        print(
            f"(the run went on until {report['hold_after_publish']:.1f} s after the publish:"
            f" {report['elapsed']:.1f} s in all)"
        )
    columns = ("count", 6), ("req/s", 7), ("p50", 6), ("p95", 6), ("p99", 6), ("max", 6)
    print(
        f"{'request kind':34s} "
        + " ".join(f"{name:>{width}s}" for name, width in columns)
        + " errors   (latency in ms)"
    )

    def line(name: str, s: dict) -> str:
        flag = "  <- p95 over target" if s["p95"] is not None and s["p95"] >= TARGET_P95_MS else ""
        return (
            f"{name[:34]:34s} {s['count']:6d} {s['rps']:7.1f} {_ms(s['p50']):>6s}"
            f" {_ms(s['p95']):>6s} {_ms(s['p99']):>6s} {_ms(s['max']):>6s} {s['errors']:6d}{flag}"
        )

    for kind, s in report["kinds"].items():
        print(line(kind, s))
    print(line("overall", report["overall"]))
    print(f"\nper callback ({len(report['callbacks'])}), slowest p95 first:")
    for name, s in sorted(report["callbacks"].items(), key=lambda kv: -(kv[1]["p95"] or 0)):
        print(line("  " + name, s))
    p = report["publish"]
    if "started" in p:
        print(
            f"\npublish (python -m pipelines ingest, 1 revised report):"
            f" started at {p['started']:.1f} s,"
            f" finished at {p['finished']:.1f} s (exit {p['exit']}): version {p['old_version']} ->"
            f" {p['new_version']}"
        )
        seen = p["first_new_version_seen"]
        print(
            f"  the footer showed version {p['app_version_before']} before the run and"
            f" {p['versions_before']} during it before the publish;"
            f" first answer with version {p['new_version']} at "
            + ("never" if seen is None else f"{seen:.1f} s")
            + f"; answers started after the publish: {p['answers_after_publish']},"
            f" still showing the old version: {p['stale_after_publish']};"
            f" after the run the app reports version {report['final_version']}"
        )
        if p["exit"] != 0:
            print("  ingest said:\n" + p["stderr"])
    else:
        print("\npublish: did not start before the end of the run")
    gen = report["generator_cpu"]
    print(
        f"\nwall time {report['elapsed']:.1f} s; the server's workers used"
        f" {report['server_cpu']:.1f} s CPU"
        f" ({report['server_cpu'] / report['elapsed']:.2f} cores); the load generator"
        f" {gen:.1f} s CPU ({gen / report['elapsed']:.2f} cores; it shares the {m['cores']} cores);"
        f" keep-alive reconnects: {report['reconnects']}"
    )
    if report["errors"]:
        print("errors:")
        for text, count in list(report["errors"].items())[:15]:
            print(f"  {count:5d} x {text}")
    verdict = "yes" if report["target_met"] else "no (" + "; ".join(report["target_reasons"]) + ")"
    print(
        f"target (no error, p95 < {TARGET_P95_MS} ms overall and for every kind, the new version"
        f" seen): met: {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.loadtest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--years", default="2016-2025", help="demo data years, e.g. 2022-2025")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is not met")
    args = parser.parse_args(argv)
    first, last = (int(y) for y in args.years.split("-"))
    report = run_load_test(
        args.users, args.seconds, args.workers, years=range(first, last + 1), seed=args.seed
    )
    print_report(report)
    return 1 if args.check and not report["target_met"] else 0


if __name__ == "__main__":
    sys.exit(main())
