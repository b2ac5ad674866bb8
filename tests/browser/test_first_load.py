"""The first load of Översikt as Chromium receives it: small, brotli-compressed, under a CSP.

Bytes are what Chromium counts (``encodedDataLength``: compressed bodies plus headers). Timings
are the benchmark's business (``make bench``); here only what must hold on every machine.
"""

from __future__ import annotations

import pytest
from browser_support import open_page
from plotly.offline import get_plotlyjs_version

from bench.dashboard import measure_first_load
from dashboard.serving import plotly_partial
from dashboard.serving.cluster import Server, http_get
from dashboard.serving.compression import PLOTLY_PATH

pytestmark = pytest.mark.browser


def test_first_load_gets_brotli_copies_and_no_unused_bundle(server, browser):
    load = measure_first_load(browser, server.url + "/")
    urls = [r["url"] for r in load.responses]
    assert not any("dash_table" in u for u in urls)  # no DataTable in this app
    (plotly,) = [r for r in load.responses if r["url"].endswith("/plotly.min.js")]
    # The quality-11 copy of the partial bundle: 3.1 MB as it is (the full plotly.js: 1.1 MB).
    assert plotly["encoding"] == "br"
    assert plotly["bytes"] < 750_000
    big_static = [
        r
        for r in load.responses
        if r["bytes"] > 10_000
        and (
            "/_dash-component-suites/" in r["url"] or "/assets/" in r["url"] or "/geo/" in r["url"]
        )
    ]
    assert big_static and all(r["encoding"] == "br" for r in big_static), big_static
    geo = [r for r in load.responses if "/geo/municipalities.geojson" in r["url"]]
    if geo:  # boundaries present (make setup-geo): served compacted, 816 KB as delivered
        assert geo[0]["bytes"] < 100_000
    print(f"\nfirst load: {load.ms:.0f} ms, {load.bytes} bytes in {len(load.responses)} responses")


def test_the_partial_plotly_bundle_is_the_locked_version_with_the_app_s_trace_types(server, page):
    open_page(page, server.url + "/")
    page.wait_for_function("() => window.Plotly !== undefined")
    version, traces = page.evaluate(
        "() => [Plotly.version, Object.keys(Plotly.PlotSchema.get().traces)]"
    )
    # Rebuild it (make plotly-bundle) when the plotly.js of the locked plotly.py changes.
    assert version == get_plotlyjs_version()
    assert set(traces) == plotly_partial.TRACE_TYPES


def test_pages_carry_a_strict_content_security_policy(server):
    # The browser side (no violation reported on any page) is in test_pages.py.
    _status, headers, _body = http_get(server.url + "/")
    directives = {
        name: value
        for name, _, value in (
            part.partition(" ") for part in headers["Content-Security-Policy"].split("; ")
        )
    }
    script_src = directives["script-src"].split()
    assert script_src[0] == "'self'"
    assert all(s.startswith("'sha256-") for s in script_src[1:])  # Dash's own inline scripts
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert directives["worker-src"] == "blob:"  # the map library's worker
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    # Only documents need it: scripts and callback responses go without.
    _status, headers, _body = http_get(server.url + "/assets/style.css")
    assert "Content-Security-Policy" not in headers


def test_a_fresh_server_serves_the_bundles_before_any_page(demo_warehouse, tmp_path):
    # Dash learns which bundle files it may serve while it writes the index page. A browser
    # spreads its requests over the two workers, so one that never wrote the index used to
    # answer 500 for plotly.js. Ask a fresh server before anyone has opened a page.
    with Server(demo_warehouse, tmp_path / "server.log") as fresh:
        statuses = {http_get(fresh.url + PLOTLY_PATH)[0] for _ in range(8)}
    assert statuses == {200}
