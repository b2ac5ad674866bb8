"""One received file's bytes -> what it is, read and validated, and what its sender may send.

`parse` recognises a file from its content, reads it with the reader for its kind and validates it
against the reporting contract and the reference lists (`Context`); with a `Sender`, it also
refuses what that account may not send (`check_sender`). It touches no warehouse: ingest runs it in
a child process with a memory and a time ceiling (`pipelines.read.isolated`), and loads what it
returns. Imports only the read and validate stages, never `ingest` or `uploads`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta

from pipelines import reference
from pipelines.contract import SCHEMA_VERSION
from pipelines.issues import IssueLog, Location
from pipelines.read import xlsx_limits
from pipelines.read.detect import detect_kind
from pipelines.submission import Sender, Submission
from pipelines.validate.coerce import CoerceError, to_code, to_int

# Clocks and time zones differ: a submitted_at up to a day after receipt is taken as given.
FUTURE_TOLERANCE = timedelta(days=1)

# Refusals for who sent a file, not for what it holds (`check_sender`).
SENDER_REFUSALS = ("wrong_municipality", "grants_need_coordinator")


class Context:
    """Reference facts a run validates against, read once per run."""

    def __init__(self) -> None:
        ref = reference.municipalities()
        self.municipalities = dict(
            zip(ref["municipality_code"].to_list(), ref["county_code"].to_list(), strict=True)
        )
        self.codes = set(self.municipalities)
        self.counties = reference.county_codes()
        self.names = dict(
            zip(ref["municipality_code"].to_list(), ref["municipality_name"].to_list(), strict=True)
        )

    def describe(self, code: str) -> str:
        """`0114 (Upplands Väsby)`, or the bare code when the reference list lacks it."""
        name = self.names.get(code)
        return f"{code} ({name})" if name else code


def parse(sub: Submission, data: bytes, ctx: Context, sender: Sender | None = None) -> None:
    """Recognise, read and validate one file; sets kind, status, rows and issues. With a
    `sender`, also refuses what that account may not send (`check_sender`)."""
    kind, reason = detect_kind(data)  # a cheap look, bounded whatever the bytes
    sub.kind = kind
    log = IssueLog()
    locate = None
    try:
        if kind == "unknown":
            too_complex = (reason or "").startswith(xlsx_limits.TOO_COMPLEX)
            log.error(
                "too_complex" if too_complex else "unknown_kind",
                reason or "okänd filtyp",
                expected="JSON, XLSX eller CSV",
            )
        elif sender is not None and kind.startswith("grants") and not sender.may_send_grants:
            pass  # refused by check_sender below, unread: a file the sender may not send
        elif kind.endswith("xlsx") and (problem := xlsx_limits.check(data, kind)) is not None:
            log.issues.append(problem)  # measured while inflated, before any reader sees it
        elif kind in ("report_json", "report_xlsx"):
            locate = _parse_report(sub, data, kind, ctx, log)
        else:
            _parse_grants(sub, data, kind, ctx, log)
    except MemoryError:
        raise  # the child process that parses files reports it (pipelines.read.isolated)
    except Exception as exc:  # the last guard: one odd file never stops a run
        sub.report, sub.grant_rows = None, []
        log.error(
            "unreadable",
            f"filen kunde inte läsas ({type(exc).__name__}); den kan vara trasig eller avkortad",
            expected="en hel JSON-, XLSX- eller CSV-fil enligt rapportformatet",
        )
    if sender is not None:
        check_sender(sub, sender, ctx, log, locate)
    sub.issues.extend(log.issues)
    if kind.startswith("grants") and sub.grant_rows:
        sub.status = "partially_loaded" if sub.rows_rejected else "loaded"
    elif kind.startswith("report") and sub.report is not None and not log.errors:
        sub.status = "loaded"
    else:
        sub.status = "rejected"


def check_sender(
    sub: Submission,
    sender: Sender,
    ctx: Context,
    log: IssueLog,
    locate: Callable[[str], Location] | None = None,
) -> None:
    """Refuse what the sending account may not send; `parse` calls it after reading a report
    (whose municipality is only known then) and, without reading it, for a grant register.

    A municipality's account reports for its own municipality only, and only a coordinator sends
    grant registers. A refusal is an ordinary rejection with its reason, recorded like any other;
    the municipality and year the file named are kept, so the record shows whom it named.
    """
    if sub.kind.startswith("report"):
        if sender.kommun is None or sub.municipality_code in (None, sender.kommun):
            # Without a readable code the report is rejected already, for that reason.
            return
        log.error(
            "wrong_municipality",
            f"rapporten gäller kommun {ctx.describe(sub.municipality_code)}, men kontot får "
            f"bara lämna rapporter för {ctx.describe(sender.kommun)}",
            field="municipality_code",
            loc=locate("municipality_code") if locate else None,
            expected=sender.kommun,
            value=sub.municipality_code,
        )
        sub.report = None
        sub.grant_id_places = []
    elif sub.kind.startswith("grants") and not sender.may_send_grants:
        log.error(
            "grants_need_coordinator",
            "bidragsregister kan bara lämnas av en samordnare; ett kommunkonto lämnar kommunens "
            "årsrapport",
            expected="en årsrapport (JSON eller XLSX)",
        )
        # The register is refused before it is read (`parse`), so its rows are not counted.
        if sub.grant_rows:
            sub.rows_rejected = (sub.rows_rejected or 0) + len(sub.grant_rows)
        sub.grant_rows = []


def _parse_report(
    sub: Submission, data: bytes, kind: str, ctx: Context, log: IssueLog
) -> Callable[[str], Location]:
    """Read and validate a report; returns how to locate a field in the file."""
    from pipelines.validate.report import json_locate, validate_report

    if kind == "report_json":
        from pipelines.read.json_report import decode_json

        raw, locate = decode_json(data, log), json_locate
    else:
        from pipelines.read.xlsx_report import read_report_xlsx

        raw, locate = read_report_xlsx(data, log)
    if raw is None:
        return locate
    _identify(sub, raw, ctx)
    report, vlog = validate_report(raw, known_codes=ctx.codes, locate=locate)
    log.issues.extend(vlog.issues)
    if report is None:
        return locate
    report["schema_version"] = SCHEMA_VERSION
    sub.report = report
    sub.grant_id_places = [
        locate(f"funded_projects[{i}].grant_id") for i in range(len(report["funded_projects"]))
    ]
    sub.municipality_code = report["municipality_code"]
    sub.year = report["reporting_year"]
    sub.submitted_at = report.get("submitted_at") or sub.received_at
    if sub.submitted_at > sub.received_at + FUTURE_TOLERANCE:
        # A typo such as 2052 would otherwise keep this report current over every later revision.
        log.warn(
            "future_submitted_at",
            f"'Inskickad' ({sub.submitted_at:%Y-%m-%d %H:%M} UTC) ligger efter att filen togs "
            "emot; mottagningstiden används",
            field="submitted_at",
            loc=locate("submitted_at"),
            expected="en tidpunkt senast när filen skickades",
            value=sub.submitted_at.isoformat(),
        )
        sub.submitted_at = sub.received_at
    return locate


def _identify(sub: Submission, raw: object, ctx: Context) -> None:
    """Best-effort municipality and year of a report, kept even when it is rejected."""
    if not isinstance(raw, dict):
        return
    with contextlib.suppress(CoerceError):
        sub.municipality_code = to_code(raw.get("municipality_code"), 4, ctx.codes, "kommunkod")[0]
    with contextlib.suppress(CoerceError):
        year = to_int(raw.get("reporting_year"))[0]
        # Only a year that could be one is kept: 2147483648 overflowed the record's integer column
        # (found by test_any_bytes' fuzz), and the report is rejected for it anyway.
        sub.year = year if year is not None and 1000 <= year <= 9999 else None


def _parse_grants(sub: Submission, data: bytes, kind: str, ctx: Context, log: IssueLog) -> None:
    from pipelines.read.grants import read_grants
    from pipelines.validate.grants import validate_grants

    rows = read_grants(data, "csv" if kind == "grants_csv" else "xlsx", log)
    if rows is None:
        return
    good = validate_grants(rows, municipalities=ctx.municipalities, counties=ctx.counties, log=log)
    sub.grant_rows = good
    # Rows the reader could not split into fields never reach the validator: count error rows.
    sub.rows_rejected = len({i.row for i in log.errors if i.row is not None})
    years = {r["funding_year"] for r in good}
    sub.year = years.pop() if len(years) == 1 else None
