"""Who may do what, over HTTP: every cell of the access matrix in ``docs/access.md``.

Apps are created with ``create_app`` over copies of the real demo warehouse (the ``demo_warehouse``
fixture, published by the pipelines from the seeded demo corpus), once with the published
statistics public and once with ``public=False`` (``BF_PUBLIC=0``). Accounts are made with
``UserStore.add`` and sign in through the real form (its CSRF token taken from the page). Every
request goes through Flask's test client, so the access hook, Dash's dispatch and the pages' own
checks all take part; nothing of the app is replaced.

Two municipalities are picked from the warehouse: M, whose every file of year Y was rejected (the
"own" municipality of the first municipal account), and O, another one with files in Y and none
rejected (the second municipal account's). Which rows each caller must see is recomputed from the
demo inbox's files (``tests/corpus.py``: the municipality a file's content names, the generator's
manifest for its fate), not from the marts; only the texts of the reasons are taken from
``mart_submissions``, to check that none of them reaches a caller who may not read them.

``EXPECTED`` below is the matrix; ``test_docs_hold_this_matrix`` checks that docs/access.md shows
exactly it. The signed-in columns are checked with BF_PUBLIC on and off alike.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from sign_in import csrf_token, sign_in

from dashboard.i18n import t
from dashboard.security.users import UserStore
from tests.corpus import (
    files_of_year,
    named_in_file,
    reference_municipalities,
)

ROOT = Path(__file__).resolve().parents[2]
YEARS = range(2022, 2026)  # as the demo_inbox fixture generates it
PASSWORD = "ett-tillrackligt-langt-losenord"
UPDATE = "/_dash-update-component"
# who -> (account name, role); "kommun_own" is bound to M, "kommun_other" to O
ACCOUNTS = {
    "kommun_own": ("kommun-egen", "kommun"),
    "kommun_other": ("kommun-annan", "kommun"),
    "viewer": ("lasare", "viewer"),
    "coordinator": ("samordnare", "coordinator"),
}
# column of docs/access.md -> (who, the BF_PUBLIC settings it is checked under)
COLUMNS = {
    "anonymous (public on)": ("anonymous", (True,)),
    "anonymous (BF_PUBLIC=0)": ("anonymous", (False,)),
    "kommun (own municipality)": ("kommun_own", (True, False)),
    "kommun (another)": ("kommun_other", (True, False)),
    "viewer": ("viewer", (True, False)),
    "coordinator": ("coordinator", (True, False)),
}


# -- requests as a browser (or a script) makes them ----------------------------------------------


def _dep(text: str) -> dict:
    component, prop = text.rsplit(".", 1)
    return {
        "id": json.loads(component) if component.startswith("{") else component,
        "property": prop,
    }


def outputs_of(key: str) -> list | dict:
    """The ``outputs`` Dash's renderer sends for a callback key: a list for several outputs."""
    if key.startswith("..") and key.endswith(".."):
        return [_dep(part) for part in key[2:-2].split("...")]
    return _dep(key)


def callback_body(app, key: str, values: dict | None = None, changed: list[str] | None = None):
    """A ``_dash-update-component`` body for the callback ``key``, its inputs and state as the
    callback declares them (``app.callback_map``) with ``values`` by "id.property"; a wildcard
    input (ALL) matches no component here: an empty list."""
    spec = app.callback_map[key]
    values = values or {}

    def deps(items: list[dict]) -> list:
        out: list = []
        for dep in items:
            if dep["id"].startswith("{"):
                out.append([])
            else:
                name = f"{dep['id']}.{dep['property']}"
                out.append(
                    {"id": dep["id"], "property": dep["property"], "value": values.get(name)}
                )
        return out

    return {
        "output": key,
        "outputs": outputs_of(key),
        "inputs": deps(spec["inputs"]),
        "state": deps(spec.get("state", [])),
        "changedPropIds": changed if changed is not None else [],
    }


def router_key(app) -> str:
    return next(k for k in app.callback_map if "_pages_content.children" in k)


def router_body(app, pathname: str, search: str = "", lang: str = "sv") -> dict:
    """What the browser posts to render a page: the page router with the location and language."""
    values = {
        "_pages_location.pathname": pathname,
        "_pages_location.search": search,
        "lang.value": lang,
    }
    return callback_body(app, router_key(app), values, ["_pages_location.pathname"])


