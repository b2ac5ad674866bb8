"""Kommun: one municipality's profile (``/kommun?kod=0180&year=2024``).

The URL carries the municipality and year; picking another in the selects and pressing "Visa"
rewrites it and re-renders the page, so a copied link always reopens the same profile.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import context, data, export, state
from dashboard.components.definitions import definitions_list
from dashboard.components.filters import labelled_select, picker_row, year_options
from dashboard.components.notice import ignored_notice, needs_warehouse
from dashboard.components.table import render_table
from dashboard.i18n import INDICATORS, MEASURES, Lang, lang_or_default, t
from dashboard.security import access, auth
from dashboard.views import data_quality as dq_view
from dashboard.views import municipality as view

PAGE = "municipality"
# Every indicator and measure the profile shows (status, comparison, projects and grants tables).
DEFINED = (*INDICATORS, *MEASURES)

dash.register_page(
    __name__,
    path="/kommun",
    name="Kommun",
    name_en="Municipality",
    order=1,
    title="Kommun – brottsförebyggande arbete",
    description="En kommuns status år för år, överenskommelse, medborgarlöften och bidrag.",
)


def skeleton() -> html.Div:
    """Every id this page's callbacks use, without data (see ``overview.skeleton``)."""
    return html.Div(
        [
            dcc.Location(id="mu-nav", refresh="callback-nav"),
            dbc.Select(id="mu-code"),
            dbc.Select(id="mu-year"),
            html.Button(id="mu-show"),
            dcc.Store(id="mu-state"),
        ]
    )


def layout(**query):
    if "lang" not in query:
        return skeleton()
    return page(**query)


def _tables(wh: data.Warehouse, code: str, year: int, lang: Lang) -> dict:
    """Every table of the profile by name: rendered and downloaded from the same place."""
    history = data.municipality_history(wh, code)
    row = view.year_row(history, year)
    hidden = not access.can_see_submissions(auth.current_account(), code)
    submissions = data.municipality_submissions(wh, code)
    tables = {
        "status": view.status_table(history, lang),
        "promises": view.promises_table(data.promises(wh, code, year), year, lang),
        "projects": view.projects_table(data.projects(wh, code, year), year, lang),
        "grants": view.grants_table(data.grants(wh, code, year), year, lang),
        # who sent what, and why it was rejected: only for the accounts access.py allows
        "submissions": dq_view.submission_history(
            submissions.head(0) if hidden else submissions, lang
        ),
    }
    if row is not None:
        tables["comparison"] = view.comparison_table(row, data.region_year(wh, year), lang)
    return tables


def _agreement(row: dict | None, year: int, lang: Lang, today: dt.date, latest: int) -> list:
    children: list = [html.H2(t("agreement_heading", lang, year=year), className="h4")]
    if row is None or not row["has_report"]:
        return [*children, html.P(t("not_reported_year", lang, year=year))]
    if not row["has_agreement"]:
        return [*children, html.P(t("no_agreement", lang, year=year))]
    warning = view.agreement_warning(row["agreement_valid_to"], year, today, lang, latest)
    if warning:
        children.append(
            dbc.Alert(warning, color="warning", className="agreement-warning", id="mu-warning")
        )
    facts = []
    for label, value in view.agreement_facts(row, lang):
        facts += [html.Dt(label, className="col-sm-4"), html.Dd(value, className="col-sm-8")]
    children.append(html.Dl(facts, className="row"))
    return children


