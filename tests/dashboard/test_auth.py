"""Sign-in, sessions, tokens and the accounts command, over HTTP and as a user runs them.

One app (``create_app`` over the tiny warehouse) with accounts, audit log and uploads of its own;
each test uses accounts of its own and, where the throttling could interfere, a client address of
its own (failures count per account and address, per address and per account). Nothing of the app
is replaced: only the clock is moved, by ageing a session's record (``seen``, ``since``) in the
sign-in file the app keeps beside its accounts file. The same rules over real HTTP, with several
workers and a replayed cookie: ``test_signin_http.py``.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sign_in import csrf_token, sign_in

from dashboard.i18n import t
from dashboard.security import audit
from dashboard.security.signins import SignIns
from dashboard.security.users import UserStore

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "ett-tillrackligt-langt-losenord"
_addresses = itertools.count(1)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def site(tiny_warehouse, geo_dir, tmp_path_factory):
    from dashboard.app import create_app

    root = tmp_path_factory.mktemp("auth")
    app = create_app(
        tiny_warehouse,
        geo_dir,
        public=True,
        users_file=root / "users.toml",
        audit_file=root / "audit.log",
        upload_dir=root / "uploads",
    )
    return app, UserStore(root / "users.toml"), root


@pytest.fixture
def app(site):
    return site[0]


@pytest.fixture
def store(site) -> UserStore:
    return site[1]


@pytest.fixture
def audit_file(site) -> Path:
    return site[2] / "audit.log"


@pytest.fixture
def client(app):
    """A test client from an address of its own."""
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.{next(_addresses)}.1"
    return client


@pytest.fixture
def kommun(store) -> str:
    """A municipal reporter of the test's own (``/inlamning`` tells it from the public)."""
    name = f"kommun-{next(_names)}"
    store.add(name, "kommun", PASSWORD, "0180")
    return name


@pytest.fixture(scope="module")
def redirected(site) -> str:
    """One account for the redirect cases (each an argon2 check: 0.1-0.5 s)."""
    site[1].add("kommun-redirect", "kommun", PASSWORD, "0180")
    return "kommun-redirect"


def signed_in(client) -> bool:
    """Whether the client's session (or token) is an uploader's: ``/inlamning`` answers 200 then,
    and sends the public to the sign-in page."""
    response = client.get("/inlamning")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def events(audit_file: Path, event: str, user: str) -> list[dict]:
    return [e for e in audit.latest(audit_file) if e["event"] == event and e.get("user") == user]


# -- the form ---------------------------------------------------------------------------------


def test_sign_in_needs_the_csrf_token(client, kommun):
    client.get("/logga-in")  # the session has a token; the post leaves it out
    response = client.post("/logga-in", data={"namn": kommun, "losenord": PASSWORD})
    assert response.status_code == 400
    forged = client.post(
        "/logga-in", data={"namn": kommun, "losenord": PASSWORD, "csrf_token": "x" * 40}
    )
    assert forged.status_code == 400
    assert not signed_in(client)


def test_a_wrong_password_is_401_and_written_to_the_audit_log(client, kommun, audit_file):
    response = sign_in(client, kommun, PASSWORD + "x")
    assert response.status_code == 401
    assert t("login_failed", "sv") in response.get_data(as_text=True)
    (entry,) = events(audit_file, "sign_in_failed", kommun)
    assert entry["address"] == client.environ_base["REMOTE_ADDR"]
    assert not signed_in(client)
    # an unknown name is answered the same way, and logged as well
    assert sign_in(client, kommun + "-nobody", PASSWORD).status_code == 401
    assert events(audit_file, "sign_in_failed", kommun + "-nobody")


@pytest.mark.parametrize(
    ("next_", "location"),
    [
        (None, "/"),
        ("/kommun?kod=0180&year=2024", "/kommun?kod=0180&year=2024"),
        ("/inlamning", "/inlamning"),
        ("//evil.com", "/"),
        ("https://evil.com", "/"),
        ("/\\evil.com", "/"),
        ("https:evil.com", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.com", "/"),
    ],
)
def test_sign_in_redirects_to_a_page_of_this_site_only(
    client, redirected, audit_file, next_, location
):
    response = sign_in(client, redirected, PASSWORD, next_)
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert signed_in(client)
    assert events(audit_file, "sign_in", redirected)


def test_the_session_cookie_is_http_only_and_same_site_lax(client, kommun):
    response = sign_in(client, kommun, PASSWORD)
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("bf_session=")]
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert attributes["samesite"] == "SameSite=Lax"


