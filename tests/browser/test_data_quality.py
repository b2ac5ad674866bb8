"""Datakvalitet (/datakvalitet) in a real browser: the year's figures and the chase list (on
screen and in the download), another year opened with the select and "Visa" or the keyboard
alone, the files searched, the reasons for every rejected file, a link with an unknown year, and
axe-core and the console finding nothing; and the Kommun page's submission history.

Every expected figure is recomputed from the seeded inbox FILES the served warehouse was built
from (the fixtures and helpers of ``tests/dashboard/test_data_quality_figures.py`` over
``tests/corpus.py``'s independent readers: ``reporting_status``, ``files_of_year``,
``names_in_files``, ``inbox_and_manifest``), never read from the marts or the page's queries.
The page's words are written here in Swedish, not taken from the app's strings.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import openpyxl
import pytest
from browser_support import (
    active,
    download_table,
    open_page,
    plain,
    query_of,
    show,
    swedish,
    table_block,
    wait_settled,
)
from test_overview import whole_table
from test_pages import severe_violations

from tests.dashboard import test_data_quality_figures as figures

pytestmark = pytest.mark.browser

# The fixtures of the figures' tests: ``corpus`` (manifest, files, reference list, what each file
# names), ``status(year)`` (every municipality's reporting status) and ``files(year)`` (the files
# received for the year), all from the seeded inbox.
corpus, status, files = figures.corpus, figures.status, figures.files

YEAR, EARLIER = figures.YEAR, figures.YEAR - 1  # 2025 breaks files; 2024 rejects none
NBSP = "\u00a0"
CARDS = ("dq_received", "dq_on_time", "dq_late", "dq_revised", "dq_missing", "dq_rejected_files")
CHASE_HEADER = [
    "Kommun",
    "Kommunkod",
    "Län",
    "Polisregion",
    "Varför",
    "Senaste fil",
    "Mottagen",
    "Utfall",
]
WHY = {"missing": "Inget som kunde knytas till kommunen", "rejected": "Bara avvisade filer"}
FATE = {
    "loaded": "Inläst",
    "partially_loaded": "Delvis inläst",
    "superseded": "Ersatt",
    "duplicate": "Dubblett",
    "rejected": "Avvisad",
}
DASH = "–"  # an empty cell on screen
HISTORY = "Inlämnade filer, alla år, och vad som hände med dem"
ON_SHOW = "() => document.activeElement.id === 'dq-show'"
TITLE_IS = "title => document.getElementById('dq-title')?.innerText === title"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- what the page should say, from the files -----------------------------------------------------


def title(year: int) -> str:
    return f"Datakvalitet – rapportåret {year}"


def expected_cards(status, files, year: int) -> dict[str, tuple[str, str, str]]:
    """Each card's (value, base, note) in Swedish."""
    c = figures.figures(list(status(year).values()))
    year_files = files(year)
    rejected = sum(1 for f in year_files.values() if f["fate"] == "rejected")
    of_all, of_received = "av 290 kommuner", f"av {c['received']} inkomna"
    split = f"{c['nothing']} utan någon fil, {c['only_rejected']} med bara avvisade filer"
    return {
        "dq_received": (str(c["received"]), of_all, ""),
        "dq_on_time": (str(c["on_time"]), of_received, ""),
        "dq_late": (str(c["late"]), of_received, ""),
        "dq_revised": (str(c["revised"]), of_received, ""),
        "dq_missing": (str(c["nothing"] + c["only_rejected"]), of_all, split),
        "dq_rejected_files": (str(rejected), f"av {len(year_files)} mottagna filer", ""),
    }


def expected_chase(corpus, status, year: int) -> list[list[str | None]]:
    """The chase list from the files, by county and name: name, code, county, police region, why,
    last file, its fate (the receipt time is left out: it is when the test session ingested)."""
    rows = status(year)
    ref = corpus.municipalities
    missing = [code for code, r in rows.items() if r["status"] in WHY]

    def order(code: str) -> tuple:
        return swedish(ref[code]["county_name"]), swedish(ref[code]["municipality_name"])

    return [
        [
            ref[code]["municipality_name"],
            code,
            ref[code]["county_name"],
            ref[code]["police_region"],
            WHY[rows[code]["status"]],
            rows[code]["last_file"],
            FATE.get(rows[code]["last_fate"]),
        ]
        for code in sorted(missing, key=order)
    ]


