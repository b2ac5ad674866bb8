"""Lämna filer (``/inlamning``): send reports and registers from the browser, see their fate.

For a municipal reporter (their own municipality's reports) and the coordinator (every report,
the grant registers, and the audit log: every file of it, newest first, a page at a time,
filtered by event, account, days and free text, the filter and page in the URL). The form posts
to ``POST /api/inlamning`` (the same endpoint scripts use) from ``assets/app.js``, with the
page's CSRF token; the job's id comes back into ``up-job``, and the page follows the job every
second until it is finished: its progress, then each file's outcome with its reasons. Who may
open the page, send what and read which job is decided in ``dashboard/security/access.py``.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from flask_wtf.csrf import generate_csrf

from dashboard import context, data, export
from dashboard.components.filters import labelled_input, labelled_select, picker_row
from dashboard.components.notice import ignored_notice
from dashboard.components.table import Table, render_table
from dashboard.i18n import Lang, lang_or_default, t
from dashboard.intake import upload
from dashboard.security import access, audit, auth
from dashboard.views import upload_state as view
from pipelines import uploads
from pipelines.contract import MAX_FILE_BYTES

PAGE = "upload"
AUDIT_INPUTS = ("user", "from", "to", "text")

dash.register_page(
    __name__,
    path="/inlamning",
    name="Lämna filer",
    name_en="Send files",
    order=5,
    title="Lämna filer – brottsförebyggande arbete",
    description="Lämna årsrapporter och bidragsregister och se om de togs emot.",
)


def skeleton() -> html.Div:
    """Every id this page's callbacks use, without data (see ``overview.skeleton``): Dash's
    validation layout is drawn without a language and without an account, and the renderer
    logs "ID not found in layout" for every id of a callback missing from it."""
    return html.Div(
        [
            html.Div(id="up-status"),
            dcc.Store(id="up-job"),
            dcc.Interval(id="up-poll", disabled=True),
            html.Div(id="up-outcome"),
            html.Section(id="up-jobs"),
            dcc.Location(id="up-audit-nav", refresh="callback-nav"),
            dcc.Store(id="up-audit-state"),
            html.Button(id="up-audit-show"),
            dbc.Select(id="up-audit-event"),
            *(dcc.Input(id=f"up-audit-{name}") for name in AUDIT_INPUTS),
        ]
    )


def layout(**query):
    if "lang" not in query:
        return skeleton()
    lang = lang_or_default(query.get("lang"))
    account = auth.current_account()
    if account is None:  # access.py sends the public to the sign-in page; this is the fallback
        return html.P(t("up_sign_in_first", lang))
    who = (
        t("up_intro_kommun", lang, name=_municipality_name(account.kommun), code=account.kommun)
        if account.role == "kommun"
        else t("up_intro_coordinator", lang)
    )
    return html.Div(
        [
            html.H1(t("up_heading", lang), className="h3", id="up-title"),
            html.P(who, id="up-who"),
            html.Form(
                [
                    html.Label(t("up_label", lang), htmlFor="up-files", className="form-label"),
                    # assets/app.js puts a native <input type="file" multiple name="fil"> here:
                    # Dash has no file input that posts the file itself (dcc.Upload sends the
                    # bytes through a callback as base64, through the callbacks' 2 MB limit).
                    html.Div(id="up-slot", className="up-slot"),
                    html.P(
                        t(
                            "up_limits",
                            lang,
                            mb=MAX_FILE_BYTES // (1024 * 1024),
                            n=upload.MAX_FILES,
                        ),
                        className="small",
                        id="up-limits",
                    ),
                    html.Button(
                        t("up_send", lang), type="submit", className="btn btn-primary", id="up-send"
                    ),
                ],
                id="up-form",
                className="up-form mb-3",
                **{"data-csrf": generate_csrf(), "data-sending": t("up_sending", lang)},
            ),
            html.Div(id="up-status", role="status", **{"aria-live": "polite"}, className="mb-2"),
            dcc.Store(id="up-job"),
            dcc.Interval(id="up-poll", interval=1000, disabled=True),
            html.Div(id="up-outcome"),
            html.Section(_jobs(account, lang), id="up-jobs", className="mt-4"),
            html.Section(_audit(lang, query), id="up-audit", className="mt-4")
            if access.can_read_audit(account)
            else None,
            # the audit download reads the filter from here (nothing for everyone else)
            dcc.Store(
                id="up-audit-state",
                data=view.audit_params(view.audit_query(query)[0])
                if access.can_read_audit(account)
                else None,
            ),
        ],
        className="page-upload",
    )


def _municipality_name(code: str | None) -> str:
    """From the warehouse's list (read once per version), not the reference file per request."""
    names = data.municipalities(context.warehouse())
    found = names.filter(pl.col("municipality_code") == code)["municipality_name"]
    return found[0] if found.len() else str(code)


def _jobs_table(account, lang: Lang) -> Table:
    """The account's uploads (a coordinator's: everyone's), for the page and its download."""
    everyone = account.role == "coordinator"
    jobs = uploads.list_jobs(upload.upload_dir(), user=None if everyone else account.name)
    return view.jobs_table(jobs, lang, everyone)


def _audit_entries(where, page: int, limit: int) -> audit.Page:
    return audit.query(auth.audit_path(), where, (page - 1) * limit, limit)


def _readable_job(job_ref: object, account) -> dict | None:
    """The job the page follows, when the account may read it (else None, as if none)."""
    if not isinstance(job_ref, dict):
        return None
    job = uploads.read_job(upload.upload_dir(), str(job_ref.get("id") or ""))
    return job if job is not None and access.can_read_job(account, job) else None


