"""Sessions and sign-in throttling over real HTTP: two app servers (gunicorn, two workers each)
over one directory of accounts, as the reference cluster runs them.

Each server is ``python -m dashboard`` (``dashboard.serving.cluster.Server``) with ``BF_TRUSTED_PROXIES=1``,
so a test names the client's address in ``X-Forwarded-For`` as haproxy would. Requests go to
both servers in turn, so a session ended or a failure counted in one worker must hold in every
other. The only thing moved by hand is the clock of a slowed account (its ``next_at``), to show
the next minute's attempt without waiting a minute.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import sqlite3
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from dashboard.security import audit
from dashboard.security.auth import LIMITS
from dashboard.security.users import UserStore
from dashboard.serving.cluster import Server

PASSWORD = "ett-tillrackligt-langt-losenord"
WRONG = "fel-losenord-123"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_addresses = itertools.count(1)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def served(tiny_warehouse, tmp_path_factory):
    """Two servers over one accounts file (and so one sign-in file), audit log and uploads."""
    root = tmp_path_factory.mktemp("signin_http")
    env = {
        "BF_USERS_FILE": str(root / "users.toml"),
        "BF_AUDIT_LOG": str(root / "audit.log"),
        "BF_UPLOAD_DIR": str(root / "uploads"),
        "BF_TRUSTED_PROXIES": "1",
        "WEB_CONCURRENCY": "2",
    }
    UserStore(root / "users.toml")  # the file is made by the first account
    servers = [Server(tiny_warehouse, root / f"app{i}.log", env=env) for i in (1, 2)]
    try:
        both(servers, Server.start)  # at once: each waits seconds for its workers
        yield [s.url for s in servers], root
    finally:
        both(servers, Server.stop)


def both(servers: list[Server], action) -> None:
    with ThreadPoolExecutor(len(servers)) as pool:
        for done in [pool.submit(action, server) for server in servers]:
            done.result()


@pytest.fixture
def urls(served) -> list[str]:
    return served[0]


@pytest.fixture
def root(served) -> Path:
    return served[1]


@pytest.fixture
def account(root) -> str:
    name = f"kommun-http-{next(_names)}"
    UserStore(root / "users.toml").add(name, "kommun", PASSWORD, "0180")
    return name


def address() -> str:
    return f"10.9.{next(_addresses)}.1"


class Browser:
    """One browser (its own cookies) at one address, talking to the servers it is given."""

    def __init__(self, url: str, addr: str | None = None) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = addr or address()

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.url + path, allow_redirects=False, timeout=30, **kw)

    def token(self, path: str = "/logga-in") -> str:
        found = TOKEN.search(self.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def sign_in(self, name: str, password: str, token: str | None = None) -> requests.Response:
        data = {"csrf_token": token or self.token(), "namn": name, "losenord": password}
        return self.http.post(self.url + "/logga-in", data=data, allow_redirects=False, timeout=30)

    def sign_out(self) -> requests.Response:
        data = {"csrf_token": self.token("/logga-ut")}
        return self.http.post(self.url + "/logga-ut", data=data, allow_redirects=False, timeout=30)


def anonymous(url: str, path: str, cookie: str | None = None) -> requests.Response:
    headers = {"Cookie": f"bf_session={cookie}"} if cookie else {}
    return requests.get(url + path, headers=headers, allow_redirects=False, timeout=30)


def session_keys(set_cookie: str) -> dict:
    """What a Flask session cookie holds (its payload is signed, not encrypted)."""
    value = set_cookie.split(";", 1)[0].split("=", 1)[1].strip('"')
    if not value:
        return {}
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def sessions_of(root: Path, account: str) -> int:
    with sqlite3.connect(root / "signins.sqlite") as db:
        query = "SELECT count(*) FROM sessions WHERE account = ?"
        return db.execute(query, (account,)).fetchone()[0]


def burst(attempts: list[tuple[Browser, str, str]]) -> list[int]:
    """Every attempt at once (tokens fetched first, then released together); their statuses."""
    tokens = [b.token() for b, _n, _p in attempts]
    start = threading.Barrier(len(attempts))
    statuses: list[int] = [0] * len(attempts)

    def post(i: int) -> None:
        browser, name, password = attempts[i]
        start.wait()
        statuses[i] = browser.sign_in(name, password, tokens[i]).status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


# -- sessions ---------------------------------------------------------------------------------


def test_a_copied_cookie_opens_nothing_after_sign_out(urls, root, account):
    browser = Browser(urls[0])
    assert browser.sign_in(account, PASSWORD).status_code == 302
    copied = browser.http.cookies["bf_session"]
    for url in urls:  # the session holds on every server and worker
        for _ in range(3):
            assert anonymous(url, "/inlamning", copied).status_code == 200
    assert sessions_of(root, account) == 1
    assert browser.sign_out().headers["Location"] == "/"
    assert sessions_of(root, account) == 0
    for url in urls:
        for path in ("/inlamning", "/api/inlamning", "/logga-in"):
            public = anonymous(url, path)
            for _ in range(3):  # every worker, and no replay brings it back
                replayed = anonymous(url, path, copied)
                assert replayed.status_code == public.status_code, path
                assert replayed.headers.get("Location") == public.headers.get("Location")
                # nothing refreshed: a session cookie in the answer (a deletion, or the
                # sign-in form's CSRF token as the public gets) names no account
                for cookie in replayed.raw.headers.getlist("Set-Cookie"):
                    if cookie.startswith("bf_session="):
                        assert set(session_keys(cookie)) <= {"csrf_token"}, cookie
    assert anonymous(urls[0], "/inlamning", copied).headers["Location"] == (
        "/logga-in?next=/inlamning"
    )
    assert anonymous(urls[1], "/api/inlamning", copied).status_code == 401
    assert sessions_of(root, account) == 0


def test_removing_an_account_ends_its_sessions_on_every_server(urls, root, account):
    browser = Browser(urls[0])
    assert browser.sign_in(account, PASSWORD).status_code == 302
    copied = browser.http.cookies["bf_session"]
    assert anonymous(urls[1], "/inlamning", copied).status_code == 200
    UserStore(root / "users.toml").remove(account)
    UserStore(root / "users.toml").add(account, "kommun", PASSWORD, "0180")  # same password
    for url in urls:
        assert anonymous(url, "/inlamning", copied).status_code == 302
    assert browser.sign_in(account, PASSWORD).status_code == 302  # a new session is fine


# -- throttling -------------------------------------------------------------------------------


def test_one_address_gets_five_failures_of_an_account_in_sequence(urls, account):
    browser = Browser(urls[0])
    statuses = [
        Browser(urls[i % 2], browser.http.headers["X-Forwarded-For"]).sign_in(account, WRONG)
        for i in range(8)
    ]
    assert [s.status_code for s in statuses] == [401] * 5 + [429] * 3
    assert statuses[-1].headers["Retry-After"]


def test_a_parallel_burst_from_one_address_gets_five_failures_through(urls, account):
    addr = address()
    statuses = burst([(Browser(urls[i % 2], addr), account, WRONG) for i in range(16)])
    assert sorted(statuses) == [401] * 5 + [429] * 11


def test_a_parallel_burst_from_one_address_over_many_accounts_gets_twenty(urls):
    addr = address()
    names = [f"okand-{next(_names)}" for _ in range(8)]  # 3 or 4 each: under five a name
    attempts = [(Browser(urls[i % 2], addr), names[i % 8], WRONG) for i in range(28)]
    assert sorted(burst(attempts)) == [401] * 20 + [429] * 8


def test_failing_on_purpose_from_many_addresses_slows_the_account_but_its_owner_gets_in(
    urls, root, account
):
    # the owner signed in from this browser before the attack: it is known to the account
    owner = Browser(urls[0])
    assert owner.sign_in(account, PASSWORD).status_code == 302
    assert owner.sign_out().status_code == 302
    # 30 attackers at once, each from an address of its own (under five from any address)
    statuses = burst([(Browser(urls[i % 2]), account, WRONG) for i in range(30)])
    assert sorted(statuses) == [401] * LIMITS.per_account + [429] * 10
    # more, one by one: each refused at once, told to come back within the minute
    late = Browser(urls[1]).sign_in(account, WRONG)
    assert late.status_code == 429
    assert 0 < int(late.headers["Retry-After"]) <= LIMITS.interval
    # the owner's known browser, at a new address, signs in at once with the right password
    owner.http.headers["X-Forwarded-For"] = address()
    assert owner.sign_in(account, PASSWORD).status_code == 302
    assert owner.get("/inlamning").status_code == 200
    # a new browser of the owner waits for the account's next minute, then gets in
    new = Browser(urls[1])
    waiting = new.sign_in(account, PASSWORD)
    assert waiting.status_code == 429 and "s." in waiting.text
    with sqlite3.connect(root / "signins.sqlite") as db:  # the clock, a minute on
        db.execute("UPDATE slowed SET next_at = ? WHERE account = ?", (time.time(), account))
    assert new.sign_in(account, PASSWORD).status_code == 302
    # and the attacker, a minute on, gets one attempt a minute, not more
    with sqlite3.connect(root / "signins.sqlite") as db:
        db.execute("UPDATE slowed SET next_at = ? WHERE account = ?", (time.time(), account))
    again = burst([(Browser(urls[i % 2]), account, WRONG) for i in range(6)])
    assert sorted(again) == [401] + [429] * 5
    refused = [
        e
        for e in audit.latest(root / "audit.log", 5000)
        if e["event"] == "sign_in_throttled" and e["user"] == account
    ]
    assert {e["reason"] for e in refused} == {"account"}


def test_the_owner_at_another_address_signs_in_while_an_attacker_keeps_failing(urls, account):
    attacker = address()
    stop = threading.Event()
    answers: list[int] = []

    def attack() -> None:
        browser = Browser(urls[0], attacker)
        while not stop.is_set():
            answers.append(browser.sign_in(account, WRONG).status_code)

    thread = threading.Thread(target=attack)
    thread.start()
    try:
        while len(answers) < 8:
            time.sleep(0.05)
        owner = Browser(urls[1])  # a browser that never signed in, at its own address
        assert owner.sign_in(account, PASSWORD).status_code == 302
        assert owner.get("/inlamning").status_code == 200
    finally:
        stop.set()
        thread.join(30)
    assert answers.count(401) == 5 and set(answers) == {401, 429}


def test_a_known_browser_loses_its_standing_after_five_failures(urls, account):
    thief = Browser(urls[0])
    assert thief.sign_in(account, PASSWORD).status_code == 302  # its device cookie is genuine
    thief.sign_out()
    answers = []
    for _ in range(12):  # from a new address each time, so the address limits never apply
        thief.http.headers["X-Forwarded-For"] = address()
        answers.append(thief.sign_in(account, WRONG).status_code)
    # five as a known browser, then it counts as any new browser: toward the account's 20
    assert answers == [401] * 12
    statuses = burst([(Browser(urls[i % 2]), account, WRONG) for i in range(20)])
    assert sorted(statuses) == [401] * (LIMITS.per_account - 7) + [429] * 7