@needs_warehouse
def page(kod=None, year=None, lang=None, **_ignored):
    lang = lang_or_default(lang)
    wh = context.warehouse()
    meta = data.meta(wh)
    raw_year, year = year, state.parse_year(year, meta.years)
    munis = data.municipalities(wh)
    code = state.parse_code(kod, munis["municipality_code"].to_list())
    options = [
        (c, f"{n} ({c})")
        for c, n in zip(munis["municipality_code"], munis["municipality_name"], strict=True)
    ]
    picker = picker_row(
        [
            dbc.Col(
                # Without a valid code the select shows its first option: so does its value.
                labelled_select(
                    "mu-code", t("choose_municipality", lang), options, code or options[0][0]
                ),
                md=5,
            ),
            dbc.Col(
                labelled_select("mu-year", t("year", lang), year_options(meta.years), str(year)),
                md=2,
            ),
        ],
        "mu-show",
        lang,
    )
    head = [
        dcc.Location(id="mu-nav", refresh="callback-nav"),
        # The profile shown, for the downloads: the selects may hold a choice not yet opened.
        dcc.Store(id="mu-state", data={"code": code, "year": year}),
        ignored_notice(state.ignored({"year": (raw_year, year)}), lang),
    ]
    if code is None:
        message = t("unknown_municipality", lang, code=kod) if kod else None
        return html.Div(
            [
                *head,
                html.H1(t("municipality", lang), className="h3"),
                picker,
                dbc.Alert(message, color="info") if message else None,
            ]
        )
    history = data.municipality_history(wh, code)
    row = view.year_row(history, year)
    tables = _tables(wh, code, year, lang)
    first = history.row(0, named=True)
    region_links = html.P(
        [
            dcc.Link(
                first["county_name"], href=state.region_href("lan", first["county_code"], year)
            ),
            " · ",
            dcc.Link(
                f"{t('police_region', lang)} {first['police_region']}",
                href=state.region_href("polisregion", first["police_region"], year),
            ),
            f" · {t('population', lang)}: {_population(first['population'], lang)}",
            " · ",
            dcc.Link(
                t("cmp_link_municipality", lang),
                href=f"/jamfor?kod={code}&year={year}",
                id="mu-compare-link",
            ),
        ],
        className="lead-meta",
    )
    sections = [
        html.Section(
            [
                html.H2(t("status_by_year", lang), className="h4"),
                render_table(tables["status"], lang, PAGE),
            ]
        ),
        html.Section(_agreement(row, year, lang, dt.date.today(), max(meta.years))),
    ]
    if "comparison" in tables:
        sections.append(
            html.Section(
                [
                    html.H2(tables["comparison"].caption, className="h4"),
                    render_table(tables["comparison"], lang, PAGE),
                ]
            )
        )
    for name, empty in (
        ("promises", "no_promises"),
        ("projects", "no_projects"),
        ("grants", "no_grants"),
        ("submissions", "no_submissions"),
    ):
        table = tables[name]
        if name == "submissions" and not access.can_see_submissions(auth.current_account(), code):
            body = html.P(
                [
                    t("dq_files_signed_in", lang),
                    " ",
                    html.A(
                        t("nav_sign_in", lang),
                        href="/logga-in?next=" + quote(f"/kommun?kod={code}", safe="/"),
                    ),
                ],
                className="text-muted signed-in-only",
            )
        elif table.frame.height:
            body = render_table(table, lang, PAGE)
        elif name in ("promises", "projects") and (row is None or not row["has_report"]):
            # No report: the lists are unknown, not empty ("Ej rapporterat", never "none").
            body = html.P(t("nothing_reported_year", lang, year=year))
        else:
            body = html.P(t(empty, lang))
        sections.append(html.Section([html.H2(table.caption, className="h4"), body]))
    return html.Div(
        [
            *head,
            html.H1(f"{first['municipality_name']} ({code})", className="h3", id="mu-title"),
            region_links,
            picker,
            definitions_list(DEFINED, lang, "mu"),
            *sections,
        ],
        className="page-municipality",
    )


def _population(value: int | None, lang: Lang) -> str:
    from dashboard import fmt

    return fmt.number(value, lang)


@callback(
    Output("mu-nav", "href"),
    Input("mu-show", "n_clicks"),
    State("mu-code", "value"),
    State("mu-year", "value"),
    prevent_initial_call=True,
)
def choose(clicks, code, year_value):
    # A new municipality or year is a new view: navigate (on "Visa" only, never on a change of
    # the selects), so the URL and page agree.
    if not clicks or not code:
        return no_update
    meta = data.meta(context.warehouse())
    return "/kommun" + state.municipality_query(code, state.parse_year(year_value, meta.years))


@callback(
    Output({"type": "download", "page": PAGE, "table": MATCH}, "data"),
    Input({"type": "dl", "page": PAGE, "table": MATCH, "fmt": ALL}, "n_clicks"),
    State("mu-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download(clicks, current, lang_value):
    trigger = ctx.triggered_id
    if not trigger or not any(clicks or []) or not isinstance(current, dict):
        return no_update
    wh = context.warehouse()
    # the store comes back from the browser: a code is one the warehouse knows, or nothing
    code = state.parse_code(current.get("code"), data.municipalities(wh)["municipality_code"])
    if code is None:
        return no_update
    year = state.parse_year(current.get("year"), data.meta(wh).years)
    table = _tables(wh, code, year, lang_or_default(lang_value)).get(trigger["table"])
    if table is None:
        return no_update
    return export.download(table.download_frame, trigger["fmt"], f"{table.name}_{code}_{year}")
