"""Inlämning: builders for an upload's progress and outcome, the uploads list, the audit log
(its filter and page from the URL, its table).

The jobs are the records the upload endpoint writes and the pipeline's runner completes
(``pipelines/uploads.py``); the audit log is ``dashboard/security/audit.py``'s. Everything from a
file (names, reasons quoting its values) is put into table cells as plain text.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from dashboard import state
from dashboard.components.table import Table
from dashboard.i18n import Lang, t
from dashboard.security import audit
from dashboard.views.data_quality import file_status_label


def file_outcome(entry: dict, lang: Lang) -> tuple[str, str]:
    """(what became of one file of an upload, its reasons) in words."""
    refused = entry.get("refused")
    if refused:
        return t("up_refused", lang), refused.get("text") or refused.get("code") or ""
    outcome = entry.get("outcome")
    if not outcome:
        return t("up_waiting", lang), ""
    reasons = [e.get("text") or e.get("message") or "" for e in outcome.get("errors") or []]
    warnings = [w.get("text") or w.get("message") or "" for w in outcome.get("warnings") or []]
    parts = reasons + [t("up_warning_prefix", lang) + w for w in warnings]
    label = file_status_label(outcome.get("status"), lang) or outcome.get("status") or ""
    return label, " ".join(p for p in parts if p)


def outcome_table(job: dict, lang: Lang) -> Table:
    rows = []
    for entry in job.get("files") or []:
        outcome, reasons = file_outcome(entry, lang)
        found = entry.get("outcome") or {}
        rows.append(
            {
                t("up_col_file", lang): str(entry.get("name") or ""),
                t("up_col_outcome", lang): outcome,
                t("up_col_municipality", lang): found.get("municipality_code"),
                t("year", lang): found.get("year"),
                t("up_col_reasons", lang): reasons,
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            t("up_col_file", lang): pl.String,
            t("up_col_outcome", lang): pl.String,
            t("up_col_municipality", lang): pl.String,
            t("year", lang): pl.Int64,
            t("up_col_reasons", lang): pl.String,
        },
    )
    return Table("outcome", t("up_outcome_caption", lang), frame, kinds={t("year", lang): "text"})


def progress_text(job: dict | None, lang: Lang) -> str:
    if not job:
        return ""
    state = job.get("state")
    progress = job.get("progress") or {}
    if state == "queued":
        return t("up_state_queued", lang)
    if state == "running":
        return t(
            "up_state_running", lang, done=progress.get("done", 0), total=progress.get("total", 0)
        )
    if state == "failed":
        return t("up_state_failed", lang, error=job.get("error") or "")
    counted = counts(job)
    summary = t(
        "up_state_done",
        lang,
        loaded=counted["loaded"],
        rejected=counted["rejected"],
        total=len(job.get("files") or []),
    )
    if job.get("version"):
        summary += " " + t("up_state_version", lang, version=job["version"])
    return summary


def counts(job: dict) -> dict[str, int]:
    out = {"loaded": 0, "rejected": 0}
    for entry in job.get("files") or []:
        status = (entry.get("outcome") or {}).get("status")
        if status in ("loaded", "partially_loaded"):
            out["loaded"] += 1
        elif entry.get("refused") or status == "rejected":
            out["rejected"] += 1
    return out


def finished(job: dict | None) -> bool:
    return bool(job) and job.get("state") in ("done", "failed")


def jobs_table(jobs: list[dict], lang: Lang, everyone: bool) -> Table:
    rows = []
    for job in jobs:
        counted = counts(job)
        rows.append(
            {
                t("up_col_sent", lang): (job.get("created_at") or "").replace("T", " ")[:16],
                t("up_col_user", lang): str(job.get("user") or ""),
                t("up_col_files", lang): len(job.get("files") or []),
                t("up_col_loaded", lang): counted["loaded"],
                t("up_col_rejected", lang): counted["rejected"],
                t("up_col_state", lang): t(f"up_job_{job.get('state', 'queued')}", lang),
                t("up_col_names", lang): ", ".join(
                    str(f.get("name") or "") for f in job.get("files") or []
                ),
            }
        )
    schema = {
        t("up_col_sent", lang): pl.String,
        t("up_col_user", lang): pl.String,
        t("up_col_files", lang): pl.Int64,
        t("up_col_loaded", lang): pl.Int64,
        t("up_col_rejected", lang): pl.Int64,
        t("up_col_state", lang): pl.String,
        t("up_col_names", lang): pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema)
    if not everyone:
        frame = frame.drop(t("up_col_user", lang))
    caption = t("up_jobs_all" if everyone else "up_jobs_own", lang)
    kinds = {
        t("up_col_files", lang): "int",
        t("up_col_loaded", lang): "int",
        t("up_col_rejected", lang): "int",
    }
    return Table("jobs", caption, frame, kinds=kinds)


AUDIT_EVENTS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_throttled",
    "sign_out",
    "upload",
    "upload_refused",
)
AUDIT_PAGE = 25  # the table component's page: one page of the log is one page of the table
AUDIT_DOWNLOAD_MAX = 20_000  # entries in one download, newest first (XLSX of 20 000: about 2 s)
MAX_AUDIT_PAGE = 100_000
_EVENT = re.compile(r"[a-z_]{1,40}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: object) -> str | None:
    value = state.first(value)
    if not isinstance(value, str) or not _DAY.fullmatch(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _words(value: object, limit: int) -> str | None:
    value = state.first(value)
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def audit_query(query: dict) -> tuple[audit.Filter, int, list[tuple[str, str, str]]]:
    """(the filter, the page number from 1, the parameters not used as given) from the URL's
    ``handelse``, ``konto``, ``fran``, ``till``, ``sok`` and ``sida`` (or a stored state under
    the same names); nothing from the URL is trusted."""
    event = state.first(query.get("handelse"))
    event = event if isinstance(event, str) and _EVENT.fullmatch(event) else None
    since, until = _day(query.get("fran")), _day(query.get("till"))
    if since and until and since > until:
        since, until = until, since
    try:
        page = min(MAX_AUDIT_PAGE, max(1, int(str(state.first(query.get("sida"))))))
    except ValueError:
        page = 1
    where = audit.Filter(
        event=event,
        user=_words(query.get("konto"), 64),
        since=since,
        until=until,
        text=_words(query.get("sok"), 100),
    )
    used = {
        "handelse": (query.get("handelse"), event),
        "fran": (query.get("fran"), since),
        "till": (query.get("till"), until),
        "sida": (query.get("sida"), page),
    }
    return where, page, state.ignored(used)


def audit_params(where: audit.Filter, page: int = 1) -> dict:
    """The URL parameters (and the page's stored state) of a filter and page."""
    return {
        "handelse": where.event,
        "konto": where.user,
        "fran": where.since,
        "till": where.until,
        "sok": where.text,
        "sida": page if page > 1 else None,
    }


def audit_href(where: audit.Filter, page: int = 1) -> str:
    return "/inlamning" + state.query_string(audit_params(where, page))


def audit_table(entries: list[dict], lang: Lang) -> Table:
    rows = []
    for entry in entries:
        event = str(entry.get("event") or "")
        detail = {
            k: v
            for k, v in entry.items()
            if k not in ("at", "event", "user", "address", "count") and v not in (None, "", [])
        }
        rows.append(
            {
                t("audit_col_at", lang): str(entry.get("at") or "").replace("T", " ")[:19],
                t("audit_col_event", lang): t(f"audit_{event}", lang)
                if event in AUDIT_EVENTS
                else event,
                t("up_col_user", lang): str(entry.get("user") or ""),
                t("audit_col_address", lang): str(entry.get("address") or ""),
                t("audit_col_count", lang): audit.occurrences(entry),
                t("audit_col_detail", lang): "; ".join(f"{k}: {v}" for k, v in detail.items()),
            }
        )
    schema = {
        t("audit_col_at", lang): pl.String,
        t("audit_col_event", lang): pl.String,
        t("up_col_user", lang): pl.String,
        t("audit_col_address", lang): pl.String,
        t("audit_col_count", lang): pl.Int64,
        t("audit_col_detail", lang): pl.String,
    }
    return Table(
        "audit",
        t("audit_caption", lang),
        pl.DataFrame(rows, schema=schema),
        kinds={t("audit_col_count", lang): "int"},
    )
