"""Datakvalitet: what arrived for a reporting year, who is missing, and why (``/datakvalitet``).

For the coordinator's Monday morning in April: the year's figures (received, on time, late,
revised, missing, rejected files), the same per county, the chase list of the municipalities
still missing with the last file received from them (every row downloadable, ready to mail
merge), every file received for the year with its fate, and every reason a file was rejected.
``?year=2024&sok=...``; the choices are applied with "Visa".

The counts and the chase list are public; the list of files and the reasons (which quote the
contents of rejected files) are shown to the accounts ``access.submission_scope`` allows: all of
them to a viewer or coordinator, a municipal reporter's own, none to the public (a note says
why), on the page and in its downloads alike.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import context, data, export, state
from dashboard.components.chart import captioned_chart
from dashboard.components.definitions import definitions_list
from dashboard.components.filters import (
    labelled_input,
    labelled_select,
    picker_row,
    year_options,
)
from dashboard.components.graph import graph_config
from dashboard.components.kpi import kpi_grid
from dashboard.components.map import map_figure, map_note
from dashboard.components.notice import ignored_notice, needs_warehouse
from dashboard.components.table import Table, render_table
from dashboard.i18n import Lang, lang_or_default, t
from dashboard.security import access, auth
from dashboard.serving.geo import geo_url
from dashboard.views import data_quality as view
from dashboard.views import data_quality_state as dqs

PAGE = "dataquality"
DEFINED = ("dq_received", "dq_on_time", "dq_revised", "dq_missing", "dq_rejected_files")

dash.register_page(
    __name__,
    path="/datakvalitet",
    name="Datakvalitet",
    name_en="Data quality",
    order=4,
    title="Datakvalitet – brottsförebyggande arbete",
    description="Vilka som rapporterat, i tid eller sent, vilka som saknas och varför.",
)


def skeleton() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="dq-nav", refresh="callback-nav"),
            dcc.Store(id="dq-state"),
            dbc.Select(id="dq-year"),
            dcc.Input(id="dq-search"),
            html.Button(id="dq-show"),
        ]
    )


def layout(**query):
    if "lang" not in query:
        return skeleton()
    return page(**query)


@needs_warehouse
def page(year=None, lang=None, **query):
    lang = lang_or_default(lang)
    wh = context.warehouse()
    meta = data.meta(wh)
    st = dqs.parse(meta, {"year": year, **query})
    got = dqs.fetch(wh, meta, st["year"])
    scope = access.submission_scope(auth.current_account())
    built = dqs.build(got, st, lang, scope)
    picker = picker_row(
        [
            dbc.Col(
                labelled_select(
                    "dq-year", t("year", lang), year_options(meta.years), str(st["year"])
                ),
                md=2,
            ),
            dbc.Col(labelled_input("dq-search", t("dq_search", lang), st["search"] or ""), md=5),
        ],
        "dq-show",
        lang,
    )

    def section(name: str, note: str | None = None, **extra) -> html.Section:
        table = built[name]
        if name in ("files", "reasons") and scope is None:
            body = html.P(
                [
                    t(f"dq_{name}_signed_in", lang),
                    " ",
                    html.A(t("nav_sign_in", lang), href=_sign_in()),
                ],
                className="text-muted signed-in-only",
            )
        elif table.frame.height:
            body = render_table(table, lang, PAGE)
        else:
            body = html.P(t("dq_none", lang), className="text-muted")
        return html.Section(
            [
                html.H2(table.caption, className="h4 mt-4", id=f"dq-{name}-heading"),
                html.P(note, className="small") if note else None,
                body,
            ],
            **{"aria-labelledby": f"dq-{name}-heading"},
            **extra,
        )

    return html.Div(
        [
            dcc.Location(id="dq-nav", refresh="callback-nav"),
            dcc.Store(id="dq-state", data=st),
            html.H1(t("dq_heading", lang, year=st["year"]), className="h3", id="dq-title"),
            ignored_notice(state.ignored({"year": (year, st["year"])}), lang),
            picker,
            definitions_list(DEFINED, lang, "dq"),
            html.Section(
                [
                    html.H2(
                        t("dq_kpi_heading", lang, year=st["year"]),
                        className="h4",
                        id="dq-kpi-heading",
                    ),
                    kpi_grid(view.kpis(got.rows, got.files, st["year"], lang), lang),
                ],
                **{"aria-labelledby": "dq-kpi-heading"},
            ),
            _map_section(got, st, built["counties"].caption, built["chase"].caption, lang),
            section("counties"),
            section("chase", _chase_note(got, lang)),
            section("attention", t("dq_att_note", lang)),
            section("files", t("dq_files_note", lang)),
            section("warnings_by_kind", t("dqw_by_kind_note", lang)),
            section("warnings_by_municipality", t("dqw_by_municipality_note", lang)),
            section("unreported_grants", t("dqw_unreported_note", lang)),
            section("unknown_grant_ids", t("dqw_unknown_ids_note", lang)),
            reasons_section(section),
            _warehouse_section(got, built["runs"], lang),
        ],
        className="page-data-quality",
    )


def _map_section(got: dqs.Year, st: dict, counties: str, chase: str, lang: Lang) -> html.Section:
    """The municipalities coloured by their status in the year; the tables hold the same."""
    url = geo_url(context.geo_dir(), "kommun")
    values = view.map_values(got.rows, got.muni, lang, points=url is None)
    return html.Section(
        [
            html.H2(
                t("dq_map_heading", lang, year=st["year"]), className="h4 mt-4", id="dq-map-heading"
            ),
            html.P(
                map_note(url is None, lang), className="map-note fallback", hidden=url is not None
            ),
            captioned_chart(
                dcc.Graph(
                    id="dq-map",
                    figure=map_figure(values, "kommun", url, lang),
                    config=graph_config(lang, scrollZoom=True, modeBarButtonsToRemove=["toImage"]),
                    className="map-graph",
                ),
                t("dq_map_caption", lang, year=st["year"], counties=counties, chase=chase),
                "dq-map-caption",
            ),
        ],
        className="dq-map",
        **{"aria-labelledby": "dq-map-heading"},
    )


def _chase_note(got: dqs.Year, lang: Lang) -> str:
    """What the chase list is, and how many rejected files could not be linked to anyone."""
    note = t("dq_chase_note", lang)
    unread = view.unattributed_rejected(got.files)
    return note + (" " + t("dq_unattributed", lang, n=unread) if unread else "")


def _warehouse_section(got: dqs.Year, table: Table, lang: Lang) -> html.Section:
    """When the warehouse was last published, its version, from how many files; what each of
    the last runs added."""
    return html.Section(
        [
            html.H2(
                t("dq_warehouse_heading", lang), className="h4 mt-4", id="dq-warehouse-heading"
            ),
            html.P(view.warehouse_text(got.meta, got.runs, lang), id="dq-warehouse-text"),
            render_table(table, lang, PAGE),
        ],
        **{"aria-labelledby": "dq-warehouse-heading"},
    )


def reasons_section(section) -> html.Section:
    """The reasons rejected files were rejected: they quote the files' contents, so only the
    accounts ``access.submission_scope`` allows see them (the rows of their scope)."""
    return section("reasons", None, id="dq-reasons")


def _sign_in() -> str:
    return "/logga-in?next=/datakvalitet"


@callback(
    Output("dq-nav", "href"),
    Input("dq-show", "n_clicks"),
    State("dq-year", "value"),
    State("dq-search", "value"),
    prevent_initial_call=True,
)
def navigate(clicks, year, search):
    if not clicks:
        return no_update
    st = dqs.parse(data.meta(context.warehouse()), {"year": year, "sok": search})
    return "/datakvalitet" + state.query_string({"year": st["year"], "sok": st["search"]})


@callback(
    Output({"type": "download", "page": PAGE, "table": MATCH}, "data"),
    Input({"type": "dl", "page": PAGE, "table": MATCH, "fmt": ALL}, "n_clicks"),
    State("dq-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download(clicks, current, lang_value):
    trigger = ctx.triggered_id
    if not trigger or not any(clicks or []) or not current:
        return no_update
    wh = context.warehouse()
    st = dqs.parse(data.meta(wh), {"year": current.get("year"), "sok": current.get("search")})
    scope = access.submission_scope(auth.current_account())
    table = dqs.tables(wh, st, lang_or_default(lang_value), scope).get(trigger["table"])
    if table is None:
        return no_update
    return export.download(
        table.download_frame, trigger["fmt"], f"datakvalitet_{table.name}_{st['year']}"
    )
