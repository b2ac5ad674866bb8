"""Region: a county or police region (``/region?niva=lan&kod=01&year=2024&sortera=...``).

Every municipality of the region in one sortable table, the region against the nation (chart and
table), and who misses each requirement. Choices (applied with the "Visa" button) and sorting
rewrite the URL and re-render, so a copied link reopens the same view, sort order included.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import context, data, export, state
from dashboard.components.chart import captioned_chart
from dashboard.components.definitions import definitions_list
from dashboard.components.filters import labelled_select, picker_row, select_options, year_options
from dashboard.components.graph import graph_config
from dashboard.components.notice import ignored_notice, needs_warehouse
from dashboard.components.table import render_table
from dashboard.i18n import INDICATORS, LEVEL_TO_MART, LEVELS, Lang, lang_or_default, t
from dashboard.views import overview as overview_view
from dashboard.views import region as view

PAGE = "region"
# Every indicator and measure the page shows (members, versus and missing tables).
DEFINED = (*INDICATORS, "coordinator_fte")

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
            html.Button(id="rg-show"),
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
    if st["level"] == "polisregion":  # "Syd" alone does not say what it is
        name = f"{t('police_region', lang)} {name}"
    return {
        "members": view.members_table(members, name, st["year"], st["sort"], st["order"], lang),
        "versus": view.versus_nation({**region, "region_name": name}, nation, lang),
        "missing": view.missing_table(members, name, st["year"], lang),
    }


def _first_member(tables: dict) -> str:
    """A municipality of the region shown (the police region's comparison starts from it)."""
    links = tables["members"].links
    first = next(iter(links.values()))[0]
    return first.split("kod=")[1].split("&")[0]


def _region_options(wh: data.Warehouse, level: str, lang: Lang) -> list[tuple[str, str]]:
    """(code, name) of every county or police region, for the region select."""
    regions = data.regions(wh, LEVEL_TO_MART[level])
    return [
        (c, n if level == "lan" else f"{t('police_region', lang)} {n}")
        for c, n in zip(regions["region_code"], regions["region_name"], strict=True)
    ]


@needs_warehouse
def page(niva=None, kod=None, year=None, sortera=None, ordning=None, lang=None, **_ignored):
    lang = lang_or_default(lang)
    wh = context.warehouse()
    st = _state(wh, niva, kod, year, sortera, ordning)
    meta = data.meta(wh)
    options = _region_options(wh, st["level"], lang)
    picker = picker_row(
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
                # Without a valid code the select shows its first option: so does its value.
                labelled_select(
                    "rg-code", t("choose_region", lang), options, st["code"] or options[0][0]
                ),
                md=4,
            ),
            dbc.Col(
                labelled_select(
                    "rg-year", t("year", lang), year_options(meta.years), str(st["year"])
                ),
                md=2,
            ),
        ],
        "rg-show",
        lang,
    )
    head = [
        dcc.Location(id="rg-nav", refresh="callback-nav"),
        dcc.Store(id="rg-state", data=st),
        ignored_notice(
            state.ignored({"niva": (niva, st["level"]), "year": (year, st["year"])}), lang
        ),
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
    title = options[[c for c, _ in options].index(st["code"])][1]
    note = overview_view.law_note("meets_legal_requirements", st["year"], lang)
    return html.Div(
        [
            *head,
            html.H1(title, className="h3", id="rg-title"),
            html.P(
                dcc.Link(
                    t("cmp_link_county", lang),
                    href=f"/jamfor?niva=lan&kod={st['code']}&year={st['year']}",
                    id="rg-compare-link",
                )
                if st["level"] == "lan"
                else dcc.Link(
                    t("cmp_link_police_region", lang),
                    href=f"/jamfor?kod={_first_member(tables)}&year={st['year']}&grupp=polisregion",
                    id="rg-compare-link",
                ),
                className="lead-meta",
            ),
            picker,
            html.P(note, className="law-note") if note else None,
            definitions_list(DEFINED, lang, "rg"),
            html.Section(
                [
                    html.H2(tables["members"].caption, className="h4"),
                    render_table(tables["members"], lang, PAGE),
                ]
            ),
            html.Section(
                [
                    html.H2(versus.caption, className="h4"),
                    captioned_chart(
                        dcc.Graph(
                            id="rg-versus",
                            figure=view.versus_figure(versus, lang),
                            config=graph_config(lang),
                        ),
                        t(
                            "versus_caption",
                            lang,
                            name=title,
                            year=st["year"],
                            table=versus.caption,
                        ),
                        "rg-versus-caption",
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
    Output("rg-code", "options"),
    Output("rg-code", "value"),
    Input("rg-level", "value"),
    State("rg-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def region_choices(level_value, current, lang_value):
    """A new level lists its regions in the region select (the view changes only on "Visa")."""
    current = current or {}
    level = state.parse_choice(level_value, state.REGION_LEVELS, "lan")
    options = _region_options(context.warehouse(), level, lang_or_default(lang_value))
    codes = [c for c, _ in options]
    keep = level == current.get("level") and current.get("code") in codes
    return select_options(options), current["code"] if keep else codes[0]


@callback(
    Output("rg-nav", "href"),
    Input("rg-show", "n_clicks"),
    Input({"type": "sort", "page": PAGE, "col": ALL}, "n_clicks"),
    State("rg-level", "value"),
    State("rg-code", "value"),
    State("rg-year", "value"),
    State("rg-state", "data"),
    prevent_initial_call=True,
)
def navigate(show_clicks, sort_clicks, level, code, year_value, current):
    """The "Visa" button opens the selects' choice; a sort header re-sorts the view shown
    (toggling the order). Either rewrites the URL; a change of a select alone does nothing."""
    current = current or {}
    trigger = ctx.triggered_id
    sort, order = current.get("sort"), current.get("order", "asc")
    if isinstance(trigger, dict):
        if not any(sort_clicks or []):
            return no_update
        key = trigger["col"]
        order = "desc" if sort == key and order == "asc" else "asc"
        sort = key
        level, code, year_value = current.get("level"), current.get("code"), current.get("year")
    elif not show_clicks:
        return no_update
    # _state drops a code that is not one of the level's (a county code as a police region).
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
    return export.download(
        table.download_frame, trigger["fmt"], f"{table.name}_{st['code']}_{st['year']}"
    )
