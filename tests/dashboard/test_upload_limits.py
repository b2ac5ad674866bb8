"""Limits on uploads: the daily quota per account, who may wait with ``?vanta=1`` and for how long,
and what an upload's audit entries say about its sender.

Two apps over one upload directory and one audit log stand for two workers (or two servers
sharing the directory): the quota is counted from the job records, so what one app accepted
counts in the other; the waiting place of an account is a lock file there, so it is one across
the two. The waits are tested with the warehouse's writer lock held by the test, so the jobs stay
queued (their runner waits for the lock) and the wait bound is lowered to a second and a half. The quota is set low through ``BF_UPLOAD_QUOTA_FILES`` and
``BF_UPLOAD_QUOTA_MB`` (4 files, 0.05 MB for a municipal reporter; a coordinator gets five times
that), so the test sends a handful of small files. Most are refused on receipt (a name with a
folder), which makes no runner start: they were sent all the same, so they count. One valid report
is stored and read, to show that stored files count too.
"""

from __future__ import annotations

import io
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sign_in import csrf_token, sign_in

from dashboard.intake import upload
from dashboard.security.users import UserStore
from pipelines import publish
from tests.conftest import FIXTURES

PASSWORD = "ett-langt-losenord-1"
KB = 1024
PROXY_CLIENT = "203.0.113.9"  # the client's address as the trusted proxy hands it on


@pytest.fixture(scope="module")
def site(tmp_path_factory, geo_dir):
    from dashboard.app import create_app

    root = tmp_path_factory.mktemp("quota")
    (root / "warehouse").mkdir()
    store = UserStore(root / "users.toml")
    store.add("anna", "kommun", PASSWORD, "0114")
    store.add("olle", "kommun", PASSWORD, "0180")
    store.add("sam", "coordinator", PASSWORD)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BF_UPLOAD_QUOTA_FILES", "4")
        patch.setenv("BF_UPLOAD_QUOTA_MB", "0.05")
        patch.setenv("BF_TRUSTED_PROXIES", "1")
        apps = [
            create_app(
                root / "warehouse",
                geo_dir,
                public=True,
                users_file=root / "users.toml",
                audit_file=root / "audit.log",
                upload_dir=root / "uploads",
            ).server
            for _ in range(2)
        ]
    yield {
        "apps": apps,
        "warehouse": root / "warehouse",
        "uploads": root / "uploads",
        "audit": root / "audit.log",
        "store": store,
        "tokens": {name: store.new_token(name) for name in ("anna", "olle", "sam")},
    }
    deadline = time.monotonic() + 60  # the one valid report's runner: let it finish
    for job in (root / "uploads").glob("*/job.json"):
        while json.loads(job.read_text())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, "the runner did not finish"
            time.sleep(0.2)


def post(
    site, worker: int, user: str, files: list[tuple[str, bytes]], wait: bool = False, **headers
):
    client = site["apps"][worker].test_client()
    return client.post(
        "/api/inlamning" + ("?vanta=1" if wait else ""),
        data={"fil": [(io.BytesIO(data), name) for name, data in files]},
        headers={"Authorization": f"Bearer {site['tokens'][user]}", **headers},
    )


def refused_on_receipt(n: int, size: int = 100) -> list[tuple[str, bytes]]:
    return [(f"mapp/fil_{i}.json", b"x" * size) for i in range(n)]


def audit(site, event: str, user: str) -> list[dict]:
    lines = site["audit"].read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e["event"] == event and e["user"] == user]


def midnight() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def assert_quota_refusal(response, files: int, mb: str) -> dict:
    assert response.status_code == 429, response.get_json()
    answer = response.get_json()
    reset = midnight()
    assert f"högst {files} filer och {mb} per konto och dygn" in answer["error"]
    assert f"nollställs {reset:%Y-%m-%d %H:%M} UTC" in answer["error"]
    assert answer["quota"]["resets_at"] == f"{reset:%Y-%m-%dT%H:%M:%SZ}"
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 86400
    assert abs(wait - (reset - datetime.now(UTC)).total_seconds()) < 60
    return answer


