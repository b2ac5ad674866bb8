"""Översikt: the national picture for a year: KPI cards, map, trend and the map's table.

State lives in the URL (``?year=2024&indikator=has_council&niva=kommun&visa=nej``). The layout
reads it; the controls write it back without reloading. Changing year or indicator recolours
the map with a ``Patch``; a click on a shape opens its profile. Callbacks are thin: the work is in
``dashboard.views.overview``.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import context, data, export, state
from dashboard.components.chart import captioned_chart
from dashboard.components.definitions import definition_popover
from dashboard.components.filters import labelled_select, year_options
from dashboard.components.graph import graph_config
from dashboard.components.kpi import kpi_grid
from dashboard.components.map import map_figure, map_note, map_patch
from dashboard.components.notice import ignored_notice, needs_warehouse
from dashboard.components.table import render_table
from dashboard.i18n import INDICATORS, LEVELS, STATUS_LABELS, Lang, lang_or_default, t
from dashboard.serving.geo import geo_url
from dashboard.views import overview as view

PAGE = "overview"

dash.register_page(
    __name__,
    path="/",
    name="Översikt",
    name_en="Overview",
    order=0,
    title="Översikt – brottsförebyggande arbete",
    description="Nationell översikt: råd, samordnare, överenskommelser, medborgarlöften, lagkrav.",
)


def _show_options(lang: Lang) -> list[tuple[str, str]]:
    return [
        ("alla", t("show_all", lang)),
        ("ja", STATUS_LABELS["yes"](lang)),
        ("nej", STATUS_LABELS["no"](lang)),
        ("ej", STATUS_LABELS["null"](lang)),
    ]


def skeleton() -> html.Div:
    """Every id this page's callbacks use, without data.

    Dash calls ``layout()`` with no arguments to build its validation layout and ships that to
    every browser on the first load; the full page there would cost hundreds of KB.
    """
    return html.Div(
        [
            dcc.Location(id="ov-url", refresh=False),
            dcc.Location(id="ov-nav", refresh="callback-nav"),
            *(dbc.Select(id=i) for i in ("ov-year", "ov-indicator", "ov-level", "ov-show")),
            *(
                html.Div(id=i)
                for i in (
                    "ov-kpis",
                    "ov-kpi-heading",
                    "ov-map-heading",
                    "ov-map-definition",
                    "ov-law-note",
                    "ov-map-note",
                    "ov-map-caption",
                    "ov-table",
                    "ov-table-heading",
                    "ov-show-wrap",
                )
            ),
            dcc.Graph(id="ov-map"),
        ]
    )


def layout(**query):
    """The page for the URL's query; the router always passes ``lang``, validation does not."""
    if "lang" not in query:
        return skeleton()
    return page(**query)


