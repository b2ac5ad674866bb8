"""The app on a phone (390 x 844, the width of a common phone): nothing runs off the right edge,
the navigation folds behind a "Meny" button that mouse, touch and keyboard open and close, and
axe finds nothing with the menu open or closed. At 1280 px the links stand in the bar as before.

The pages are every page of the navigation (read from the served links, which are built from
``dash.page_registry``), so a new page is checked as soon as it registers.
"""

from __future__ import annotations

import re

import pytest
from browser_support import open_page, wait_settled
from test_pages import registry_paths, severe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}

OVERFLOW_JS = """() => ({
    scroll: document.documentElement.scrollWidth,
    // what reaches past the right edge, to say where an overflow comes from
    culprits: [...document.querySelectorAll('body *')]
        .filter(el => el.getClientRects().length
            && el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
            && !el.closest('.table-scroll, .js-plotly-plot'))
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className ? '.' + el.className : '')),
})"""
ACTIVE_JS = """() => {
    const el = document.activeElement;
    return {id: el.id, tag: el.tagName, text: el.textContent.trim(),
            inMenu: !!el.closest('#nav-links')};
}"""


@pytest.fixture
def phone(browser):
    """A page in a phone-sized, touch-capable browser (the viewport meta tag applies)."""
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="sv-SE")
    yield ctx
    ctx.close()


@pytest.fixture
def phone_page(phone, browser_log):
    pg = phone.new_page()
    browser_log.attach(pg)
    return pg