# -- throttling -------------------------------------------------------------------------------


def test_the_sixth_failure_from_an_address_is_refused_even_with_the_right_password(
    app, client, store, kommun, audit_file
):
    for _ in range(5):
        assert sign_in(client, kommun, "fel-losenord-123").status_code == 401
    response = sign_in(client, kommun, PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 14 * 60  # the oldest failure is 15 min away
    assert t("login_throttled", "sv", minutes=15) in response.get_data(as_text=True)
    assert not signed_in(client)
    (entry,) = events(audit_file, "sign_in_throttled", kommun)
    assert entry["reason"] == "pair"
    # the name is the key, however it is written
    assert sign_in(client, f"  {kommun.upper()} ", PASSWORD).status_code == 429
    # another account from the same address still signs in
    other = kommun + "-2"
    store.add(other, "kommun", PASSWORD, "0180")
    assert sign_in(client, other, PASSWORD).status_code == 302
    assert signed_in(client)
    # and the account itself from another address: five failures lock out no one else
    elsewhere = app.server.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = f"10.0.{next(_addresses)}.1"
    assert sign_in(elsewhere, kommun, PASSWORD).status_code == 302
    assert signed_in(elsewhere)


def test_an_address_gets_twenty_failures_in_all(app, client, store, kommun):
    # 19 failures spread over names (never 5 on one), then the right password still works
    names = itertools.cycle([f"okand-{i}" for i in range(5)])
    for _ in range(19):
        assert sign_in(client, next(names), "fel-losenord-123").status_code == 401
    assert sign_in(client, kommun, PASSWORD).status_code == 302  # a success does not count
    client.post("/logga-ut", data={"csrf_token": csrf_token(client, "/logga-ut")})
    assert sign_in(client, next(names), "fel-losenord-123").status_code == 401  # the 20th
    # the 21st attempt from the address is refused, whoever it is for, from a new browser
    fresh = app.server.test_client()
    fresh.environ_base["REMOTE_ADDR"] = client.environ_base["REMOTE_ADDR"]
    assert sign_in(fresh, kommun, PASSWORD).status_code == 429
    assert sign_in(client, "okand-99", "fel-losenord-123").status_code == 429
    # the browser that signed in to the account before is known to it: it still gets in
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    # and so does the same account from another address
    elsewhere = app.server.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.254.0.1"
    assert sign_in(elsewhere, kommun, PASSWORD).status_code == 302


def test_an_ipv6_client_counts_by_its_64_block(app, kommun):
    for i in range(5):
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = f"2001:db8:77:1::{i + 1}"
        assert sign_in(client, kommun, "fel-losenord-123").status_code == 401
    neighbour = app.server.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "2001:db8:77:1:ffff::9"
    assert sign_in(neighbour, kommun, PASSWORD).status_code == 429
    other_block = app.server.test_client()
    other_block.environ_base["REMOTE_ADDR"] = "2001:db8:77:2::1"
    assert sign_in(other_block, kommun, PASSWORD).status_code == 302


# -- sessions that end ------------------------------------------------------------------------


@pytest.fixture
def age(site):
    """Move the clock for a client's session: set its record's ``seen``/``since`` to so many
    seconds ago (the record is what the server judges by, not the cookie)."""

    def move(client, **seconds_ago: float) -> None:
        with client.session_transaction() as session:
            sid = session["sid"]
        now = time.time()
        with sqlite3.connect(site[2] / "signins.sqlite") as db:
            for key in seconds_ago:
                assert key in ("seen", "since")
                db.execute(
                    f"UPDATE sessions SET {key} = ? WHERE id = ?",
                    (now - seconds_ago[key], hashlib.sha256(sid.encode()).hexdigest()),
                )

    return move


def test_an_idle_session_ends_after_30_minutes(client, kommun, age):
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    age(client, seen=29 * 60, since=29 * 60)
    assert signed_in(client)  # 29 minutes idle: still on (and the request counts as activity)
    age(client, seen=31 * 60)
    response = client.get("/inlamning")
    assert response.status_code == 302
    assert response.headers["Location"] == "/logga-in?next=/inlamning"
    assert client.get("/api/inlamning").status_code == 401  # the session is gone, not hidden
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_the_expired_session_is_told_why_on_the_sign_in_page(client, kommun, age):
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    age(client, seen=31 * 60)
    assert t("login_expired", "sv") in client.get("/logga-in").get_data(as_text=True)


def test_a_session_ends_8_hours_after_sign_in_even_when_active(client, kommun, age):
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    age(client, seen=0, since=8 * 3600 - 60)
    assert signed_in(client)
    age(client, seen=0, since=8 * 3600 + 60)
    assert not signed_in(client)
    assert client.get("/api/inlamning").status_code == 401


def test_removing_an_account_ends_its_sessions(client, store, kommun):
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    assert signed_in(client)
    assert store.remove(kommun)
    assert not signed_in(client)
    assert client.get("/api/inlamning").status_code == 401


def test_a_new_password_ends_the_sessions_signed_in_with_the_old(app, client, store, kommun):
    other = app.server.test_client()
    other.environ_base["REMOTE_ADDR"] = client.environ_base["REMOTE_ADDR"]
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    assert sign_in(other, kommun, PASSWORD).status_code == 302
    store.remove(kommun)
    store.add(kommun, "kommun", PASSWORD + "-nytt", "0180")
    assert not signed_in(client)
    assert not signed_in(other)
    assert sign_in(client, kommun, PASSWORD).status_code == 401
    assert sign_in(client, kommun, PASSWORD + "-nytt").status_code == 302
    assert signed_in(client)


def test_sign_out_needs_a_post_with_the_csrf_token(client, kommun, audit_file):
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    page = client.get("/logga-ut")
    assert page.status_code == 200 and signed_in(client)  # a link cannot sign anyone out
    assert client.post("/logga-ut").status_code == 200  # the form again, no token: still in
    assert client.post("/logga-ut", data={"csrf_token": "x" * 40}).status_code == 200
    assert signed_in(client)
    response = client.post("/logga-ut", data={"csrf_token": csrf_token(client, "/logga-ut")})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not signed_in(client)
    assert events(audit_file, "sign_out", kommun)


def test_signing_in_again_ends_the_session_before(client, kommun, site):
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    with client.session_transaction() as session:
        first = session["sid"]
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    with client.session_transaction() as session:
        assert session["sid"] != first
    records = SignIns(site[2] / "signins.sqlite")
    assert records.session(first) is None  # a copy of the first cookie opens nothing
    assert signed_in(client)


def test_an_upload_from_a_session_needs_the_csrf_token(app, client, kommun, site):
    assert sign_in(client, kommun, PASSWORD).status_code == 302
    uploads = site[2] / "uploads"
    before = sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []
    response = client.post("/api/inlamning", data={"fil": (io.BytesIO(b"{}"), "rapport.json")})
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["error"]
    after = sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []
    assert [p for p in after if p != ".incoming"] == [p for p in before if p != ".incoming"]
    assert not any((uploads / ".incoming").glob("*"))  # the parts read for the token: gone


# -- tokens -----------------------------------------------------------------------------------


def test_a_bearer_token_signs_a_script_in_and_a_wrong_or_removed_one_does_not(app, store, kommun):
    client = app.server.test_client()
    token = store.new_token(kommun)

    def jobs(value: str):
        return client.get("/api/inlamning", headers={"Authorization": f"Bearer {value}"})

    ok = jobs(token)
    assert ok.status_code == 200 and ok.get_json()["jobs"] == []
    assert ok.headers["Cache-Control"] == "private, no-store"
    assert jobs(token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 401
    assert jobs("bf_" + "0" * 43).status_code == 401
    assert jobs("").status_code == 401
    assert client.get("/api/inlamning", headers={"Authorization": token}).status_code == 401
    assert not signed_in(client)  # a token is asked for per request: nothing is remembered
    store.remove(kommun)
    removed = jobs(token)
    assert removed.status_code == 401
    assert removed.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_viewer_token_may_not_upload(app, store):
    store.add("lasare-token", "viewer", PASSWORD)
    token = store.new_token("lasare-token")
    client = app.server.test_client()
    response = client.get("/api/inlamning", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_the_users_file_holds_no_password_or_token(site, store):
    store.add("hemlig", "coordinator", "ett-hemligt-losenord-42")
    token = store.new_token("hemlig")
    text = (site[2] / "users.toml").read_text(encoding="utf-8")
    assert "ett-hemligt-losenord-42" not in text
    assert token not in text and token[3:] not in text
    assert hashlib.sha256(token.encode()).hexdigest() in text  # kept as its hash only
    assert "$argon2id$" in text
    assert os.stat(site[2] / "users.toml").st_mode & 0o077 == 0  # readable by the owner only


# -- the command line -------------------------------------------------------------------------


def users(users_file: Path, *args: str, password: str | None = None):
    """``python -m dashboard users ...`` as an administrator runs it, the password on stdin."""
    env = {**os.environ, "BF_USERS_FILE": str(users_file)}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "users", *args],
        input="" if password is None else password + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_users_add_reads_the_password_from_stdin_and_the_account_signs_in(app, site, client):
    added = users(
        site[2] / "users.toml", "add", "cli-lasare", "--role", "viewer", password=PASSWORD
    )
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    response = sign_in(client, "cli-lasare", PASSWORD)
    assert response.status_code == 302
    assert client.get("/inlamning").status_code == 403  # signed in, as a viewer


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (("add", "cli-kort", "--role", "viewer"), "kort", "minst 10 tecken"),
        (("add", "cli-utan-kod", "--role", "kommun"), PASSWORD, "--kommun"),
        (("add", "cli-fel-kod", "--role", "kommun", "--kommun", "12"), PASSWORD, "12"),
        (("add", "cli-okand", "--role", "admin"), PASSWORD, "okänd roll"),
        (("add", "cli-lasare-kod", "--role", "viewer", "--kommun", "0180"), PASSWORD, "--kommun"),
    ],
)
def test_users_add_refuses_what_is_not_an_account(tmp_path, args, password, says):
    users_file = tmp_path / "users.toml"
    result = users(users_file, *args, password=password)
    assert result.returncode == 2
    assert says in " ".join(result.stderr.split())
    assert UserStore(users_file).get(args[1]) is None


