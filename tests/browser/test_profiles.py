"""The profile pages in a real browser: the pickers open nothing until "Visa" is pressed, the focus
stays where the reader is, every figure's definition is one click away, and every chart is a
``<figure>`` whose ``<figcaption>`` names the table with the same numbers.
"""

from __future__ import annotations

import re

import pytest
from browser_support import open_page, show, wait_settled

pytestmark = pytest.mark.browser

ACTIVE = "() => document.activeElement.id"
STOCKHOLM = "/kommun?kod=0180&year=2024"


def test_arrow_keys_on_the_municipality_picker_open_nothing_until_visa(server, page, browser_log):
    open_page(page, server.url + STOCKHOLM)
    url = page.url
    page.focus("#mu-code")
    page.keyboard.press("ArrowDown")
    # A native select moves to the next option at once; give a (wrong) navigation time to start.
    page.wait_for_timeout(700)
    wait_settled(page)
    chosen = page.input_value("#mu-code")
    assert chosen != "0180"
    assert page.url == url
    assert page.evaluate(ACTIVE) == "mu-code"
    assert page.inner_text("#mu-title") == "Stockholm (0180)"

    # Tab to "Visa" (past the year) and press Enter: now the chosen profile opens ...
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE) == "mu-year"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE) == "mu-show"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/kommun\?kod={chosen}&year=2024$"))
    page.wait_for_selector(f"#mu-title:has-text('({chosen})')")
    # ... and the focus is back on the button, not lost to <body>.
    page.wait_for_function("() => document.activeElement.id === 'mu-show'")
    browser_log.assert_clean()


def test_the_year_alone_opens_nothing_either(server, page, browser_log):
    open_page(page, server.url + STOCKHOLM)
    page.select_option("#mu-year", "2023")
    page.wait_for_timeout(500)
    assert page.url.endswith(STOCKHOLM)
    show(page, "mu-show")
    page.wait_for_url(re.compile(r"/kommun\?kod=0180&year=2023$"))
    browser_log.assert_clean()


def test_region_pickers_and_sorting_keep_the_focus(server, page, browser_log):
    open_page(page, server.url + "/region?niva=lan&kod=01&year=2024")
    url = page.url
    # A new level lists its regions at once but opens nothing.
    page.select_option("#rg-level", "polisregion")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#rg-code option[value]:not([value=\"\"])')]"
        ".every(o => o.textContent.startsWith('Polisregion'))"
    )
    wait_settled(page)
    page.select_option("#rg-code", "Syd")
    page.select_option("#rg-year", "2023")
    page.wait_for_timeout(500)
    assert page.url == url
    assert page.inner_text("#rg-title") == "Stockholms län"

    show(page, "rg-show")
    page.wait_for_url(re.compile(r"/region\?niva=polisregion&kod=Syd&year=2023$"))
    page.wait_for_selector("#rg-title:has-text('Polisregion Syd')")
    page.wait_for_function("() => document.activeElement.id === 'rg-show'")

    # A sort header redraws the table sorted; the focus stays on that header.
    header = page.locator(".sort-button").nth(1)
    header.focus()
    sort_id = header.get_attribute("id")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sortera="))
    page.wait_for_selector("#rg-title")
    wait_settled(page)
    page.wait_for_function("id => document.activeElement.id === id", arg=sort_id)
    browser_log.assert_clean()


def test_definitions_are_one_click_away_on_the_profiles(server, page, browser_log):
    for path, uid in ((STOCKHOLM, "mu"), ("/region?niva=lan&kod=01&year=2024", "rg")):
        open_page(page, server.url + path)
        summary = page.locator(f"#{uid}-definitions > summary")
        assert summary.inner_text() == "Definitioner och källor"
        assert not page.is_visible(f"#{uid}-def-coordinator_fte")
        summary.focus()
        page.keyboard.press("Enter")
        assert page.is_visible(f"#{uid}-def-coordinator_fte")
        assert "årsarbetare" in page.inner_text(f"#{uid}-definitions")
    # English through the language switch.
    page.select_option("#lang", "en")
    page.wait_for_selector("#rg-definitions > summary:has-text('Definitions and sources')")
    assert page.inner_text("#rg-show") == "Show"
    browser_log.assert_clean()


CHARTS = [("/", ("ov-map", "ov-trend")), ("/region?niva=lan&kod=01&year=2024", ("rg-versus",))]


@pytest.mark.parametrize(("path", "graphs"), CHARTS)
def test_every_chart_is_a_figure_with_a_caption(server, page, browser_log, path, graphs):
    open_page(page, server.url + path)
    for graph in graphs:
        found = page.eval_on_selector(
            f"#{graph}",
            """el => {
                const figure = el.closest('figure');
                const caption = figure && figure.querySelector(':scope > figcaption');
                return {caption: caption ? caption.textContent : null, role: el.getAttribute('role'),
                        tables: [...document.querySelectorAll('table caption')]
                            .map(c => c.textContent)};
            }""",
        )
        assert found["caption"], graph
        assert found["role"] is None  # the map stays an interactive element, not an image
        # The caption names a table of the page that holds the same numbers.
        assert any(f"tabellen ”{t}”" in found["caption"] for t in found["tables"]), found
    browser_log.assert_clean()


def test_the_window_title_names_the_view_in_the_page_language(server, page, browser_log):
    open_page(page, server.url + STOCKHOLM)
    page.wait_for_function("() => document.title.startsWith('Stockholm (0180)')")
    assert page.title() == "Stockholm (0180) – Brottsförebyggande arbete"
    page.select_option("#lang", "en")
    page.wait_for_function("() => document.title.endsWith('Crime prevention')")
    assert page.title().startswith("Stockholm (0180)")
    open_page(page, server.url + "/region?niva=lan&kod=01&year=2024")
    page.wait_for_function("() => document.title.startsWith('Stockholms län')")
    browser_log.assert_clean()


def test_paging_to_the_last_page_by_keyboard_keeps_the_focus_in_the_pager(
    server, page, browser_log
):
    open_page(page, server.url + "/region?niva=lan&kod=12&year=2024")  # Skåne: 33 rows, 2 pages
    pager = page.locator(".table-pager").first  # the members table's, the first on the page
    nxt = pager.get_by_role("button", name="Nästa")
    nxt.focus()
    page.keyboard.press("Enter")
    pager.get_by_text("Rad 26–33 av 33").wait_for()
    wait_settled(page)
    # "Nästa" is disabled on the last page: the focus went to "Föregående", not to <body>.
    tag, text = page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.textContent]"
    )
    assert tag == "BUTTON" and "Föregående" in text
    browser_log.assert_clean()


def test_the_definition_buttons_say_whether_their_definition_is_open(server, page, browser_log):
    open_page(page, server.url + "/")
    first, second = (
        page.locator(".definition-button").nth(0),
        page.locator(".definition-button").nth(1),
    )
    assert first.get_attribute("aria-expanded") == "false"
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("body > .popover")
    assert first.get_attribute("aria-expanded") == "true"
    second.click()  # the first closes, the second opens
    page.wait_for_function(
        "() => document.querySelectorAll('.definition-button[aria-expanded=true]').length === 1"
    )
    assert (first.get_attribute("aria-expanded"), second.get_attribute("aria-expanded")) == (
        "false",
        "true",
    )
    second.click()
    page.wait_for_selector("body > .popover", state="detached")
    assert second.get_attribute("aria-expanded") == "false"
    browser_log.assert_clean()
