"""Medel (/medel) in a real browser: the choices drive the figures and the URL, a copied link
reopens the view, the review pack and the printed page hold the figures, the keyboard does it all,
and axe-core and the console find nothing.

Every expected figure is recomputed from the seeded inbox FILES the served warehouse was built
from (``demo_inbox``; ``tests/corpus.py`` reads them with csv, json and openpyxl), never read from
the marts the page reads: registers give applied, granted and paid; the current reports give the
reported spend; ``data/reference/municipalities.csv`` gives the population and the regions.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass

import openpyxl
import pytest
from browser_support import (
    VIEWPORT,
    BrowserLog,
    PdfPage,
    active,
    choose,
    open_page,
    pdf_pages,
    plain,
    query_of,
    show,
    wait_settled,
)
from test_overview import dom_table
from test_pages import severe_violations

from pipelines.demo import generate
from tests.corpus import current_reports, gini, reference_municipalities, register_rows

pytestmark = pytest.mark.browser

SEED, REPORT_YEARS = 7, range(2022, 2026)  # as tests/conftest.py's demo_inbox generates it
STOCKHOLM = "0180"
KPIS = ("granted_sek", "paid_sek", "spent_sek", "fund_per_inhabitant", "fund_gini", "fund_without")
# The page's graphs and tables (the ids the page promises).
GRAPHS = ("md-gap", "md-map", "md-categories", "md-trend", "md-lorenz")
MAP_DRAWN = """() => {
    const gd = document.querySelector('#md-map .js-plotly-plot');
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    return !!(map && map.map.loaded() && map.map.areTilesLoaded());
}"""
GRAPHS_DRAWN = """ids => ids.every(id => document.querySelector(`#${id} .main-svg`))"""


# -- the files ------------------------------------------------------------------------------------


@dataclass
class Files:
    """The seeded inbox as files: what each figure is recomputed from."""

    grants: dict[str, dict]  # the current register row per grant id
    reports: dict[tuple[str, int], dict]  # the current report per (municipality, year)
    municipalities: list[dict]  # the reference list

    @property
    def years(self) -> list[int]:
        """The funding years of the registers (the page's years)."""
        return sorted({g["funding_year"] for g in self.grants.values()})

    @property
    def population(self) -> dict[str, int]:
        return {m["municipality_code"]: m["population"] for m in self.municipalities}

    def in_range(self, year_from: int, year_to: int) -> list[dict]:
        return [g for g in self.grants.values() if year_from <= g["funding_year"] <= year_to]

    def nation(self, year_from: int, year_to: int) -> dict:
        """The KPI figures of INDICATORS.md ("Fund use") for the whole nation."""
        grants = self.in_range(year_from, year_to)
        municipal: dict[str, float] = defaultdict(float)
        for g in grants:
            if g["municipality_code"] is not None:
                municipal[g["municipality_code"]] += g["granted"]
        population = self.population
        granted = sum(g["granted"] for g in grants)
        return {
            "applied": sum(g["applied"] for g in grants),
            "granted": granted,
            "county_level": sum(g["granted"] for g in grants if g["municipality_code"] is None),
            "paid": sum(g["paid"] for g in grants),
            "spent": sum(
                f["spent"] for (_, year), f in self.reports.items() if year_from <= year <= year_to
            ),
            "per_inhabitant": granted / sum(population.values()),
            "gini": gini(municipal, population),
            "without": sum(1 for code in population if municipal.get(code, 0) <= 0),
            "grants": len(grants),
            "grants_with_money": sum(1 for g in grants if g["granted"] > 0),
        }

    def region_of(self, level: str) -> dict[str, str]:
        """county code or municipality code -> the name of its region at ``level``."""
        column = {"kommun": "municipality_name", "lan": "county_name"}.get(level, "police_region")
        names = {m["municipality_code"]: m[column] for m in self.municipalities}
        if level != "kommun":
            names |= {m["county_code"]: m[column] for m in self.municipalities}
        return names

    def per_region(self, level: str, key: str, year_from: int, year_to: int) -> dict[str, float]:
        """Region name -> the sum of ``key`` (applied, granted, paid) over its grants; a county
        (and its police region) counts its county-level grants, a municipality never does."""
        region = self.region_of(level)
        totals = {name: 0.0 for name in set(region.values())}
        for g in self.in_range(year_from, year_to):
            code = g["municipality_code"] or (None if level == "kommun" else g["county_code"])
            if code is not None:
                totals[region[code]] += g[key]
        return totals

    def grants_of(self, municipality: str, year_from: int, year_to: int) -> dict[str, dict]:
        return {
            g["grant_id"]: g
            for g in self.in_range(year_from, year_to)
            if g["municipality_code"] == municipality
        }

    def spend_by_grant(self) -> dict[str, float]:
        spent: dict[str, float] = defaultdict(float)
        for facts in self.reports.values():
            for project in facts["projects"]:
                spent[project["grant_id"]] += project["spent"]
        return spent


@pytest.fixture(scope="module")
def files(demo_inbox, tmp_path_factory) -> Files:
    """The demo inbox the served warehouse was built from, read as files.

    The inbox files outlive the ingest (it was given them as explicit paths, which it never
    deletes); the generator's manifest (which files should load) comes from generating the same
    seed again, and must describe exactly those files.
    """
    snapshot = {p.name: p.read_bytes() for p in sorted(demo_inbox.iterdir())}
    again = tmp_path_factory.mktemp("funds_manifest") / "inbox"
    manifest = generate(again, seed=SEED, years=REPORT_YEARS)
    assert {p.name: p.read_bytes() for p in again.iterdir()} == snapshot
    return Files(
        grants=register_rows(snapshot),
        reports=current_reports(manifest, snapshot),
        municipalities=reference_municipalities(),
    )


# -- how the page writes numbers (Swedish), written here independently of dashboard.fmt -----------


def sek(value: float) -> str:
    return f"{round(value):,} kr".replace(",", " ")


def decimal(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def period(year_from: int, year_to: int) -> str:
    return str(year_from) if year_from == year_to else f"{year_from}–{year_to}"


def expected_cards(nation: dict) -> dict[str, str]:
    return {
        "granted_sek": sek(nation["granted"]),
        "paid_sek": sek(nation["paid"]),
        "spent_sek": sek(nation["spent"]),
        "fund_per_inhabitant": f"{decimal(nation['per_inhabitant'], 2)} kr/invånare",
        "fund_gini": decimal(nation["gini"], 3),
        "fund_without": str(nation["without"]),
    }


def shown_cards(page) -> dict[str, str]:
    return {k: plain(page.inner_text(f"#kpi-value-{k}")) for k in KPIS}


def column(table: dict, name: str) -> dict[str, str]:
    """First cell of each row -> its cell in the column headed ``name`` (screen text)."""
    index = table["header"].index(name)
    return {row[0]: plain(row[index]) for row in table["rows"]}


def map_texts(page) -> dict[str, str]:
    """The map's hover value per location (county or municipality code)."""
    trace = page.evaluate(
        """() => {
            const t = document.querySelector('#md-map .js-plotly-plot').data[0];
            return {locations: t.locations, text: t.text};
        }"""
    )
    return dict(zip(trace["locations"], map(plain, trace["text"]), strict=True))


def wait_drawn(page) -> None:
    """Every chart drawn and the map's shapes loaded (before printing, or reading them)."""
    page.wait_for_function(GRAPHS_DRAWN, arg=list(GRAPHS))
    page.wait_for_function(MAP_DRAWN)
    wait_settled(page)


def full_state(files: Files) -> tuple[str, str]:
    """A view with every part shown: municipalities over a range, Stockholm, one of its grants."""
    year_from, year_to = files.years[-3], files.years[-1]
    grant = min(files.grants_of(STOCKHOLM, year_from, year_to))
    return (
        f"/medel?niva=kommun&fran={year_from}&till={year_to}&region={STOCKHOLM}&bidrag={grant}",
        grant,
    )


# -- the tests ------------------------------------------------------------------------------------


def test_choices_change_the_figures_and_the_url(server, page, browser_log, files):
    last = files.years[-1]
    open_page(page, server.url + "/medel")
    # The default view: counties, the latest funding year.
    assert plain(page.inner_text("#md-title")) == f"Medel – utvecklingsmedel {last}"
    assert shown_cards(page) == expected_cards(files.nation(last, last))
    alloc = dom_table(page, "table-funds-allocation")
    granted = files.per_region("lan", "granted", last, last)
    assert column(alloc, "Beviljat") == {
        **{name: sek(v) for name, v in granted.items()},
        "Riket": sek(files.nation(last, last)["granted"]),
    }

    # The map's measure recolours at once, and the URL says so.
    choose(page, "md-measure", "paid")
    page.wait_for_url(re.compile(r"matt=paid"))
    assert "utbetalt per invånare" in page.inner_text("#md-map-caption").lower()
    paid = files.per_region("lan", "paid", last, last)
    people = {m["county_name"]: 0 for m in files.municipalities}
    for m in files.municipalities:
        people[m["county_name"]] += m["population"]
    county_name = files.region_of("lan")
    shown = map_texts(page)
    assert {county_name[code] for code in shown} == set(paid)
    for code, text in shown.items():
        value = paid[county_name[code]] / people[county_name[code]]
        assert text == (f"{decimal(value, 2)} kr/invånare" if value > 0 else "Inget utbetalt")

    # Choosing opens nothing by itself (WCAG 3.2.2); "Visa" opens the chosen view.
    year_from = files.years[-3]
    choose(page, "md-level", "kommun")
    page.wait_for_selector(f"#md-region option[value='{STOCKHOLM}']", state="attached")
    page.select_option("#md-from", str(year_from))
    page.select_option("#md-region", STOCKHOLM)
    page.fill("#md-search", "bra-2024")
    assert "niva=kommun" not in page.url
    assert plain(page.inner_text("#md-title")) == f"Medel – utvecklingsmedel {last}"
    show(page, "md-show")
    page.wait_for_url(re.compile(r"niva=kommun"))
    page.wait_for_selector(f"#md-title:has-text('{year_from}–{last}')")
    wait_settled(page)
    assert query_of(page.url) == {
        "niva": "kommun",
        "fran": str(year_from),
        "till": str(last),
        "matt": "paid",
        "region": STOCKHOLM,
        "sok": "bra-2024",
    }
    assert shown_cards(page) == expected_cards(files.nation(year_from, last))
    # The list follows region and search; Stockholm's years follow the region.
    mine = files.grants_of(STOCKHOLM, year_from, last)
    grants = dom_table(page, "table-funds-grants")
    assert column(grants, "Beviljat") == {
        gid: sek(g["granted"]) for gid, g in mine.items() if "BRA-2024" in gid
    }
    trend = dom_table(page, "table-funds-trend")
    per_year = {str(y): 0.0 for y in files.years}
    for g in files.grants.values():
        if g["municipality_code"] == STOCKHOLM:
            per_year[str(g["funding_year"])] += g["granted"]
    assert column(trend, "Beviljat") == {y: sek(v) for y, v in per_year.items()}
    browser_log.assert_clean()


def test_a_copied_link_reopens_the_same_view(server, browser, page, browser_log, files):
    year_from, year_to = files.years[0], files.years[-2]
    open_page(page, server.url + "/medel")
    choose(page, "md-level", "polisregion")
    page.select_option("#md-from", str(year_from))
    page.select_option("#md-to", str(year_to))
    page.select_option("#md-region", "Syd")
    page.select_option("#md-category", "drugs")
    show(page, "md-show")
    page.wait_for_url(re.compile(r"niva=polisregion"))
    page.wait_for_selector(f"#md-title:has-text('{year_from}–{year_to}')")
    wait_settled(page)
    # The map's measure alone rewrites the link too.
    choose(page, "md-measure", "spent")
    page.wait_for_url(re.compile(r"matt=spent"))
    url = page.url

    def view(pg) -> dict:
        return {
            "controls": [
                pg.input_value(f"#{i}")
                for i in ("md-level", "md-from", "md-to", "md-region", "md-category", "md-measure")
            ],
            "title": pg.inner_text("#md-title"),
            "cards": shown_cards(pg),
            "map": [pg.inner_text("#md-map-caption"), map_texts(pg)],
            "tables": {
                name: dom_table(pg, f"table-funds-{name}")
                for name in ("allocation", "categories", "trend", "concentration", "grants")
            },
        }

    before = view(page)
    assert before["controls"] == [
        "polisregion",
        str(year_from),
        str(year_to),
        "Syd",
        "drugs",
        "spent",
    ]
    assert before["cards"] == expected_cards(files.nation(year_from, year_to))
    assert len(before["tables"]["allocation"]["rows"]) == 7 + 1  # police regions and the nation

    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        open_page(other, url)
        assert view(other) == before
    finally:
        fresh.close()
    browser_log.assert_clean()


def sheet_rows(book, name: str) -> list[list]:
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def table_rows(rows: list[list]) -> tuple[list[str], list[list]]:
    """A pack sheet's table: (header, body) after its caption line and the empty line."""
    assert rows[1] == [None] * len(rows[1])
    return rows[2], rows[3:]


def test_the_review_pack_holds_the_sheets_and_totals(server, page, browser_log, files):
    year_from, year_to = files.years[-3], files.years[-1]
    path = f"/medel?niva=kommun&fran={year_from}&till={year_to}&region={STOCKHOLM}"
    open_page(page, server.url + path)
    # The measure shown on the map is part of the selection the pack states.
    choose(page, "md-measure", "paid")
    with page.expect_download() as info:
        page.click("#md-pack")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    assert book.sheetnames == ["Sammanfattning", "Regioner", "Bidrag", "Flaggor"]
    nation = files.nation(year_from, year_to)

    summary = sheet_rows(book, "Sammanfattning")
    assert "Syntetiska demodata" in summary[1][0]
    pairs = {row[0]: row[1] for row in summary if row and row[0] is not None}
    assert pairs["Bidragsår"] == period(year_from, year_to)
    assert pairs["Region"] == "Stockholm"
    assert isinstance(pairs["Datalagrets version"], int)
    expected = {
        "Sökt": nation["applied"],
        "Beviljat": nation["granted"],
        "Varav beviljat på länsnivå": nation["county_level"],
        "Utbetalt": nation["paid"],
        "Redovisat använt": nation["spent"],
        "Beviljat per invånare (kr)": nation["per_inhabitant"],
        "Gini-koefficient": nation["gini"],
        "Kommuner utan bidrag": nation["without"],
        "Antal bidrag (beviljat mer än 0 kr)": nation["grants_with_money"],
        "Avslagna ansökningar (beviljat 0 kr)": nation["grants"] - nation["grants_with_money"],
    }
    assert {k: pairs[k] for k in expected} == pytest.approx(expected, rel=1e-9)

    # Regioner: every municipality, county-level grants on their own row, the nation's total.
    header, body = table_rows(sheet_rows(book, "Regioner"))
    granted = {row[0]: row[header.index("Beviljat")] for row in body}
    by_name = files.per_region("kommun", "granted", year_from, year_to)
    assert len(body) == 290 + 2
    assert granted.pop("Riket") == pytest.approx(nation["granted"])
    assert granted.pop("Bidrag på länsnivå (ingen kommun)") == pytest.approx(nation["county_level"])
    assert granted == pytest.approx(by_name)

    # Bidrag: the list as chosen (Stockholm's grants), numbers as numbers.
    header, body = table_rows(sheet_rows(book, "Bidrag"))
    mine = files.grants_of(STOCKHOLM, year_from, year_to)
    money = {
        row[0]: (
            row[header.index("Sökt")],
            row[header.index("Beviljat")],
            row[header.index("Utbetalt")],
        )
        for row in body
    }
    assert money == {gid: (g["applied"], g["granted"], g["paid"]) for gid, g in mine.items()}

    # Flaggor: grants per county and the flags the files decide alone (not the date-bound
    # "Inte utbetalt"), and the nation's total.
    header, body = table_rows(sheet_rows(book, "Flaggor"))
    shown = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}
    spent = files.spend_by_grant()
    county_name = files.region_of("lan")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in files.in_range(year_from, year_to):
        for name in (county_name[g["county_code"]], "Riket"):
            counts[name]["Antal beslut"] += 1
            counts[name]["Utbetalt mer än beviljat"] += g["paid"] > g["granted"]
            counts[name]["Beviljat mer än sökt"] += g["granted"] > g["applied"]
            counts[name]["Redovisat mer än utbetalt"] += spent.get(g["grant_id"], 0) > g["paid"]
            # a rejected application (granted 0) is not a grant that owes a report
            counts[name]["Ingen redovisning"] += (
                g["municipality_code"] is not None
                and g["granted"] > 0
                and g["grant_id"] not in spent
            )
    assert set(shown) == set(counts)
    for name, expected_counts in counts.items():
        assert {k: shown[name][k] for k in expected_counts} == expected_counts, name
    browser_log.assert_clean()
    # The selection stated on screen and in the pack is the one shown: the map shows "paid".
    assert "Visa på kartan: Utbetalt per invånare (kr)" in plain(page.inner_text("#md-selection"))
    assert pairs["Visa på kartan"] == "Utbetalt per invånare (kr)"


# -- the printed page -----------------------------------------------------------------------------


@dataclass
class Printed:
    pages: list[PdfPage]
    state: str
    grant: str
    log: BrowserLog

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    @property
    def lines(self) -> list[str]:
        return [line for p in self.pages for line in p.lines]


@pytest.fixture(scope="module")
def printed(server, browser, files):
    """The view with every part, printed to PDF (A4) by Chromium once for the print tests."""
    state, grant = full_state(files)
    context = browser.new_context(viewport=VIEWPORT, locale="sv-SE")
    try:
        page = context.new_page()
        log = BrowserLog()
        log.attach(page)
        open_page(page, server.url + state)
        wait_drawn(page)
        # the map's picture for paper (assets/app.js) is made a moment after the map is drawn
        page.wait_for_selector("img.map-print[data-ready]", state="attached", timeout=30_000)
        yield Printed(pdf_pages(page.pdf(format="A4")), state, grant, log)
    finally:
        context.close()


def test_the_printed_page_holds_the_key_figures(printed, files):
    year_from, year_to = files.years[-3], files.years[-1]
    nation = files.nation(year_from, year_to)
    assert printed.pages, "nothing printed"
    for page in printed.pages:  # A4: 210 x 297 mm in points
        assert (round(page.width), round(page.height)) in ((596, 843), (595, 842))
    lines, text = printed.lines, printed.text
    assert f"Medel – utvecklingsmedel {period(year_from, year_to)}" in lines
    assert "Demodata – syntetiska uppgifter, inte verklig statistik" in lines
    # The selection that produced the figures, stated at the top of the first page.
    first = printed.pages[0].text.replace("\n", " ")
    assert f"Bidragsår: {period(year_from, year_to)}" in first and "Region: Stockholm" in first
    for value in expected_cards(nation).values():
        assert value in lines, value
    assert f"Gini = {decimal(nation['gini'], 3)}" in lines
    # The grant's provenance and the grants list.
    assert f"Var siffrorna kommer ifrån: {printed.grant}" in lines
    for gid in files.grants_of(STOCKHOLM, year_from, year_to):
        assert gid in lines
    # No navigation, language switch, controls or buttons on paper.
    for screen_only in (
        "Län och polisregion",
        "English",
        "Ladda ner CSV",
        "Ladda ner Excel",
        "Ladda ner granskningsunderlag (XLSX)",
        "Skriv ut",
        "Visa",
        "Definitioner och källor",
        "Från bidragsår",
        "Nästa ›",
    ):
        assert screen_only not in lines, screen_only
    assert "Hoppa till innehållet" not in text
    printed.log.assert_clean()


def test_the_printed_tables_hold_their_totals_and_say_which_rows(printed, files):
    """The allocation table on paper: the nation's total and the county-level grants come first,
    so the printed first page of the 292-row table holds them, and the page says which rows it
    printed ("Rad 1–25 av 292"; every row is in the review pack and the downloads). A table of
    at most 25 rows (the concentration table) prints whole."""
    year_from, year_to = files.years[-3], files.years[-1]
    lines = set(printed.lines)
    assert "Riket" in lines
    assert sek(files.nation(year_from, year_to)["granted"]) in lines
    text = printed.text
    assert "Rad 1–25 av 292" in text
    for year in range(year_from, year_to + 1):
        assert str(year) in lines  # every year of the concentration table, and the range
    assert f"{year_from}–{year_to}" in text


def test_the_printed_map_is_drawn(printed):
    """The map is a WebGL canvas: on paper it must show its shapes, not an empty picture."""
    pictures = [
        (i, image)
        for i, page in enumerate(printed.pages, 1)
        for image in page.images
        if image.width >= 300
    ]
    assert pictures, "no picture of the map in the PDF"
    assert any(image.visible for _, image in pictures), [
        f"page {i}: {image.width}x{image.height} fully transparent" for i, image in pictures
    ]


def test_charts_are_drawn_whole_on_screen_and_on_paper(server, page, browser_log, files):
    """Every label of every chart lies inside the chart (nothing cut at the edges), and in print
    no chart is wider than an A4 page's text (186 mm: 210 mm less 12 mm margins each side)."""
    state, _ = full_state(files)
    open_page(page, server.url + state)
    wait_drawn(page)
    cut_js = """ids => ids.flatMap(id => {
        const svg = document.querySelector(`#${id} .main-svg`).getBoundingClientRect();
        return [...document.querySelectorAll(`#${id} .main-svg text`)]
            .filter(t => t.textContent.trim())
            .map(t => [t, t.getBoundingClientRect()])
            .filter(([t, r]) => r.width && (r.left < svg.left - 1 || r.right > svg.right + 1
                                            || r.top < svg.top - 1 || r.bottom > svg.bottom + 1))
            .map(([t, r]) => `${id}: "${t.textContent.trim()}" at x ${Math.round(r.left - svg.left)}`
                             + `..${Math.round(r.right - svg.left)} of 0..${Math.round(svg.width)}`);
    })"""
    cut = page.evaluate(cut_js, list(GRAPHS))
    assert cut == [], "\n".join(cut)
    page.emulate_media(media="print")
    a4_text_px = (210 - 2 * 12) / 25.4 * 96
    widths = page.evaluate(
        """ids => ids.map(id => [id, document.querySelector(`#${id} .main-svg`)
                                       .getBoundingClientRect().width])""",
        list(GRAPHS),
    )
    assert [(i, w) for i, w in widths if w > a4_text_px + 1] == []
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('#main-nav')).display")
        == "none"
    )
    browser_log.assert_clean()