def stringify_id(component: dict) -> str:
    return json.dumps(component, sort_keys=True, separators=(",", ":"))


def download_key(app, page: str) -> str:
    wanted = {"page": page, "table": ["MATCH"], "type": "download"}
    return next(
        k
        for k in app.callback_map
        if k.startswith("{") and json.loads(k.rsplit(".", 1)[0]) == wanted
    )


def download_body(app, page: str, table: str, values: dict, fmt: str = "csv") -> dict:
    """The body of a click on a table's download button (``components.table.download_bar``)."""
    key = download_key(app, page)
    spec = app.callback_map[key]
    buttons = [
        {"id": {"fmt": f, "page": page, "table": table, "type": "dl"}, "property": "n_clicks"}
        | {"value": 1 if f == fmt else 0}
        for f in ("csv", "xlsx")
    ]
    state = [
        {
            "id": d["id"],
            "property": d["property"],
            "value": values.get(f"{d['id']}.{d['property']}"),
        }
        for d in spec["state"]
    ]
    clicked = {"fmt": fmt, "page": page, "table": table, "type": "dl"}
    return {
        "output": key,
        "outputs": {"id": {"page": page, "table": table, "type": "download"}, "property": "data"},
        "inputs": [buttons],
        "state": state,
        "changedPropIds": [stringify_id(clicked) + ".n_clicks"],
    }


def strings(node) -> list[str]:
    """Every string in a JSON value."""
    stack, out = [node], []
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def find_node(node, component_id) -> dict | None:
    """The serialised component with ``component_id`` in a response or layout, or None."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            props = item.get("props")
            if isinstance(props, dict) and props.get("id") == component_id:
                return item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _text(node) -> str:
    """The text of a component, its children's strings in order."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    if isinstance(node, dict):
        return _text(node.get("props", {}).get("children"))
    return ""


def _children(node: dict) -> list:
    children = node["props"].get("children")
    return children if isinstance(children, list) else [] if children is None else [children]


def table_column(doc, page: str, name: str, header: str) -> list[str] | None:
    """The cells of column ``header`` of every row of a rendered table (all its pages), or None
    when the page has no such table."""
    table = find_node(doc, f"table-{page}-{name}")
    if table is None:
        return None
    (thead,) = [n for n in _children(table) if isinstance(n, dict) and n["type"] == "Thead"]
    (head_row,) = _children(thead)
    titles = [_text(th).strip() for th in _children(head_row)]
    index = titles.index(header)
    store = find_node(doc, {"type": "table-rows", "page": page, "table": name})
    if store is not None:  # a long table: every row travels in its store
        return [row[index] for row in store["props"]["data"]["rows"]]
    body = find_node(table, {"type": "table-body", "page": page, "table": name})
    return [_text(_children(tr)[index]) for tr in _children(body)]