def test_users_token_prints_a_token_that_signs_a_script_in(app, site):
    users_file = site[2] / "users.toml"
    added = users(
        users_file, "add", "cli-kommun", "--role", "kommun", "--kommun", "0180", password=PASSWORD
    )
    assert added.returncode == 0, added.stderr
    printed = users(users_file, "token", "cli-kommun")
    assert printed.returncode == 0, printed.stderr
    token = printed.stdout.strip()
    assert re.fullmatch(r"bf_[A-Za-z0-9_-]{43}", token)
    client = app.server.test_client()
    response = client.get("/api/inlamning", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert users(users_file, "token", "cli-nobody").returncode == 1


def test_users_list_shows_no_hash_or_token(site, store):
    users_file = site[2] / "users.toml"
    store.add("cli-listad", "coordinator", PASSWORD)
    token = store.new_token("cli-listad")
    listed = users(users_file, "list")
    assert listed.returncode == 0, listed.stderr
    assert "cli-listad" in listed.stdout
    text = listed.stdout + listed.stderr
    assert "argon2" not in text and "$" not in text
    assert token not in text
    assert not re.search(r"[0-9a-f]{32}", text)  # no SHA-256 of a token, nor of anything else


def test_there_is_no_way_to_give_the_password_as_an_argument(tmp_path):
    users_file = tmp_path / "users.toml"
    helped = users(users_file, "add", "--help")
    assert helped.returncode == 0
    options = set(re.findall(r"--[a-z][a-z-]*", helped.stdout))
    assert options == {"--role", "--kommun", "--help"}
    for flag in ("--password", "-p"):
        tried = users(users_file, "add", "cli-arg", "--role", "viewer", flag, PASSWORD)
        assert tried.returncode == 2
        assert UserStore(users_file).get("cli-arg") is None
