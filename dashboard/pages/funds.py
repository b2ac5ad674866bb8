"""Medel: how the development funds are allocated and used, per region (``/medel``).

For the ministry's reviewers: allocation per county, police region or municipality over one
funding year or a range (shares of the granted total beside shares of the population), the map of
SEK per inhabitant, focus areas and the years, the concentration (Lorenz curve, Gini), the grants
list with its review flags, where a grant's numbers come from, and a review pack (XLSX) plus a
printable page. State lives in the URL (``?niva=lan&fran=2023&till=2025&matt=granted&region=12
&kategori=drugs&flagga=no_report&sok=...&bidrag=BRA-2024-0042``); the choices are applied with
"Visa", the map's measure recolours the map at once with a ``Patch``.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import (
    ALL,
    MATCH,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    ctx,
    dcc,
    html,
    no_update,
)

from dashboard import context, data, export, state
from dashboard.components.chart import captioned_chart
from dashboard.components.definitions import definitions_list
from dashboard.components.filters import (
    labelled_input,
    labelled_select,
    select_options,
    show_button,
    year_options,
)
from dashboard.components.graph import graph_config
from dashboard.components.kpi import kpi_grid
from dashboard.components.map import map_figure, map_patch
from dashboard.components.notice import ignored_notice, needs_warehouse
from dashboard.components.table import render_table
from dashboard.i18n import FUND_FLAGS, LEVELS, Lang, lang_or_default, t
from dashboard.serving.geo import geo_url
from dashboard.views import funds as view
from dashboard.views import funds_state as fstate
from dashboard.views.funds_pack import review_pack, summary_kpis

PAGE = "funds"
DEFINED = (
    "fund_money",
    "fund_spent",
    "fund_per_inhabitant",
    "fund_shares",
    "fund_gini",
    "fund_without",
    *FUND_FLAGS,
)

dash.register_page(
    __name__,
    path="/medel",
    name="Medel",
    name_en="Funds",
    order=0.5,
    title="Medel – brottsförebyggande arbete",
    description="Utvecklingsmedel per region: fördelning, användning, koncentration, granskning.",
)


def skeleton() -> html.Div:
    """Every id this page's callbacks use, without data (see ``overview.skeleton``)."""
    return html.Div(
        [
            dcc.Location(id="md-url", refresh=False),
            dcc.Location(id="md-nav", refresh="callback-nav"),
            dcc.Store(id="md-state"),
            *(
                dbc.Select(id=i)
                for i in (
                    "md-level",
                    "md-from",
                    "md-to",
                    "md-region",
                    "md-category",
                    "md-flag",
                    "md-measure",
                )
            ),
            dcc.Input(id="md-search"),
            *(html.Button(id=i) for i in ("md-show", "md-pack", "md-print")),
            dcc.Download(id="md-pack-download"),
            html.Div(id="md-map-caption"),
            html.P(id="md-selection"),
            dcc.Graph(id="md-map"),
        ]
    )


def layout(**query):
    if "lang" not in query:
        return skeleton()
    return page(**query)


@needs_warehouse
def page(lang=None, **query):
    lang = lang_or_default(lang)
    wh = context.warehouse()
    meta = data.meta(wh)
    st = fstate.parse(wh, meta, query)
    content = fstate.Content(wh, st, lang)
    span = view.period(st["from"], st["to"])
    alloc_table = content.table("allocation")
    points = geo_url(context.geo_dir(), st["level"]) is None
    return html.Div(
        [
            dcc.Location(id="md-url", refresh=False),
            dcc.Location(id="md-nav", refresh="callback-nav"),
            dcc.Store(id="md-state", data=st),
            html.H1(t("fund_page_heading", lang, period=span), className="h3", id="md-title"),
            html.P(fstate.selection_text(wh, st, lang), id="md-selection", className="selection"),
            ignored_notice(fstate.ignored(query, st), lang),
            _controls(wh, meta, st, lang),
            definitions_list(DEFINED, lang, "md"),
            html.Section(
                [
                    html.H2(t("fund_summary_heading", lang, period=span), className="h4"),
                    kpi_grid(summary_kpis(content, lang), lang),
                ],
                className="fund-summary",
            ),
            _allocation_section(content, alloc_table, lang),
            _map_section(content, st, alloc_table.caption, points, lang),
            _focus_section(content, lang),
            _concentration_section(content, lang),
            _grants_section(content, lang),
            _provenance_section(content, lang),
        ],
        className="page-funds",
    )


