"""Signing in and sending files in the browser, as a municipal reporter does it.

The tests have a server of their own (gunicorn, two workers) over a small warehouse of their own
(one valid report for Upplands Väsby, 2024) with one account, ``anna``, reporting for 0114, so
the session's demo server and the other tests keep reading what they expect. The reporter opens
Lämna filer without being signed in and is sent to the sign-in form; a wrong password is refused
with a Swedish alert; signing in by keyboard leads back to Lämna filer, where a valid report is
read in ("Klart", "Inläst") and another municipality's report is rejected with the reason named.
axe-core finds nothing moderate or worse on the sign-in form (also showing its error) nor on the
page after an upload. Signing out ends the session: Lämna filer asks for a sign-in again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import Server, marts, wait_settled
from playwright.sync_api import expect
from test_pages import severe_violations

from dashboard.security.users import UserStore
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

USER = "anna"
PASSWORD = "ett-langt-losenord-1"
KOMMUN = "0114"
DONE_WAIT_MS = 45_000  # the runner starts a process and publishes a version: a few seconds


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory):
    from pipelines.ingest import ingest

    root = tmp_path_factory.mktemp("sign_in_upload")
    inbox = root / "inbox"
    inbox.mkdir()
    first = inbox / "rapport_0114_2024.json"
    first.write_text((FIXTURES / "report_valid.json").read_text(encoding="utf-8"), "utf-8")
    result = ingest([first], root / "warehouse", inbox)
    assert [f["status"] for f in result.files] == ["loaded"]
    UserStore(root / "users.toml").add(USER, "kommun", PASSWORD, KOMMUN)
    env = {
        "BF_USERS_FILE": str(root / "users.toml"),
        "BF_AUDIT_LOG": str(root / "audit.log"),
        "BF_UPLOAD_DIR": str(root / "uploads"),
        "BF_PUBLIC": "1",
    }
    srv = Server(root / "warehouse", root / "server.log", env=env).start()
    try:
        yield srv
    finally:
        srv.stop()


def report_file(folder: Path, name: str, code: str, year: int) -> Path:
    data = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
    data.update(municipality_code=code, reporting_year=year)
    data.pop("submitted_at", None)
    data["funded_projects"] = []
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def audit_events(srv: Server) -> list[dict]:
    path = Path(srv.log_path).parent / "audit.log"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def not_found_paths(srv: Server) -> list[str]:
    """Paths the server answered 404 (its access log): none is expected (the sign-in and sign-out
    pages name the app's icon, so Chromium does not guess ``/favicon.ico``)."""
    lines = Path(srv.log_path).read_text("utf-8", errors="replace").splitlines()
    found = (re.search(r'"[A-Z]+ (\S+) HTTP/[\d.]+" 404 ', line) for line in lines)
    return [m.group(1) for m in found if m]


def assert_clean(log, srv: Server, *expected: str) -> None:
    """No page error, no console error but ``expected`` ones, and no path answered 404."""
    assert log.page_errors == []
    assert [m for m in log.console_errors if not m.endswith(tuple(expected))] == []
    assert not_found_paths(srv) == []


def tab_to(page, element_id: str, most: int = 12) -> int:
    """Press Tab until ``element_id`` has the focus; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == (
            element_id
        ):
            return presses
    raise AssertionError(f"#{element_id} not reached with {most} presses of Tab")


def wait_for_dash(page) -> None:
    page.wait_for_selector("#_pages_content h1")
    page.wait_for_load_state("networkidle")
    wait_settled(page)


def outcome_rows(page) -> list[list[str]]:
    rows = page.locator("#table-upload-outcome tbody tr")
    return [
        [c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def send(page, path: Path) -> None:
    page.set_input_files("#up-files", str(path))
    page.get_by_role("button", name="Skicka").click()


def test_sign_in_by_keyboard_then_send_a_report_and_a_wrong_one(
    upload_server, page, browser_log, tmp_path
):
    url = upload_server.url

    # Not signed in: Lämna filer sends the reporter to the sign-in form, to come back afterwards.
    page.goto(url + "/inlamning")
    parts = urlsplit(page.url)
    assert parts.path == "/logga-in"
    assert parse_qs(parts.query)["next"] == ["/inlamning"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    assert severe_violations(page) == []

    # A wrong password, typed by keyboard: refused with a Swedish alert, the name kept.
    assert tab_to(page, "namn") <= 4  # skip link, the site's name, the language, the name field
    page.keyboard.type(USER)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "losenord"
    page.keyboard.type("fel-losenord-123")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Fel användarnamn eller lösenord.")
    assert alert.get_attribute("id") == "login-error"
    assert page.get_attribute("#namn", "aria-describedby") == "login-error"
    assert page.input_value("#namn") == USER
    assert page.input_value("#losenord") == ""
    assert severe_violations(page) == []

    # The right one: back on Lämna filer, signed in.
    tab_to(page, "losenord")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(url + "/inlamning")
    wait_for_dash(page)
    assert page.inner_text("#_pages_content h1") == "Lämna filer"
    assert "Du lämnar årsrapporter för Upplands Väsby (0114)" in page.inner_text("#up-who")
    expect(page.locator("#account-link")).to_have_text("Logga ut (anna)")
    expect(page.locator("#up-files")).to_be_attached()

    # A valid report of the account's own municipality is read in and published.
    ((before,),) = marts(upload_server.warehouse, "select version from meta")
    send(page, report_file(tmp_path, "rapport_0114_2025.json", KOMMUN, 2025))
    status = page.locator("#up-status")
    expect(status).to_contain_text("Klart", timeout=DONE_WAIT_MS)
    assert page.get_attribute("#up-status", "role") == "status"
    assert status.inner_text() == (
        "Klart: 1 av 1 filer inlästa, 0 avvisade. "
        f"Version {before + 1} av lägesbilden är publicerad."
    )
    expect(page.locator("#table-upload-outcome")).to_be_visible()
    ((name, outcome, code, year, reasons),) = outcome_rows(page)
    assert (name, outcome, code, year) == ("rapport_0114_2025.json", "Inläst", KOMMUN, "2025")
    assert reasons == ""
    # the list of the account's uploads has it too, without a reload
    expect(page.locator("#table-upload-jobs")).to_contain_text("rapport_0114_2025.json")
    assert marts(
        upload_server.warehouse,
        "select status, municipality_code, year from mart_submissions where file_name = ?",
        ["rapport_0114_2025.json"],
    ) == [("loaded", KOMMUN, 2025)]

    # Another municipality's report: rejected, with the reason naming both municipalities.
    send(page, report_file(tmp_path, "rapport_stockholm_2025.json", "0180", 2025))
    expect(status).to_contain_text("Klart: 0 av 1 filer inlästa, 1 avvisade", timeout=DONE_WAIT_MS)
    expect(page.locator("#table-upload-outcome")).to_contain_text("rapport_stockholm_2025.json")
    ((name, outcome, code, year, reasons),) = outcome_rows(page)
    assert (name, outcome, code, year) == ("rapport_stockholm_2025.json", "Avvisad", "0180", "2025")
    assert (
        "rapporten gäller kommun 0180 (Stockholm), men kontot får bara lämna rapporter för "
        "0114 (Upplands Väsby)"
    ) in reasons
    assert page.input_value("#up-files") == ""  # ready for the next file
    wait_settled(page)
    assert severe_violations(page) == []

    sent = [(e["user"], e["file"]) for e in audit_events(upload_server) if e["event"] == "upload"]
    assert sent == [(USER, "rapport_0114_2025.json"), (USER, "rapport_stockholm_2025.json")]
    failed = [e["user"] for e in audit_events(upload_server) if e["event"] == "sign_in_failed"]
    assert failed == [USER]
    # The one failed request was the refused sign-in (401), which the browser logs as an error.
    assert browser_log.failed_requests == [f"POST {url}/logga-in?next=/inlamning: 401"]
    assert_clean(browser_log, upload_server, "status of 401 (UNAUTHORIZED)")


def test_sign_out_ends_the_session(upload_server, page, browser_log):
    url = upload_server.url
    page.goto(url + "/logga-in?next=/inlamning")
    page.fill("#namn", USER)
    page.fill("#losenord", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(url + "/inlamning")
    wait_for_dash(page)

    # The menu's "Logga ut (anna)" leads to the sign-out form, which asks first.
    link = page.locator("#account-link a")
    expect(link).to_have_text("Logga ut (anna)")
    link.click()
    page.wait_for_url(url + "/logga-ut")
    expect(page.get_by_text("Logga ut anna?")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()
    assert urlsplit(page.url).path == "/"
    wait_for_dash(page)
    expect(page.locator("#account-link")).to_have_text("Logga in")

    # Signed out: Lämna filer asks for a sign-in again; the upload API refuses the old session.
    page.goto(url + "/inlamning")
    assert urlsplit(page.url).path == "/logga-in"
    answer = page.request.post(url + "/api/inlamning", multipart={"fil": "x"})
    assert answer.status == 401
    assert "logga in först" in answer.json()["error"]
    events = [e["event"] for e in audit_events(upload_server) if e.get("user") == USER]
    assert events[-2:] == ["sign_in", "sign_out"]
    assert browser_log.failed_requests == []
    assert_clean(browser_log, upload_server)