def _jobs(account, lang: Lang) -> list:
    table = _jobs_table(account, lang)
    return [
        html.H2(table.caption, className="h4"),
        render_table(table, lang, PAGE)
        if table.frame.height
        else html.P(t("up_no_jobs", lang), className="text-muted"),
    ]


def _audit(lang: Lang, query: dict) -> list:
    """The audit log's filter form, one page of the matching entries and links to the pages
    beside it; the filter is also stored for the download."""
    where, page, ignored = view.audit_query(query)
    found = _audit_entries(where, page, view.AUDIT_PAGE)
    table = view.audit_table(found.entries, lang)
    events = [("", t("audit_all_events", lang))] + [
        (e, t(f"audit_{e}", lang)) for e in view.AUDIT_EVENTS
    ]
    if where.event and where.event not in view.AUDIT_EVENTS:
        events.append((where.event, where.event))
    form = picker_row(
        [
            dbc.Col(
                labelled_select(
                    "up-audit-event", t("audit_col_event", lang), events, where.event or ""
                ),
                md=3,
            ),
            dbc.Col(
                labelled_input("up-audit-user", t("up_col_user", lang), where.user or ""), md=2
            ),
            dbc.Col(
                labelled_input(
                    "up-audit-from",
                    t("audit_from", lang),
                    where.since or "",
                    kind="text",
                    max_length=10,
                    help_text=t("audit_day_hint", lang),
                ),
                md=2,
            ),
            dbc.Col(
                labelled_input(
                    "up-audit-to",
                    t("audit_to", lang),
                    where.until or "",
                    kind="text",
                    max_length=10,
                    help_text=t("audit_day_hint", lang),
                ),
                md=2,
            ),
            dbc.Col(labelled_input("up-audit-text", t("audit_text", lang), where.text or ""), md=3),
        ],
        "up-audit-show",
        lang,
    )
    first = (page - 1) * view.AUDIT_PAGE
    pager = html.Nav(
        [
            dcc.Link(
                ["‹ ", t("audit_newer", lang)],
                href=view.audit_href(where, page - 1),
                className="btn btn-outline-secondary btn-sm me-2",
                id="up-audit-newer",
            )
            if page > 1
            else None,
            html.Span(
                t("audit_range", lang, first=first + 1, last=first + len(found.entries))
                if found.entries
                else t("audit_none", lang),
                className="me-2",
                id="up-audit-range",
            ),
            dcc.Link(
                [t("audit_older", lang), " ›"],
                href=view.audit_href(where, page + 1),
                className="btn btn-outline-secondary btn-sm",
                id="up-audit-older",
            )
            if found.more
            else None,
        ],
        className="table-pager mt-1",
        **{"aria-label": t("audit_pages", lang)},
    )
    return [
        dcc.Location(id="up-audit-nav", refresh="callback-nav"),
        html.H2(t("audit_heading", lang), className="h4"),
        html.P(t("audit_note", lang), className="small"),
        ignored_notice(ignored, lang),
        form,
        render_table(table, lang, PAGE),
        pager,
    ]


@callback(
    Output("up-status", "children"),
    Output("up-outcome", "children"),
    Output("up-poll", "disabled"),
    Output("up-jobs", "children"),
    Input("up-job", "data"),
    Input("up-poll", "n_intervals"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def follow(job_ref, _ticks, lang_value):
    """The job's progress; once finished, each file's outcome and the list of uploads with it
    (and the polling stops)."""
    lang = lang_or_default(lang_value)
    if not isinstance(job_ref, dict):
        return no_update, no_update, True, no_update
    if job_ref.get("error"):
        return str(job_ref["error"]), None, True, no_update
    account = auth.current_account()
    job = _readable_job(job_ref, account)
    if job is None:
        return t("up_unknown_job", lang), None, True, no_update
    text = view.progress_text(job, lang)
    if not view.finished(job):
        return text, None, False, no_update
    table = view.outcome_table(job, lang)
    return text, render_table(table, lang, PAGE), True, _jobs(account, lang)


@callback(
    Output({"type": "download", "page": PAGE, "table": MATCH}, "data"),
    Input({"type": "dl", "page": PAGE, "table": MATCH, "fmt": ALL}, "n_clicks"),
    State("up-job", "data"),
    State("up-audit-state", "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def download(clicks, job_ref, audit_state, lang_value):
    trigger = ctx.triggered_id
    if not trigger or not any(clicks or []):
        return no_update
    lang = lang_or_default(lang_value)
    account = auth.current_account()
    name = trigger["table"]
    job = _readable_job(job_ref, account) if name == "outcome" else None
    if name == "jobs":
        table = _jobs_table(account, lang)
    elif name == "audit" and access.can_read_audit(account):
        # every entry the filter on screen matches (not only its page), newest first
        where, _, _ = view.audit_query(audit_state if isinstance(audit_state, dict) else {})
        found = _audit_entries(where, 1, view.AUDIT_DOWNLOAD_MAX)
        table = view.audit_table(found.entries, lang)
    elif job is not None:
        table = view.outcome_table(job, lang)
    else:
        return no_update
    return export.download(table.download_frame, trigger["fmt"], f"inlamning_{table.name}")


@callback(
    Output("up-audit-nav", "href"),
    Input("up-audit-show", "n_clicks"),
    State("up-audit-event", "value"),
    *(State(f"up-audit-{name}", "value") for name in AUDIT_INPUTS),
    prevent_initial_call=True,
)
def search_audit(clicks, event, user, since, until, text):
    """The audit log filtered as the form says, from its first page: a new URL."""
    if not clicks:
        return no_update
    query = {"handelse": event, "konto": user, "fran": since, "till": until, "sok": text}
    where, _, _ = view.audit_query(query)
    return view.audit_href(where)
