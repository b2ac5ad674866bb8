"""The audit log holds under a flood, rotates by size, and the coordinator reads all of it.

A flood of anonymous refusals becomes a few lines whose counts add up exactly (also from several
processes writing at once); the file rotates at its size limit keeping the old files, and reading
pages across them, newest first; over HTTP the coordinator filters by event, account, days and
free text on Lämna filer and in its download, while the public and a municipal account cannot
read it at all.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sign_in import sign_in
from test_access_matrix import download_body, find_node, router_body

from dashboard.i18n import t
from dashboard.security import audit
from dashboard.security.users import UserStore

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "ett-langt-losenord-for-loggen"
UPDATE = "/_dash-update-component"


def _lines(path: Path) -> list[dict]:
    return [
        json.loads(line)
        for f in audit.files(path)
        for line in f.read_text("utf-8").split("\n")
        if line
    ]


def _total(entries: list[dict], **where) -> int:
    return sum(
        audit.occurrences(e) for e in entries if all(e.get(k) == v for k, v in where.items())
    )


# -- the flood --------------------------------------------------------------------------------


def test_a_flood_of_anonymous_refusals_is_a_few_lines_with_the_exact_count(tmp_path):
    path = tmp_path / "audit.log"
    started = time.perf_counter()
    for n in range(10_000):
        audit.record(
            path, "upload_refused", user=None, reason="not_signed_in", address=f"10.0.0.{n % 4}"
        )
    took = time.perf_counter() - started
    audit.flush()
    lines = _lines(path)
    # per address: the first line at once, the repeats of the minute as one line with a count
    assert len(lines) <= 8, len(lines)
    assert _total(lines, event="upload_refused") == 10_000
    for n in range(4):
        assert _total(lines, address=f"10.0.0.{n}") == 2_500
    counted = [e for e in lines if "count" in e]
    assert all(e["first"] <= e["last"] <= e["at"] for e in counted)
    assert took < 10, took
    # a refusal that names its account and files is kept whole, one line each
    for _ in range(3):
        audit.record(path, "upload_refused", user="anna", reason="role", files=["a.json"])
    assert len([e for e in _lines(path) if e.get("user") == "anna"]) == 3


def test_one_address_naming_ever_new_accounts_is_a_few_lines_too(tmp_path):
    path = tmp_path / "audit.log"
    for n in range(1_000):
        audit.record(path, "sign_in_throttled", user=f"gissning-{n}", address="198.51.100.7")
    audit.record(path, "sign_in_throttled", user="gissning-0", address="198.51.100.8")
    audit.flush()
    lines = [e for e in _lines(path) if e["address"] == "198.51.100.7"]
    # its first ten names a line each; the other 990 one line naming the first 20 of them
    assert len(lines) == audit.PER_ADDRESS + 1, lines
    assert _total(lines) == 1_000
    (many,) = [e for e in lines if e.get("many")]
    assert many["count"] == 990 and many["user"] is None
    assert many["users"] == [f"gissning-{n}" for n in range(10, 30)]
    # another address is counted apart
    assert [e["user"] for e in _lines(path) if e["address"] == "198.51.100.8"] == ["gissning-0"]


WORKER = """
import sys
from pathlib import Path
from dashboard.security import audit
for n in range(int(sys.argv[2])):
    audit.record(Path(sys.argv[1]), "sign_in_throttled", user="kommun", address="192.0.2.7")
    audit.record(Path(sys.argv[1]), "sign_in", user="w" + sys.argv[3], address="192.0.2.8")
