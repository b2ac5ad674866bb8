"""Ingest: received files -> archive -> read -> validate -> load -> transform -> publish.

Order matters for safety: every file is archived by content hash before it is parsed; the new
warehouse version is built beside the published one; inbox files are removed only after the new
version is published (their bytes are already in the archive). A run killed at any point leaves
`current.duckdb` at the previous complete version and the inbox untouched, so the next run simply
does the whole work again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines import archive, export, publish
from pipelines.contract import MAX_FILE_BYTES, SCHEMA_VERSION
from pipelines.issues import Issue
from pipelines.load import (
    create_raw_schema,
    ingested_sources,
    load_submissions,
    next_submission_id,
    scalar,
)
from pipelines.parse import SENDER_REFUSALS, Context
from pipelines.read import isolated
from pipelines.read.detect import detect_kind
from pipelines.submission import Sender, Submission
from pipelines.transform import run_transform

Progress = Callable[[int, int], None]  # (files done, files in all)


@dataclass
class IngestResult:
    version: int
    warehouse: Path
    files: list[dict] = field(default_factory=list)
    # The parsing child's peak resident memory (KB) after each file it read, by source path.
    parse_peaks_kb: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(1 for f in self.files if f["status"] in ("rejected", "partially_loaded"))

    def as_dict(self) -> dict:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f["status"]] = counts.get(f["status"], 0) + 1
        return {
            "warehouse": str(self.warehouse),
            "version": self.version,
            "files_received": len(self.files),
            "counts": counts,
            "files": self.files,
        }


def collect(paths: Iterable[Path]) -> list[Path]:
    """Files in the order given; a folder contributes its files (recursively, sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        else:
            out.append(path)
    return out


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def receive(
    path: Path, warehouse: Path, name: str | None = None
) -> tuple[Submission, bytes | None]:
    """Archive one file and return its submission record and (when small enough) its bytes.

    `name` is the name the file was sent with, when that is not `path.name` (an upload is stored
    under its hash)."""
    received_at = _now()
    name = name or path.name
    try:
        size = path.stat().st_size
        if size <= MAX_FILE_BYTES:
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            archive.archive_bytes(warehouse, data, sha)
        else:
            data = None
            sha, size = archive.hash_file(path)
            archive.archive_file(warehouse, path, sha)
    except OSError as exc:
        sub = Submission(name, path, "", 0, received_at)
        sub.issues.append(
            Issue("error", "unreadable", f"filen kunde inte läsas från disk: {exc.strerror}")
        )
        return sub, None
    sub = Submission(name, path, sha, size, received_at, archived=True)
    if data is None:
        sub.issues.append(
            Issue(
                "error",
                "too_large",
                f"filen är {size / 1024 / 1024:.1f} MB, större än gränsen "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB",
                expected=f"högst {MAX_FILE_BYTES // 1024 // 1024} MB",
            )
        )
    return sub, data


def ingest(
    paths: list[Path] | None,
    warehouse: Path,
    inbox: Path,
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    names: dict[Path, str] | None = None,
    senders: dict[Path, Sender] | None = None,
) -> IngestResult:
    """Ingest the given files (or every file in the inbox) and publish a new warehouse version.

    Takes the warehouse's writer lock; see `ingest_locked` for the arguments."""
    warehouse.mkdir(parents=True, exist_ok=True)
    with publish.writer_lock(warehouse):
        return ingest_locked(
            paths,
            warehouse,
            inbox,
            synthetic=synthetic,
            progress=progress,
            names=names,
            senders=senders,
        )


def ingest_locked(
    paths: list[Path] | None,
    warehouse: Path,
    inbox: Path,
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    names: dict[Path, str] | None = None,
    senders: dict[Path, Sender] | None = None,
) -> IngestResult:
    """`ingest` for a caller that already holds `publish.writer_lock(warehouse)` (flock locks
    belong to an open file: taking the lock again in the same process would wait forever).

    `names` gives the name a file was sent with, where it is not the path's own name (an upload
    is stored under its hash); `senders` the account that sent a file, whose rights
    `check_sender` enforces. Files missing from either are treated as before.
    """
    from_inbox = paths is None
    files = collect([inbox] if from_inbox else paths)
    names = names or {}
    senders = senders or {}
    warehouse.mkdir(parents=True, exist_ok=True)
    ctx = Context()
    publish.remove_leftovers(warehouse)
    number, tmp = publish.start_version(warehouse)
    con = duckdb.connect(str(tmp))
    try:
        create_raw_schema(con)
        run_id = scalar(con, "select coalesce(max(run_id), 0) + 1 from raw_runs")
        con.execute("insert into raw_runs values (?, ?, ?)", [run_id, _now(), synthetic])
        seen = _known_hashes(con)
        recorded = ingested_sources(con) if from_inbox else set()
        next_id = next_submission_id(con)
        submissions: list[Submission] = []
        finished: list[Path] = []
        parser = isolated.shared(ctx)
        peaks: dict[str, int] = {}
        for done, path in enumerate(files):
            if progress:
                progress(done, len(files))
            sub, data = receive(path, warehouse, names.get(path))
            if (sub.sha256, str(path)) in recorded:
                # Published by a run that was stopped before it cleared the inbox: the
                # file is already accounted for; only the clearing is left to do.
                finished.append(path)
                continue
            sub.submission_id = next_id
            next_id += 1
            sender = senders.get(path)
            copy = bool(sub.sha256) and sub.sha256 in seen
            refused = None
            if copy and data is not None and sender is not None and sender.restricted:
                # A copy is still checked for a restricted sender's rights: another municipality's
                # report re-sent by an account must be refused for it, or it would stand as that
                # municipality's latest file (a duplicate is not read again otherwise).
                refused = _refused_copy(parser, sub, data, sender)
            if refused is not None:
                sub = refused
            elif copy:
                sub.status = "duplicate"
                sub.duplicate_of = seen[sub.sha256]
                sub.kind = detect_kind(data)[0] if data is not None else "unknown"
                sub.issues.append(
                    Issue(
                        "warning",
                        "duplicate",
                        f"exakt samma fil har redan tagits emot (inlämning {sub.duplicate_of});"
                        " den lästes inte in igen",
                    )
                )
            elif data is not None:
                # In a child process with a memory and a time ceiling: one hostile file is
                # rejected (`too_complex`), the run goes on.
                peak = parser.parse(sub, data, sender)
                if peak is not None:
                    peaks[str(path)] = peak
            if sub.sha256 and not _refused_for_sender(sub):
                seen.setdefault(sub.sha256, sub.submission_id)
            submissions.append(sub)
        if progress:
            progress(len(files), len(files))
        load_submissions(con, submissions, run_id)
        run_transform(con)
        write_meta(con, number)
        run_ids = [s.submission_id for s in submissions]
        summary = file_summaries(con, run_ids)
    finally:
        con.close()
    export.write_exports(tmp, warehouse, number)
    archive.make_durable()
    publish.publish(warehouse, number, tmp)
    write_rejection_notes(warehouse, submissions)
    if from_inbox:
        for path in finished + [s.source_path for s in submissions if s.archived]:
            path.unlink(missing_ok=True)
    return IngestResult(version=number, warehouse=warehouse, files=summary, parse_peaks_kb=peaks)


def _refused_copy(
    parser: isolated.Parser, sub: Submission, data: bytes, sender: Sender
) -> Submission | None:
    """`sub` read as if new, when its sender may not send it (else None: an ordinary copy)."""
    probe = replace(sub, issues=[], grant_rows=[], grant_id_places=[])
    parser.parse(probe, data, sender)
    return probe if _refused_for_sender(probe) else None


def _refused_for_sender(sub: Submission) -> bool:
    return any(i.code in SENDER_REFUSALS for i in sub.errors)


def _known_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """`load.known_hashes`, less the files refused only for who sent them: the same bytes from an
    account that may send them are read, not dismissed as a duplicate of the refused copy (else
    a municipality's report, uploaded first by another municipality's account, could never load).
    Without such refusals (every run but uploads) it is `known_hashes` exactly."""
    rows = con.execute(
        """
        select sha256, min(submission_id) from raw_submissions
        where submission_id not in (
            select submission_id from raw_issues where code in (select unnest(?::varchar[]))
        )
        group by sha256
        """,
        [list(SENDER_REFUSALS)],
    ).fetchall()
    return dict(rows)


def write_meta(con: duckdb.DuckDBPyConnection, number: int) -> None:
    con.execute(
        """
        create or replace table meta as
        select
            ?::integer as version,
            ?::timestamp as built_at,
            (select coalesce(bool_or(synthetic), false) from raw_runs) as synthetic,
            -- the reporting years (the views of coverage); without reports, the funding years
            coalesce(
                (select min(reporting_year) from int_current_reports),
                (select min(year) from mart_municipality_year)
            ) as first_year,
            coalesce(
                (select max(reporting_year) from int_current_reports),
                (select max(year) from mart_municipality_year)
            ) as last_year,
            ?::varchar as contract_version
        """,
        [number, _now(), SCHEMA_VERSION],
    )


def file_summaries(con: duckdb.DuckDBPyConnection, ids: list[int]) -> list[dict]:
    """Per received file of this run: status, errors and warnings, as the marts now say."""
    if not ids:
        return []
    subs = con.execute(
        """
        select submission_id, file_name, source_path, sha256, kind, status, duplicate_of,
               municipality_code, year, rows_loaded, rows_rejected
        from mart_submissions where submission_id in (select unnest(?::integer[]))
        order by submission_id
        """,
        [ids],
    ).fetchall()
    issues = con.execute(
        """
        select submission_id, severity, code, sheet, "row", field, label, message, expected,
               value, description
        from mart_issues where submission_id in (select unnest(?::integer[]))
        """,
        [ids],
    ).fetchall()
    keys = (
        "severity",
        "code",
        "sheet",
        "row",
        "field",
        "label",
        "message",
        "expected",
        "value",
        "text",
    )
    by_id: dict[int, list[dict]] = {}
    for row in issues:
        by_id.setdefault(row[0], []).append(dict(zip(keys, row[1:], strict=True)))
    out = []
    for sid, name, path, sha, kind, status, dup, code, year, loaded, rejected in subs:
        found = by_id.get(sid, [])
        out.append(
            {
                "submission_id": sid,
                "file": name,
                "path": path,
                "sha256": sha,
                "kind": kind,
                "status": status,
                "duplicate_of": dup,
                "municipality_code": code,
                "year": year,
                "rows_loaded": loaded,
                "rows_rejected": rejected,
                "errors": [i for i in found if i["severity"] == "error"],
                "warnings": [i for i in found if i["severity"] == "warning"],
            }
        )
    return out


def write_rejection_notes(warehouse: Path, submissions: list[Submission]) -> None:
    """A plain-text note of reasons beside every rejected file (or rejected register rows)."""
    folder = warehouse / "rejected"
    for sub in submissions:
        if sub.status not in ("rejected", "partially_loaded"):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        stamp = sub.received_at.strftime("%Y%m%d")
        note = folder / f"{stamp}_{sub.sha256[:12] or 'unread'}_{_note_name(sub.file_name)}.txt"
        lines = [
            f"Fil: {sub.file_name}",
            f"SHA-256: {sub.sha256}",
            f"Mottagen: {sub.received_at.isoformat()}Z",
            f"Status: {sub.status}",
            f"Arkiverad: {archive.archive_path(warehouse, sub.sha256) if sub.archived else '-'}",
            "",
            "Fel:",
            *(f"- {i.describe(sub.file_name)}" for i in sub.errors),
        ]
        note.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _note_name(file_name: str) -> str:
    """The file name as part of the note's name. A name given by a sender (an upload's) may hold
    a slash or be long; it must neither leave `rejected/` nor exceed the file system's limit."""
    safe = re.sub(r"[/\x00]", "_", file_name)
    # 255 bytes a name, less `<date>_<12 hex>_` and `.txt`: a name a disk held still fits whole.
    while len(safe.encode("utf-8")) > 229:
        safe = safe[:-1]
    return safe
