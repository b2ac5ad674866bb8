"""The browser group: one real server and Debian's Chromium (Playwright) for the whole session.

The server runs over the pipelines' seeded demo warehouse (``demo_warehouse``). Each test gets a
fresh browser context (no cookies, no localStorage) and a page whose console errors, page errors
and failed requests land in ``browser_log``. Nothing goes to the network: Chromium is started with
the flags that stop its background traffic, and the app needs no CDN.

Chromium is the one Debian installs (``make setup-browser``); ``playwright install`` is never run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, BrowserLog, Server


@pytest.fixture(scope="session")
def server(demo_warehouse, tmp_path_factory) -> Iterator[Server]:
    """The dashboard served over the demo warehouse for the whole session."""
    srv = Server(demo_warehouse, tmp_path_factory.mktemp("server") / "server.log").start()
    try:
        srv.wait_for_brotli()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (make setup-browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="sv-SE")
    yield ctx
    ctx.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(context, browser_log):
    """A fresh page whose console, errors and failed requests are collected in ``browser_log``."""
    pg = context.new_page()
    browser_log.attach(pg)
    return pg


@pytest.fixture(scope="session")
def viewer_account() -> tuple[str, str]:
    """A viewer in the served app's accounts file (``BF_USERS_FILE``, set for the test run)."""
    from dashboard.security.users import UserStore, users_file_from_env

    store = UserStore(users_file_from_env())
    name, password = "webblasare", "ett-langt-losenord-for-test"
    if store.get(name) is None:
        store.add(name, "viewer", password)
    return name, password


@pytest.fixture(scope="session")
def coordinator_account() -> tuple[str, str]:
    """A coordinator in the served app's accounts file (sees Lämna filer and the audit log)."""
    from dashboard.security.users import UserStore, users_file_from_env

    store = UserStore(users_file_from_env())
    name, password = "webbsamordnare", "ett-langt-losenord-for-test"
    if store.get(name) is None:
        store.add(name, "coordinator", password)
    return name, password


@pytest.fixture
def viewer_page(server, page, viewer_account):
    """``page``, signed in as a viewer through the real form (who may see every file and reason)."""
    name, password = viewer_account
    page.goto(server.url + "/logga-in")
    page.fill("#namn", name)
    page.fill("#losenord", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page