def axe_findings(page) -> list[str]:
    """``severe_violations`` once the page is still: a map kept as a picture for print
    (``img.map-print``, assets/app.js) is drawn a second time, off screen, 600 ms after each
    drawing, and axe run during that second drawing sees two maps and one outside any landmark."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.map-print[data-map]')]"
        ".every(img => img.hasAttribute('data-ready'))"
    )
    return severe_violations(page)


def assert_no_horizontal_scroll(page, where: str) -> None:
    found = page.evaluate(OVERFLOW_JS)
    assert found["scroll"] <= PHONE["width"], f"{where}: {found}"


def menu_state(page) -> dict:
    return page.evaluate(
        """() => {
            const b = document.getElementById('nav-toggle');
            const links = [...document.querySelectorAll('#nav-links a')];
            return {
                expanded: b.getAttribute('aria-expanded'),
                controls: b.getAttribute('aria-controls'),
                buttonShown: b.getClientRects().length > 0,
                linksShown: links.map(a => a.getClientRects().length > 0),
            };
        }"""
    )


def test_every_page_fits_a_phone_and_its_menu_opens(server, phone_page, browser_log):
    page = phone_page
    paths = registry_paths(page, server.url)
    assert len(paths) >= 4
    for path in paths:
        open_page(page, server.url + path)
        # one navigation landmark in the header, and it is labelled
        assert page.eval_on_selector_all(
            "header nav", "navs => navs.map(n => n.getAttribute('aria-label'))"
        ) == ["Huvudmeny"], path
        assert_no_horizontal_scroll(page, f"{path}, menu closed")

        # Closed: a visible button named "Meny" that controls the hidden links.
        button = page.get_by_role("button", name="Meny", exact=True)
        assert button.is_visible(), path
        state = menu_state(page)
        assert state["expanded"] == "false" and state["controls"] == "nav-links", path
        assert not any(state["linksShown"]), path
        # the title and the language switch are on screen too
        for selector in ("#brand", "#lang", "#nav-toggle"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
        assert axe_findings(page) == [], f"{path}, menu closed"

        # Open: every link shown, inside the screen, the current page marked.
        button.click()
        state = menu_state(page)
        assert state["expanded"] == "true", path
        assert all(state["linksShown"]) and len(state["linksShown"]) == len(paths), path
        for link in page.locator("#nav-links a").all():
            assert link.is_visible()
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], path
        current = page.eval_on_selector("#nav-links [aria-current=page] a", "a => a.pathname")
        assert current == path
        assert_no_horizontal_scroll(page, f"{path}, menu open")
        assert axe_findings(page) == [], f"{path}, menu open"

        # The button closes it again.
        button.click()
        assert menu_state(page)["expanded"] == "false"
        assert not any(menu_state(page)["linksShown"])
    browser_log.assert_clean()


def test_the_menu_works_from_the_keyboard(server, phone_page, browser_log):
    page = phone_page
    open_page(page, server.url + "/")
    links = page.eval_on_selector_all("#nav-links a", "as => as.map(a => a.pathname)")

    # From the top: the skip link, the title, then the menu button.
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(ACTIVE_JS)["id"])
    assert stops == ["skip-link", "brand", "nav-toggle"]

    # Enter opens; Tab walks the links in order, each one visible when it has the focus.
    page.keyboard.press("Enter")
    assert menu_state(page)["expanded"] == "true"
    for path in links:
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_JS)
        assert active["inMenu"], active
        assert page.evaluate("() => document.activeElement.pathname") == path
        assert page.evaluate("() => document.activeElement.getClientRects().length > 0")
    # after the last link come the sign-in link and the language switch
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_JS)["id"] == "account-action"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_JS)["id"] == "lang"

    # Escape from inside the menu closes it and gives the focus back to the button.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(ACTIVE_JS)["inMenu"]
    page.keyboard.press("Escape")
    assert menu_state(page)["expanded"] == "false"
    assert not any(menu_state(page)["linksShown"])
    assert page.evaluate(ACTIVE_JS)["id"] == "nav-toggle"

    # Space opens it too; closed, Tab goes from the button straight to the sign-in link.
    page.keyboard.press("Space")
    assert menu_state(page)["expanded"] == "true"
    page.keyboard.press("Escape")
    assert page.evaluate(ACTIVE_JS)["id"] == "nav-toggle"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_JS)["id"] == "account-action"
    page.keyboard.press("Shift+Tab")

    # Following a link: the new page opens, the menu closes and the focus is on the button
    # (not lost to <body> with the hidden link).
    page.keyboard.press("Enter")
    target = links[-1]
    for _ in links:
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.pathname") == target:
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(target) + r"(\?|$)"))
    page.wait_for_selector("#_pages_content h1")
    wait_settled(page)
    assert menu_state(page)["expanded"] == "false"
    assert page.evaluate(ACTIVE_JS)["id"] == "nav-toggle"
    current = page.eval_on_selector("#nav-links [aria-current=page] a", "a => a.pathname")
    assert current == target
    browser_log.assert_clean()


def test_the_menu_button_follows_the_language(server, phone_page, browser_log):
    page = phone_page
    open_page(page, server.url + "/")
    page.select_option("#lang", "en")
    page.wait_for_selector("#nav-toggle:has-text('Menu')")
    assert page.get_by_role("button", name="Menu", exact=True).is_visible()
    assert page.get_attribute("#main-nav", "aria-label") == "Main menu"
    assert_no_horizontal_scroll(page, "English")
    page.get_by_role("button", name="Menu", exact=True).click()
    assert_no_horizontal_scroll(page, "English, menu open")
    assert page.get_by_role("link", name="Overview").is_visible()
    browser_log.assert_clean()


def test_wide_screen_shows_the_links_without_a_button(server, page, browser_log):
    page.set_viewport_size(WIDE)
    open_page(page, server.url + "/")
    state = menu_state(page)
    assert not state["buttonShown"]
    assert len(state["linksShown"]) >= 4 and all(state["linksShown"])
    # the links stand in one row of the bar, beside the title
    boxes = page.eval_on_selector_all(
        "#nav-links a",
        "as => as.map(a => [a.getBoundingClientRect().top, a.getBoundingClientRect().bottom])",
    )
    assert max(top for top, _ in boxes) < min(bottom for _, bottom in boxes), boxes
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDE["width"]
    browser_log.assert_clean()


def test_sign_in_and_lamna_filer_fit_a_phone(server, phone_page, browser_log, coordinator_account):
    """The pages behind sign-in are not in the public menu the test above walks: the sign-in
    form, and Lämna filer with its audit log for a coordinator, on a phone."""
    page = phone_page
    name, password = coordinator_account
    page.goto(server.url + "/logga-in?next=/inlamning")
    assert_no_horizontal_scroll(page, "/logga-in")
    assert severe_violations(page) == [], "/logga-in"
    page.fill("#namn", name)
    page.fill("#losenord", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("#up-form #up-files")
    wait_settled(page)
    assert page.inner_text("#_pages_content h1") == "Lämna filer"
    assert page.locator("#up-audit").count() == 1  # a coordinator's page, audit log included
    assert_no_horizontal_scroll(page, "/inlamning")
    assert axe_findings(page) == [], "/inlamning"
    assert "/inlamning" in page.eval_on_selector_all(
        "#nav-links a", "as => as.map(a => a.pathname)"
    )
    browser_log.assert_clean()