def test_the_file_quota_holds_across_workers_and_each_refusal_is_recorded(site):
    report = (FIXTURES / "report_valid.json").read_bytes()
    first = post(site, 0, "anna", [("rapport.json", report), *refused_on_receipt(1)])
    assert first.status_code == 202, first.get_json()
    assert [f["refused"] is None for f in first.get_json()["files"]] == [True, False]

    # The other worker counts the first one's job: 2 sent + 3 would be 5 > 4.
    over = post(site, 1, "anna", refused_on_receipt(3))
    answer = assert_quota_refusal(over, 4, "51 kB")  # 0.05 MB
    assert "I dag har kontot skickat 2 filer" in answer["error"]
    assert "den här inlämningen: 3 filer" in answer["error"]
    assert answer["quota"]["files"] == 4 and answer["quota"]["sent_files"] == 2
    # Refused whole: no job, no stored bytes, nothing left in .incoming.
    assert len(list(site["uploads"].glob("*/job.json"))) == 1
    assert not any((site["uploads"] / ".incoming").glob("*"))
    (refusal,) = audit(site, "upload_refused", "anna")
    assert refusal["reason"] == "quota"
    assert refusal["files"] == ["mapp/fil_0.json", "mapp/fil_1.json", "mapp/fil_2.json"]
    assert (refusal["sent_files"], refusal["files_in_upload"]) == (2, 3)

    # Up to the limit is allowed; at it, the next upload is refused before its body is read.
    assert post(site, 1, "anna", refused_on_receipt(2)).status_code == 202
    at_limit = assert_quota_refusal(post(site, 0, "anna", refused_on_receipt(1)), 4, "51 kB")
    assert "I dag har kontot skickat 4 filer" in at_limit["error"]
    assert "den här inlämningen" not in at_limit["error"]
    assert [e["reason"] for e in audit(site, "upload_refused", "anna")] == ["quota", "quota"]
    assert audit(site, "upload_refused", "anna")[-1]["files"] is None  # the body was not read

    # Per account: another municipality's reporter and a coordinator (five times as much) send on.
    assert post(site, 0, "olle", refused_on_receipt(4)).status_code == 202
    assert post(site, 1, "sam", refused_on_receipt(19)).status_code == 202
    assert_quota_refusal(post(site, 0, "sam", refused_on_receipt(2)), 20, "0,2 MB")


def new_account(site, name: str) -> None:
    site["store"].add(name, "kommun", PASSWORD, "0114")
    site["tokens"][name] = site["store"].new_token(name)


def test_the_byte_quota_counts_every_file_sent(site):
    new_account(site, "kim")
    assert post(site, 0, "kim", refused_on_receipt(1, 30 * KB)).status_code == 202
    over = post(site, 1, "kim", refused_on_receipt(1, 30 * KB))
    answer = assert_quota_refusal(over, 4, "51 kB")
    assert answer["quota"]["bytes"] == int(0.05 * 1024 * 1024)
    assert answer["quota"]["sent_bytes"] == 30 * KB
    assert (
        "I dag har kontot skickat 1 fil, 30 kB; den här inlämningen: 1 fil, 30 kB"
        in (answer["error"])
    )
    assert post(site, 1, "kim", refused_on_receipt(1, 10 * KB)).status_code == 202


def test_upload_entries_name_the_address_and_whether_a_session_or_a_token_sent_it(site):
    new_account(site, "eva")
    by_token = post(site, 0, "eva", refused_on_receipt(1), **{"X-Forwarded-For": PROXY_CLIENT})
    assert by_token.status_code == 202

    browser = site["apps"][1].test_client()
    assert sign_in(browser, "eva", PASSWORD).status_code == 302
    by_session = browser.post(
        "/api/inlamning",
        data={"fil": [(io.BytesIO(b"{}"), "a/b.json")]},
        headers={
            "X-CSRFToken": csrf_token(browser, "/logga-ut"),
            "X-Forwarded-For": "198.51.100.4",
        },
    )
    assert by_session.status_code == 202, by_session.get_json()
    # Over the quota now (2 of 4 files... then 3 more): the refusal names them as well.
    refused = post(site, 1, "eva", refused_on_receipt(3), **{"X-Forwarded-For": PROXY_CLIENT})
    assert refused.status_code == 429

    entries = [(e["address"], e["via"], e.get("job")) for e in audit(site, "upload", "eva")]
    assert entries == [
        (PROXY_CLIENT, "token", by_token.get_json()["id"]),
        ("198.51.100.4", "session", by_session.get_json()["id"]),
    ]
    (refusal,) = audit(site, "upload_refused", "eva")
    assert (refusal["address"], refusal["via"], refusal["reason"]) == (
        PROXY_CLIENT,
        "token",
        "quota",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", refusal["at"])


def timed_post(site, worker: int, user: str):
    started = time.monotonic()
    response = post(site, worker, user, [("rapport.json", b"{}")], wait=True)
    return response, time.monotonic() - started


def test_one_wait_per_account_and_two_per_process_the_others_answer_at_once(site, monkeypatch):
    monkeypatch.setattr(upload, "WAIT_SECONDS", 1.5)
    for name in ("vera", "ulf", "tor"):
        new_account(site, name)
    with publish.writer_lock(site["warehouse"]), ThreadPoolExecutor(3) as pool:
        # One account, two "workers": the account's place is taken by one; the other answers now.
        same = list(pool.map(lambda worker: timed_post(site, worker, "vera"), (0, 1)))
        # Three accounts on one worker process: two of them wait, the third answers now.
        three = list(pool.map(lambda user: timed_post(site, 0, user), ("vera", "ulf", "tor")))

    for answers, waiting in ((same, 1), (three, upload.WAITERS_PER_PROCESS)):
        waited = [r for r, seconds in answers if seconds >= 1.5]
        at_once = [r for r, seconds in answers if seconds < 1]
        assert (len(waited), len(at_once)) == (waiting, len(answers) - waiting), answers
        for response in waited + at_once:
            job = response.get_json()
            assert response.status_code == 202 and job["state"] == "queued"
            assert response.headers["Location"] == job["status_url"]
        for response in waited:
            assert "inte färdig efter 1.5 s; följ status_url" in response.get_json()["message"]
        for response in at_once:
            assert "servern väntar inte på den" in response.get_json()["message"]
