"""Every page loads with a clean console and passes axe-core without serious or critical findings
(the issue's bar), nor moderate ones (none are left, so a new one is a regression).

The pages are the ones a reader reaches: Översikt, a municipality's profile, a county and a police
region, and every page of ``dash.page_registry`` (read from the served navigation, which is built
from the registry). axe-core runs offline from the copy bundled with axe-playwright-python.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import open_page

pytestmark = pytest.mark.browser

# (path, the page's heading): the demo warehouse covers 2022-2025.
PAGES = [
    ("/", "Översikt"),
    ("/kommun?kod=0180&year=2024", "Stockholm (0180)"),
    ("/region?niva=lan&kod=01&year=2024", "Stockholms län"),
    ("/region?niva=polisregion&kod=Syd&year=2023", "Polisregion Syd"),
]
SEVERE = ("moderate", "serious", "critical")
# (rule id, node selector) -> the upstream issue, for findings inside library components that the
# app cannot work around. Empty: the app uses native selects, not Dash 4's Dropdown with its
# focusable aria-hidden input, and axe finds nothing serious in what remains.
UPSTREAM_EXCEPTIONS: dict[tuple[str, str], str] = {}


def registry_paths(page, base_url: str) -> list[str]:
    open_page(page, base_url + "/")
    hrefs = page.eval_on_selector_all("#nav-links a", "links => links.map(a => a.pathname)")
    assert {"/", "/kommun", "/region"} <= set(hrefs)
    return hrefs


def severe_violations(page) -> list[str]:
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in SEVERE:
            continue
        for node in violation["nodes"]:
            selector = " ".join(node["target"])
            if (violation["id"], selector) not in UPSTREAM_EXCEPTIONS:
                found.append(f"{violation['id']} ({violation['impact']}) at {selector}")
    return found


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_page_loads_clean_and_accessible(server, page, browser_log, path, heading):
    open_page(page, server.url + path)
    assert heading in page.inner_text("#_pages_content h1")
    assert "Demodata" in page.inner_text("#demo-banner")
    assert severe_violations(page) == []
    browser_log.assert_clean()


def test_every_registered_page_loads_clean_and_accessible(server, page, browser_log):
    for path in registry_paths(page, server.url):
        open_page(page, server.url + path)
        assert page.inner_text("#_pages_content h1").strip()
        # The navigation marks the current page, for screen readers too.
        current = page.eval_on_selector("#nav-links [aria-current=page] a", "a => a.pathname")
        assert current == path
        assert severe_violations(page) == [], path
    browser_log.assert_clean()
