"""Region: a county or police region (``/region?niva=lan&kod=01&year=2024&sortera=...``).

Every municipality of the region in one sortable table, the region against the nation (chart and
table), and who misses each requirement. Choices and sorting rewrite the URL and re-render, so a
copied link reopens the same view, sort order included.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import context, data, export, state
from dashboard.components.filters import labelled_select, year_options
from dashboard.components.table import render_table
from dashboard.i18n import LEVEL_TO_MART, LEVELS, Lang, lang_or_default, t
from dashboard.views import overview as overview_view
from dashboard.views import region as view

PAGE = "region"

dash.register_page(
    __name__,
    path="/region",
    name="Län och polisregion",
    name_en="County and police region",
    order=2,
    title="Region – brottsförebyggande arbete",
    description="Alla kommuner i ett län eller en polisregion, jämfört med riket.",
)


def skeleton() -> html.Div:
    """Every id this page's callbacks use, without data (see ``overview.skeleton``)."""
    return html.Div(
        [
            dcc.Location(id="rg-nav", refresh="callback-nav"),
            dcc.Store(id="rg-state"),
            *(dbc.Select(id=i) for i in ("rg-level", "rg-code", "rg-year")),
        ]
    )


def layout(**query):
    if "lang" not in query:
        return skeleton()
    return page(**query)


def _state(wh: data.Warehouse, niva, kod, year, sortera, ordning) -> dict:
    """The validated view state from raw URL or control values."""
    meta = data.meta(wh)
    level = state.parse_choice(niva, state.REGION_LEVELS, "lan")
    codes = data.regions(wh, LEVEL_TO_MART[level])["region_code"].to_list()
    return {
        "level": level,
        "code": state.parse_code(kod, codes),
        "year": state.parse_year(year, meta.years),
        "sort": state.parse_choice(sortera, view.SORT_KEYS, "") or None,
        "order": state.parse_choice(ordning, state.SORT_ORDERS, "asc"),
    }


def _tables(wh: data.Warehouse, st: dict, lang: Lang) -> dict:
    regions_now = data.region_year(wh, st["year"])
    region = view.region_row(regions_now, st["level"], st["code"])
    nation = overview_view.nation(regions_now)
    if region is None or nation is None:
        return {}
    members = data.region_members(wh, LEVEL_TO_MART[st["level"]], st["code"], st["year"])
    name = region["region_name"]
    return {
        "members": view.members_table(members, name, st["year"], st["sort"], st["order"], lang),
        "versus": view.versus_nation(region, nation, lang),
        "missing": view.missing_table(members, name, st["year"], lang),
    }


def page(niva=None, kod=None, year=None, sortera=None, ordning=None, lang=None, **_ignored):
    lang = lang_or_default(lang)
    wh = context.warehouse()
    try:
        st = _state(wh, niva, kod, year, sortera, ordning)
        meta = data.meta(wh)
    except data.WarehouseUnavailable:
        return dbc.Alert(t("no_warehouse", lang), color="warning")
    regions = data.regions(wh, LEVEL_TO_MART[st["level"]])
    options = [
        (c, n if st["level"] == "lan" else f"{t('police_region', lang)} {n}")
        for c, n in zip(regions["region_code"], regions["region_name"], strict=True)
    ]
    picker = dbc.Row(
        [
            dbc.Col(
                labelled_select(
                    "rg-level",
                    t("level", lang),
                    [(k, LEVELS[k](lang)) for k in state.REGION_LEVELS],
                    st["level"],
                ),
                md=3,
            ),
            dbc.Col(
                labelled_select("rg-code", t("choose_region", lang), options, st["code"] or ""),
                md=4,
            ),
            dbc.Col(
                labelled_select(
                    "rg-year", t("year", lang), year_options(meta.years), str(st["year"])
                ),
                md=2,
            ),
        ],
        className="g-3 mb-3 controls",
    )
    head = [
        dcc.Location(id="rg-nav", refresh="callback-nav"),
        dcc.Store(id="rg-state", data=st),
    ]
    tables = _tables(wh, st, lang) if st["code"] else {}
    if not tables:
        message = t("unknown_region", lang, code=kod) if kod else None
        return html.Div(
            [
                *head,
                html.H1(t("region_page", lang), className="h3"),
                picker,
                dbc.Alert(message, color="info") if message else None,
            ]
        )
    versus = tables["versus"]
    note = overview_view.law_note("meets_legal_requirements", st["year"], lang)
    return html.Div(
        [
            *head,
            html.H1(
                options[[c for c, _ in options].index(st["code"])][1], className="h3", id="rg-title"
            ),
            picker,
            html.P(note, className="law-note") if note else None,
            html.Section(
                [
                    html.H2(tables["members"].caption, className="h4"),
                    render_table(tables["members"], lang, PAGE),
                ]
            ),
            html.Section(
                [
                    html.H2(versus.caption, className="h4"),
                    dcc.Graph(
                        id="rg-versus",
                        figure=view.versus_figure(versus, lang),
                        config={"displaylogo": False},
                    ),
                    render_table(versus, lang, PAGE),
                ]
            ),
            html.Section(
                [
                    html.H2(tables["missing"].caption, className="h4"),
                    render_table(tables["missing"], lang, PAGE),
                ]
            ),
        ],
        className="page-region",
    )


@callback(
    Output("rg-nav", "href"),
    Input("rg-level", "value"),
    Input("rg-code", "value"),
    Input("rg-year", "value"),
    Input({"type": "sort", "page": PAGE, "col": ALL}, "n_clicks"),
    State("rg-state", "data"),
    prevent_initial_call=True,
)
def navigate(level, code, year_value, _sort_clicks, current):
    """Every choice is a new view: rewrite the URL (sorting toggles the order)."""
    current = current or {}
    trigger = ctx.triggered_id
    sort, order = current.get("sort"), current.get("order", "asc")
    if isinstance(trigger, dict):
        if not any(_sort_clicks or []):
            return no_update
        key = trigger["col"]
        order = "desc" if sort == key and order == "asc" else "asc"
        sort = key
    if trigger == "rg-level" and level != current.get("level"):
        code = None  # a county code means nothing as a police region
    st = _state(context.warehouse(), level, code, year_value, sort, order)
    return "/region" + state.region_query(
        st["level"], st["code"], st["year"], st["sort"], st["order"]
    )


@callback(
    Output({"type": "download", "page": PAGE, "table": MATCH}, "data"),
    Input({"type": "dl", "page": PAGE, "table": MATCH, "fmt": ALL}, "n_clicks"),
    State("rg-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download(clicks, current, lang_value):
    trigger = ctx.triggered_id
    if not trigger or not any(clicks or []) or not current:
        return no_update
    wh = context.warehouse()
    st = _state(
        wh,
        current.get("level"),
        current.get("code"),
        current.get("year"),
        current.get("sort"),
        current.get("order"),
    )
    table = _tables(wh, st, lang_or_default(lang_value)).get(trigger["table"])
    if table is None:
        return no_update
    return export.download(table.frame, trigger["fmt"], f"{table.name}_{st['code']}_{st['year']}")