def _controls(wh: data.Warehouse, meta: data.Meta, st: dict, lang: Lang) -> html.Section:
    years = year_options(data.fund_years(wh) or meta.years)
    row1 = [
        dbc.Col(
            labelled_select(
                "md-level",
                t("level", lang),
                [(k, v(lang)) for k, v in LEVELS.items()],
                st["level"],
            ),
            md=3,
        ),
        dbc.Col(labelled_select("md-from", t("fund_from", lang), years, str(st["from"])), md=2),
        dbc.Col(labelled_select("md-to", t("fund_to", lang), years, str(st["to"])), md=2),
        dbc.Col(
            labelled_select(
                "md-region",
                t("fund_region_filter", lang),
                fstate.region_options(wh, st["level"], lang),
                st["region"] or fstate.ALL,
            ),
            md=5,
        ),
    ]
    row2 = [
        dbc.Col(
            labelled_select(
                "md-category",
                t("fund_category", lang),
                fstate.category_options(lang),
                st["category"] or fstate.ALL,
            ),
            md=4,
        ),
        dbc.Col(
            labelled_select(
                "md-flag",
                t("fund_flag_filter", lang),
                fstate.flag_options(lang),
                st["flag"] or fstate.ALL,
            ),
            md=3,
        ),
        dbc.Col(labelled_input("md-search", t("fund_search", lang), st["search"] or ""), md=3),
        show_button("md-show", lang),
    ]
    actions = html.Div(
        [
            html.Button(
                t("fund_pack_button", lang),
                id="md-pack",
                type="button",
                n_clicks=0,
                className="btn btn-outline-primary me-2",
            ),
            html.Button(
                t("fund_print_button", lang),
                id="md-print",
                type="button",
                n_clicks=0,
                className="btn btn-outline-secondary",
            ),
            dcc.Download(id="md-pack-download"),
        ],
        className="page-actions mb-3",
    )
    return html.Section(
        [
            dbc.Row(row1, className="g-3 mb-2 controls"),
            dbc.Row(row2, className="g-3 mb-3 controls"),
            actions,
        ],
        className="no-print",
        **{"aria-label": t("fund_choices", lang)},
    )


def _chart(graph_id: str, figure: dict, caption: str, lang: Lang) -> html.Figure:
    return captioned_chart(
        dcc.Graph(id=graph_id, figure=figure, config=graph_config(lang)),
        caption,
        f"{graph_id}-caption",
    )


def _allocation_section(content: fstate.Content, table, lang: Lang) -> html.Section:
    st = content.st
    return html.Section(
        [
            html.H2(t("fund_alloc_section", lang), className="h4 mt-4", id="md-alloc-heading"),
            html.P(t(f"fund_alloc_note_{st['level']}", lang), className="small"),
            _chart(
                "md-gap",
                view.gap_figure(content.allocation(), st["level"], lang),
                t(
                    "fund_gap_caption" + ("_ends" if st["level"] == "kommun" else ""),
                    lang,
                    n=view.GAP_ENDS,
                    table=table.caption,
                ),
                lang,
            ),
            render_table(table, lang, PAGE),
        ],
        className="print-break",
        **{"aria-labelledby": "md-alloc-heading"},
    )


