"""The app over a real warehouse, through Flask's test client: shell, pages, routes, access."""

from __future__ import annotations

import json

import dash
import plotly
import pytest

from dashboard.app import INDEX_STRING
from dashboard.i18n import INDICATORS, MEASURES, t
from dashboard.security import access
from dashboard.serving import plotly_partial
from dashboard.serving.compression import PLOTLY_PATH


def _props(component):
    """The props of every component in a tree (as Dash serialises it)."""
    stack = [json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder))]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props", {})
            yield props
            stack.extend(props.values())
        elif isinstance(node, list):
            stack.extend(node)


def _ids(component) -> set[str]:
    """Every string id in a component tree."""
    return {p["id"] for p in _props(component) if isinstance(p.get("id"), str)}


def _text(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_index_is_swedish_with_landmarks(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html
    layout = client.get("/_dash-layout").get_json()
    text = json.dumps(layout, ensure_ascii=False)
    for tag in ('"Header"', '"Main"', '"Footer"', '"Nav"'):
        assert tag in text
    assert "Hoppa till innehållet" in text


def test_validation_layout_stays_small(client):
    # Dash ships the validation layout inside every first page: pages give it a skeleton.
    client.get("/_dash-layout")
    html = client.get("/").get_data(as_text=True)
    assert len(html) < 60_000


def test_pages_are_registered_in_order(app):
    pages = sorted(dash.page_registry.values(), key=lambda p: p["order"])
    assert [p["path"] for p in pages] == [
        "/",
        "/medel",
        "/kommun",
        "/region",
        "/jamfor",
        "/datakvalitet",
        "/inlamning",
    ]
    assert all(p.get("name_en") for p in pages)


def _page(app, module: str, lang: str = "sv", **query):
    page = next(p for p in dash.page_registry.values() if p["module"].endswith(module))
    with app.server.test_request_context("/"):
        return page["layout"](lang=lang, **query)


def test_overview_layout_reads_the_url(app):
    layout = _page(app, "overview", year="2023", indikator="has_action_plan", niva="lan")
    ids = _ids(layout)
    assert {"ov-year", "ov-indicator", "ov-level", "ov-map", "ov-kpis", "ov-table"} <= ids
    text = _text(layout)
    assert "Nyckeltal för 2023" in text
    assert '"value": "has_action_plan"' in text
    assert "counties.geojson" in text  # the counties file exists in the test geo folder


def test_overview_falls_back_to_points_without_boundaries(app):
    text = _text(_page(app, "overview", niva="kommun"))
    assert "scattermap" in text
    assert "Gränsfilerna för kartan saknas" in text


def test_municipality_layout_escapes_report_text(app):
    import tiny_warehouse as tiny

    texts = [
        _text(_page(app, "municipality", kod=code, year=str(year)))
        for code in tiny.TINY_CODES
        for year in tiny.YEARS
    ]
    joined = "".join(texts)
    assert "Samverkansöverenskommelse" in joined
    # Report text is a plain string child, never markup: no Markdown/Iframe component carries it.
    assert "<script>" in joined
    assert '"type": "Markdown"' not in joined and '"type": "Iframe"' not in joined


def test_unknown_municipality_is_said_not_crashed(app):
    text = _text(_page(app, "municipality", kod="9999"))
    assert "Okänd kommun: 9999" in text


def test_region_layout(app):
    layout = _page(
        app,
        "region",
        niva="polisregion",
        kod="Stockholm",
        year="2024",
        sortera="has_council",
        ordning="desc",
    )
    ids = _ids(layout)
    assert {"rg-level", "rg-code", "rg-year", "rg-state", "rg-versus"} <= ids
    assert "table-region-members" in ids


def test_geo_route_serves_only_known_files(client):
    ok = client.get("/geo/counties.geojson")
    assert ok.status_code == 200
    assert "max-age" in ok.headers["Cache-Control"]
    assert client.get("/geo/municipalities.geojson").status_code == 404  # absent here
    sneaky = client.get("/geo/..%2F..%2Fpyproject.toml")
    assert "geo+json" not in sneaky.headers["Content-Type"]
    assert b"[project]" not in sneaky.data


def test_access_hook_denies_unknown_paths(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin").status_code == 404
    assert client.post("/").status_code == 405
    assert client.get("/").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "method", "ok"),
    [
        ("/assets/style.css", "GET", True),
        ("/_dash-update-component", "POST", True),
        ("/_dash-update-component", "GET", False),
        ("/kommun", "GET", True),
        ("/upload", "POST", False),
        ("/api/inlamning", "POST", False),
        ("/inlamning", "GET", False),
    ],
)
def test_policy_table_for_the_public(path, method, ok):
    rules = access.POLICY + access.page_rules(["/", "/kommun", "/region", "/inlamning"])
    rule = access.find_rule(path, rules)
    # needs a rule, the method, and a need an anonymous reader meets while the statistics are public
    allowed = (
        rule is not None
        and method in rule.methods
        and (rule.need == access.CALLBACK or access.satisfies(rule.need, None, public=True))
    )
    assert allowed is ok


def test_index_string_has_no_second_footer():
    assert INDEX_STRING.count("<footer") == 0


def _trace_types(component) -> set[str]:
    """The trace type of every figure in a component tree (plotly's default is scatter)."""
    return {
        trace.get("type", "scatter")
        for props in _props(component)
        for trace in (props.get("figure") or {}).get("data", [])
    }


def test_every_figure_uses_a_trace_type_of_the_partial_plotly_bundle(app):
    layouts = [_page(app, "overview", niva=level) for level in ("kommun", "lan", "polisregion")] + [
        _page(app, "municipality", kod="0114"),
        _page(app, "region", niva="lan", kod="01"),
    ]
    used = set().union(*map(_trace_types, layouts))
    # The tiny warehouse's geo folder lacks municipalities: the points map is among them.
    assert {"choroplethmap", "scattermap", "scatter", "bar"} <= used
    assert used <= plotly_partial.TRACE_TYPES


def test_plotly_path_serves_the_partial_bundle(client):
    response = client.get(PLOTLY_PATH)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.get_data() == plotly_partial.BUNDLE.read_bytes()


def test_charts_speak_the_page_language_and_offer_no_cloud_upload(app):
    for lang in ("sv", "en"):
        page = next(p for p in dash.page_registry.values() if p["module"].endswith("overview"))
        with app.server.test_request_context("/"):
            layout = page["layout"](lang=lang)
        configs = [p["config"] for p in _props(layout) if "figure" in p and "config" in p]
        assert configs
        assert all(c["locale"] == lang and c["showSendToCloud"] is False for c in configs)


def _node(component, component_id: str) -> dict:
    """The serialised component with ``component_id`` (type, namespace and props)."""
    stack = [json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder))]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == component_id:
                return node
            stack.extend(node.get("props", {}).values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"no component {component_id}")


