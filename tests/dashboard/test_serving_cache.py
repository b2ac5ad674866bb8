"""Serving as ``make run`` does, and what a cache may keep.

The server is started with the Makefile's own ``serve`` target from the repository's root, with
every path a relative one (``WAREHOUSE_DIR`` as ``make run`` passes it, the accounts, audit log
and uploads too): each bulk file must come back with 200 and the bytes the pipelines wrote. Over
that real HTTP server: a file that needed an account (``mart_submissions``, ``mart_issues``,
fetched with a token) is ``private, no-store`` with ``Vary: Authorization, Cookie``; a public
mart's file stays cached for a year. In process (Flask's client): the same with
``BF_PUBLIC=0``, and a signed-in session's answers, which carry its cookie, are never ``public``.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sign_in import sign_in

from dashboard.app import create_app
from dashboard.security.users import UserStore
from dashboard.serving.cluster import free_port
from pipelines.ingest import ingest
from pipelines.uploads import Sender
from tests.conftest import FIXTURES, ROOT

PASSWORD = "ett-langt-losenord"
IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"
RESTRICTED = ("mart_submissions", "mart_issues")


def _vary(headers) -> set[str]:
    return {v.strip().lower() for v in (headers.get("Vary") or "").split(",") if v.strip()}


def small_warehouse(root: Path) -> tuple[Path, list[str]]:
    """``root/data/warehouse`` from three files: a valid report, another municipality's sent by
    a municipal account (refused for its sender) and a broken one. Returns the files' names."""
    report = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
    inbox = root / "inbox"
    inbox.mkdir()
    own = inbox / "vasby_2024.json"
    own.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    other = inbox / "Kommun_0180_FALSK.json"
    other.write_text(
        json.dumps({**report, "municipality_code": "0180"}, ensure_ascii=False), encoding="utf-8"
    )
    broken = inbox / "trasig.json"
    broken.write_text("{ inte json", encoding="utf-8")
    warehouse = root / "data" / "warehouse"
    senders = {other: Sender("vasby", "0114", False)}
    ingest([own, other, broken], warehouse, inbox, senders=senders)
    return warehouse, [own.name, other.name, broken.name]