def name_of(corpus, code: str | None) -> str | None:
    return corpus.municipalities[code]["municipality_name"] if code else None


# -- reading the page -----------------------------------------------------------------------------


def block(table: str, page_name: str = "dataquality") -> str:
    return table_block(page_name, table)


def every_row(page, table: str, page_name: str = "dataquality") -> dict:
    """A table with every row, page after page as a reader turns them."""
    return whole_table(page, block(table, page_name), f"table-{page_name}-{table}")


def shown_cards(page) -> dict[str, tuple[str, str, str]]:
    return {
        key: tuple(
            plain(page.inner_text(f"#kpi-{key} .{part}"))
            for part in ("kpi-value", "kpi-detail", "kpi-change")
        )
        for key in CARDS
    }


def shown_chase(page) -> list[list[str | None]]:
    """The chase list on screen, a dash read as an empty cell; the receipt date checked apart."""
    shown = every_row(page, "chase")
    assert shown["header"] == CHASE_HEADER
    rows = []
    for cells in shown["rows"]:
        received = cells.pop(CHASE_HEADER.index("Mottagen"))
        last_file = cells[CHASE_HEADER.index("Senaste fil")]
        # a receipt date exactly where there is a last file
        assert bool(DATE.fullmatch(received)) == (last_file != DASH), cells
        rows.append([None if c == DASH else c for c in cells])
    return rows


def check_year(page, corpus, status, files, year: int) -> None:
    assert page.inner_text("#dq-title") == title(year)
    assert page.input_value("#dq-year") == str(year)
    assert shown_cards(page) == expected_cards(status, files, year)
    assert shown_chase(page) == expected_chase(corpus, status, year)


def press_show(page, year: int) -> None:
    """Press "Visa": the URL changes, the year opens, the focus is back on "Visa" (WCAG 2.4.3)."""
    before = page.url
    show(page, "dq-show")
    opened(page, before, year)


def opened(page, before: str, year: int) -> None:
    page.wait_for_url(lambda url: url != before)
    page.wait_for_function(TITLE_IS, arg=title(year))
    wait_settled(page)
    page.wait_for_function(ON_SHOW, timeout=5000)


def download(page, table: str, fmt: str = "csv") -> tuple[str, bytes]:
    return download_table(page, "dataquality", table, fmt)


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Swedish Excel"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))


def xlsx_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# -- the year's figures and the chase list --------------------------------------------------------


def test_the_figures_and_chase_list_of_two_years_match_the_files(
    server, page, browser_log, corpus, status, files
):
    open_page(page, server.url + f"/datakvalitet?year={YEAR}")
    check_year(page, corpus, status, files, YEAR)

    # Choosing a year opens nothing by itself (WCAG 3.2.2); "Visa" opens it.
    page.select_option("#dq-year", str(EARLIER))
    page.wait_for_timeout(300)  # time for a (wrong) navigation to start
    assert query_of(page.url) == {"year": str(YEAR)}
    assert page.inner_text("#dq-title") == title(YEAR)
    press_show(page, EARLIER)
    assert query_of(page.url) == {"year": str(EARLIER)}
    check_year(page, corpus, status, files, EARLIER)
    browser_log.assert_clean()


def test_the_chase_list_downloads_hold_exactly_the_missing(
    server, page, browser_log, corpus, status
):
    open_page(page, server.url + f"/datakvalitet?year={YEAR}")
    expected = expected_chase(corpus, status, YEAR)
    assert len(expected) == len(shown_chase(page))
    received = CHASE_HEADER.index("Mottagen")
    for fmt in ("csv", "xlsx"):
        filename, data = download(page, "chase", fmt)
        assert filename == f"datakvalitet_chase_{YEAR}.{fmt}"
        header, *body = csv_rows(data) if fmt == "csv" else xlsx_rows(data)
        assert list(header) == CHASE_HEADER, fmt
        got = []
        for row in body:
            row = list(row)
            moment = row.pop(received)
            last_file = row[CHASE_HEADER.index("Senaste fil")]
            assert (moment not in ("", None)) == (last_file not in ("", None)), (fmt, row)
            got.append([None if c == "" else c for c in row])
        # every missing municipality, once, in the screen's order; codes keep their leading zero
        assert got == expected, fmt
    browser_log.assert_clean()