"""


def test_workers_writing_at_once_keep_every_line_whole_and_the_count_exact(tmp_path):
    """Four processes append at once (the count of each in its own lines, written when it
    exits); every line is whole JSON and the counts add up."""
    path = tmp_path / "audit.log"
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(path), "1500", str(w)], cwd=ROOT)
        for w in range(4)
    ]
    assert all(w.wait(timeout=60) == 0 for w in workers)
    lines = _lines(path)  # json.loads of every line: none is torn
    assert _total(lines, event="sign_in_throttled") == 6_000
    assert len([e for e in lines if e["event"] == "sign_in_throttled"]) <= 8
    assert len([e for e in lines if e["event"] == "sign_in"]) == 6_000


# -- rotation ---------------------------------------------------------------------------------


def test_the_log_rotates_by_size_keeping_old_files_and_pages_read_across_them(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("BF_AUDIT_ROTATE_BYTES", "4000")
    monkeypatch.setenv("BF_AUDIT_KEEP", "3")
    path = tmp_path / "audit.log"
    for n in range(250):
        audit.record(path, "sign_in", user=f"konto-{n:03}", address="192.0.2.1", role="kommun")
    names = [f.name for f in audit.files(path)]
    assert names == ["audit.log", "audit.log.1", "audit.log.2", "audit.log.3"]
    assert all(f.stat().st_size < 4000 + 200 for f in audit.files(path))
    kept = [e["user"] for e in audit.entries(path)]
    # the oldest files beyond the three kept are gone; what is kept is whole, newest first
    assert kept == [f"konto-{n:03}" for n in range(249, 249 - len(kept), -1)]
    assert 100 < len(kept) < 250
    # pages of 25 go on from one file into the next without a gap or a repeat
    paged: list[str] = []
    offset = 0
    while True:
        page = audit.query(path, offset=offset, limit=25)
        paged += [e["user"] for e in page.entries]
        offset += 25
        if not page.more:
            break
    assert paged == kept
    # a filter reads every file too
    old = audit.query(path, audit.Filter(user=kept[-1]), limit=5)
    assert [e["user"] for e in old.entries] == [kept[-1]]


# -- over HTTP --------------------------------------------------------------------------------


def _line(at: str, event: str, **fields) -> str:
    return json.dumps({"at": at, "event": event, **fields}, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def site(tiny_warehouse, geo_dir, tmp_path_factory):
    """An app whose audit log has an old rotated file (2025) and a current one (2026), with
    sign-ins, failures and refusals of several accounts and days."""
    from dashboard.app import create_app

    root = tmp_path_factory.mktemp("audit_http")
    store = UserStore(root / "users.toml")
    store.add("samordnare", "coordinator", PASSWORD)
    store.add("rapportor", "kommun", PASSWORD, "0114")
    log = root / "audit.log"
    old = [
        _line(f"2025-03-{d:02}T08:00:00.000000Z", "sign_in", user="rapportor", address="192.0.2.1")
        for d in range(1, 29)
    ] + [
        _line("2025-03-29T09:00:00.000000Z", "upload", user="rapportor", file="Gammal_ÖREBRO.json")
    ]
    Path(f"{log}.1").write_text("".join(old), "utf-8")
    new = [
        _line(
            "2026-01-10T10:00:00.000000Z",
            "sign_in_failed",
            user="mallory",
            address="203.0.113.9",
            count=40,
            first="2026-01-10T10:00:01Z",
            last="2026-01-10T10:00:59Z",
        ),
        _line("2026-01-11T10:00:00.000000Z", "sign_in_failed", user="a\x01b", address="1.2.3.4"),
        _line("2026-01-12T10:00:00.000000Z", "upload", user="samordnare", file="register.csv"),
        "this line is damaged\n",
    ]
    log.write_text("".join(new), "utf-8")
    app = create_app(
        tiny_warehouse,
        geo_dir,
        users_file=root / "users.toml",
        audit_file=log,
        upload_dir=root / "uploads",
    )
    return app, log


def _client(app, name: str | None):
    client = app.server.test_client()
    if name:
        assert sign_in(client, name, PASSWORD).status_code == 302
    return client


def _audit_rows(response) -> list[list[str]]:
    """The rows of the audit table on the page: [time, event, account, address, count, ...]."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    table = find_node(response.get_json(), "table-upload-audit")
    assert table is not None, "no audit table"
    body = table["props"]["children"][2]
    return [
        [cell["props"]["children"] for cell in row["props"]["children"]]
        for row in body["props"]["children"]
    ]


def _page(client, app, search: str):
    return client.post(UPDATE, json=router_body(app, "/inlamning", search))


def test_the_coordinator_pages_through_every_file_newest_first(site):
    app, _ = site
    client = _client(app, "samordnare")
    first = _audit_rows(_page(client, app, ""))
    assert len(first) == 25
    assert first[0][1] == t("audit_sign_in", "sv") and first[0][2] == "samordnare"
    assert first[0][0] >= first[-1][0]  # newest first
    response = _page(client, app, "?sida=2")
    second = _audit_rows(response)
    # into the rotated file: 1 + 3 new lines (the damaged one skipped) + 29 old = 33 in all
    assert len(second) == 33 - 25 and second[-1][0].startswith("2025-03-01")
    assert find_node(response.get_json(), "up-audit-older") is None
    assert find_node(response.get_json(), "up-audit-newer")["props"]["href"] == "/inlamning"


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("?handelse=sign_in_failed", {("mallory", "40"), ("a\x01b", "1")}),
        ("?konto=MALL", {("mallory", "40")}),
        ("?handelse=upload&fran=2025-01-01&till=2025-12-31", {("rapportor", "1")}),
        ("?fran=2026-01-11&till=2026-01-11", {("a\x01b", "1")}),
        ("?sok=%C3%B6rebro", {("rapportor", "1")}),
        ("?sok=203.0.113", {("mallory", "40")}),
        ("?handelse=sign_out", set()),
    ],
)
def test_filters_over_http_as_the_coordinator(site, search, expected):
    app, _ = site
    client = _client(app, "samordnare")
    response = _page(client, app, search)
    if not expected:
        assert find_node(response.get_json(), "up-audit-range")["props"]["children"] == t(
            "audit_none", "sv"
        )
    rows = _audit_rows(response)
    assert {(r[2], r[4]) for r in rows} == expected, rows