def _map_section(content, st: dict, table_caption: str, points: bool, lang: Lang) -> html.Section:
    values = content.map_values(st["measure"], points)
    url = geo_url(context.geo_dir(), st["level"])
    return html.Section(
        [
            html.H2(t("fund_map_section", lang), className="h4 mt-4", id="md-map-heading"),
            dbc.Row(
                dbc.Col(
                    labelled_select(
                        "md-measure",
                        t("fund_measure", lang),
                        [(m, view.per_inhabitant_label(m, lang)) for m in view.MEASURES],
                        st["measure"],
                    ),
                    md=4,
                ),
                className="mb-2 no-print",
            ),
            # for paper: the map's canvas prints blank (assets/app.js keeps this picture of it)
            html.Img(
                className="map-print",
                alt=t("fund_map_picture", lang),
                **{"data-map": "md-map"},
            ),
            captioned_chart(
                dcc.Graph(
                    id="md-map",
                    figure=map_figure(values, st["level"], url, lang),
                    config=graph_config(lang, scrollZoom=True, modeBarButtonsToRemove=["toImage"]),
                    className="map-graph",
                ),
                fstate.map_caption(st, table_caption, lang),
                "md-map-caption",
            ),
        ],
        className="print-break",
        **{"aria-labelledby": "md-map-heading"},
    )


def _focus_section(content, lang: Lang) -> html.Section:
    categories = content.table("categories")
    trend = content.table("trend")
    return html.Section(
        [
            html.H2(t("fund_focus_section", lang), className="h4 mt-4", id="md-focus-heading"),
            _chart(
                "md-categories",
                view.category_figure(categories, lang),
                t("fund_category_caption", lang, table=categories.caption),
                lang,
            ),
            render_table(categories, lang, PAGE),
            html.H3(trend.caption, className="h5 mt-3"),
            _chart(
                "md-trend",
                view.trend_figure(trend, lang),
                t("fund_trend_caption", lang, table=trend.caption),
                lang,
            ),
            render_table(trend, lang, PAGE),
        ],
        className="print-break",
        **{"aria-labelledby": "md-focus-heading"},
    )


def _concentration_section(content, lang: Lang) -> html.Section:
    table = content.table("concentration")
    return html.Section(
        [
            html.H2(t("fund_conc_section", lang), className="h4 mt-4", id="md-conc-heading"),
            dbc.Row(
                [
                    dbc.Col(
                        _chart(
                            "md-lorenz",
                            view.lorenz_figure(content.lorenz(), content.range_gini(), lang),
                            t("fund_lorenz_caption", lang, table=table.caption),
                            lang,
                        ),
                        lg=6,
                    ),
                    dbc.Col(render_table(table, lang, PAGE), lg=6),
                ]
            ),
        ],
        className="print-break",
        **{"aria-labelledby": "md-conc-heading"},
    )


def _grants_section(content, lang: Lang) -> html.Section:
    flags = content.table("flags")
    grants = content.table("grants")
    return html.Section(
        [
            html.H2(t("fund_grants_section", lang), className="h4 mt-4", id="md-grants-heading"),
            html.H3(flags.caption, className="h5"),
            render_table(flags, lang, PAGE),
            html.H3(grants.caption, className="h5 mt-3", id="md-grants-list"),
            html.P(t("fund_grants_filter_note", lang), className="small"),
            render_table(grants, lang, PAGE),
        ],
        className="print-break",
        **{"aria-labelledby": "md-grants-heading"},
    )


def _provenance_section(content, lang: Lang) -> html.Section | None:
    grant = content.grant()
    st = content.st
    if st["grant"] is None:
        return None
    if grant is None:
        return dbc.Alert(t("fund_unknown_grant", lang, grant_id=st["grant"]), color="info")
    sources = content.table("sources")
    facts = fstate.grant_facts(grant, lang)
    return html.Section(
        [
            html.H2(
                t("fund_provenance_heading", lang, grant_id=grant["grant_id"]),
                className="h4 mt-4",
                id="ursprung",
            ),
            html.Dl(
                [item for term, value in facts for item in (html.Dt(term), html.Dd(value))],
                className="grant-facts",
            ),
            render_table(sources, lang, PAGE)
            if sources.frame.height
            else html.P(t("fund_no_sources", lang)),
        ],
        className="print-break",
        **{"aria-labelledby": "ursprung"},
    )


# -- callbacks ------------------------------------------------------------------------------------


