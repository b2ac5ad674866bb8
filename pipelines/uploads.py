"""Uploads: files sent through the web app, kept as jobs until the ingest pipeline has read them.

The web app never writes to the warehouse. It stores each upload as a job in the upload directory
(`create_job`) and starts a runner (`spawn_runner`), a separate process that takes the warehouse's
writer lock and runs the ordinary ingest over each queued job's files (`run_pending`), recording
every file's outcome in the job. docs/uploads.md describes the layout and the life cycle:

    U/<job_id>/job.json          the record (never deleted)
    U/<job_id>/files/<sha256>    the stored bytes, deleted once the job has finished
    U/.tmp-<job_id>/             a job being created (renamed into place when whole)
    U/runner.log                 what runners printed

Only the web app creates a job, and only a runner holding the writer lock changes one after that,
so job.json has one writer at a time; it is always replaced whole (temp file + `os.replace`), so
a reader sees the previous record or the next, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines import publish
from pipelines.submission import Sender  # re-exported: callers name it from here

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_UPLOAD_DIR = Path("data/uploads")
JOB_FILE = "job.json"
FILES = "files"
RUNNER_LOG = "runner.log"
UPLOAD_ROLES = ("kommun", "coordinator")
STATES = ("queued", "running", "done", "failed")

# `20261130T142100123456-1a2b3c4d`: sorts by creation time; a job id is used as a path only
# after it matched this, so `../..` or an absolute path never reaches the file system.
JOB_ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{8}")
SHA256 = re.compile(r"[0-9a-f]{64}")
KOMMUN = re.compile(r"\d{4}")
PROGRESS_EVERY = 0.5  # seconds between progress writes: the page polls, the disk need not churn
STALE_TMP = 3600  # seconds after which a `.tmp-*` left by a web worker that died is removed
MAX_NAME = 255  # characters of a file's display name


@dataclass
class StoredFile:
    """One file of an upload as the web app hands it over.

    `temp_path` holds the bytes (under `U/.incoming/`, the same file system, so it can be moved);
    a file the web app refused (`refused` = {"code", "text"}) has no bytes to store.
    """

    name: str
    sha256: str | None
    size: int
    temp_path: Path | None
    refused: dict | None


class JobError(Exception):
    """A job that cannot be run; the message (Swedish) is shown to the sender."""


def upload_dir_from_env() -> Path:
    return Path(os.environ.get("BF_UPLOAD_DIR") or DEFAULT_UPLOAD_DIR)


def new_job_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"


def _stamp() -> str:
    return f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _display_name(name: str) -> str:
    """The name as the sender's computer knew it, minus any folders (some browsers send a whole
    path) and control characters; it is shown, stored and put in a note's file name."""
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:MAX_NAME] or "namnlös fil"