# -- the files, searched --------------------------------------------------------------------------


def searched_municipality(corpus, files) -> tuple[str, set[str]]:
    """A municipality with more than one file for the year (its name in no other name), and
    those files."""
    per_name: dict[str, set[str]] = {}
    for file_name, f in files(YEAR).items():
        if f["code"]:
            per_name.setdefault(name_of(corpus, f["code"]), set()).add(file_name)
    name = min(per_name, key=lambda n: (-len(per_name[n]), swedish(n)))
    assert len(per_name[name]) >= 2
    others = {m["municipality_name"] for m in corpus.municipalities.values()} - {name}
    assert not any(name.lower() in other.lower() for other in others)
    return name, per_name[name]


def test_a_search_lists_only_that_municipality_s_files(
    server, viewer_page, browser_log, corpus, files
):
    page = viewer_page  # the files and reasons are for accounts that may see them
    name, expected = searched_municipality(corpus, files)
    open_page(page, server.url + f"/datakvalitet?year={YEAR}")
    # Unsearched, every file of the year is listed.
    assert plain(page.inner_text(f"{block('files')} .rows-shown")) == f"{len(files(YEAR))} rader"

    page.fill("#dq-search", name)
    assert query_of(page.url) == {"year": str(YEAR)}  # typing opens nothing
    press_show(page, YEAR)
    assert query_of(page.url) == {"year": str(YEAR), "sok": name}
    assert page.input_value("#dq-search") == name
    shown = every_row(page, "files")
    assert shown["header"] == ["Fil", "Mottagen", "Typ", "Kommun", "Utfall", "Fel", "Varningar"]
    assert {row[0] for row in shown["rows"]} == expected
    assert len(shown["rows"]) == len(expected)
    assert {row[3] for row in shown["rows"]} == {name}
    fates = {row[0]: row[4] for row in shown["rows"]}
    assert fates == {f: FATE[files(YEAR)[f]["fate"]] for f in expected}
    browser_log.assert_clean()


# -- the reasons ----------------------------------------------------------------------------------


def test_the_reasons_list_each_rejected_file(server, viewer_page, browser_log, corpus, files):
    page = viewer_page  # the files and reasons are for accounts that may see them
    year_files = files(YEAR)
    rejected = {n for n, f in year_files.items() if f["fate"] == "rejected"}
    partly = {n for n, f in year_files.items() if f["fate"] == "partially_loaded"}
    assert rejected
    open_page(page, server.url + f"/datakvalitet?year={YEAR}")
    heading = page.inner_text("#dq-reasons h2")
    assert heading == f"Skäl till avvisning {YEAR} (hela filer och registerrader)"
    shown = every_row(page, "reasons")
    assert shown["header"] == ["Fil", "Mottagen", "Kommun", "Skäl"]
    listed = Counter(row[0] for row in shown["rows"])
    # every rejected file, and beside them only the rows a partly loaded register lost
    assert rejected <= set(listed) <= rejected | partly
    for file_name, received, municipality, reason in shown["rows"]:
        assert DATE.fullmatch(received), file_name
        assert municipality == (name_of(corpus, year_files[file_name]["code"]) or DASH)
        assert reason.strip() and reason != "(inget skäl registrerat)", file_name
    # the files table counts as many errors as the reasons give
    errors = {r[0]: r[5] for r in every_row(page, "files")["rows"] if r[0] in listed}
    assert {f: str(n) for f, n in listed.items()} == errors

    # A year without a rejected file says so.
    open_page(page, server.url + f"/datakvalitet?year={EARLIER}")
    assert not any(f["fate"] == "rejected" for f in files(EARLIER).values())
    assert "Inga." in page.inner_text("#dq-reasons")
    browser_log.assert_clean()


# -- the keyboard ---------------------------------------------------------------------------------