# -- the keyboard, axe-core -----------------------------------------------------------------------


def test_each_select_shows_its_choice(server, page, browser_log, files):
    """A select shows the option chosen, also the "all" ones (whole nation, every category)."""
    open_page(page, server.url + "/medel")
    choose(page, "md-level", "kommun")  # the region's options come from the server again
    shown = page.evaluate(
        """ids => ids.map(id => {
            const s = document.getElementById(id);
            return [id, s.selectedIndex >= 0 ? s.options[s.selectedIndex].text : null];
        })""",
        ["md-level", "md-from", "md-to", "md-region", "md-category", "md-flag", "md-measure"],
    )
    year = str(files.years[-1])
    assert shown == [
        ["md-level", "Kommuner (290)"],
        ["md-from", year],
        ["md-to", year],
        ["md-region", "Hela riket"],
        ["md-category", "Alla kategorier"],
        ["md-flag", "Alla bidrag"],
        ["md-measure", "Beviljat per invånare (kr)"],
    ]
    browser_log.assert_clean()


def test_keyboard_reaches_and_uses_the_controls(server, page, browser_log, files):
    last = files.years[-1]
    open_page(page, server.url + "/medel")
    for _ in range(15):
        page.keyboard.press("Tab")
        if active(page) == "md-level":
            break
    assert active(page) == "md-level"
    order = []
    for _ in range(9):
        page.keyboard.press("Tab")
        order.append(active(page))
    assert order == [
        "md-from",
        "md-to",
        "md-region",
        "md-category",
        "md-flag",
        "md-search",
        "md-show",
        "md-pack",
        "md-print",
    ]

    # Arrow keys change a select without opening anything (WCAG 3.2.2).
    page.focus("#md-level")
    page.keyboard.press("ArrowUp")  # Län -> Kommuner
    page.wait_for_selector(f"#md-region option[value='{STOCKHOLM}']", state="attached")
    wait_settled(page)
    assert page.input_value("#md-level") == "kommun"
    page.keyboard.press("Tab")
    assert active(page) == "md-from"
    page.keyboard.press("ArrowDown")  # the years run from the latest down
    assert page.input_value("#md-from") == str(last - 1)
    assert "niva=kommun" not in page.url
    for _ in range(6):
        page.keyboard.press("Tab")
    assert active(page) == "md-show"

    # Enter on "Visa" opens the view, and the focus comes back to "Visa".
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"niva=kommun&fran={last - 1}&till={last}"))
    page.wait_for_selector(f"#md-title:has-text('{last - 1}–{last}')")
    wait_settled(page)
    page.wait_for_function("() => document.activeElement.id === 'md-show'", timeout=5000)

    # The review pack from the keyboard.
    page.keyboard.press("Tab")
    assert active(page) == "md-pack"
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".xlsx")

    # The map's measure with the keyboard: recoloured at once, the focus stays on the select.
    page.focus("#md-measure")
    with page.expect_request(lambda r: "_dash-update-component" in r.url):
        page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"matt=paid"))
    wait_settled(page)
    assert active(page) == "md-measure"
    assert "utbetalt per invånare" in page.inner_text("#md-map-caption").lower()
    browser_log.assert_clean()


def test_every_part_shown_is_accessible_and_the_console_clean(server, page, browser_log, files):
    state, grant = full_state(files)
    open_page(page, server.url + state)
    wait_drawn(page)
    assert page.inner_text("#ursprung") == f"Var siffrorna kommer ifrån: {grant}"
    for graph in GRAPHS:
        assert page.locator(f"#{graph}").is_visible(), graph
    assert severe_violations(page) == []
    browser_log.assert_clean()