def _get(url: str, token: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    root = tmp_path_factory.mktemp("make_run")
    return (root, *small_warehouse(root))


@pytest.fixture(scope="module")
def served(built):
    """``make serve`` (what ``make run`` ends with) from the repository's root, every path
    relative to it, as ``make run`` passes ``WAREHOUSE_DIR=data/warehouse``."""
    root, warehouse, names = built
    users = root / "data" / "users.toml"
    store = UserStore(users)
    store.add("granskare", "viewer", PASSWORD)
    store.add("rapportor", "kommun", PASSWORD, "0180")
    tokens = {"viewer": store.new_token("granskare"), "kommun": store.new_token("rapportor")}
    port = free_port()

    def relative(path: Path) -> str:
        return os.path.relpath(path, ROOT)

    env = {
        **os.environ,
        "BF_USERS_FILE": relative(users),
        "BF_AUDIT_LOG": relative(root / "data" / "audit.log"),
        "BF_UPLOAD_DIR": relative(root / "data" / "uploads"),
        "WEB_CONCURRENCY": "1",
    }
    env.pop("BF_PUBLIC", None)
    log = (root / "server.log").open("wb")
    command = [
        "make",
        "--no-print-directory",
        "serve",
        f"WAREHOUSE_DIR={relative(warehouse)}",
        f"PORT={port}",
        f"PY={sys.executable}",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (root / "server.log").read_text()
            try:
                if _get(url + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (root / "server.log").read_text()
            time.sleep(0.2)
        yield {"url": url, "warehouse": warehouse, "root": root, "tokens": tokens, "names": names}
    finally:
        # the group this test started: make, its shell, gunicorn's master and worker
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_make_run_serves_every_bulk_file_from_a_relative_warehouse(served):
    url, warehouse = served["url"], served["warehouse"]
    status, _, body = _get(url + "/data/manifest.json", served["tokens"]["viewer"])
    assert status == 200
    manifest = json.loads(body)
    version = manifest["version"]
    exports = warehouse / "exports" / str(version)
    assert {f["mart"] for f in manifest["files"]} >= set(RESTRICTED)
    for entry in manifest["files"]:
        status, _, body = _get(url + entry["url"], served["tokens"]["viewer"])
        assert status == 200, entry
        assert body == (exports / entry["file"]).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    # the received files' mart has one row per file given to ingest (recounted from the inputs)
    status, _, body = _get(
        url + f"/data/{version}/mart_submissions.csv", served["tokens"]["viewer"]
    )
    lines = body.decode("utf-8-sig").strip().splitlines()
    assert len(lines) - 1 == len(served["names"])
    assert {name for name in served["names"] if any(name in line for line in lines)} == set(
        served["names"]
    )
    # the server says which directory it reads: the relative setting made absolute at start
    log = (served["root"] / "server.log").read_text(encoding="utf-8", errors="replace")
    assert f"(warehouse: {warehouse})" in log


def test_restricted_files_with_a_token_are_private_and_vary_on_the_account(served):
    url, tokens = served["url"], served["tokens"]
    version = json.loads(_get(url + "/data/manifest.json")[2])["version"]
    for mart in RESTRICTED:
        for fmt in ("csv", "parquet"):
            path = f"{url}/data/{version}/{mart}.{fmt}"
            status, headers, _ = _get(path, tokens["viewer"])
            assert status == 200
            assert headers["Cache-Control"] == PRIVATE, path
            assert "Expires" not in headers
            assert {"authorization", "cookie"} <= _vary(headers)
            # the same URL for the public and a municipal account: refused, and also Vary
            for token in (None, tokens["kommun"]):
                status, headers, _ = _get(path, token)
                assert status == 403
                assert {"authorization", "cookie"} <= _vary(headers)
    # the manifests list what the caller may fetch: a token's is private, and never carries the
    # public's tag (a cache's copy of the public one cannot be revalidated for a viewer)
    tags = {
        who: _get(url + "/data/manifest.json", token)[1]["ETag"]
        for who, token in (("public", None), ("viewer", tokens["viewer"]))
    }
    assert tags["public"] != tags["viewer"]
    for path in ("/data/manifest.json", f"/data/{version}/manifest.json", "/data/"):
        status, headers, _ = _get(url + path, tokens["viewer"])
        assert (status, headers["Cache-Control"]) == (200, PRIVATE), path
        assert {"authorization", "cookie"} <= _vary(headers)
        status, headers, _ = _get(url + path)
        assert status == 200 and {"authorization", "cookie"} <= _vary(headers), path
        assert "private" not in headers.get("Cache-Control", ""), path


def test_public_files_stay_cached_for_a_year_for_everyone(served):
    url, tokens = served["url"], served["tokens"]
    version = json.loads(_get(url + "/data/manifest.json")[2])["version"]
    for token in (None, tokens["viewer"], tokens["kommun"]):
        for name in ("mart_municipality_year.parquet", "meta.csv", "mart_reporting_status.csv"):
            status, headers, _ = _get(f"{url}/data/{version}/{name}", token)
            assert (status, headers["Cache-Control"]) == (200, IMMUTABLE), (name, token)
            # the same bytes whoever asks: a shared cache may hand them to anyone
            assert "authorization" not in _vary(headers)
            assert "Set-Cookie" not in headers


@pytest.fixture(scope="module")
def apps(built, tmp_path_factory):
    state = tmp_path_factory.mktemp("cache_state")
    UserStore(state / "users.toml").add("granskare", "viewer", PASSWORD)
    token = UserStore(state / "users.toml").new_token("granskare")

    def make(public: bool):
        return create_app(
            built[1],
            public=public,
            users_file=state / "users.toml",
            audit_file=state / "audit.log",
            upload_dir=state / "uploads",
        )

    return make(True), make(False), token


def test_with_closed_statistics_every_file_given_to_an_account_is_private(apps):
    _, private, token = apps
    client = private.server.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    version = client.get("/data/manifest.json", headers=bearer).get_json()["version"]
    for path in (
        f"/data/{version}/meta.csv",
        f"/data/{version}/mart_municipality_year.parquet",
        "/data/definitioner.md",
        "/api/v3/kpi",
    ):
        answer = client.get(path, headers=bearer)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == PRIVATE, path
        assert {"authorization", "cookie"} <= _vary(answer.headers), path
        refused = private.server.test_client().get(path, headers={"Accept": "application/json"})
        assert refused.status_code == 401 and {"authorization"} <= _vary(refused.headers)


def test_a_signed_in_session_never_gets_a_public_answer(apps):
    public, _, _ = apps
    client = public.server.test_client()
    assert sign_in(client, "granskare", PASSWORD).status_code == 302
    version = client.get("/data/manifest.json").get_json()["version"]
    for path in (
        f"/data/{version}/meta.csv",
        f"/data/{version}/mart_submissions.csv",
        "/data/manifest.json",
        "/assets/app.js",
        "/datakvalitet",
        "/api/v3/kpi",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "bf_session" in (answer.headers.get("Set-Cookie") or ""), path
        control = answer.headers.get("Cache-Control", "")
        # the refreshed session cookie rides on the answer: no shared cache may keep it
        assert "public" not in control and "private" in control, (path, control)
    assert client.get(f"/data/{version}/mart_submissions.csv").headers["Cache-Control"] == PRIVATE