@callback(
    Output("md-region", "options"),
    Output("md-region", "value"),
    Input("md-level", "value"),
    State("md-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def region_choices(level_value, current, lang_value):
    """A new level lists its regions (the view changes only on "Visa")."""
    current = current or {}
    level = state.parse_level(level_value)
    options = fstate.region_options(context.warehouse(), level, lang_or_default(lang_value))
    keep = level == current.get("level") and current.get("region")
    return select_options(options), current["region"] if keep else fstate.ALL


@callback(
    Output("md-nav", "href"),
    Input("md-show", "n_clicks"),
    State("md-level", "value"),
    State("md-from", "value"),
    State("md-to", "value"),
    State("md-region", "value"),
    State("md-category", "value"),
    State("md-flag", "value"),
    State("md-search", "value"),
    State("md-measure", "value"),
    prevent_initial_call=True,
)
def navigate(clicks, level, year_from, year_to, region, category, flag, search, measure):
    """ "Visa" opens the chosen view: the URL says it all, so the link reopens it."""
    if not clicks:
        return no_update
    wh = context.warehouse()
    raw = {
        "niva": level,
        "fran": year_from,
        "till": year_to,
        "region": region,
        "kategori": category,
        "flagga": flag,
        "sok": search,
        "matt": measure,
    }
    st = fstate.parse(wh, data.meta(wh), raw)
    return "/medel" + fstate.query(st)


@callback(
    Output("md-map", "figure"),
    Output("md-map-caption", "children"),
    Output("md-url", "search"),
    Output("md-state", "data"),
    Output("md-selection", "children"),
    Input("md-measure", "value"),
    State("md-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def recolour(measure, current, lang_value):
    """Another measure on the map: only colours, hover text and legend change (a Patch); the
    URL, the stated selection and the state the downloads and the pack use follow it."""
    lang = lang_or_default(lang_value)
    wh = context.warehouse()
    st = fstate.parse(wh, data.meta(wh), fstate.as_query({**(current or {}), "measure": measure}))
    content = fstate.Content(wh, st, lang)
    points = geo_url(context.geo_dir(), st["level"]) is None
    caption = fstate.map_caption(st, view.allocation_caption(st, lang), lang)
    return (
        map_patch(content.map_values(st["measure"], points), points, lang),
        caption,
        fstate.query(st),
        st,
        fstate.selection_text(wh, st, lang),
    )


@callback(
    Output({"type": "download", "page": PAGE, "table": MATCH}, "data"),
    Input({"type": "dl", "page": PAGE, "table": MATCH, "fmt": ALL}, "n_clicks"),
    State("md-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download(clicks, current, lang_value):
    trigger = ctx.triggered_id
    if not trigger or not any(clicks or []) or not current:
        return no_update
    wh = context.warehouse()
    st = fstate.parse(wh, data.meta(wh), fstate.as_query(current))
    try:
        table = fstate.Content(wh, st, lang_or_default(lang_value)).table(trigger["table"])
    except KeyError:  # a table this view does not have (a hand-made request)
        return no_update
    stem = f"medel_{table.name}_{st['level']}_{st['from']}-{st['to']}"
    return export.download(table.download_frame, trigger["fmt"], stem)


@callback(
    Output("md-pack-download", "data"),
    Input("md-pack", "n_clicks"),
    State("md-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download_pack(clicks, current, lang_value):
    """The review pack: summary (with the filters, warehouse version and build time), regions,
    grants and flags, in one XLSX."""
    if not clicks or not current:
        return no_update
    wh = context.warehouse()
    meta = data.meta(wh)
    st = fstate.parse(wh, meta, fstate.as_query(current))
    content = fstate.Content(wh, st, lang_or_default(lang_value))
    return {
        "content": review_pack(content, meta),
        "filename": f"granskningsunderlag_medel_{st['level']}_{st['from']}-{st['to']}.xlsx",
        "type": export.XLSX_MIME,
        "base64": True,
    }


dash.clientside_callback(
    ClientsideFunction("bf", "print"),
    Output("md-print", "n_clicks"),
    Input("md-print", "n_clicks"),
    prevent_initial_call=True,
)
