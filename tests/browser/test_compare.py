"""Jämför (/jamfor) in a real browser: each kind of peer group opened with the selects and "Visa",
a hand-picked list typed as names and codes, a copied link that reopens the same comparison, the
links from Kommun and Region, the keyboard alone, the comparison's download against the screen,
and axe-core and the console finding nothing.

Every expected figure is recomputed from the seeded inbox FILES the served warehouse was built
from and from ``data/reference/*.csv`` (the helpers and fixtures of
``tests/dashboard/test_compare_figures.py``, over ``tests/corpus.py``'s independent readers),
never read from the marts or the queries the page reads: the peers of a municipality come from
``municipality_groups.csv`` (SKR municipality group) and ``municipalities.csv`` (county, police
region, population band), the comparison's figures from the reports and registers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re

import openpyxl
import pytest
from browser_support import (
    active,
    choose,
    download_table,
    open_page,
    query_of,
    show,
    swedish,
    table_block,
    wait_settled,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from test_overview import dom_table, whole_table
from test_pages import severe_violations

from tests.dashboard import test_compare_figures as figures
from tests.dashboard.test_compare_figures import (
    COMPLETE,
    COUNTY,
    LACKING,
    NBSP,
    NUMBERS,
    PICKED,
    YES_NO,
    assert_close,
    assert_shown,
    band,
    expected_for,
    expected_screen,
)

pytestmark = pytest.mark.browser

# The fixtures of the figures' tests: the corpus files the served warehouse was built from, and
# ``files(year)`` / ``files(year, county=True)``, every place's indicators recomputed from them.
corpus, files = figures.corpus, figures.files

TABLES = ("comparison", "years", "learn", "peers")
GRAPHS = ("cp-strip", "cp-years")
CONTROLS = ("cp-level", "cp-code", "cp-year", "cp-group", "cp-picked", "cp-ind")
GRAPHS_DRAWN = """ids => ids.every(id => document.querySelector(`#${id} .main-svg`))"""
ON_SHOW = "() => document.activeElement.id === 'cp-show'"
VIEW_IS = """([title, text]) => {
    const h1 = document.getElementById('cp-title'), group = document.getElementById('cp-group-text');
    return !!(h1 && group && h1.innerText === title && group.innerText === text);
}"""
# The hand-picked list as a reader types it: names (any case, with or without the code shown in
# the select) and codes, and the place itself, which is never its own peer.
TYPED = "Dorotea, 2161, ljusnarsberg, Stockholm (0180), 2262, Sorsele"
# The comparison's download: each figure in a column of its own.
CSV_COLUMNS = {
    "yes": "Grupp: ja",
    "base": "Grupp: underlag",
    "share": "Grupp: andel (%)",
    "n": "Grupp: antal med värde",
    "not_reported": "Grupp: ej rapporterat",
    "p25": "P25",
    "median": "Median",
    "p75": "P75",
    "low": "Min",
    "high": "Max",
    "rank": "Rang",
    "rank_of": "Rang av",
    "national": "Riket (andel % eller median)",
    "national_base": "Riket: underlag",
}


# The figures of a row, recomputed from the files (a yes/no or a number has some of them).
FIGURES = ("yes", "base", "share", "n", "median", "p25", "p75", "low", "high", "national")


# -- what the page should say, from the files -----------------------------------------------------


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def name_of(files, code: str, year: int) -> str:
    """The place as the page names it: "Mark (1463)", "Västra Götalands län"."""
    if len(code) == 2:
        return files(year, county=True)[code]["name"]
    return f"{files(year)[code]['name']} ({code})"


def group_label(files, code: str, year: int, group: str, n: int) -> str:
    if group == "lan_alla":
        return "alla andra län"
    if group == "egen":
        return f"eget urval ({n})"
    me = files(year)[code]
    if group == "kommungrupp":
        return f"kommungrupp {me['group']} {me['group_name']}"
    if group == "lan":
        return f"kommunerna i {me['county_name']}"
    if group == "polisregion":
        return f"kommunerna i polisregion {me['police_region']}"
    low, high = band(me["population"])
    return f"kommuner med {thousands(low)}–{thousands(high)} invånare"


def group_text(label: str, n: int) -> str:
    return f"Jämförelsegrupp: {label}, {n} utan den valda själv."


def view_of(files, code: str, year: int, group: str) -> tuple[str, str]:
    """The heading and the peer group sentence of a comparison."""
    _, peers, _ = expected_for(files, code, year, group)
    label = group_label(files, code, year, group, len(peers))
    return f"Jämför: {name_of(files, code, year)} {year}", group_text(label, len(peers))


def expected_peers(files, code: str, year: int, group: str) -> list[list[str]]:
    """The peers table's rows: name, (municipality group,) population; Swedish order."""
    county = len(code) == 2
    places = files(year, county=county)
    _, peers, _ = expected_for(files, code, year, group)
    rows = [
        [places[c]["name"], thousands(places[c]["population"])]
        if county
        else [places[c]["name"], places[c]["group_name"], thousands(places[c]["population"])]
        for c in peers
    ]
    return sorted(rows, key=lambda row: swedish(row[0]))


