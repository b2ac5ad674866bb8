"""Översikt in a real browser: the year drives the KPI cards, the map opens profiles, the URL is a
permalink, downloads hold exactly the rows of the table, and the keyboard reaches every control.

Expected values come from the published marts (read-only DuckDB), never from the app's own code.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from browser_support import choose, click_map, marts, open_page

pytestmark = pytest.mark.browser

SHARE_KPIS = (
    "has_council",
    "has_coordinator",
    "has_agreement_in_force",
    "has_promises",
    "has_situation_report",
    "has_action_plan",
    "meets_legal_requirements",
)
KIRUNA = "2584"  # the largest municipality: a click near its centre cannot miss it


def nation(warehouse, year: int) -> dict:
    columns = ["reported", "municipalities", *(f"share_{k}" for k in SHARE_KPIS)]
    rows = marts(
        warehouse,
        f"select {', '.join(columns)} from mart_region_year where level = 'nation' and year = ?",
        [year],
    )
    return dict(zip(columns, rows[0], strict=True))


def years(warehouse) -> list[int]:
    first, last = marts(warehouse, "select first_year, last_year from meta")[0]
    return list(range(first, last + 1))


def expected_cards(row: dict) -> dict[str, str]:
    """What each card should say, in Swedish: "64 %" (a non-breaking space), "281 av 290"."""
    cards = {"has_report": f"{row['reported']} av {row['municipalities']}"}
    for key in SHARE_KPIS:
        share = row[f"share_{key}"]
        cards[key] = "–" if share is None else f"{round(share * 100)} %"
    return cards


def shown_cards(page) -> dict[str, str]:
    keys = ["has_report", *SHARE_KPIS]
    return {k: page.inner_text(f"#kpi-value-{k}").replace("\u00a0", " ").strip() for k in keys}


TABLE_JS = """table => {
    // A cell's text as a reader hears it: decorative icons (aria-hidden) left out.
    const text = cell => {
        const copy = cell.cloneNode(true);
        copy.querySelectorAll('[aria-hidden="true"]').forEach(n => n.remove());
        return copy.textContent.trim();
    };
    return {
        header: [...table.querySelectorAll('thead th')].map(text),
        rows: [...table.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(text)),
    };
}"""


def dom_table(page, table_id: str) -> dict:
    return page.eval_on_selector(f"#{table_id}", TABLE_JS)


def next_page(page, block: str) -> bool:
    """Turn the table in `block` to its next page; False when it has no (further) page."""
    pager = page.locator(f"{block} .table-pager")
    if not pager.count():
        return False
    button = pager.get_by_role("button", name="Nästa ›")
    if button.is_disabled():
        return False
    before = pager.inner_text()
    button.click()
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[f"{block} .table-pager", before],
    )
    return True


def whole_table(page, block: str, table_id: str) -> dict:
    """Every row of a paged table, read page by page as a user would see them."""
    shown = dom_table(page, table_id)
    rows = list(shown["rows"])
    while next_page(page, block):
        rows.extend(dom_table(page, table_id)["rows"])
    return {"header": shown["header"], "rows": rows}


def test_year_changes_the_kpi_cards_to_the_marts_values(server, page, browser_log):
    all_years = years(server.warehouse)
    open_page(page, server.url + "/")
    latest = nation(server.warehouse, all_years[-1])
    assert shown_cards(page) == expected_cards(latest)

    first = all_years[0]
    choose(page, "ov-year", str(first))
    page.wait_for_selector(f"#ov-kpi-heading:has-text('Nyckeltal för {first}')")
    earlier = nation(server.warehouse, first)
    assert shown_cards(page) == expected_cards(earlier)
    assert expected_cards(earlier) != expected_cards(latest)  # the change is real
    browser_log.assert_clean()


def test_a_click_on_the_map_opens_that_municipalitys_profile(server, page, browser_log):
    year = years(server.warehouse)[-1]
    ((name, lat, lon),) = marts(
        server.warehouse,
        "select municipality_name, lat, lon from mart_municipality_year"
        " where municipality_code = ? and year = ?",
        [KIRUNA, year],
    )
    open_page(page, server.url + "/")
    # A real click on the map canvas, where the map library projects the municipality's point.
    click_map(page, lon, lat)
    page.wait_for_url(re.compile(rf"/kommun\?kod={KIRUNA}&year={year}$"))
    page.wait_for_selector("#mu-title")
    assert page.inner_text("#mu-title") == f"{name} ({KIRUNA})"

    # The table beside the map is the text alternative: its row opens the same profile.
    open_page(page, server.url + "/")
    link = page.locator("#table-overview-map").get_by_role("link", name=name, exact=True)
    while not link.count():
        assert next_page(page, "#ov-table"), f"{name} is on no page of the table"
    link.click()
    page.wait_for_url(re.compile(rf"/kommun\?kod={KIRUNA}&year={year}$"))
    page.wait_for_selector("#mu-title")
    assert page.inner_text("#mu-title") == f"{name} ({KIRUNA})"
    browser_log.assert_clean()


def test_a_copied_link_reopens_the_same_view(server, browser, page, browser_log):
    year = str(years(server.warehouse)[0] + 1)
    open_page(page, server.url + "/")
    choose(page, "ov-level", "lan")
    choose(page, "ov-year", year)
    choose(page, "ov-indicator", "has_action_plan")
    page.wait_for_url(re.compile(r"indikator=has_action_plan"))
    url = page.url
    assert f"year={year}" in url and "indikator=has_action_plan" in url

    def view(pg) -> dict:
        return {
            "controls": [pg.input_value(f"#{i}") for i in ("ov-year", "ov-indicator", "ov-level")],
            "cards": shown_cards(pg),
            "map": pg.inner_text("#ov-map-heading"),
            "table": dom_table(pg, "table-overview-map"),
        }

    before = view(page)
    assert before["controls"] == [year, "has_action_plan", "lan"]
    assert len(before["table"]["rows"]) == 21  # one row per county

    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        open_page(other, url)
        assert view(other) == before
    finally:
        fresh.close()
    browser_log.assert_clean()


def download(page, button: str):
    """Click a download button of the map's table and return the file's bytes."""
    with page.expect_download() as info:
        page.locator("#ov-table").get_by_role("button", name=button).click()
    return info.value.path().read_bytes(), info.value.suggested_filename


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Swedish Excel needs
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(content: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_downloads_hold_exactly_the_rows_shown(server, page, browser_log):
    open_page(page, server.url + "/")
    total = marts(
        server.warehouse,
        "select count(*) from mart_municipality_year where year = ?",
        [years(server.warehouse)[-1]],
    )[0][0]
    for show in ("alla", "nej"):
        if show != "alla":
            choose(page, "ov-show", show)
        # The download is the whole table as filtered, whichever page is on screen.
        shown = whole_table(page, "#ov-table", "table-overview-map")
        rows = shown["rows"]
        assert page.inner_text("#ov-table .rows-shown") == f"{len(rows)} rader"
        if show == "alla":
            assert len(rows) == total
        else:
            assert 0 < len(rows) < total
            assert {row[-1] for row in rows} == {"Nej"}
        expected = [shown["header"], *rows]
        content, name = download(page, "Ladda ner CSV")
        assert name.endswith(".csv")
        assert csv_rows(content) == expected
        content, name = download(page, "Ladda ner Excel")
        assert name.endswith(".xlsx")
        assert xlsx_rows(content) == expected
    browser_log.assert_clean()


def test_keyboard_reaches_the_controls_and_the_skip_link_works(server, page, browser_log):
    open_page(page, server.url + "/")
    active = "() => document.activeElement.id"

    page.keyboard.press("Tab")
    assert page.evaluate(active) == "skip-link"
    box = page.locator("#skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate(active) == "main"
    page.keyboard.press("Tab")
    # The next stop is inside the main content: the header was skipped.
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert page.evaluate(active) == "ov-year"

    # From the top of a fresh page, Tab alone reaches the language switch, the navigation, every
    # control of the view and the downloads. (The filter keeps the table short: unfiltered, its
    # 290 profile links come before the download buttons.)
    open_page(page, server.url + "/?visa=nej")
    wanted = {"lang", "ov-year", "ov-indicator", "ov-level", "ov-show"}
    nav, downloads = set(), set()
    for _ in range(150):
        page.keyboard.press("Tab")
        element = page.evaluate(
            """() => {
                const el = document.activeElement;
                return {id: el.id, nav: !!el.closest('#main-nav'), text: el.textContent.trim(),
                        tag: el.tagName};
            }"""
        )
        wanted.discard(element["id"])
        if element["nav"]:
            nav.add(element["text"].split("\n")[0])
        if element["tag"] == "BUTTON" and element["text"].startswith("Ladda ner"):
            downloads.add(element["text"])
        if not wanted and downloads == {"Ladda ner CSV", "Ladda ner Excel"}:
            break
    assert wanted == set()
    assert downloads == {"Ladda ner CSV", "Ladda ner Excel"}
    # every page of the registry is reached by Tab: one link each
    assert len(nav) == len(page.query_selector_all("#nav-links a"))
    assert len(nav) >= 4
    browser_log.assert_clean()