def _write_json(path: Path, data: dict, *, durable: bool = True) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1, default=str)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def create_job(
    upload_dir: Path,
    *,
    user: str,
    role: str,
    kommun: str | None,
    files: list[StoredFile],
) -> str:
    """Store an upload as a job and return its id: `queued`, or `done` at once when every file
    was refused (nothing to read). Stored files are moved out of their temp paths.

    Raises ValueError for a job that could not be run (an unknown role, a municipal reporter
    without a municipality, a stored file without bytes or with a malformed hash); nothing is
    created then.
    """
    if role not in UPLOAD_ROLES:
        raise ValueError(f"role {role!r} may not upload")
    if role == "kommun" and not (isinstance(kommun, str) and KOMMUN.fullmatch(kommun)):
        raise ValueError(f"a municipal reporter needs a 4-digit municipality code, not {kommun!r}")
    for f in files:
        if f.refused is None and (f.temp_path is None or not SHA256.fullmatch(f.sha256 or "")):
            raise ValueError(f"{f.name!r}: a stored file needs its bytes and a SHA-256 hash")
    upload_dir.mkdir(parents=True, exist_ok=True)
    job_id = new_job_id()
    tmp = upload_dir / f".tmp-{job_id}"
    entries = []
    try:
        (tmp / FILES).mkdir(parents=True)
        for f in files:
            if f.refused is None:
                # The same bytes twice in one upload are stored once (the runner reads them twice).
                os.replace(f.temp_path, tmp / FILES / f.sha256)
            elif f.temp_path is not None:
                f.temp_path.unlink(missing_ok=True)
            entries.append(
                {
                    "name": _display_name(f.name),
                    "sha256": f.sha256,
                    "size": f.size,
                    "refused": f.refused,
                    "outcome": None,
                }
            )
        stored = sum(1 for e in entries if e["refused"] is None)
        job = {
            "id": job_id,
            "created_at": _stamp(),
            "user": user,
            "role": role,
            "kommun": kommun if role == "kommun" else None,
            "state": "queued" if stored else "done",
            "progress": {"done": 0, "total": stored},
            "version": None,
            "started_at": None,
            "finished_at": None if stored else _stamp(),
            "error": None,
            "files": entries,
        }
        if not stored:
            (tmp / FILES).rmdir()
        _write_json(tmp / JOB_FILE, job)
        # A runner lists only `<job_id>` folders: it sees the whole job or none of it.
        os.rename(tmp, upload_dir / job_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return job_id


def _job_dir(upload_dir: Path, job_id: object) -> Path | None:
    if not isinstance(job_id, str) or not JOB_ID.fullmatch(job_id):
        return None
    return upload_dir / job_id


def read_job(upload_dir: Path, job_id: str) -> dict | None:
    """The job's record, or None for an unknown or malformed id (or an unreadable record)."""
    folder = _job_dir(upload_dir, job_id)
    if folder is None:
        return None
    try:
        job = json.loads((folder / JOB_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return job if isinstance(job, dict) and job.get("id") == job_id else None


def _job_ids(upload_dir: Path) -> list[str]:
    """Every job id in the directory, oldest first."""
    if not upload_dir.is_dir():
        return []
    return sorted(p.name for p in upload_dir.iterdir() if JOB_ID.fullmatch(p.name))


def list_jobs(
    upload_dir: Path, *, user: str | None = None, kommun: str | None = None, limit: int = 50
) -> list[dict]:
    """Jobs newest first, only those of `user` and/or `kommun` when given."""
    out: list[dict] = []
    for job_id in reversed(_job_ids(upload_dir)):
        if len(out) >= limit:
            break
        job = read_job(upload_dir, job_id)
        if job is None:
            continue
        if user is not None and job.get("user") != user:
            continue
        if kommun is not None and job.get("kommun") != kommun:
            continue
        out.append(job)
    return out


def sent_since(upload_dir: Path, user: str, since: datetime) -> tuple[int, int]:
    """(files, bytes) that `user` sent in the jobs created at or after `since` (UTC), refused
    files included: what the web app's daily upload quota counts. Read from the job records, so
    every worker and every server sharing the directory counts the same; job ids sort by their
    creation time, so only the records of jobs since then are read."""
    floor = f"{since.astimezone(UTC):%Y%m%dT%H%M%S%f}"
    files = size = 0
    for job_id in reversed(_job_ids(upload_dir)):
        if job_id < floor:
            break
        job = read_job(upload_dir, job_id)
        if job is None or job.get("user") != user:
            continue
        for entry in job.get("files") or []:
            files += 1
            with contextlib.suppress(TypeError, ValueError):
                size += max(0, int(entry.get("size") or 0))
    return files, size


def sender_of(job: dict) -> Sender:
    """What the job's account may send. A municipal reporter's job without a valid code is not
    run: a None `kommun` would let it report for every municipality."""
    role, kommun = job.get("role"), job.get("kommun")
    if role not in UPLOAD_ROLES:
        raise JobError("kontot får inte lämna filer")
    if role == "kommun" and not (isinstance(kommun, str) and KOMMUN.fullmatch(kommun)):
        raise JobError("kontot saknar kommunkod och får inte lämna rapporter")
    return Sender(
        user=str(job.get("user")),
        kommun=kommun if role == "kommun" else None,
        may_send_grants=role == "coordinator",
    )


def run_pending(upload_dir: Path, warehouse: Path, *, synthetic: bool = False) -> list[str]:
    """Run every queued job, oldest first, under the warehouse's writer lock; return their ids.

    Holding the lock, nobody else runs a job: one left `running` belongs to a runner that was
    stopped, and is run again (its files published already are recognised, not read twice). A
    second runner started meanwhile waits for the lock and then finds nothing left to do.
    """
    processed: list[str] = []
    with publish.writer_lock(warehouse):
        _remove_stale(upload_dir)
        while (job_id := _next_job(upload_dir, skip=processed)) is not None:
            processed.append(job_id)
            try:
                _run_job(upload_dir, warehouse, job_id, synthetic=synthetic)
            except Exception:
                # Not even `failed` could be recorded (a full disk, say): the job stays as it
                # was, for the next runner; this one goes on with the others.
                traceback.print_exc(file=sys.stderr)
    return processed


def _next_job(upload_dir: Path, skip: list[str]) -> str | None:
    """The oldest job still to run. Only a job with a `files/` folder can be (one that ended
    before its files were deleted is cleared here), so finished jobs cost a stat, not a read."""
    for job_id in _job_ids(upload_dir):
        if job_id in skip or not (upload_dir / job_id / FILES).is_dir():
            continue
        job = read_job(upload_dir, job_id)
        if job is None:
            continue  # a record that cannot be read cannot be run either; left for a person
        if job.get("state") in ("queued", "running"):
            return job_id
        shutil.rmtree(upload_dir / job_id / FILES, ignore_errors=True)
    return None


def _remove_stale(upload_dir: Path) -> None:
    """Jobs whose creation died half-way (the web worker was killed): never renamed into place."""
    if not upload_dir.is_dir():
        return
    for p in upload_dir.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if time.time() - p.stat().st_mtime > STALE_TMP:
                shutil.rmtree(p, ignore_errors=True)


def _stored_paths(folder: Path, job: dict) -> dict[int, Path]:
    """The path ingest reads for each stored entry (by index in `files`). Every entry needs a
    path of its own, since names and outcomes are matched by path: the same bytes a second time
    in one job get a hard link `<sha256>.<index>` to the stored copy."""
    paths: dict[int, Path] = {}
    first: set[str] = set()
    for i, entry in enumerate(job["files"]):
        if entry.get("refused") is not None:
            continue
        sha = entry.get("sha256") or ""
        if not SHA256.fullmatch(sha):
            raise JobError(f"filen {entry.get('name')} saknar kontrollsumma; ladda upp den igen")
        stored = folder / FILES / sha
        if not stored.is_file():
            raise JobError(
                f"den uppladdade filen {entry.get('name')} saknas på servern; ladda upp den igen"
            )
        if sha in first:
            extra = folder / FILES / f"{sha}.{i}"
            if not extra.exists():
                try:
                    os.link(stored, extra)
                except OSError:
                    shutil.copyfile(stored, extra)
            stored = extra
        first.add(sha)
        paths[i] = stored
    return paths


def _outcome(summary: dict) -> dict:
    keys = ("status", "submission_id", "kind", "duplicate_of", "municipality_code", "year")
    return {
        **{k: summary[k] for k in keys},
        "rows_loaded": summary["rows_loaded"],
        "rows_rejected": summary["rows_rejected"],
        "errors": summary["errors"],
        "warnings": summary["warnings"],
    }


def _published(warehouse: Path, paths: list[Path]) -> list[dict]:
    """Summaries of the given stored files that the current warehouse already holds: a runner
    stopped after publishing, before it recorded the outcome (a stored path names its job, so it
    is never another job's file)."""
    from pipelines.ingest import file_summaries

    current = publish.current_path(warehouse)
    if current is None or not paths:
        return []
    con = duckdb.connect(str(current), read_only=True)
    try:
        ids = [
            sid
            for (sid,) in con.execute(
                "select submission_id from mart_submissions"
                " where source_path in (select unnest(?::varchar[]))",
                [[str(p) for p in paths]],
            ).fetchall()
        ]
        return file_summaries(con, ids)
    finally:
        con.close()


def _run_job(upload_dir: Path, warehouse: Path, job_id: str, *, synthetic: bool) -> None:
    """Run one job (the caller holds the writer lock); its end is `done` or `failed`."""
    from pipelines.ingest import ingest_locked

    folder = upload_dir / job_id
    job = read_job(upload_dir, job_id)
    if job is None:
        return
    resumed = job["state"] == "running"
    job["state"] = "running"
    job["started_at"] = _stamp()
    job["error"] = None
    _write_json(folder / JOB_FILE, job)
    summaries: dict[str, dict] = {}
    version = None
    paths: dict[int, Path] = {}
    try:
        sender = sender_of(job)
        paths = _stored_paths(folder, job)
        todo = list(paths.values())
        if resumed:
            for s in _published(warehouse, todo):
                summaries[s["path"]] = s
            todo = [p for p in todo if str(p) not in summaries]
        names = {paths[i]: job["files"][i]["name"] for i in paths}
        total, offset = len(paths), len(paths) - len(todo)
        last = 0.0

        def progress(done: int, _total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done == _total:
                last = now
                job["progress"] = {"done": offset + done, "total": total}
                _write_json(folder / JOB_FILE, job, durable=False)

        if todo:
            result = ingest_locked(
                todo,
                warehouse,
                folder / FILES,  # unused: the paths are given
                synthetic=synthetic,
                names=names,
                senders=dict.fromkeys(todo, sender),
                progress=progress,
            )
            version = result.version
            summaries.update((s["path"], s) for s in result.files)
        else:
            version = publish.current_version(warehouse) or None
        missing = [i for i, p in paths.items() if str(p) not in summaries]
        if missing:
            raise JobError("inläsningen redovisade inte alla filer")
        for i, p in paths.items():
            job["files"][i]["outcome"] = _outcome(summaries[str(p)])
        job.update(state="done", version=version, progress={"done": total, "total": total})
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)  # the runner's log, for whoever runs the server
        # Failed after publishing (a rejection note could not be written, say): the files are
        # read and recorded, so the job is done; only an unpublished job has failed.
        recorded = {}
        with contextlib.suppress(Exception):
            recorded = {s["path"]: s for s in _published(warehouse, list(paths.values()))}
        if paths and all(str(p) in recorded for p in paths.values()):
            for i, p in paths.items():
                job["files"][i]["outcome"] = _outcome(recorded[str(p)])
            job.update(state="done", version=publish.current_version(warehouse))
        else:
            for entry in job["files"]:
                entry["outcome"] = None
            job.update(
                state="failed",
                version=None,
                error=str(exc)
                if isinstance(exc, JobError)
                else (
                    f"inläsningen misslyckades på servern ({type(exc).__name__}); inget lästes "
                    "in. Försök igen senare eller kontakta förvaltningen."
                ),
            )
    job["finished_at"] = _stamp()
    # The outcome first, then the bytes go: stopped in between, the next runner clears them.
    _write_json(folder / JOB_FILE, job)
    shutil.rmtree(folder / FILES, ignore_errors=True)


def counts(job: dict) -> dict[str, int]:
    """Files of a job by what became of them: `refused` for those the web app refused, else the
    outcome's status (`pending` before the runner got to them)."""
    out: dict[str, int] = {}
    for entry in job.get("files", []):
        if entry.get("refused") is not None:
            key = "refused"
        elif entry.get("outcome"):
            key = entry["outcome"]["status"]
        else:
            key = "pending"
        out[key] = out.get(key, 0) + 1
    return out


def describe(job: dict) -> str:
    """One line for a log: id, state, files by fate, version, error."""
    tally = ", ".join(f"{k}: {v}" for k, v in sorted(counts(job).items())) or "no files"
    text = f"{job['id']} {job['state']}: {len(job.get('files', []))} files ({tally})"
    if job.get("version"):
        text += f", version {job['version']}"
    if job.get("error"):
        text += f"; {job['error']}"
    return text


def spawn_runner(upload_dir: Path, warehouse: Path) -> subprocess.Popen:
    """Start `python -m pipelines uploads` in the background, in a session of its own (so it
    outlives the request, and a signal to the web worker's group does not stop it half-way).
    A daemon thread reaps it, so no zombie is left behind in a long-lived web worker."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    # The runner works in the repo root: relative paths would mean something else there.
    command = [
        sys.executable,
        "-m",
        "pipelines",
        "uploads",
        "--dir",
        str(upload_dir.resolve()),
        "--warehouse",
        str(warehouse.resolve()),
    ]
    with open(upload_dir / RUNNER_LOG, "ab") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    threading.Thread(target=process.wait, name=f"upload-runner-{process.pid}", daemon=True).start()
    return process