def test_the_keyboard_alone_opens_another_year(server, page, browser_log, corpus, status):
    open_page(page, server.url + f"/datakvalitet?year={YEAR}")
    for _ in range(30):
        page.keyboard.press("Tab")
        if active(page) == "dq-year":
            break
    assert active(page) == "dq-year"
    page.keyboard.press("ArrowDown")  # the years run from the latest down
    assert (page.input_value("#dq-year"), active(page)) == (str(EARLIER), "dq-year")
    page.wait_for_timeout(300)  # time for a (wrong) navigation to start
    assert query_of(page.url) == {"year": str(YEAR)}
    page.keyboard.press("Tab")
    assert active(page) == "dq-search"
    page.keyboard.press("Tab")
    assert active(page) == "dq-show"

    # Enter on "Visa" opens the year; the focus comes back to "Visa".
    before = page.url
    page.keyboard.press("Enter")
    opened(page, before, EARLIER)
    assert query_of(page.url) == {"year": str(EARLIER)}
    assert shown_chase(page) == expected_chase(corpus, status, EARLIER)
    browser_log.assert_clean()


# -- axe-core and the console ---------------------------------------------------------------------

AXE_CASES = [
    pytest.param(YEAR, YEAR, id=str(YEAR)),
    pytest.param(EARLIER, EARLIER, id=str(EARLIER)),
    pytest.param(1999, YEAR, id="unknown-year"),
]


@pytest.mark.parametrize(("asked", "shown"), AXE_CASES)
def test_every_year_is_accessible_and_the_console_clean(
    server, page, browser_log, status, files, asked, shown
):
    open_page(page, server.url + f"/datakvalitet?year={asked}")
    assert page.inner_text("#dq-title") == title(shown)
    assert shown_cards(page) == expected_cards(status, files, shown)
    notes = page.locator(".url-notice")
    if asked != shown:  # a link the warehouse cannot follow says what it shows instead
        assert notes.count(), "year=1999 replaced without a note"
        assert f"year={asked}" in notes.inner_text() and str(shown) in notes.inner_text()
    else:
        assert not notes.count()
    assert severe_violations(page) == [], asked
    browser_log.assert_clean()


# -- Kommun: the submission history ---------------------------------------------------------------


def history_case(corpus, case: str) -> str:
    """The municipality with the most files (all years), or the one a rejected file names."""
    named = Counter(code for code, _ in corpus.named.values() if code)
    if case == "most-files":
        return min(named, key=lambda c: (-named[c], c))
    rejected = {e["name"] for e in corpus.manifest["files"] if e["expected"] == "rejected"}
    return min(corpus.named[n][0] for n in rejected if corpus.named[n][0])


@pytest.mark.parametrize("case", ["most-files", "rejected-file"])
def test_the_kommun_page_lists_every_file_naming_the_municipality(
    server, viewer_page, browser_log, corpus, case
):
    page = viewer_page  # the submission history is for accounts that may see it
    code = history_case(corpus, case)
    fates = {e["name"]: e["expected"] for e in corpus.manifest["files"]}
    expected = {
        file_name: (str(year), FATE[fates[file_name]])
        for file_name, (named, year) in corpus.named.items()
        if named == code
    }
    assert len(expected) >= (4 if case == "most-files" else 2)
    open_page(page, server.url + f"/kommun?kod={code}&year={YEAR}")
    section = page.locator("section").filter(has=page.get_by_role("heading", name=HISTORY))
    assert section.count() == 1, "no section headed " + HISTORY
    assert section.locator("caption").inner_text() == HISTORY
    shown = every_row(page, "submissions", "municipality")
    header = shown["header"]
    assert header[:2] == ["År", "Fil"] and "Utfall" in header
    got = {row[1]: (row[0], row[header.index("Utfall")]) for row in shown["rows"]}
    assert len(got) == len(shown["rows"])  # each file once
    assert got == expected
    # a rejected file says why
    for row in shown["rows"]:
        reason = row[header.index("Skäl")]
        assert (reason not in ("", DASH)) == (row[header.index("Utfall")] == "Avvisad"), row
    browser_log.assert_clean()


def test_the_public_sees_the_counts_but_not_the_files_or_reasons(server, page, browser_log):
    open_page(page, server.url + f"/datakvalitet?year={YEAR}")
    for name in ("files", "reasons"):
        section = page.locator(f"#dq-{name}-heading").locator("xpath=..")
        assert "visas bara för inloggade med behörighet" in section.inner_text()
        assert section.locator("table").count() == 0
        link = section.get_by_role("link", name="Logga in")
        assert link.get_attribute("href") == "/logga-in?next=/datakvalitet"
    # the counts and the chase list stay public
    assert page.locator(block("chase")).count() == 1
    browser_log.assert_clean()