@needs_warehouse
def page(year=None, indikator=None, niva=None, visa=None, lang=None, **_ignored):
    lang = lang_or_default(lang)
    wh = context.warehouse()
    meta = data.meta(wh)
    raw_year, year = year, state.parse_year(year, meta.years)
    indicator = state.parse_indicator(indikator)
    level = state.parse_level(niva)
    show = state.parse_choice(visa, state.SHOW_FILTERS, "alla")
    regions_now = data.region_year(wh, year)
    regions_before = data.region_year(wh, year - 1)
    muni = data.municipality_year(wh, year)
    trend = data.region_trend(wh, "nation", "SE")
    gdir = context.geo_dir()
    url = geo_url(gdir, level)
    values = view.map_values(level, indicator, muni, regions_now, lang, points=url is None)
    table = view.overview_table(level, indicator, show, muni, regions_now, year, lang)
    trend_table = view.trend_table(trend, lang)
    label = INDICATORS[indicator].label(lang)
    controls = dbc.Row(
        [
            dbc.Col(
                labelled_select("ov-year", t("year", lang), year_options(meta.years), str(year)),
                md=2,
            ),
            dbc.Col(
                labelled_select(
                    "ov-indicator",
                    t("indicator", lang),
                    [(k, ind.label(lang)) for k, ind in INDICATORS.items()],
                    indicator,
                ),
                md=5,
            ),
            dbc.Col(
                labelled_select(
                    "ov-level",
                    t("level", lang),
                    [(k, v(lang)) for k, v in LEVELS.items()],
                    level,
                ),
                md=3,
            ),
        ],
        className="g-3 mb-3 controls",
    )
    return html.Div(
        [
            dcc.Location(id="ov-url", refresh=False),
            dcc.Location(id="ov-nav", refresh="callback-nav"),
            html.H1(t("overview", lang) + " – " + t("app_subtitle", lang), className="h3"),
            ignored_notice(
                state.ignored(
                    {
                        "year": (raw_year, year),
                        "indikator": (indikator, indicator),
                        "niva": (niva, level),
                        "visa": (visa, show),
                    },
                    shown={
                        "indikator": INDICATORS[indicator].label(lang),
                        "niva": LEVELS[level](lang),
                    },
                ),
                lang,
            ),
            html.Section(controls, **{"aria-label": t("show", lang)}),
            html.Section(
                [
                    html.H2(t("kpi_heading", lang, year=year), id="ov-kpi-heading", className="h4"),
                    html.Div(
                        kpi_grid(
                            view.kpis(
                                view.nation(regions_now), view.nation(regions_before), year, lang
                            ),
                            lang,
                        ),
                        id="ov-kpis",
                    ),
                ],
                **{"aria-labelledby": "ov-kpi-heading"},
            ),
            dbc.Row(
                [
                    dbc.Col(
                        html.Section(
                            [
                                html.Div(
                                    [
                                        html.H2(
                                            t("map_heading", lang, label=label, year=year),
                                            id="ov-map-heading",
                                            className="h4 d-inline",
                                        ),
                                        html.Span(
                                            definition_popover(indicator, lang, "map"),
                                            id="ov-map-definition",
                                        ),
                                    ]
                                ),
                                html.P(
                                    view.law_note(indicator, year, lang),
                                    id="ov-law-note",
                                    className="law-note",
                                ),
                                html.P(
                                    map_note(url is None, lang),
                                    id="ov-map-note",
                                    className="map-note" + (" fallback" if url is None else ""),
                                    # with boundaries the figure's caption says it all
                                    hidden=url is not None,
                                ),
                                captioned_chart(
                                    dcc.Graph(
                                        id="ov-map",
                                        figure=map_figure(values, level, url, lang),
                                        config=graph_config(
                                            lang,
                                            scrollZoom=True,
                                            modeBarButtonsToRemove=["toImage"],
                                        ),
                                        className="map-graph",
                                    ),
                                    _map_caption(level, indicator, year, lang),
                                    "ov-map-caption",
                                ),
                                html.P(t("map_click_hint", lang), className="small text-muted"),
                            ],
                            **{"aria-labelledby": "ov-map-heading"},
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        html.Section(
                            [
                                html.H2(
                                    t("table_heading", lang, label=label, year=year),
                                    className="h4",
                                    id="ov-table-heading",
                                ),
                                html.Div(
                                    labelled_select(
                                        "ov-show",
                                        t("filter_status", lang),
                                        _show_options(lang),
                                        show,
                                    ),
                                    id="ov-show-wrap",
                                    hidden=level != "kommun",
                                    className="mb-2",
                                ),
                                html.Div(render_table(table, lang, PAGE), id="ov-table"),
                            ],
                            **{"aria-labelledby": "ov-table-heading"},
                        ),
                        lg=5,
                    ),
                ],
                className="g-4 mt-2",
            ),
            html.Section(
                [
                    html.H2(t("trend_heading", lang), className="h4 mt-4", id="ov-trend-heading"),
                    captioned_chart(
                        dcc.Graph(
                            id="ov-trend",
                            figure=view.trend_figure(trend, lang, highlight=indicator),
                            config=graph_config(lang),
                        ),
                        t(
                            "trend_caption",
                            lang,
                            table=trend_table.caption,
                            button=t("show_table", lang),
                        ),
                        "ov-trend-caption",
                    ),
                    html.Details(
                        [
                            html.Summary(t("show_table", lang)),
                            render_table(trend_table, lang, PAGE),
                        ]
                    ),
                ],
                **{"aria-labelledby": "ov-trend-heading"},
            ),
        ],
        className="page-overview",
    )


def _map_caption(level: str, indicator: str, year: int, lang: Lang) -> str:
    """What the map shows, and the table beside it with the same numbers (its heading)."""
    label = INDICATORS[indicator].label(lang)
    if level == "kommun":
        shows = t("map_caption_kommun", lang, label=label, year=year)
    else:
        unit = t(f"map_unit_{level}", lang)
        shows = t("map_caption_region", lang, unit=unit, label=label, year=year)
    table = t("table_heading", lang, label=label, year=year)
    return f"{shows} {t('map_caption_table', lang, table=table)}"


def _inputs(year_value, indicator_value, level_value, show_value, lang_value):
    """The controls' raw values, validated like the URL."""
    wh = context.warehouse()
    meta = data.meta(wh)
    return (
        wh,
        state.parse_year(year_value, meta.years),
        state.parse_indicator(indicator_value),
        state.parse_level(level_value),
        state.parse_choice(show_value, state.SHOW_FILTERS, "alla"),
        lang_or_default(lang_value),
    )


@callback(
    Output("ov-url", "search"),
    Input("ov-year", "value"),
    Input("ov-indicator", "value"),
    Input("ov-level", "value"),
    Input("ov-show", "value"),
    prevent_initial_call=True,
)
def sync_url(year_value, indicator_value, level_value, show_value):
    _wh, year, indicator, level, show, _lang = _inputs(
        year_value, indicator_value, level_value, show_value, "sv"
    )
    return state.overview_query(year, indicator, level, show)


@callback(
    Output("ov-kpis", "children"),
    Output("ov-kpi-heading", "children"),
    Input("ov-year", "value"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def update_kpis(year_value, lang_value):
    wh, year, _i, _l, _s, lang = _inputs(year_value, None, None, None, lang_value)
    now, before = data.region_year(wh, year), data.region_year(wh, year - 1)
    cards = view.kpis(view.nation(now), view.nation(before), year, lang)
    return kpi_grid(cards, lang), t("kpi_heading", lang, year=year)


@callback(
    Output("ov-map", "figure"),
    Output("ov-map-heading", "children"),
    Output("ov-map-definition", "children"),
    Output("ov-law-note", "children"),
    Output("ov-map-note", "children"),
    Output("ov-map-note", "hidden"),
    Output("ov-map-caption", "children"),
    Input("ov-year", "value"),
    Input("ov-indicator", "value"),
    Input("ov-level", "value"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def update_map(year_value, indicator_value, level_value, lang_value):
    wh, year, indicator, level, _s, lang = _inputs(
        year_value, indicator_value, level_value, None, lang_value
    )
    url = geo_url(context.geo_dir(), level)
    values = view.map_values(
        level,
        indicator,
        data.municipality_year(wh, year),
        data.region_year(wh, year),
        lang,
        points=url is None,
    )
    # Same level: only colours and hover text change (a few KB); a new level needs new shapes.
    figure = (
        map_figure(values, level, url, lang)
        if ctx.triggered_id == "ov-level"
        else map_patch(values, fallback=url is None)
    )
    label = INDICATORS[indicator].label(lang)
    return (
        figure,
        t("map_heading", lang, label=label, year=year),
        definition_popover(indicator, lang, "map"),
        view.law_note(indicator, year, lang),
        map_note(url is None, lang),
        url is not None,
        _map_caption(level, indicator, year, lang),
    )


@callback(
    Output("ov-table", "children"),
    Output("ov-table-heading", "children"),
    Output("ov-show-wrap", "hidden"),
    Input("ov-year", "value"),
    Input("ov-indicator", "value"),
    Input("ov-level", "value"),
    Input("ov-show", "value"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def update_table(year_value, indicator_value, level_value, show_value, lang_value):
    wh, year, indicator, level, show, lang = _inputs(
        year_value, indicator_value, level_value, show_value, lang_value
    )
    table = _map_table(wh, year, indicator, level, show, lang)
    return render_table(table, lang, PAGE), table.caption, level != "kommun"


def _map_table(wh, year, indicator, level, show, lang):
    return view.overview_table(
        level,
        indicator,
        show,
        data.municipality_year(wh, year),
        data.region_year(wh, year),
        year,
        lang,
    )


@callback(
    Output("ov-nav", "href"),
    Input("ov-map", "clickData"),
    State("ov-year", "value"),
    prevent_initial_call=True,
)
def open_profile(click, year_value):
    href = view.profile_href(
        click, state.parse_year(year_value, data.meta(context.warehouse()).years)
    )
    return href or no_update


@callback(
    Output({"type": "download", "page": PAGE, "table": MATCH}, "data"),
    Input({"type": "dl", "page": PAGE, "table": MATCH, "fmt": ALL}, "n_clicks"),
    State("ov-year", "value"),
    State("ov-indicator", "value"),
    State("ov-level", "value"),
    State("ov-show", "value"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download(_clicks, year_value, indicator_value, level_value, show_value, lang_value):
    trigger = ctx.triggered_id
    if not trigger or not any(_clicks):
        return no_update
    wh, year, indicator, level, show, lang = _inputs(
        year_value, indicator_value, level_value, show_value, lang_value
    )
    # File names say what is in them, so that two downloads do not overwrite each other.
    if trigger["table"] == "trend":
        table = view.trend_table(data.region_trend(wh, "nation", "SE"), lang)
        stem = f"{table.name}_riket"
    else:
        table = _map_table(wh, year, indicator, level, show, lang)
        stem = f"{table.name}_{level}_{indicator}_{year}" + ("" if show == "alla" else f"_{show}")
    return export.download(table.download_frame, trigger["fmt"], stem)
