"""The dashboard's benchmark: callback times and sizes, and the first page load, at 1x and 10x.

``make bench`` calls ``main(work)`` after the pipelines' benchmark, with ``work/"wh_1x"`` and
``work/"wh_10x"`` built from the demo data. ``python -m bench.dashboard`` runs alone: it builds a
1x warehouse from seeded demo data in a temporary folder.

The marts have a fixed grain (290 municipalities x years), so ten times the received files
(``wh_10x``: every file ten times, loaded as revisions) do not make the marts bigger. The
dashboard's 10x is therefore a copy of the 1x warehouse whose marts hold ten times the rows: every
mart row with a year is repeated for nine earlier spans of years (``year - span * k``, k = 1..9,
where span is the number of years in the 1x warehouse; 10 for the 2016-2025 demo). Each figure
is printed next to its target (issue "Dashboard performance"); nothing is asserted.

What is measured, against the real server (``python -m dashboard``: gunicorn, two workers):

* every callback: a scripted Chromium session drives the pages (years, indicators, levels,
  filter, a click on the map, a profile, a region, sorting, downloads; on Medel the level and the
  funding years with "Visa", the map's measure, a table's CSV and the review pack; on Jämför a
  municipality, another peer group with "Visa", the level to counties and back, the comparison's
  CSV) and records each request body Dash posts to ``/_dash-update-component``; each distinct one
  is then posted again 30 times. The pages router is told apart by the page's query too
  (``/medel`` and ``/medel?niva=kommun&fran=...`` are different layouts to build).
  The time is the round trip on 127.0.0.1, so it includes Dash's dispatch, the queries, the JSON
  serialisation and the compression: the honest server time. The bytes are those sent (brotli, as
  Chromium asks) and, in brackets, the JSON before compression.
* the first load of Översikt in headless Chromium with an empty cache: the time from navigation
  until the KPI cards are there and the map has drawn its shapes, and the bytes Chromium received
  (``encodedDataLength``: compressed bodies plus headers) over all responses.
* in the browser, the time from changing the year on Översikt until every part has been redrawn.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import brotli
import duckdb

from dashboard.serving.cluster import ACCEPT_ENCODING, Server

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 30
COPIES = 10
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
KIRUNA = "2584"  # the largest municipality: a click near its centre cannot miss it
UPPLANDS_VASBY = "0114"  # Jämför: a municipality with a municipality group of 40-odd peers

TARGET_P95_MS = {"1x": 150, "10x": 300}
TARGET_RECOLOUR_BYTES = 20_000
TARGET_FIRST_LOAD_MS = 2_000
TARGET_FIRST_LOAD_BYTES = 1_500_000

# The callback behind each first output id (dict ids: the pages' downloads).
CALLBACKS = {
    "nav-links": "app.update_shell",
    "_pages_content": "pages router",
    "ov-url": "overview.sync_url",
    "ov-kpis": "overview.update_kpis",
    "ov-map": "overview.update_map",
    "ov-table": "overview.update_table",
    "ov-nav": "overview.open_profile",
    "mu-nav": "municipality.choose",
    "rg-nav": "region.navigate",
    "md-nav": "funds.navigate",
    "md-map": "funds.recolour",
    "md-region": "funds.region_choices",
    "md-pack-download": "funds.download_pack",
    "cp-nav": "compare.navigate",
    "dq-nav": "data_quality.navigate",
    "cp-code": "compare.level_choices",
}


# -- warehouses -----------------------------------------------------------------------------------


def demo_warehouse(work: Path, seed: int = 42) -> Path:
    """``work/"wh_1x"`` from seeded demo data for 2016-2025, as the pipelines bench builds it."""
    from pipelines.demo import generate
    from pipelines.ingest import ingest

    inbox = work / "inbox"
    generate(inbox, seed=seed, years=range(2016, 2026))
    ingest(sorted(inbox.iterdir()), work / "wh_1x", inbox, synthetic=True)
    return work / "wh_1x"


def replicate_years(source: Path, target: Path, copies: int = COPIES) -> Path:
    """A warehouse directory like ``source`` whose marts hold ``copies`` times the rows.

    Rows of every mart with a year (``year``; ``funding_year`` in ``mart_grants``) are repeated
    for ``copies - 1`` earlier spans of years, and ``meta.first_year`` moves back to match.
    """
    target.mkdir(parents=True)
    versioned = target / "warehouse-1.duckdb"
    shutil.copyfile(os.path.realpath(source / "current.duckdb"), versioned)
    con = duckdb.connect(str(versioned))
    try:
        ((first, last),) = con.execute("select first_year, last_year from meta").fetchall()
        span = last - first + 1
        columns = con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'main' and table_name like 'mart\\_%' escape '\\'"
            " and column_name in ('year', 'funding_year')"
        ).fetchall()
        for table, column in columns:
            # Names from the catalogue (not input), quoted; the numbers are bound parameters.
            con.execute(
                f'insert into "{table}" select t.* replace (t."{column}" - ? * k.k as "{column}")'
                f' from "{table}" t, range(1, ?) k(k)',
                [span, copies],
            )
        con.execute("update meta set first_year = first_year - ?", [span * (copies - 1)])
    finally:
        con.close()
    (target / "current.duckdb").symlink_to(versioned.name)
    return target


def read(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows from the published warehouse, read-only as the app reads it."""
    con = duckdb.connect(str(warehouse / "current.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def describe(warehouse: Path) -> str:
    ((first, last, rows),) = read(
        warehouse,
        "select first_year, last_year, (select count(*) from mart_municipality_year) from meta",
    )
    return f"years {first}-{last}, mart_municipality_year {num(rows)} rows"


# -- the browser ----------------------------------------------------------------------------------


@dataclass
class FirstLoad:
    ms: float  # until the KPI cards, the table and the map are drawn
    usable_ms: float  # until the KPI cards and the table are shown
    responses: list[dict]

    @property
    def bytes(self) -> int:
        return sum(r["bytes"] for r in self.responses)


MAP_DRAWN = """() => {
    const gd = document.querySelector('#ov-map .js-plotly-plot');
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const ready = map && map.map.loaded() && document.querySelector('#kpi-value-has_council');
    return ready ? performance.now() : false;
}"""


KPIS_SHOWN = """() => {
    const ready = document.querySelector('#kpi-value-has_council')
        && document.querySelector('#table-overview-map tbody tr');
    return ready ? performance.now() : false;
}"""


def measure_first_load(browser, url: str) -> FirstLoad:
    """Open ``url`` (Översikt) with an empty cache; time to map drawn and every byte received."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen: dict[str, dict] = {}

        def received(event: dict) -> None:
            headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
            seen[event["requestId"]] = {
                "url": event["response"]["url"],
                "encoding": headers.get("content-encoding"),
                "csp": headers.get("content-security-policy"),
                "type": event["type"],
                "bytes": 0,
            }

        def finished(event: dict) -> None:
            if event["requestId"] in seen:
                seen[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        page.set_default_timeout(600_000)
        page.goto(url)
        usable = page.wait_for_function(KPIS_SHOWN).json_value()
        ms = page.wait_for_function(MAP_DRAWN).json_value()
        page.wait_for_load_state("networkidle")
        return FirstLoad(ms=float(ms), usable_ms=float(usable), responses=list(seen.values()))
    finally:
        context.close()


def wait_settled(page) -> None:
    """Wait until no component waits for a callback (Dash marks them ``data-dash-is-loading``)."""
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def choose(page, select_id: str, value: str) -> None:
    """Pick an option as a reader does and wait until its callbacks have been drawn."""
    with page.expect_request(lambda r: "_dash-update-component" in r.url):
        page.select_option(f"#{select_id}", value)
    wait_settled(page)


def show(page, button_id: str) -> None:
    """Press a picker's "Visa" button (the selects alone open nothing) and wait for the view."""
    with page.expect_request(lambda r: "_dash-update-component" in r.url):
        page.click(f"#{button_id}")
    wait_settled(page)


def open_page(page, url: str) -> None:
    """Go to ``url`` and wait until the page has its heading and no callback is in flight."""
    page.goto(url)
    page.wait_for_selector("#_pages_content h1")
    page.wait_for_load_state("networkidle")
    wait_settled(page)


def click_map(page, lon: float, lat: float) -> None:
    """Click the map canvas where the map library draws the point (``lon``, ``lat``)."""
    page.locator("#ov-map").scroll_into_view_if_needed()
    page.wait_for_function(MAP_DRAWN)
    x, y = page.evaluate(
        """([lon, lat]) => {
            const gd = document.querySelector('#ov-map .js-plotly-plot');
            const map = gd._fullLayout.map._subplot.map;
            const point = map.project([lon, lat]);
            const box = map.getCanvas().getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }""",
        [lon, lat],
    )
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def download(page, scope: str) -> None:
    """Click the first CSV button inside ``scope`` and wait for the file."""
    with page.expect_download():
        page.locator(scope).get_by_role("button", name="Ladda ner CSV").first.click()


def callback_name(body: dict) -> str:
    """A readable name: the callback, and what triggered it (or, for the router, the page)."""
    outputs = body.get("outputs")
    first = outputs[0] if isinstance(outputs, list) else outputs
    ident = first["id"]
    if isinstance(ident, dict):
        return f"{ident.get('page')}.download"
    if ident == "_pages_content":
        values = {i.get("property"): i.get("value") for i in body["inputs"]}
        return f"{CALLBACKS[ident]}: {values['pathname']}{values.get('search') or ''}"
    triggers = []
    for prop in body.get("changedPropIds", []):
        component = prop.rsplit(".", 1)[0]
        if component.startswith("{"):
            component = json.loads(component).get("type", component)
        if component not in triggers:
            triggers.append(component)
    name = CALLBACKS.get(ident, ident)
    return f"{name} <- {', '.join(triggers)}" if triggers else name


def session(browser, base: str, warehouse: Path) -> dict[str, dict]:
    """Drive every page as a reader would; the first request body of each callback."""
    ((last,),) = read(warehouse, "select last_year from meta")
    ((lat, lon),) = read(
        warehouse,
        "select lat, lon from mart_municipality_year where municipality_code = ? and year = ?",
        [KIRUNA, last],
    )
    bodies: dict[str, dict] = {}

    def record(request) -> None:
        if "_dash-update-component" in request.url and request.post_data:
            body = json.loads(request.post_data)
            bodies.setdefault(callback_name(body), body)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        page.on("request", record)
        open_page(page, base + "/")
        choose(page, "ov-year", str(last - 1))
        choose(page, "ov-year", str(last))
        choose(page, "ov-indicator", "has_agreement_in_force")
        choose(page, "ov-show", "nej")
        download(page, "#ov-table")
        choose(page, "ov-level", "lan")
        choose(page, "ov-level", "kommun")
        click_map(page, lon, lat)
        page.wait_for_selector("#mu-title")
        wait_settled(page)
        page.select_option("#mu-year", str(last - 1))
        show(page, "mu-show")
        page.wait_for_selector("#mu-title")
        wait_settled(page)
        download(page, "#_pages_content")
        open_page(page, f"{base}/region?niva=lan&kod=01&year={last}")
        with page.expect_request(lambda r: "_dash-update-component" in r.url):
            page.locator(".sort-button").first.click()
        page.wait_for_url("**sortera=**")
        page.wait_for_selector("#rg-title")
        wait_settled(page)
        download(page, "#_pages_content")
        funds_session(page, base)
        compare_session(page, base)
        data_quality_session(page, base, last)
    finally:
        context.close()
    return bodies


def funds_session(page, base: str) -> None:
    """Medel: the level and three funding years with "Visa", the map's measure, the allocation
    table's CSV and the review pack."""
    open_page(page, f"{base}/medel")
    years = sorted(
        int(v)
        for v in page.eval_on_selector_all("#md-from option", "os => os.map(o => o.value)")
        if v
    )
    year_from, year_to = years[max(0, len(years) - 3)], years[-1]
    choose(page, "md-level", "kommun")
    page.select_option("#md-from", str(year_from))
    page.select_option("#md-to", str(year_to))
    show(page, "md-show")
    page.wait_for_url("**niva=kommun**")
    page.wait_for_selector(f"#md-title:has-text('{year_from}–{year_to}')")
    wait_settled(page)
    choose(page, "md-measure", "paid")
    download(page, "#_pages_content")
    with page.expect_download():
        page.click("#md-pack")


def compare_session(page, base: str) -> None:
    """Jämför: a municipality against its municipality group, then its county with "Visa"; the
    level to counties and back (each lists its places and peer groups); the comparison's CSV."""
    open_page(page, f"{base}/jamfor?kod={UPPLANDS_VASBY}")
    page.select_option("#cp-group", "lan")
    show(page, "cp-show")
    page.wait_for_url("**grupp=lan**")
    page.wait_for_selector("#cp-group-text:has-text('kommunerna i')")
    wait_settled(page)
    choose(page, "cp-level", "lan")
    choose(page, "cp-level", "kommun")
    download(page, "#_pages_content")


def data_quality_session(page, base: str, last: int) -> None:
    """Datakvalitet: the latest year, then the year before with "Visa"; the chase list's CSV."""
    open_page(page, f"{base}/datakvalitet")
    page.select_option("#dq-year", str(last - 1))
    show(page, "dq-show")
    page.wait_for_url(f"**year={last - 1}**")
    page.wait_for_selector(f"#dq-title:has-text('{last - 1}')")
    wait_settled(page)
    download(page, "#dq-chase-heading + p + .table-block")


def year_redraw_ms(browser, base: str, year: int) -> float:
    """Browser time from choosing ``year`` on Översikt until every part has been redrawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        # Dash's renderer needs minutes for some updates on the 10x warehouse: wait for them.
        page.set_default_timeout(600_000)
        open_page(page, base + "/")
        start = time.perf_counter()
        choose(page, "ov-year", str(year))
        page.wait_for_selector(f"#ov-table-heading:has-text('{year}')")
        return (time.perf_counter() - start) * 1000
    finally:
        context.close()


# -- replaying callbacks --------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    sent: int
    raw: int


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def replay(port: int, name: str, body: dict, repeats: int = REPEATS) -> Timing:
    """Post one callback body ``repeats`` times (after three unmeasured calls) on one connection."""
    payload = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept-Encoding": ACCEPT_ENCODING}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times: list[float] = []
    sent = raw = 0
    try:
        for i in range(repeats + 3):
            start = time.perf_counter()
            conn.request("POST", "/_dash-update-component", payload, headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = (time.perf_counter() - start) * 1000
            if response.status not in (200, 204):
                raise RuntimeError(f"{name}: HTTP {response.status}: {data[:200]!r}")
            if i >= 3:
                times.append(elapsed)
            sent = len(data)
            encoding = response.getheader("Content-Encoding")
            raw = len(brotli.decompress(data)) if encoding == "br" else len(data)
    finally:
        conn.close()
    return Timing(name, statistics.median(times), percentile(times, 0.95), sent, raw)


# -- printing -------------------------------------------------------------------------------------


def num(n: float) -> str:
    """A whole number with a thin space between thousands: 1 497 967."""
    return f"{n:,.0f}".replace(",", "\u2009")


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def print_timings(timings: list[Timing], scale: str) -> None:
    target = TARGET_P95_MS[scale]
    print(
        f"{'callback (server round trip, 30 calls)':64s} {'median':>9s} {'p95':>9s} "
        f"{'sent (br)':>10s} {'(json)':>10s}"
    )
    for t in sorted(timings, key=lambda t: t.name):
        flags = []
        if t.p95_ms >= target:
            flags.append(f"p95 over {target} ms")
        if is_recolour(t.name) and t.sent >= TARGET_RECOLOUR_BYTES:
            flags.append("recolour over 20 KB")
        print(
            f"{t.name[:64]:64s} {t.median_ms:6.1f} ms {t.p95_ms:6.1f} ms {kb(t.sent):>10s}"
            f" {'(' + kb(t.raw) + ')':>10s}" + (f"  <- {'; '.join(flags)}" if flags else "")
        )
    worst = max(timings, key=lambda t: t.p95_ms)
    recolour = max((t.sent for t in timings if is_recolour(t.name)), default=0)
    print(
        f"targets: every callback p95 < {target} ms at {scale}: worst {worst.p95_ms:.1f} ms"
        f" ({worst.name}); map recolour response < 20 KB: largest {kb(recolour)}"
    )


def is_recolour(name: str) -> bool:
    """The map recoloured with a Patch (the same shapes): Översikt's year or indicator, Medel's
    measure."""
    return ("update_map" in name and "ov-level" not in name) or name.startswith("funds.recolour")


def print_first_load(loads: list[FirstLoad]) -> None:
    ms = statistics.median(load.ms for load in loads)
    usable = statistics.median(load.usable_ms for load in loads)
    load = loads[0]
    print(
        f"first load of Översikt (headless Chromium, empty cache, compression on, median of"
        f" {len(loads)}): {num(usable)} ms to KPI cards and table shown, {num(ms)} ms to the map"
        f" drawn too (target < {num(2000)} ms);"
        f" {num(load.bytes)} bytes in {len(load.responses)} responses (target < {num(1.5e6)})"
    )
    for r in sorted(load.responses, key=lambda r: -r["bytes"])[:4]:
        print(
            f"    {num(r['bytes']):>11s} {r['encoding'] or '-':5s} {r['url'].split('?')[0][-64:]}"
        )


def bench_warehouse(
    browser,
    warehouse: Path,
    label: str,
    scale: str,
    logs: Path,
    bodies: dict[str, dict] | None = None,
) -> dict[str, dict]:
    """Print every figure for one warehouse; returns the recorded callback bodies.

    The bodies are recorded on the first warehouse and replayed unchanged on the others: the same
    requests, so the difference is the data behind them.
    """
    print(f"\n== dashboard at {label}: {describe(warehouse)} ==")
    with Server(warehouse, logs / f"server-{warehouse.name}.log") as server:
        server.wait_for_brotli()
        if browser is None:
            print("(Chromium not found at /usr/bin/chromium: no browser figures)")
            if bodies is None:
                return {}
            loads, redraw = [], None
        else:
            loads = [measure_first_load(browser, server.url + "/") for _ in range(3)]
            ((last,),) = read(warehouse, "select last_year from meta")
            redraw = year_redraw_ms(browser, server.url, last - 1)
            if bodies is None:
                bodies = session(browser, server.url, warehouse)
        timings = [replay(server.port, name, body) for name, body in bodies.items()]
    print_timings(timings, scale)
    if loads:
        print_first_load(loads)
    if redraw is not None:
        print(
            f"in the browser: change the year on Översikt (290 municipalities) until every part"
            f" is redrawn: {num(redraw)} ms (nearly all in Dash 4.4's renderer, which mounts the"
            f" returned components again and slows with every component on the page;"
            f" plotly/dash#3846)"
        )
    return bodies


def main(work: Path) -> None:
    """Benchmark the dashboard over ``work/"wh_1x"`` and its 10x warehouses."""
    work = Path(work)
    logs = work / "dashboard-bench"
    logs.mkdir(exist_ok=True)
    big = replicate_years(work / "wh_1x", work / "wh_dash_10x")
    pw = browser = None
    if CHROMIUM.is_file():
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        bodies = bench_warehouse(browser, work / "wh_1x", "1x (the demo warehouse)", "1x", logs)
        if (work / "wh_10x").is_dir():
            bench_warehouse(
                browser,
                work / "wh_10x",
                f"{COPIES}x received files (the marts have the 1x grain, so the 1x sizes)",
                "10x",
                logs,
                bodies,
            )
        bench_warehouse(
            browser,
            big,
            f"{COPIES}x mart rows (1x rows repeated over {COPIES - 1} earlier spans of years)",
            "10x",
            logs,
            bodies,
        )
    finally:
        if browser is not None:
            browser.close()
        if pw is not None:
            pw.stop()


if __name__ == "__main__":
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        demo_warehouse(Path(tmp))
        main(Path(tmp))