def csv_column(payload: dict, header: str) -> list[str]:
    """Column ``header`` of a ``dcc.Download`` CSV payload (base64, UTF-8 with BOM, ``;``)."""
    text = base64.b64decode(payload["content"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def download_payload(response) -> tuple[dict, str]:
    """The download's payload and every text the response carries (the CSV decoded)."""
    doc = response.get_json()
    (by_id,) = doc["response"].values()
    payload = by_id["data"]
    decoded = base64.b64decode(payload["content"]).decode("utf-8-sig")
    return payload, decoded + "\n" + json.dumps(doc, ensure_ascii=False)


def location(response) -> str:
    return response.headers.get("Location", "")


def status(response) -> str:
    """A response as a cell: the status code, and where a redirect leads."""
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{response.status_code} → {location(response)}"
    if response.status_code in (401, 403) and response.is_json:
        assert response.get_json()["status"] == response.status_code
    return str(response.status_code)


# -- the world: accounts, apps and what each caller may see -------------------------------------


@dataclass
class World:
    own: str  # M: every file of year Y naming it was rejected
    other: str  # O: files in Y, none rejected
    year: int  # Y
    files: set[str]  # the files the Datakvalitet page lists for Y
    files_of: dict[str, set[str]]  # ... by the municipality their content names
    reasons: set[str]  # the files of Y with reasons (rejected, or rows rejected)
    reasons_of: dict[str, set[str]]
    history: set[str]  # every file whose content names M (the Kommun page's history)
    reason_texts: dict[str, list[str]]  # file -> its reasons, as mart_submissions holds them
    names: dict[str, str] = field(default_factory=dict)  # who -> account name
    kommun: dict[str, str | None] = field(default_factory=dict)  # who -> municipality code

    def mine(self, who: str, by_code: dict[str, set[str]]) -> set[str] | None:
        code = self.kommun.get(who)
        return by_code.get(code, set()) if code else None


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "current.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def world(demo_manifest, demo_warehouse) -> World:
    # M and O from the warehouse: the municipality whose every file of a year was rejected, and
    # another with files in that year and no rejected file at all.
    own, year = _query(
        demo_warehouse,
        "select municipality_code, year from mart_submissions"
        " where municipality_code is not null and year is not null"
        " group by all having bool_and(status = 'rejected') order by year desc, 1 limit 1",
    )[0]
    (other,) = _query(
        demo_warehouse,
        f"select municipality_code from mart_submissions where municipality_code is not null"
        f" group by 1 having count(*) filter (where year = {year}) > 0"
        f" and count(*) filter (where status = 'rejected') = 0 order by 1 limit 1",
    )[0]
    manifest, snapshot = demo_manifest
    # What each file's content names: read from the file for every file that did not load as
    # generated (rejected, duplicate, partly loaded) and for the registers; a report that loaded
    # names what the generator wrote into it (reading 1 100 files with openpyxl takes 7 s).
    codes = {m["municipality_code"] for m in reference_municipalities()}
    named = {
        e["name"]: (e["municipality_code"], e["year"])
        if e["expected"] in ("loaded", "superseded") and e["kind"] in ("report", "revision")
        else named_in_file(e["name"], snapshot[e["name"]], codes)
        for e in manifest["files"]
    }
    received = datetime.now(UTC).replace(tzinfo=None)
    listed = files_of_year(manifest, snapshot, year, received, named)
    files_of: dict[str, set[str]] = {}
    reasons_of: dict[str, set[str]] = {}
    for name, entry in listed.items():
        files_of.setdefault(entry["code"], set()).add(name)
        if entry["fate"] in ("rejected", "partially_loaded"):
            reasons_of.setdefault(entry["code"], set()).add(name)
    texts = {
        name: list(errors)
        for name, errors in _query(
            demo_warehouse,
            "select file_name, errors from mart_submissions where len(errors) > 0",
        )
    }
    w = World(
        own=own,
        other=other,
        year=year,
        files=set(listed),
        files_of=files_of,
        reasons={n for names in reasons_of.values() for n in names},
        reasons_of=reasons_of,
        history={n for n, (code, _) in named.items() if code == own},
        reason_texts=texts,
    )
    # What the corpus says agrees with the choice: M has a rejected file in Y, O none at all.
    assert w.reasons_of.get(own) and w.files_of.get(other) and not w.reasons_of.get(other)
    assert w.history and w.reasons - w.reasons_of[own], "some rejected files are not M's"
    w.names = {who: name for who, (name, _) in ACCOUNTS.items()}
    w.kommun = {"kommun_own": own, "kommun_other": other}
    return w


@dataclass
class Env:
    """One app and the test clients of each caller, signed in through the form."""

    app: object
    world: World
    public: bool
    upload_dir: Path
    audit_file: Path
    inbox: Path
    _clients: dict = field(default_factory=dict)
    _jobs: dict | None = None

    def client(self, who: str):
        if who not in self._clients:
            client = self.app.server.test_client()
            if who != "anonymous":
                response = sign_in(client, self.world.names[who], PASSWORD)
                assert response.status_code == 302, response.get_data(as_text=True)[:300]
            self._clients[who] = client
        return self._clients[who]

    def callback(self, who: str, body: dict):
        return self.client(who).post(UPDATE, json=body)

    def jobs(self) -> dict[str, tuple[int, dict | None]]:
        """Each caller's upload (a report for M and a grant register), sent once and waited
        for: who -> (status of the POST, the finished job or None)."""
        if self._jobs is None:
            self._jobs = _send_uploads(self)
        return self._jobs


def _report(world: World, n: int) -> bytes:
    report = json.loads((ROOT / "tests/fixtures/report_valid.json").read_text(encoding="utf-8"))
    # A report for M's year Y, each upload its own bytes, the later one sent the later (the
    # coordinator's last): no upload of this test supersedes an earlier one before it is read.
    report |= {
        "municipality_code": world.own,
        "reporting_year": world.year,
        "submitted_at": f"{world.year + 1}-01-{10 + n:02d}T10:00:00+01:00",
    }
    return json.dumps(report, ensure_ascii=False).encode("utf-8")


def _register(demo_inbox: Path, n: int) -> bytes:
    """A grant register of one new grant: the header and first row of a demo register (bytes as
    they are: the demo writes registers in more than one encoding), the grant id made new."""
    source = sorted(demo_inbox.glob("bidragsregister_*.csv"))[0]
    header, first = source.read_bytes().splitlines()[:2]
    grant, rest = first.split(b";", 1)
    return header + b"\n" + grant + f"-{90 + n}".encode() + b";" + rest + b"\n"


UPLOADERS = ("kommun_own", "kommun_other", "coordinator")


def _send_uploads(env: Env) -> dict:
    sent: dict[str, tuple[int, dict | None]] = {}
    for n, who in enumerate(("anonymous", "viewer", *UPLOADERS)):
        client = env.client(who)
        headers = {"X-CSRFToken": csrf_token(client)} if who != "anonymous" else {}
        response = client.post(
            "/api/inlamning",
            data={
                "fil": [
                    (io.BytesIO(_report(env.world, n)), "rapport.json"),
                    (io.BytesIO(_register(env.inbox, n)), "bidragsregister.csv"),
                ]
            },
            headers=headers,
        )
        sent[who] = (
            response.status_code,
            response.get_json() if response.status_code == 202 else None,
        )
    # Wait for the runner (the coordinator reads every job), so that no process outlives the test.
    coordinator = env.client("coordinator")
    deadline = time.monotonic() + 120
    for who, (code, job) in sent.items():
        if job is None:
            continue
        while True:
            job = coordinator.get(f"/api/inlamning/{job['id']}").get_json()
            if job["state"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        sent[who] = (code, job)
    return sent


def runner_pids(upload_dir: Path) -> list[int]:
    """The upload runners working on ``upload_dir`` (started by the app for this test)."""
    needle = str(upload_dir.resolve()).encode()
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if needle in command and b"uploads" in command:
            pids.append(int(proc.name))
    return pids


def stop_runners(upload_dir: Path, wait: float = 60) -> None:
    """Wait for this directory's runners to end; stop any still running after ``wait`` s."""
    deadline = time.monotonic() + wait
    while runner_pids(upload_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in runner_pids(upload_dir):
        os.kill(pid, signal.SIGTERM)


class Apps:
    """The apps of this module, made when first asked for: (public, purpose) -> Env.

    ``read`` apps serve the pages and callbacks; ``upload`` apps take the uploads, over a warehouse
    of their own (a runner publishes what they receive, which would change the read apps' rows)."""

    def __init__(self, world: World, demo_warehouse: Path, demo_inbox: Path, geo_dir, root: Path):
        self.world, self.source, self.inbox, self.geo_dir, self.root = (
            world,
            demo_warehouse,
            demo_inbox,
            geo_dir,
            root,
        )
        self.users_file = root / "users.toml"
        store = UserStore(self.users_file)
        for who, (name, role) in ACCOUNTS.items():
            store.add(name, role, PASSWORD, world.kommun.get(who))
        self.envs: dict[tuple[bool, str], Env] = {}

    def get(self, public: bool, purpose: str = "read") -> Env:
        key = (public, purpose)
        if key not in self.envs:
            from dashboard.app import create_app

            folder = self.root / f"{purpose}-{'public' if public else 'closed'}"
            warehouse = folder / "warehouse"
            shutil.copytree(self.source, warehouse, symlinks=True)
            app = create_app(
                warehouse,
                self.geo_dir,
                public=public,
                users_file=self.users_file,
                audit_file=folder / "audit.log",
                upload_dir=folder / "uploads",
            )
            self.envs[key] = Env(
                app, self.world, public, folder / "uploads", folder / "audit.log", self.inbox
            )
        return self.envs[key]


@pytest.fixture(scope="module")
def apps(world, demo_warehouse, demo_inbox, geo_dir, tmp_path_factory):
    made = Apps(world, demo_warehouse, demo_inbox, geo_dir, tmp_path_factory.mktemp("access"))
    yield made
    for env in made.envs.values():
        stop_runners(env.upload_dir)


# -- the probes: one request each, its outcome as the cell of the matrix says it -----------------


def scope_label(found: list[str], every: set[str], mine: set[str] | None) -> str:
    rows = set(found)
    if rows == every:
        return "every row"
    if mine is not None and rows == mine:
        return "own municipality's rows"
    if not rows:
        return "no rows"
    return f"unexpected rows: {sorted(rows)[:5]}"


def leaked_reasons(text: str, world: World, allowed: set[str]) -> list[str]:
    """Files outside ``allowed`` whose reasons (quoting their content) appear in ``text``."""
    return sorted(
        name
        for name, reasons in world.reason_texts.items()
        if name not in allowed and any(reason in text for reason in reasons)
    )


def get(path: str) -> Callable:
    def probe(env: Env, who: str) -> str:
        return status(env.client(who).get(path))

    return probe


def render(path: str, search: str = "") -> Callable:
    def probe(env: Env, who: str) -> str:
        return status(env.callback(who, router_body(env.app, path, search)))

    return probe


def render_disguised(env: Env, who: str) -> str:
    """The router asked for ``/inlamning`` in its first input (the one Dash passes as the
    pathname) under another id, with ``_pages_location.pathname`` = ``/`` second."""
    body = router_body(env.app, "/inlamning")
    body["inputs"][:2] = [
        {"id": "x", "property": "pathname", "value": "/inlamning"},
        {"id": "_pages_location", "property": "pathname", "value": "/"},
    ]
    return status(env.callback(who, body))


def page_callback(module: str) -> Callable:
    """A callback of the page (or the shell) that answers with an update, as a click sends it."""

    def probe(env: Env, who: str) -> str:
        w, app = env.world, env.app
        key, values, changed = {
            "pages.overview": (
                "ov-url.search",
                {"ov-year.value": str(w.year), "ov-indicator.value": "has_council"}
                | {"ov-level.value": "kommun"},
                ["ov-year.value"],
            ),
            "pages.funds": ("md-nav.href", {"md-show.n_clicks": 1}, ["md-show.n_clicks"]),
            "pages.municipality": (
                "mu-nav.href",
                {"mu-show.n_clicks": 1, "mu-code.value": w.own, "mu-year.value": str(w.year)},
                ["mu-show.n_clicks"],
            ),
            "pages.region": (
                "rg-nav.href",
                {"rg-show.n_clicks": 1, "rg-level.value": "lan", "rg-code.value": "01"},
                ["rg-show.n_clicks"],
            ),
            "pages.compare": ("cp-nav.href", {"cp-show.n_clicks": 1}, ["cp-show.n_clicks"]),
            "pages.data_quality": (
                "dq-nav.href",
                {"dq-show.n_clicks": 1, "dq-year.value": str(w.year)},
                ["dq-show.n_clicks"],
            ),
            "pages.upload": (
                next(k for k in app.callback_map if "up-status.children" in k),
                {"up-job.data": {"id": "20260101T000000000000-00000000"}, "lang.value": "sv"},
                ["up-job.data"],
            ),
            "shell": (
                next(k for k in app.callback_map if "nav-links.children" in k),
                {"lang.value": "sv", "_pages_location.pathname": "/"},
                ["_pages_location.pathname"],
            ),
        }[module]
        spec = app.callback_map[key]
        function = getattr(spec["callback"], "__wrapped__", spec["callback"])
        assert function.__module__ == ("dashboard.app" if module == "shell" else module)
        return status(env.callback(who, callback_body(app, key, values, changed)))

    return probe


def dq_download(table: str) -> Callable:
    """Datakvalitet's download of ``files`` or ``reasons`` for year Y: the rows in the CSV."""

    def probe(env: Env, who: str) -> str:
        w = env.world
        body = download_body(
            env.app,
            "dataquality",
            table,
            {"dq-state.data": {"year": w.year, "search": None}, "lang.value": "sv"},
        )
        response = env.callback(who, body)
        if response.status_code != 200:
            return status(response)
        payload, text = download_payload(response)
        every, by_code = (w.files, w.files_of) if table == "files" else (w.reasons, w.reasons_of)
        mine = w.mine(who, by_code)
        label = scope_label(csv_column(payload, t("dq_file", "sv")), every, mine)
        allowed = {"every row": every, "own municipality's rows": mine}.get(label) or set()
        # Neither a rejected file's name nor its reasons outside what the caller may see.
        leaks = [n for n in w.reasons - allowed if n in text] + leaked_reasons(text, w, allowed)
        return f"200, {label}" + (f"; LEAKS {sorted(set(leaks))}" if leaks else "")

    return probe


def dq_page(env: Env, who: str) -> str:
    """The Datakvalitet page of year Y as the router renders it: its files and reasons tables."""
    w = env.world
    response = env.callback(who, router_body(env.app, "/datakvalitet", f"?year={w.year}"))
    if response.status_code != 200:
        return status(response)
    doc = response.get_json()
    labels = []
    for table, every, by_code in (
        ("files", w.files, w.files_of),
        ("reasons", w.reasons, w.reasons_of),
    ):
        found = table_column(doc, "dataquality", table, t("dq_file", "sv")) or []
        labels.append(scope_label(found, every, w.mine(who, by_code)))
    allowed = {"every row": w.reasons, "own municipality's rows": w.mine(who, w.reasons_of)}
    # The chase list is public and names the last file received (a rejected one too): the
    # reasons, which quote the files, are what only the allowed accounts may read.
    leaks = leaked_reasons(json.dumps(doc, ensure_ascii=False), w, allowed.get(labels[1]) or set())
    label = labels[0] if labels[0] == labels[1] else f"files: {labels[0]}; reasons: {labels[1]}"
    return f"200, {label}" + (f"; LEAKS {leaks}" if leaks else "")


def _history_label(found: list[str], text: str, w: World) -> str:
    rows = set(found)
    label = (
        "M's every file" if rows == w.history else "no rows" if not rows else f"rows {sorted(rows)}"
    )
    shown = rows if rows == w.history else set()
    # no name of M's files when the history is not shown, and no reason but those shown
    leaks = [n for n in w.history - shown if n in text] + leaked_reasons(text, w, shown)
    return f"200, {label}" + (f"; LEAKS {sorted(set(leaks))}" if leaks else "")


def municipality_page(env: Env, who: str) -> str:
    """The Kommun page of M as the router renders it: its submission history."""
    w = env.world
    response = env.callback(who, router_body(env.app, "/kommun", f"?kod={w.own}&year={w.year}"))
    if response.status_code != 200:
        return status(response)
    doc = response.get_json()
    found = table_column(doc, "municipality", "submissions", t("dq_file", "sv")) or []
    return _history_label(found, json.dumps(doc, ensure_ascii=False), w)


def municipality_download(env: Env, who: str) -> str:
    """The Kommun page's download of M's submission history."""
    w = env.world
    body = download_body(
        env.app,
        "municipality",
        "submissions",
        {"mu-state.data": {"code": w.own, "year": w.year}, "lang.value": "sv"},
    )
    response = env.callback(who, body)
    if response.status_code != 200:
        return status(response)
    payload, text = download_payload(response)
    return _history_label(csv_column(payload, t("dq_file", "sv")), text, w)


def audit_section(env: Env, who: str) -> str:
    response = env.callback(who, router_body(env.app, "/inlamning"))
    if response.status_code != 200:
        return status(response)
    shown = find_node(response.get_json(), "up-audit") is not None
    return "200, with the audit log" if shown else "200, without the audit log"


def audit_download(env: Env, who: str) -> str:
    body = download_body(env.app, "upload", "audit", {"lang.value": "sv"})
    response = env.callback(who, body)
    if response.status_code != 200:
        return status(response)
    if response.get_json() == {"multi": True, "response": {}}:
        return "200, no update"
    payload, text = download_payload(response)
    rows = list(
        csv.reader(
            io.StringIO(base64.b64decode(payload["content"]).decode("utf-8-sig")), delimiter=";"
        )
    )
    # the sign-ins of this module's accounts are in it
    assert len(rows) > 1 and env.world.names["coordinator"] in text
    return "200, the audit log"


def upload(part: int) -> Callable:
    """POST /api/inlamning of a report for M (part 0) and a grant register (part 1), one job."""

    def probe(env: Env, who: str) -> str:
        code, job = env.jobs()[who]
        if job is None:
            return str(code)
        assert job["state"] == "done", job
        outcome = job["files"][part]["outcome"]
        errors = sorted({e["code"] for e in outcome["errors"]})
        return f"{code}, {outcome['status']}" + (f": {', '.join(errors)}" if errors else "")

    return probe


def job_list(env: Env, who: str) -> str:
    env.jobs()
    response = env.client(who).get("/api/inlamning")
    if response.status_code != 200:
        return status(response)
    users = {job["user"] for job in response.get_json()["jobs"]}
    if users == {env.world.names[u] for u in UPLOADERS}:
        return "200, every account's jobs"
    if users == {env.world.names[who]}:
        return "200, own jobs only"
    return f"200, jobs of {sorted(users)}"


def job_of(sender: str) -> Callable:
    def probe(env: Env, who: str) -> str:
        _, job = env.jobs()[sender]
        response = env.client(who).get(f"/api/inlamning/{job['id']}")
        if response.status_code == 200:
            assert response.get_json()["id"] == job["id"]
        return status(response)

    return probe


# -- the matrix -----------------------------------------------------------------------------------


def row(*cells: str) -> dict[str, str]:
    assert len(cells) == len(COLUMNS)
    return dict(zip(COLUMNS, cells, strict=True))


def published(anon_closed: str, ok: str = "200") -> dict[str, str]:
    return row(ok, anon_closed, ok, ok, ok, ok)


def to_sign_in(path: str) -> str:
    return f"302 → /logga-in?next={path}"


UPLOADER_ONLY = row("401", "401", "200", "200", "403", "200")
SCOPED = row(
    "200, no rows",
    "401",
    "200, own municipality's rows",
    "200, own municipality's rows",
    "200, every row",
    "200, every row",
)
HISTORY = row(
    "200, no rows",
    "401",
    "200, M's every file",
    "200, no rows",
    "200, M's every file",
    "200, M's every file",
)
PAGES = {
    "/": ("Översikt", "pages.overview"),
    "/medel": ("Medel", "pages.funds"),
    "/kommun": ("Kommun", "pages.municipality"),
    "/region": ("Region", "pages.region"),
    "/jamfor": ("Jämför", "pages.compare"),
    "/datakvalitet": ("Datakvalitet", "pages.data_quality"),
    "/inlamning": ("Lämna filer", "pages.upload"),
}

# the callback ``page_callback`` posts for each page (and the shell)
PROBED = {
    "pages.overview": "`ov-url.search`",
    "pages.funds": "`md-nav.href`",
    "pages.municipality": "`mu-nav.href`",
    "pages.region": "`rg-nav.href`",
    "pages.compare": "`cp-nav.href`",
    "pages.data_quality": "`dq-nav.href`",
    "pages.upload": "`up-status.children`, following a job",
    "shell": "`nav-links.children`, the menu",
}


@dataclass(frozen=True)
class Row:
    label: str
    probe: Callable
    expected: dict[str, str]
    purpose: str = "read"


def _rows() -> list[Row]:
    rows: list[Row] = []
    for path, (name, module) in PAGES.items():
        if path == "/inlamning":
            rows += [
                Row(
                    f"{name}: `GET {path}`",
                    get(path),
                    row(to_sign_in(path), to_sign_in(path), "200", "200", "403", "200"),
                ),
                Row(f"{name}: page router rendering `{path}`", render(path), UPLOADER_ONLY),
                Row(
                    f"{name}: a callback of the page ({PROBED[module]})",
                    page_callback(module),
                    UPLOADER_ONLY,
                ),
            ]
            continue
        rows += [
            Row(f"{name}: `GET {path}`", get(path), published(to_sign_in(path))),
            Row(f"{name}: page router rendering `{path}`", render(path), published("401")),
            Row(
                f"{name}: a callback of the page ({PROBED[module]})",
                page_callback(module),
                published("401"),
            ),
        ]
    rows += [
        Row(
            "Lämna filer: page router rendering `//inlamning`", render("//inlamning"), UPLOADER_ONLY
        ),
        Row(
            "Lämna filer: page router, `/inlamning` as the first input under another id",
            render_disguised,
            row(*["400"] * 6),
        ),
        Row(
            "Page router with a pathname without its leading `/` (`inlamning`)",
            render("inlamning"),
            row(*["400"] * 6),
        ),
        Row(f"The shell's callback ({PROBED['shell']})", page_callback("shell"), published("401")),
        Row(
            "Datakvalitet: files and reasons tables on the page (year Y)",
            dq_page,
            SCOPED,
        ),
        Row(
            "Datakvalitet: download of the files table (year Y)",
            dq_download("files"),
            SCOPED,
        ),
        Row(
            "Datakvalitet: download of the reasons table (year Y)",
            dq_download("reasons"),
            SCOPED,
        ),
        Row(
            "Kommun: M's submission history on the page (`/kommun?kod=M`)",
            municipality_page,
            HISTORY,
        ),
        Row("Kommun: download of M's submission history", municipality_download, HISTORY),
        Row(
            "Audit log: section of the Lämna filer page",
            audit_section,
            row(
                "401",
                "401",
                "200, without the audit log",
                "200, without the audit log",
                "403",
                "200, with the audit log",
            ),
        ),
        Row(
            "Audit log: download",
            audit_download,
            row("401", "401", "200, no update", "200, no update", "403", "200, the audit log"),
        ),
        Row(
            "`POST /api/inlamning`: a report for M",
            upload(0),
            row(
                "401",
                "401",
                "202, loaded",
                "202, rejected: wrong_municipality",
                "403",
                "202, loaded",
            ),
            "upload",
        ),
        Row(
            "`POST /api/inlamning`: a grant register",
            upload(1),
            row(
                "401",
                "401",
                "202, rejected: grants_need_coordinator",
                "202, rejected: grants_need_coordinator",
                "403",
                "202, loaded",
            ),
            "upload",
        ),
        Row(
            "`GET /api/inlamning` (the list of jobs)",
            job_list,
            row(
                "401",
                "401",
                "200, own jobs only",
                "200, own jobs only",
                "403",
                "200, every account's jobs",
            ),
            "upload",
        ),
        Row(
            "`GET /api/inlamning/<id>` of a job the kommun (own) account sent",
            job_of("kommun_own"),
            row("401", "401", "200", "404", "403", "200"),
            "upload",
        ),
        Row(
            "`GET /api/inlamning/<id>` of a job the coordinator sent",
            job_of("coordinator"),
            row("401", "401", "404", "404", "403", "200"),
            "upload",
        ),
        Row("`GET /_dash-layout`", get("/_dash-layout"), published("401")),
        Row(
            "`GET /geo/counties.geojson`",
            get("/geo/counties.geojson"),
            published(to_sign_in("/geo/counties.geojson")),
        ),
        Row("`GET /logga-in`", get("/logga-in"), published("200")),
        Row("`GET /healthz`", get("/healthz"), published("200")),
        Row("`GET /assets/style.css`", get("/assets/style.css"), published("200")),
        Row("`GET /admin` (no rule: denied by default)", get("/admin"), row(*["404"] * 6)),
    ]
    return rows


EXPECTED = _rows()
CASES = [
    pytest.param(
        r,
        column,
        public,
        id=f"{r.label}|{column}|{'public' if public else 'closed'}",
        # the upload rows wait for the runner's ingests into a copy of the demo warehouse
        # (three jobs for each of the two apps, 10-45 s in all): `make test` runs them
        marks=pytest.mark.slow if r.purpose == "upload" else (),
    )
    for r in EXPECTED
    for column, (_, publics) in COLUMNS.items()
    for public in publics
]


@pytest.mark.parametrize(("row_", "column", "public"), CASES)
def test_access(apps, row_: Row, column: str, public: bool):
    who = COLUMNS[column][0]
    env = apps.get(public, row_.purpose)
    assert row_.probe(env, who) == row_.expected[column]


def test_every_page_and_page_callback_is_in_the_matrix(apps):
    """A page added later needs its row: the matrix covers every registered page and every
    page module that owns a callback."""
    import dash

    env = apps.get(True)
    assert {p["path"] for p in dash.page_registry.values()} == set(PAGES)
    owners = set()
    for spec in env.app.callback_map.values():
        function = spec.get("callback")
        module = getattr(getattr(function, "__wrapped__", function), "__module__", None) or ""
        if module.startswith("pages."):
            owners.add(module)
    assert owners == {module for _, module in PAGES.values()}


def markdown_table() -> str:
    lines = [
        "| What | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for r in EXPECTED:
        lines.append(f"| {r.label} | " + " | ".join(r.expected[c] for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def test_docs_hold_this_matrix():
    """docs/access.md shows exactly the matrix these tests assert."""
    text = (ROOT / "docs" / "access.md").read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate the table: print(markdown_table())"
    assert "tests/dashboard/test_access_matrix.py" in text
