"""The coordinator filters and pages the audit log on Lämna filer, in the browser.

A server of its own (gunicorn, two workers) over the tiny warehouse, with an audit log of a
rotated file and a current one. The coordinator signs in, chooses an event and part of an account
name, presses Visa: the URL carries the filter and the table shows only what matches; "Äldre"
pages on into the rotated file. axe-core finds nothing moderate or worse on the filtered page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import Server, query_of, wait_settled
from test_pages import severe_violations

from dashboard.security.users import UserStore
from tests.dashboard import tiny_warehouse

pytestmark = pytest.mark.browser

USER = "granskande-samordnare"
PASSWORD = "ett-langt-losenord-for-loggen"


def _line(at: str, event: str, **fields) -> str:
    return json.dumps({"at": at, "event": event, **fields}, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def audit_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit_page")
    tiny_warehouse.build(root / "warehouse")
    UserStore(root / "users.toml").add(USER, "coordinator", PASSWORD)
    log = root / "audit.log"
    Path(f"{log}.1").write_text(
        "".join(
            _line(f"2025-05-{d:02}T07:00:00.000000Z", "sign_in_failed", user="bertil", address="x")
            for d in range(1, 29)
        ),
        "utf-8",
    )
    log.write_text(
        "".join(
            _line(f"2026-02-{d:02}T07:00:00.000000Z", "sign_in_failed", user="bertil", address="y")
            for d in range(1, 11)
        )
        + _line("2026-02-11T07:00:00.000000Z", "upload", user="cecilia", file="a.json"),
        "utf-8",
    )
    env = {
        "BF_USERS_FILE": str(root / "users.toml"),
        "BF_AUDIT_LOG": str(log),
        "BF_UPLOAD_DIR": str(root / "uploads"),
        "BF_PUBLIC": "1",
    }
    srv = Server(root / "warehouse", root / "server.log", env=env).start()
    try:
        yield srv
    finally:
        srv.stop()


def _rows(page) -> list[list[str]]:
    rows = page.locator("#table-upload-audit tbody tr")
    return [
        [c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def test_the_coordinator_filters_and_pages_the_audit_log(audit_server, page, browser_log):
    page.goto(audit_server.url + "/logga-in?next=/inlamning")
    page.fill("#namn", USER)
    page.fill("#losenord", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("#up-audit #table-upload-audit")
    wait_settled(page)
    assert len(_rows(page)) == 25  # the newest page of every file

    page.select_option("#up-audit-event", "sign_in_failed")
    page.fill("#up-audit-user", "BERT")
    page.click("#up-audit-show")
    page.wait_for_url("**handelse=sign_in_failed**")
    page.wait_for_selector("#up-audit-older")
    wait_settled(page)
    assert query_of(page.url) == {"handelse": "sign_in_failed", "konto": "BERT"}
    first = _rows(page)
    assert len(first) == 25 and {r[2] for r in first} == {"bertil"}
    assert first[0][0].startswith("2026-02-10")
    assert page.input_value("#up-audit-user") == "BERT"
    assert severe_violations(page) == [], "/inlamning, filtered"

    page.click("#up-audit-older")
    page.wait_for_url("**sida=2**")
    page.wait_for_selector("#up-audit-newer")
    wait_settled(page)
    second = _rows(page)
    # 38 failures in all, 10 in the current file and 28 in the rotated one
    assert len(second) == 13 and second[-1][0].startswith("2025-05-01")
    assert page.locator("#up-audit-older").count() == 0
    browser_log.assert_clean()