# -- reading the page -----------------------------------------------------------------------------


def block(table: str) -> str:
    return table_block("compare", table)


def every_row(page, table: str) -> dict:
    """A table with every row, page after page as a reader turns them."""
    return whole_table(page, block(table), f"table-compare-{table}")


def controls(page) -> dict[str, str]:
    return {i: page.input_value(f"#{i}") for i in CONTROLS}


def opened(page, view: tuple[str, str]) -> None:
    """Wait for the comparison ``view`` (heading, peer group sentence) that "Visa" or a link
    opened, then for nothing in flight and the graphs drawn."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the assertion says what is shown instead
        page.wait_for_function(VIEW_IS, arg=list(view), timeout=15_000)
    assert (page.inner_text("#cp-title"), page.inner_text("#cp-group-text")) == view
    wait_settled(page)
    page.wait_for_function(GRAPHS_DRAWN, arg=list(GRAPHS))


def level_listed(page, level: str) -> None:
    """Wait until the groups of ``level`` are listed (the answer to a new level is drawn)."""
    first = {"kommun": "kommungrupp", "lan": "lan_alla"}[level]
    page.wait_for_selector(f"#cp-group option[value='{first}']", state="attached")
    wait_settled(page)


def choose_level(page, level: str) -> None:
    choose(page, "cp-level", level)
    level_listed(page, level)


def press_show(page, view: tuple[str, str]) -> None:
    """Press "Visa": the URL changes, ``view`` opens, the focus is back on "Visa" (WCAG 2.4.3)."""
    before = page.url
    show(page, "cp-show")
    page.wait_for_url(lambda url: url != before)
    opened(page, view)
    page.wait_for_function(ON_SHOW, timeout=5000)


def download(page, table: str, fmt: str = "csv") -> tuple[str, bytes]:
    return download_table(page, "compare", table, fmt)


def check_comparison_shown(page, files, code: str, year: int, group: str) -> None:
    """Every cell of the comparison on screen says what the files say (rounded as shown)."""
    _, _, rows = expected_for(files, code, year, group)
    county = len(code) == 2
    shown = dom_table(page, "table-compare-comparison")
    assert shown["header"][1] == name_of(files, code, year)
    assert len(shown["rows"]) == len(rows)
    for (key, row), cells in zip(rows.items(), shown["rows"], strict=True):
        for column, text, (skeleton, numbers) in zip(
            shown["header"][1:], cells[1:], expected_screen(key, row, county), strict=True
        ):
            assert_shown(text, skeleton, numbers, (code, year, group, key, column))


STRIP_JS = """() => document.querySelector('#cp-strip .js-plotly-plot').data.map(
    t => ({axis: t.xaxis, group: t.legendgroup, x: t.x, text: t.text || null}))"""


def check_strip(page, files, code: str, year: int, group: str) -> None:
    """The strips: per number (one axis each, in the table's order) the peers with a value as
    dots, the peers' median as a bar, this place as a diamond (none where it has no value)."""
    me, peers, rows = expected_for(files, code, year, group)
    places = files(year, county=len(code) == 2)
    axes = {"x" if i == 0 else f"x{i + 1}": key for i, key in enumerate(NUMBERS)}
    drawn: dict[str, dict[str, dict]] = {key: {} for key in NUMBERS}
    for trace in page.evaluate(STRIP_JS):
        drawn[axes[trace["axis"]]][trace["group"]] = trace
    for key, traces in drawn.items():
        dots = sorted((places[c]["name"], places[c][key]) for c in peers)
        dots = [(name, value) for name, value in dots if value is not None]
        shown = sorted(zip(traces["peers"]["text"], traces["peers"]["x"], strict=True))
        assert [n for n, _ in shown] == [n for n, _ in dots], key
        assert [v for _, v in shown] == pytest.approx([v for _, v in dots], rel=1e-9), key
        median = rows[key]["median"]
        assert ("median" in traces) == (median is not None), key
        if median is not None:
            assert traces["median"]["x"] == [pytest.approx(median, rel=1e-9)], key
        assert ("me" in traces) == (me[key] is not None), key
        if me[key] is not None:
            assert traces["me"]["x"] == [pytest.approx(me[key], rel=1e-9)], key


# -- each kind of peer group ----------------------------------------------------------------------

GROUP_CASES = [
    pytest.param("kommun", "0114", 2024, "kommungrupp", id="0114-2024-kommungrupp"),
    pytest.param("kommun", *LACKING, "lan", id=f"{LACKING[0]}-{LACKING[1]}-lan"),
    pytest.param("kommun", *COMPLETE, "polisregion", id=f"{COMPLETE[0]}-{COMPLETE[1]}-polis"),
    pytest.param("kommun", *COMPLETE, "folkmangd", id=f"{COMPLETE[0]}-{COMPLETE[1]}-folkmangd"),
    pytest.param("lan", *COUNTY, "lan_alla", id=f"lan{COUNTY[0]}-{COUNTY[1]}-lan_alla"),
]


@pytest.mark.parametrize(("level", "code", "year", "group"), GROUP_CASES)
def test_each_peer_group_opens_from_the_selects(
    server, page, browser_log, files, level, code, year, group
):
    open_page(page, server.url + "/jamfor")
    assert page.inner_text("#_pages_content h1") == "Jämför"
    if level == "lan":
        choose_level(page, "lan")  # the places and groups of the level come at once
    page.select_option("#cp-code", code)
    page.select_option("#cp-year", str(year))
    page.select_option("#cp-group", group)
    # Choosing opens nothing by itself (WCAG 3.2.2); "Visa" opens the chosen comparison.
    assert page.url == server.url + "/jamfor"
    press_show(page, view_of(files, code, year, group))
    expected_query = {"kod": code, "year": str(year), "grupp": group}
    if level == "lan":
        expected_query["niva"] = "lan"
    assert query_of(page.url) == expected_query
    assert controls(page) == {
        "cp-level": level,
        "cp-code": code,
        "cp-year": str(year),
        "cp-group": group,
        "cp-picked": "",
        "cp-ind": "meets_legal_requirements",
    }
    peers = every_row(page, "peers")
    assert peers["header"] == (
        ["Län", "Folkmängd"] if level == "lan" else ["Kommun", "Kommungrupp", "Folkmängd"]
    )
    assert peers["rows"] == expected_peers(files, code, year, group)
    check_comparison_shown(page, files, code, year, group)
    check_strip(page, files, code, year, group)
    browser_log.assert_clean()


def test_a_hand_picked_list_of_names_and_codes(server, page, browser_log, files):
    code, year = LACKING
    open_page(page, server.url + f"/jamfor?kod={code}&year={year}")
    page.select_option("#cp-group", "egen")
    page.fill("#cp-picked", TYPED)
    press_show(page, view_of(files, code, year, "egen"))
    # The names became codes, in the order typed; the place itself is not its own peer.
    assert query_of(page.url) == {
        "kod": code,
        "year": str(year),
        "grupp": "egen",
        "urval": ",".join(PICKED[code]),
    }
    assert page.input_value("#cp-picked") == ",".join(PICKED[code])
    assert every_row(page, "peers")["rows"] == expected_peers(files, code, year, "egen")
    check_comparison_shown(page, files, code, year, "egen")
    browser_log.assert_clean()


def options(page, select: str) -> list[str]:
    """The values a reader can choose (not dbc.Select's hidden empty placeholder)."""
    return page.eval_on_selector_all(
        f"#{select} option:not([hidden])", "os => os.map(o => o.value)"
    )


def test_a_level_and_back_keeps_the_view_s_choices(server, page, browser_log, files):
    """A new level lists its places and groups at once; back at the view's level, the place and
    group of the view are chosen again; nothing opens until "Visa"."""
    code, year = COMPLETE
    path = f"/jamfor?kod={code}&year={year}&grupp=folkmangd"
    open_page(page, server.url + path)
    choose_level(page, "lan")
    assert options(page, "cp-group") == ["lan_alla", "egen"]
    counties = options(page, "cp-code")
    assert sorted(counties) == sorted(c for c in files(year, county=True) if c != "SE")
    choose_level(page, "kommun")
    assert controls(page) == {
        "cp-level": "kommun",
        "cp-code": code,
        "cp-year": str(year),
        "cp-group": "folkmangd",
        "cp-picked": "",
        "cp-ind": "meets_legal_requirements",
    }
    assert page.url == server.url + path
    browser_log.assert_clean()


def test_unknown_codes_in_a_link_s_list_are_stated(server, page, browser_log):
    """README: "A link whose values the warehouse does not have ... opens the nearest view and
    says so in a note, never silently." A code of the hand-picked list the warehouse lacks is
    left out of the comparison, and the page must say so."""
    open_page(page, server.url + "/jamfor?kod=0114&year=2024&grupp=egen&urval=9999,0115")
    assert page.inner_text("#cp-group-text").startswith("Jämförelsegrupp: eget urval (1),")
    notes = page.locator(".url-notice")
    assert notes.count() and "9999" in notes.inner_text(), "urval=9999 left out without a note"
    browser_log.assert_clean()


def test_a_typed_name_that_matches_nothing_is_not_dropped_silently(server, page, browser_log):
    """The reader typed a name the page does not know ("Sorsel" for Sorsele): the comparison
    opens with the names it knows, and the page says which one it did not use."""
    open_page(page, server.url + "/jamfor?kod=0114&year=2024")
    page.select_option("#cp-group", "egen")
    page.fill("#cp-picked", "Vallentuna, Sorsel, Täby")
    press_show(page, ("Jämför: Upplands Väsby (0114) 2024", group_text("eget urval (2)", 2)))
    # the comparison is over the places it knows (whatever the link keeps of the rest)
    assert [c for c in query_of(page.url)["urval"].split(",") if c.isdigit()] == ["0115", "0160"]
    said = page.evaluate(
        """() => {
            const copy = document.getElementById('_pages_content').cloneNode(true);
            copy.querySelectorAll('select, input').forEach(n => n.remove());
            return copy.textContent;
        }"""
    )
    assert re.search(r"\bSorsel\b", said), "the unknown name vanished without a word"
    browser_log.assert_clean()


# -- the link -------------------------------------------------------------------------------------


def test_a_copied_link_reopens_the_same_comparison(server, browser, page, browser_log, files):
    code, year = LACKING  # it lacks requirements: every table is shown, "Lär av" too
    open_page(page, server.url + "/jamfor")
    page.select_option("#cp-code", code)
    page.select_option("#cp-year", str(year))
    page.select_option("#cp-group", "egen")
    page.fill("#cp-picked", ", ".join(PICKED[code]))
    page.select_option("#cp-ind", "agreement_days_left")
    press_show(page, view_of(files, code, year, "egen"))
    assert query_of(page.url) == {
        "kod": code,
        "year": str(year),
        "grupp": "egen",
        "urval": ",".join(PICKED[code]),
        "ind": "agreement_days_left",
    }
    url = page.url

    def view(pg) -> dict:
        return {
            "controls": controls(pg),
            "title": pg.inner_text("#cp-title"),
            "group": pg.inner_text("#cp-group-text"),
            "tables": {name: every_row(pg, name) for name in TABLES},
            "downloads": {name: download(pg, name) for name in TABLES},
        }

    before = view(page)
    assert before["tables"]["peers"]["rows"] == expected_peers(files, code, year, "egen")
    assert before["downloads"]["comparison"][0] == f"jamfor_comparison_{code}_{year}_egen.csv"
    fresh = browser.new_context(accept_downloads=True)
    try:
        other = fresh.new_page()
        open_page(other, url)
        opened(other, (before["title"], before["group"]))
        assert view(other) == before
    finally:
        fresh.close()
    browser_log.assert_clean()


LINK_CASES = [
    pytest.param(f"/kommun?kod={COMPLETE[0]}&year={COMPLETE[1]}", "mu-compare-link", id="kommun"),
    pytest.param(f"/region?niva=lan&kod={COUNTY[0]}&year={COUNTY[1]}", "rg-compare-link", id="lan"),
    pytest.param("/region?niva=polisregion&kod=Syd&year=2023", "rg-compare-link", id="polis"),
]


@pytest.mark.parametrize(("path", "link"), LINK_CASES)
def test_kommun_and_region_link_to_the_same_place_and_year(
    server, page, browser_log, files, path, link
):
    open_page(page, server.url + path)
    asked = query_of(path)
    year = int(asked["year"])
    page.click(f"#{link}")
    page.wait_for_url(re.compile(r"/jamfor\?"))
    got = query_of(page.url)
    if asked.get("niva") == "polisregion":
        # a police region is not a level of Jämför: one of its municipalities against the others
        code, group = got["kod"], "polisregion"
        assert files(year)[code]["police_region"] == asked["kod"]
        assert got == {"kod": code, "year": str(year), "grupp": group}
        members = {c for c, p in files(year).items() if p["police_region"] == asked["kod"]}
        assert {code} | expected_for(files, code, year, group)[1] == members
    elif asked.get("niva") == "lan":
        code, group = asked["kod"], "lan_alla"
        assert got == {"niva": "lan", "kod": code, "year": str(year)}
    else:
        code, group = asked["kod"], "kommungrupp"
        assert got == {"kod": code, "year": str(year)}
    opened(page, view_of(files, code, year, group))
    assert controls(page)["cp-code"] == code
    assert controls(page)["cp-year"] == str(year)
    assert controls(page)["cp-group"] == group
    assert every_row(page, "peers")["rows"] == expected_peers(files, code, year, group)
    browser_log.assert_clean()


# -- the keyboard ---------------------------------------------------------------------------------


def option_after(page, select: str) -> str:
    """The value of the option after the chosen one (where ArrowDown goes)."""
    return page.eval_on_selector(
        f"#{select}", "s => s.options[Math.min(s.selectedIndex + 1, s.options.length - 1)].value"
    )


def test_the_keyboard_alone_opens_a_comparison(server, page, browser_log, files):
    code, year = COMPLETE
    start = f"/jamfor?kod={code}&year={year}&grupp=kommungrupp"
    open_page(page, server.url + start)
    for _ in range(15):
        page.keyboard.press("Tab")
        if active(page) == "cp-level":
            break
    assert active(page) == "cp-level"
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(active(page))
    assert order == ["cp-code", "cp-year", "cp-group", "cp-picked", "cp-ind", "cp-show"]
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
    assert active(page) == "cp-level"

    # Arrow keys change the level: its counties and groups come at once, nothing opens.
    with page.expect_request(lambda r: "_dash-update-component" in r.url):
        page.keyboard.press("ArrowDown")  # Kommun -> Län
    level_listed(page, "lan")
    assert (page.input_value("#cp-level"), active(page)) == ("lan", "cp-level")
    assert page.input_value("#cp-group") == "lan_alla"
    chosen = {}
    for select in ("cp-code", "cp-year", "cp-group", "cp-picked", "cp-ind"):
        page.keyboard.press("Tab")
        assert active(page) == select
        if select in ("cp-code", "cp-year", "cp-ind"):  # the group stays "Alla andra län"
            chosen[select] = option_after(page, select)
            page.keyboard.press("ArrowDown")
            assert page.input_value(f"#{select}") == chosen[select]
    page.wait_for_timeout(500)  # time for a (wrong) navigation to start
    assert page.url == server.url + start
    assert page.inner_text("#cp-title") == f"Jämför: {name_of(files, code, year)} {year}"

    # Enter on "Visa" opens the comparison chosen; the focus comes back to "Visa".
    page.keyboard.press("Tab")
    assert active(page) == "cp-show"
    page.keyboard.press("Enter")
    county, county_year = chosen["cp-code"], chosen["cp-year"]
    page.wait_for_url(re.compile(rf"niva=lan&kod={county}&year={county_year}"))
    opened(page, view_of(files, county, int(county_year), "lan_alla"))
    page.wait_for_function(ON_SHOW, timeout=5000)
    assert query_of(page.url) == {
        "niva": "lan",
        "kod": county,
        "year": county_year,
        "grupp": "lan_alla",
        "ind": chosen["cp-ind"],
    }
    assert controls(page) == {
        "cp-level": "lan",
        "cp-code": county,
        "cp-year": county_year,
        "cp-group": "lan_alla",
        "cp-picked": "",
        "cp-ind": chosen["cp-ind"],
    }

    # A download from the keyboard.
    page.locator(block("comparison")).get_by_role("button", name="Ladda ner CSV").focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".csv")
    browser_log.assert_clean()