# What each profile page shows: the indicators everywhere, and the measures of its tables
# (kommun: FTE, promises and granted in the status table, spent in projects, granted, paid and
# spent in grants; region: the FTE column of the members table).
SHOWN = {
    "municipality": ("mu", {"kod": "0180", "year": "2024"}, (*INDICATORS, *MEASURES)),
    "region": (
        "rg",
        {"niva": "lan", "kod": "01", "year": "2024"},
        (*INDICATORS, "coordinator_fte"),
    ),
}


@pytest.mark.parametrize("module", SHOWN)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_profile_pages_define_every_figure_they_show(app, module, lang):
    uid, query, keys = SHOWN[module]
    layout = _page(app, module, lang=lang, **query)
    definitions = _node(layout, f"{uid}-definitions")
    assert definitions["type"] == "Details"  # a native disclosure: keyboard-reachable
    text = _text(definitions)
    assert t("definitions_heading", lang) in text
    assert {f"{uid}-def-{key}" for key in keys} <= _ids(definitions)
    for key in keys:
        figure = INDICATORS.get(key) or MEASURES[key]
        for words in (figure.label(lang), figure.definition(lang), figure.source(lang)):
            assert json.dumps(words, ensure_ascii=False)[1:-1] in text, (key, words)
    # Every id of the page once only (the definitions' ids included).
    ids = [p["id"] for p in _props(layout) if isinstance(p.get("id"), str)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("module", "query", "graphs"),
    [
        ("overview", {"niva": "lan"}, ("ov-map", "ov-trend")),
        ("region", {"niva": "lan", "kod": "01", "year": "2024"}, ("rg-versus",)),
    ],
)
def test_every_chart_is_a_figure_with_a_caption_naming_its_table(app, module, query, graphs):
    layout = json.loads(_text(_page(app, module, **query)))
    figures = [
        props["children"]
        for props in _props(layout)
        if any(
            isinstance(c, dict) and c.get("type") == "Figcaption"
            for c in props.get("children") or []
        )
    ]
    # The captions of the page's tables (html.Caption): a chart's caption names one of them.
    tables = [
        c["props"]["children"]
        for props in _props(layout)
        for c in props.get("children") or []
        if isinstance(c, dict) and c.get("type") == "Caption"
    ]
    for graph in graphs:
        (children,) = [c for c in figures if any(x.get("props", {}).get("id") == graph for x in c)]
        caption = next(c for c in children if c["type"] == "Figcaption")["props"]["children"]
        assert any(f"tabellen ”{table}”" in caption for table in tables), (caption, tables)
        graph_props = next(x for x in children if x.get("props", {}).get("id") == graph)["props"]
        assert "role" not in graph_props