def test_a_filter_that_makes_no_sense_is_said_and_ignored(site):
    app, _ = site
    response = _page(_client(app, "samordnare"), app, "?fran=igår&sida=x&handelse=<b>")
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "igår" in text and len(_audit_rows(response)) == 25


def test_the_search_button_writes_the_filter_into_the_url(site):
    app, _ = site
    key = "up-audit-nav.href"
    spec = app.callback_map[key]
    values = {
        "up-audit-show.n_clicks": 1,
        "up-audit-event.value": "sign_in_failed",
        "up-audit-user.value": " mallory ",
        "up-audit-from.value": "2026-01-31",
        "up-audit-to.value": "2026-01-01",
        "up-audit-text.value": "",
    }
    body = {
        "output": key,
        "outputs": {"id": "up-audit-nav", "property": "href"},
        "inputs": [{**d, "value": values[f"{d['id']}.{d['property']}"]} for d in spec["inputs"]],
        "state": [{**d, "value": values[f"{d['id']}.{d['property']}"]} for d in spec["state"]],
        "changedPropIds": ["up-audit-show.n_clicks"],
    }
    response = _client(app, "samordnare").post(UPDATE, json=body)
    assert response.status_code == 200
    href = response.get_json()["response"]["up-audit-nav"]["href"]
    assert href == (
        "/inlamning?handelse=sign_in_failed&konto=mallory&fran=2026-01-01&till=2026-01-31"
    )


def _download(client, app, state: dict | None):
    values = {"lang.value": "sv", "up-audit-state.data": state}
    return client.post(UPDATE, json=download_body(app, "upload", "audit", values))


def test_the_download_holds_every_entry_the_filter_matches(site):
    app, _ = site
    client = _client(app, "samordnare")
    everything = _download(client, app, None)
    assert everything.status_code == 200
    (payload,) = [v["data"] for v in everything.get_json()["response"].values()]
    rows = list(
        csv.reader(
            io.StringIO(base64.b64decode(payload["content"]).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(rows) - 1 >= 33  # every file, not one page (and the sign-ins of this module)
    only = _download(client, app, {"handelse": "sign_in_failed", "konto": "mallory"})
    (payload,) = [v["data"] for v in only.get_json()["response"].values()]
    rows = list(
        csv.reader(
            io.StringIO(base64.b64decode(payload["content"]).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [(r[2], r[4]) for r in rows[1:]] == [("mallory", "40")]
    # a state that is not a filter is refused before the callback
    assert _download(client, app, {"handelse": {"x": 1}}).status_code == 400


@pytest.mark.parametrize("who", [None, "rapportor"])
def test_the_public_and_a_municipal_account_cannot_read_it(site, who):
    app, _ = site
    client = _client(app, who)
    response = _page(client, app, "?handelse=sign_in_failed")
    if who is None:
        assert response.status_code == 401
    else:
        assert response.status_code == 200
        assert find_node(response.get_json(), "up-audit") is None
        assert "mallory" not in response.get_data(as_text=True)
    download = _download(client, app, {"handelse": "sign_in_failed"})
    assert download.status_code in (200, 204, 401, 403)
    assert "mallory" not in download.get_data(as_text=True)
    assert b'"content"' not in download.get_data()


def test_anonymous_refusals_over_http_are_counted_not_written_one_by_one(site):
    app, log = site
    client = app.server.test_client()

    def refused() -> list[dict]:
        return [e for e in audit.entries(log) if e["event"] == "upload_refused"]

    before = refused()
    for _ in range(300):
        assert client.post("/api/inlamning", data=b"x").status_code == 401
    audit.flush()
    added = refused()[: len(refused()) - len(before)]
    assert _total(added) == 300 and len(added) <= 2, added
    assert all(e["user"] is None and e["reason"] == "not_signed_in" for e in added)