# -- the download against the screen --------------------------------------------------------------


def number(text: str) -> float | None:
    """A cell of the Swedish CSV (decimal comma) as a number; empty is None."""
    return None if text == "" else float(text.replace(",", "."))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Swedish Excel"
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))


@pytest.mark.parametrize(
    ("code", "year", "group"),
    [
        pytest.param(*LACKING, "kommungrupp", id="kommun"),
        pytest.param(*COUNTY, "lan_alla", id="lan"),
    ],
)
def test_the_comparison_download_holds_the_rows_on_screen(
    server, page, browser_log, files, code, year, group
):
    county = len(code) == 2
    path = f"/jamfor?kod={code}&year={year}&grupp={group}" + ("&niva=lan" if county else "")
    open_page(page, server.url + path)
    name = name_of(files, code, year)
    opened(page, view_of(files, code, year, group))
    shown = dom_table(page, "table-compare-comparison")
    filename, data = download(page, "comparison")
    assert filename == f"jamfor_comparison_{code}_{year}_{group}.csv"
    rows = csv_rows(data)
    # One row per indicator, in the order on screen, each figure a number of its own.
    assert [r["Indikator"] for r in rows] == [cells[0] for cells in shown["rows"]]
    assert [r["Nyckel"] for r in rows] == [*YES_NO, *NUMBERS]
    _, _, expected = expected_for(files, code, year, group)
    for r, cells in zip(rows, shown["rows"], strict=True):
        key = r["Nyckel"]
        got = {k: number(r[column]) for k, column in CSV_COLUMNS.items()}
        value = number(r[f"{name}: värde (Ja = 1, Nej = 0)"])
        kind = "bool" if key in YES_NO and not county else "number"
        if kind == "bool":
            assert r[f"{name}: svar"] == cells[1], key  # the answer in words, as on screen
            value = None if value is None else value == 1
        rank = None if got["rank"] is None else (int(got["rank"]), int(got["rank_of"]))
        from_csv = {
            **got,
            "kind": kind,
            "value": value,
            "rank": rank,
            "national_muni_base": got["national_base"],
        }
        # The screen says what the download says ...
        for column, text, (skeleton, numbers) in zip(
            shown["header"][1:], cells[1:], expected_screen(key, from_csv, county), strict=True
        ):
            assert_shown(text, skeleton, numbers, (key, column))
        # ... and the download what the files say.
        want = expected[key]
        assert from_csv["rank"] == want["rank"], key
        figures = [k for k in FIGURES if k in want]
        assert_close({k: got[k] for k in figures}, {k: want[k] for k in figures}, key)
    # The Excel file holds the same rows, numbers as numbers.
    _, xlsx = download(page, "comparison", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    book_rows = list(sheet.iter_rows(values_only=True))
    assert list(book_rows[0]) == list(rows[0])
    for r, cells in zip(rows, book_rows[1:], strict=True):
        for column, cell in zip(r, cells, strict=True):
            text = r[column]
            if isinstance(cell, int | float):
                assert cell == pytest.approx(number(text), rel=1e-12), (r["Nyckel"], column)
            else:
                assert (cell or "") == text, (r["Nyckel"], column)
    browser_log.assert_clean()


# -- axe-core and the console ---------------------------------------------------------------------

AXE_CASES = [
    pytest.param(f"/jamfor?kod={LACKING[0]}&year={LACKING[1]}&grupp=lan", "Sorsele", id="kommun"),
    pytest.param(f"/jamfor?niva=lan&kod={COUNTY[0]}&year={COUNTY[1]}", "Västra", id="lan"),
    pytest.param("/jamfor", None, id="empty-picker"),
    pytest.param("/jamfor?kod=0114&year=1999&grupp=okand&ind=nej", "Upplands", id="url-notice"),
]


@pytest.mark.parametrize(("path", "name"), AXE_CASES)
def test_every_view_is_accessible_and_the_console_clean(server, page, browser_log, path, name):
    open_page(page, server.url + path)
    if name is None:
        assert page.inner_text("#_pages_content h1") == "Jämför"
        assert not page.locator("#cp-title").count()
    else:
        assert name in page.inner_text("#cp-title")
        page.wait_for_function(GRAPHS_DRAWN, arg=list(GRAPHS))
        for graph in GRAPHS:
            assert page.locator(f"#{graph}").is_visible(), graph
    if "1999" in path:  # a link the warehouse cannot follow says what it opened instead
        notice = page.inner_text(".url-notice")
        assert "1999" in notice and "okand" in notice and "nej" in notice
    assert severe_violations(page) == [], path
    browser_log.assert_clean()