def test_profile_pickers_have_a_show_button(app):
    mu = _page(app, "municipality", kod="0180")
    rg = _page(app, "region", niva="lan", kod="01")
    assert {"mu-code", "mu-year", "mu-show"} <= _ids(mu)
    assert {"rg-level", "rg-code", "rg-year", "rg-show"} <= _ids(rg)
    assert '"children": "Visa"' in _text(mu)
    assert '"children": "Show"' in _text(_page(app, "region", lang="en", niva="lan", kod="01"))
    # With no code the municipality select's value is the option it shows: "Visa" opens it.
    first = _node(_page(app, "municipality"), "mu-code")["props"]
    assert first["value"] == first["options"][0]["value"]


def test_a_link_asking_for_what_is_not_there_says_what_is_shown_instead(app):
    text = _text(_page(app, "overview", year="1999", indikator="foo", niva="kommun"))
    assert "Länken angav year=1999, som inte finns här; sidan visar 2024." in text
    # The indicator shown is named by its label, not its key.
    assert "indikator=foo, som inte finns här; sidan visar Brottsförebyggande råd" in text
    assert "niva=" not in text  # a valid value is not mentioned
    assert "Länken angav" not in _text(_page(app, "overview", year="2024"))
    assert "year=3000" in _text(_page(app, "municipality", kod="0114", year="3000"))


def test_navigation_keeps_the_chosen_year_and_nothing_else(app):
    from dashboard.components.shell import nav_items

    pages = list(dash.page_registry.values())
    hrefs = [
        li.children.href
        for li in nav_items(
            pages,
            "/region",
            "sv",
            "?niva=lan&kod=01&year=2023",
            allowed=lambda p: p != "/inlamning",
        )
    ]
    assert hrefs == [
        "/?year=2023",
        "/medel?year=2023",
        "/kommun?year=2023",
        "/region?year=2023",
        "/jamfor?year=2023",
        "/datakvalitet?year=2023",
    ]
    public = {"allowed": lambda p: p != "/inlamning"}
    assert [li.children.href for li in nav_items(pages, "/", "sv", "?year=<script>", **public)] == [
        "/",
        "/medel",
        "/kommun",
        "/region",
        "/jamfor",
        "/datakvalitet",
    ]


def test_an_unknown_address_gets_a_swedish_page_with_a_way_back(client):
    response = client.get("/kommun/0128")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert '<html lang="sv">' in text and "Sidan finns inte" in text
    assert '<a href="/">Till översikten</a>' in text
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("module", ["overview", "municipality", "region"])
def test_every_page_says_so_when_there_is_no_warehouse_yet(app, tmp_path, module):
    from dashboard import context, data

    extensions = app.server.extensions
    published = extensions[context.WAREHOUSE_KEY]
    extensions[context.WAREHOUSE_KEY] = data.Warehouse(tmp_path)  # nothing published here
    try:
        text = _text(_page(app, module, kod="0114", year="2024"))
    finally:
        extensions[context.WAREHOUSE_KEY] = published
    assert "Det finns inget publicerat datalager ännu." in text


def test_every_page_renders_over_the_demo_warehouse(app, demo_warehouse):
    """Every registered page, with its default view, over the pipelines' own warehouse (the tiny
    one lacks the newer marts): a page that fails to build shows a blank screen in the browser."""
    import json

    import plotly

    from dashboard import context, data

    saved = app.server.extensions[context.WAREHOUSE_KEY]
    app.server.extensions[context.WAREHOUSE_KEY] = data.Warehouse(demo_warehouse)
    try:
        with app.server.test_request_context("/"):
            for page in dash.page_registry.values():
                if page["path"] in access.PAGE_NEEDS:
                    continue  # drawn for an account only: tests/dashboard/test_upload_page.py
                for lang in ("sv", "en"):
                    layout = page["layout"](lang=lang)
                    text = json.dumps(layout, cls=plotly.utils.PlotlyJSONEncoder)
                    assert '"Alert"' not in text or "url-notice" in text, page["path"]
                    assert len(text) > 2000, page["path"]
    finally:
        app.server.extensions[context.WAREHOUSE_KEY] = saved
