"""Jämför: benchmark a municipality or a county against its peers (``/jamfor``).

For regional networks: whom to compare with (same county, police region, SKR municipality group,
similar population, or a hand-picked list), every indicator side by side with the peers' share or
median, quartiles and range, the rank ("3:e av 23") and the nation; where it stands in the
distribution (strips beside the table); over the years; and whom to learn from for every
requirement it lacks. Choices are applied with "Visa"; the URL reproduces the whole comparison.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import context, data, export
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
from dashboard.components.notice import ignored_notice, needs_warehouse
from dashboard.components.table import render_table
from dashboard.i18n import Lang, lang_or_default, t
from dashboard.views import compare as cmp
from dashboard.views import compare_state as cstate
from dashboard.views import compare_tables as tables

PAGE = "compare"

dash.register_page(
    __name__,
    path="/jamfor",
    name="Jämför",
    name_en="Compare",
    order=3,
    title="Jämför – brottsförebyggande arbete",
    description="Jämför en kommun eller ett län med liknande: andelar, medianer, rang, lär av.",
)


def skeleton() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="cp-nav", refresh="callback-nav"),
            dcc.Store(id="cp-state"),
            *(dbc.Select(id=i) for i in ("cp-level", "cp-code", "cp-year", "cp-group", "cp-ind")),
            dcc.Input(id="cp-picked"),
            html.Button(id="cp-show"),
        ]
    )


def layout(**query):
    if "lang" not in query:
        return skeleton()
    return page(**query)


def _picker(wh: data.Warehouse, meta: data.Meta, st: dict, lang: Lang) -> html.Section:
    places = cstate.place_options(wh, st["level"])
    indicators = [(k, tables.label(k, lang, st["level"] == "lan")) for k in cmp.BOOLS + cmp.NUMBERS]
    row1 = [
        dbc.Col(
            labelled_select(
                "cp-level",
                t("level", lang),
                [("kommun", t("municipality", lang)), ("lan", t("county", lang))],
                st["level"],
            ),
            md=2,
        ),
        dbc.Col(
            labelled_select(
                "cp-code",
                t("cmp_place", lang),
                places,
                st["code"] or places[0][0],
            ),
            md=4,
        ),
        dbc.Col(
            labelled_select("cp-year", t("year", lang), year_options(meta.years), str(st["year"])),
            md=2,
        ),
        dbc.Col(
            labelled_select(
                "cp-group",
                t("cmp_group", lang),
                cstate.group_options(st["level"], lang),
                st["group"],
            ),
            md=4,
        ),
    ]
    row2 = [
        dbc.Col(
            labelled_input(
                "cp-picked",
                t("cmp_picked", lang),
                ",".join([*st["picked"], *st["unknown"]]),
                kind="text",
                max_length=400,
                help_text=t("cmp_picked_help", lang),
            ),
            md=6,
        ),
        dbc.Col(
            labelled_select("cp-ind", t("cmp_indicator_years", lang), indicators, st["indicator"]),
            md=4,
        ),
        show_button("cp-show", lang),
    ]
    return html.Section(
        [
            dbc.Row(row1, className="g-3 mb-2 controls"),
            dbc.Row(row2, className="g-3 mb-3 controls"),
        ],
        **{"aria-label": t("cmp_choices", lang)},
    )


@needs_warehouse
def page(lang=None, **query):
    lang = lang_or_default(lang)
    wh = context.warehouse()
    meta = data.meta(wh)
    st = cstate.parse(wh, meta, query)
    head = [
        dcc.Location(id="cp-nav", refresh="callback-nav"),
        dcc.Store(id="cp-state", data=st),
        ignored_notice(cstate.ignored(query, st, lang), lang),
    ]
    picker = _picker(wh, meta, st, lang)
    if st["code"] is None:
        kod = query.get("kod")
        return html.Div(
            [
                *head,
                html.H1(t("cmp_page", lang), className="h3"),
                html.P(t("cmp_intro", lang)),
                picker,
                dbc.Alert(t("cmp_unknown_place", lang, code=kod), color="info") if kod else None,
            ],
            className="page-compare",
        )
    content = cstate.Content(wh, meta, st, lang)
    comparison = content.table("comparison")
    years = content.table("years")
    learn = content.table("learn")
    peers = content.table("peers")
    county_mode = content.county_mode
    keys = ("has_report", *cmp.BOOLS, *cmp.NUMBERS)
    empty_group = content.group.height == 0
    return html.Div(
        [
            *head,
            html.H1(
                t("cmp_heading", lang, name=content.name, year=st["year"]),
                className="h3",
                id="cp-title",
            ),
            html.P(
                [t("cmp_group_is", lang, group=content.group_label(), n=content.group.height)],
                id="cp-group-text",
                className="selection",
            ),
            picker,
            dbc.Alert(t("cmp_empty_group", lang), color="warning") if empty_group else None,
            definitions_list(dict.fromkeys(keys), lang, "cp"),
            html.Section(
                [
                    html.H2(comparison.caption, className="h4", id="cp-comparison-heading"),
                    render_table(comparison, lang, PAGE),
                ],
                **{"aria-labelledby": "cp-comparison-heading"},
            ),
            html.Section(
                [
                    html.H2(
                        t("cmp_strip_section", lang), className="h4 mt-4", id="cp-strip-heading"
                    ),
                    captioned_chart(
                        dcc.Graph(
                            id="cp-strip",
                            figure=tables.strip_figure(
                                content.me,
                                content.group,
                                content.rows,
                                content.name,
                                county_mode,
                                lang,
                            ),
                            config=graph_config(lang),
                        ),
                        t("cmp_strip_caption", lang, name=content.name, table=comparison.caption),
                        "cp-strip-caption",
                    ),
                ],
                **{"aria-labelledby": "cp-strip-heading"},
            ),
            html.Section(
                [
                    html.H2(years.caption, className="h4 mt-4", id="cp-years-heading"),
                    captioned_chart(
                        dcc.Graph(
                            id="cp-years",
                            figure=tables.years_figure(years, st["indicator"], county_mode, lang),
                            config=graph_config(lang),
                        ),
                        t("cmp_years_caption", lang, table=years.caption),
                        "cp-years-caption",
                    ),
                    render_table(years, lang, PAGE),
                ],
                **{"aria-labelledby": "cp-years-heading"},
            ),
            html.Section(
                [
                    html.H2(learn.caption, className="h4 mt-4", id="cp-learn-heading"),
                    html.P(_learn_note(content, lang), className="small"),
                    render_table(learn, lang, PAGE) if learn.frame.height else None,
                ],
                **{"aria-labelledby": "cp-learn-heading"},
            ),
            html.Section(
                [
                    html.H2(peers.caption, className="h4 mt-4", id="cp-peers-heading"),
                    render_table(peers, lang, PAGE),
                ],
                **{"aria-labelledby": "cp-peers-heading"},
            ),
        ],
        className="page-compare",
    )


def _learn_note(content: cstate.Content, lang: Lang) -> str:
    if content.county_mode:
        return t("cmp_learn_note_county", lang)
    me = content.me
    if not me["has_report"]:
        return t("cmp_learn_not_reported", lang, year=content.st["year"])
    lacking = cmp.lacks(me)
    if not lacking:
        return t("cmp_learn_none", lang)
    return t("cmp_learn_note", lang, n=len(lacking))


@callback(
    Output("cp-code", "options"),
    Output("cp-code", "value"),
    Output("cp-group", "options"),
    Output("cp-group", "value"),
    Input("cp-level", "value"),
    State("cp-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def level_choices(level_value, current, lang_value):
    """A new level lists its places and peer groups (the view changes only on "Visa")."""
    current = current or {}
    lang = lang_or_default(lang_value)
    level = level_value if level_value in cstate.LEVELS else "kommun"
    places = cstate.place_options(context.warehouse(), level)
    groups = cstate.group_options(level, lang)
    same = level == current.get("level")
    code = current.get("code") if same and current.get("code") else places[0][0]
    group = current.get("group") if same else groups[0][0]
    return select_options(places), code, select_options(groups), group


@callback(
    Output("cp-nav", "href"),
    Input("cp-show", "n_clicks"),
    State("cp-level", "value"),
    State("cp-code", "value"),
    State("cp-year", "value"),
    State("cp-group", "value"),
    State("cp-picked", "value"),
    State("cp-ind", "value"),
    prevent_initial_call=True,
)
def navigate(clicks, level, code, year, group, picked, indicator):
    if not clicks:
        return no_update
    wh = context.warehouse()
    raw = {
        "niva": level,
        "kod": code,
        "year": year,
        "grupp": group,
        "urval": picked,  # names typed become codes (compare_state.resolve_picked)
        "ind": indicator,
    }
    return cstate.href(cstate.parse(wh, data.meta(wh), raw))


@callback(
    Output({"type": "download", "page": PAGE, "table": MATCH}, "data"),
    Input({"type": "dl", "page": PAGE, "table": MATCH, "fmt": ALL}, "n_clicks"),
    State("cp-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download(clicks, current, lang_value):
    trigger = ctx.triggered_id
    if not trigger or not any(clicks or []) or not current or not current.get("code"):
        return no_update
    wh = context.warehouse()
    meta = data.meta(wh)
    st = cstate.parse(wh, meta, cstate.as_query(current))
    try:
        table = cstate.Content(wh, meta, st, lang_or_default(lang_value)).table(trigger["table"])
    except KeyError:  # a table this view does not have (a hand-made request)
        return no_update
    stem = f"jamfor_{table.name}_{st['code']}_{st['year']}_{st['group']}"
    return export.download(table.download_frame, trigger["fmt"], stem)
