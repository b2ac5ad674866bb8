"""Receiving files over HTTP: ``POST /api/inlamning`` (the upload page and scripts use it).

The app writes only into the upload directory (``BF_UPLOAD_DIR``, default ``data/uploads``),
never into the warehouse: each upload becomes a job (``pipelines/uploads.py``) and a process of
its own runs the ordinary pipeline over it, one at a time under the warehouse's writer lock.

Limits are enforced while the body is read, not after: every file part streams into a file of
its own under ``<upload dir>/.incoming/`` that stops keeping bytes past 20 MB (the rest is only
counted, so the answer can say how large the file was), and a part after the 50th is not kept
at all. A file's name is only ever text: it is stored as the job's record of what was sent,
while the bytes are kept under their SHA-256. What a file is, the pipeline tells from its
content. Whatever happens, the temporary files of a request are gone when it ends, so a failed
or half-finished upload leaves nothing behind but its record (the job and the audit log).

Answers are JSON: 202 with the job and its ``status_url`` (also in ``Location``), 400 for a body
without files, 401/403 from ``access``, 413 for too many files, 429 over the daily quota.

``?vanta=1`` waits for the job, but never for long and never with many: a waiting request holds one
of the worker's threads (``dashboard/serving/serve.py``: gthread, 4 threads a worker), which readers
of the dashboard and the API need. So the wait ends after ``WAIT_SECONDS`` (10 s) and at most one
request per account (``WAITERS_PER_ACCOUNT``, across the server's workers: a lock file under
``<upload dir>/.locks/``) and two per worker process (``WAITERS_PER_PROCESS``, half its threads)
wait at once. The answer is 200 with the finished job, or else 202 with the job as it stands, its
``status_url`` and a ``message`` saying why: the caller follows ``status_url`` until the job's
``state`` is ``done`` or ``failed``.
The quota: per account and UTC day at most ``QUOTA_FILES`` files and ``QUOTA_MB`` MB sent
(coordinators ``COORDINATOR_QUOTA_FACTOR`` times that; ``BF_UPLOAD_QUOTA_FILES`` and
``BF_UPLOAD_QUOTA_MB`` change the base), counted from the job records of the day in the upload
directory (``uploads.sent_since``), so it holds across workers and servers sharing the directory.
Refused files count too: they were sent. An account already over it is refused before its body
is read; an upload that would take it over is refused whole (no job), under a per-account lock,
so two parallel uploads cannot both slip under it. Either answers 429 in Swedish with the limit
and when it resets, and leaves an ``upload_refused`` entry (``reason: quota``) in the audit log.

Every audit entry of an upload names the client's address (``auth._address``: the one behind the
trusted proxies, ``BF_TRUSTED_PROXIES``) and ``via``: ``session`` or ``token``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import flask
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from wtforms import ValidationError

from dashboard import context
from dashboard.security import access, audit, auth
from dashboard.serving.workers import THREADS
from pipelines import uploads
from pipelines.contract import MAX_FILE_BYTES

MAX_FILES = 50
FIELD = "fil"
UPLOAD_PATH = "/api/inlamning"
UPLOAD_DIR_KEY = "bf_upload_dir"
MB = 1024 * 1024
# ?vanta=1: how long, and how many at once (see the docstring: waiting holds a worker's thread).
WAIT_SECONDS = 10
WAITERS_PER_ACCOUNT = 1
WAITERS_PER_PROCESS = max(1, THREADS // 2)
_waiters = threading.BoundedSemaphore(WAITERS_PER_PROCESS)
RUNNER_NICE = 10  # the upload runner's CPU priority: after the readers' (see _in_background)
# The daily quota per account (UTC day); no municipality sends a tenth of it in a year.
QUOTA_FILES = 200
QUOTA_MB = 500
COORDINATOR_QUOTA_FACTOR = 5
QUOTA_KEY = "bf_upload_quota"
LOCKS = ".locks"
SWEDEN = ZoneInfo("Europe/Stockholm")
# Room for the multipart headers of 50 files around 50 files of 20 MB.
MAX_BODY = MAX_FILES * MAX_FILE_BYTES + 4 * MB
_BAD_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|^\.\.?$")


class CappedFile(io.RawIOBase):
    """A file part on its way to disk: keeps at most ``limit`` bytes, hashes what it keeps."""

    def __init__(self, directory: Path, limit: int | None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=directory, prefix="part-")
        self.path = Path(name)
        self._fh = os.fdopen(fd, "w+b")
        self.limit = limit
        self.size = 0
        self.too_large = False
        self.dropped = limit is None  # parts past the 50th keep nothing
        self._sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        n = len(chunk)
        self.size += n
        if self.dropped or self.too_large:
            return n
        if self.size > self.limit:
            self.too_large = True
            self._fh.seek(0)
            self._fh.truncate(0)
            return n
        self._fh.write(chunk)
        self._sha.update(chunk)
        return n

    def read(self, size: int = -1) -> bytes:
        return self._fh.read(size)

    def readinto(self, buffer) -> int:
        return self._fh.readinto(buffer)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def flush(self) -> None:
        if not self._fh.closed:
            self._fh.flush()

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        super().close()

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


class UploadRequest(flask.Request):
    """Flask's request, streaming the upload endpoint's file parts into ``CappedFile``s."""

    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        if self.path != UPLOAD_PATH:
            return super()._get_file_stream(
                total_content_length, content_type, filename, content_length
            )
        parts = flask.g.setdefault("bf_parts", [])
        limit = MAX_FILE_BYTES if len(parts) < MAX_FILES else None
        part = CappedFile(upload_dir() / ".incoming", limit)
        parts.append(part)
        return part

    def make_form_data_parser(self):
        parser = super().make_form_data_parser()
        if self.path == UPLOAD_PATH:
            # A body that ends before its closing boundary (the sender went away) is an error,
            # not an empty form: werkzeug's parser is silent by default, and under gunicorn the
            # stream simply ends (no ClientDisconnected), so the cut-off upload would be
            # answered "no files" and never recorded.
            parser.silent = False
        return parser


def upload_dir() -> Path:
    return flask.current_app.extensions[UPLOAD_DIR_KEY]


def quota_from_env() -> tuple[int, int]:
    """(files, bytes) a municipal reporter may send per UTC day (``BF_UPLOAD_QUOTA_FILES``,
    ``BF_UPLOAD_QUOTA_MB``: a decimal number; a setting that is not a number is ignored)."""
    files, megabytes = QUOTA_FILES, float(QUOTA_MB)
    with contextlib.suppress(ValueError):
        files = int(os.environ.get("BF_UPLOAD_QUOTA_FILES") or files)
    with contextlib.suppress(ValueError):
        megabytes = float(os.environ.get("BF_UPLOAD_QUOTA_MB") or megabytes)
    return max(0, files), max(0, int(megabytes * MB))


def install(server: flask.Flask, directory: str | os.PathLike[str] | None = None) -> None:
    server.extensions[UPLOAD_DIR_KEY] = Path(directory or uploads.upload_dir_from_env())
    server.extensions[QUOTA_KEY] = quota_from_env()
    server.request_class = UploadRequest
    server.add_url_rule(UPLOAD_PATH, "upload", receive, methods=["POST"])
    server.add_url_rule(UPLOAD_PATH, "upload_list", list_own, methods=["GET", "HEAD"])
    server.add_url_rule(UPLOAD_PATH + "/<job_id>", "upload_job", show_job, methods=["GET", "HEAD"])

    @server.after_request
    def csrf_token_in_session(response: flask.Response) -> flask.Response:
        # The upload form's CSRF token is drawn by the page router's callback, while the shell's
        # callback runs at the same time. Every answer re-sends the (permanent) session cookie,
        # so a token first put into the session there is lost whenever the parallel answer,
        # made from the cookie of before, arrives last: the upload is then refused ("The CSRF
        # session token is missing"). So a signed-in uploader's session gets its token with the
        # first answer that lacks one: the sign-in's own, before any callback runs.
        field = flask.current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if (
            field not in flask.session
            and access.can_upload(auth.current_account())
            and not auth.signed_in_by_token()
        ):
            # The sign-in form's token (of the session cleared at sign-in) is cached in `g`,
            # where generate_csrf would find it and put nothing into the new session.
            flask.g.pop(field, None)
            generate_csrf()
        return response

    @server.teardown_request
    def remove_parts(_exc):
        # Whatever became of the request, its temporary parts do not outlive it: the kept ones
        # were moved into their job already.
        for part in flask.g.pop("bf_parts", []):
            part.close()
            part.path.unlink(missing_ok=True)


def _answer(status: int, **body) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = status
    return response


def _display_name(raw: str | None) -> str:
    """The name as text for the record: no longer than 255 characters, never a path."""
    return (raw or "").strip()[:255]


def _refusal(part: CappedFile, name: str) -> dict | None:
    if not name:
        return {"code": "no_name", "text": "filen saknar namn; skicka den med sitt filnamn"}
    if _BAD_NAME.search(name) or name in (".", ".."):
        return {
            "code": "bad_name",
            "text": f"filnamnet '{name}' innehåller en sökväg eller styrtecken; skicka filen "
            "med bara sitt namn, till exempel rapport_2025.json",
        }
    if part.too_large:
        return {
            "code": "too_large",
            "text": f"filen är {part.size / MB:.1f} MB, större än gränsen "
            f"{MAX_FILE_BYTES // MB} MB",
        }
    return None


def receive():
    """Store the request's files as one job and start the pipeline on it."""
    request = flask.request
    request.max_content_length = MAX_BODY
    account = auth.current_account()
    if not auth.signed_in_by_token():
        # A browser session posts with the page's CSRF token; a token caller has none to steal.
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))
        except (CSRFError, ValidationError) as exc:
            _log_refused(account, "csrf", None)
            return _answer(
                400,
                error="formulärets säkerhetsnyckel (CSRF) saknas eller har gått ut: ladda om "
                f"sidan och skicka igen ({type(exc).__name__})",
            )
        except ValueError:  # the token was looked for in a body that ended early
            _log_refused(account, "disconnected", None)
            return _answer(400, error="inlämningen avbröts innan hela filen kommit fram")
    over = _over_quota(account, 0, 0)
    if over is not None:
        # Already over: the body is not stored (a browser's was, for its CSRF token), only read
        # and dropped, or a script that sends it whole before reading gets a broken pipe.
        _discard_body()
        return over
    try:
        files = request.files.getlist(FIELD)
    except RequestEntityTooLarge:
        _log_refused(account, "too_large_body", None)
        return _answer(413, error=f"inlämningen är större än {MAX_BODY // MB} MB")
    except (ClientDisconnected, ValueError):  # ValueError: the multipart body ended early
        _log_refused(account, "disconnected", None)
        return _answer(400, error="inlämningen avbröts innan hela filen kommit fram")
    if not files:
        _log_refused(account, "no_files", None)
        return _answer(
            400, error=f"inga filer: skicka en eller flera delar med namnet '{FIELD}' (multipart)"
        )
    names = [_display_name(f.filename) for f in files]
    if len(files) > MAX_FILES:
        _log_refused(account, "too_many_files", names)
        return _answer(
            413,
            error=f"{len(files)} filer i en inlämning; högst {MAX_FILES}. Dela upp dem.",
            files=[{"name": n, "refused": {"code": "too_many_files"}} for n in names],
        )
    stored: list[uploads.StoredFile] = []
    for storage, name in zip(files, names, strict=True):
        part = storage.stream
        if not isinstance(part, CappedFile):  # not reachable: every part on this path is one
            return _answer(400, error="oväntad del i inlämningen")
        part.flush()
        refused = _refusal(part, name)
        stored.append(
            uploads.StoredFile(
                name=name,
                sha256=None if refused else part.sha256,
                size=part.size,
                temp_path=None if refused else part.path,
                refused=refused,
            )
        )
    with _account_lock("quota", account.name):
        # Counted and created under the account's lock: two uploads at once cannot both pass.
        over = _over_quota(account, len(stored), sum(f.size for f in stored), names)
        if over is not None:
            return over
        job_id = uploads.create_job(
            upload_dir(),
            user=account.name,
            role=account.role,
            kommun=account.kommun,
            files=stored,
        )
    for item in stored:
        audit.record(
            auth.audit_path(),
            "upload",
            user=account.name,
            job=job_id,
            file=item.name,
            sha256=item.sha256,
            size=item.size,
            refused=(item.refused or {}).get("code"),
            **_client(),
        )
    job = uploads.read_job(upload_dir(), job_id)
    if job and job.get("state") == "queued":
        _in_background(uploads.spawn_runner(upload_dir(), context.warehouse().directory).pid)
    message = None
    if request.args.get("vanta") in ("1", "ja", "true") and job:
        job, message = _wait(account.name, job)
        if message is None:
            return _answer(200, **_public(job))
    body = _public(job)
    if message:
        body["message"] = message
    response = _answer(202, **body)
    response.headers["Location"] = f"{UPLOAD_PATH}/{job_id}"
    return response


def _in_background(runner: int) -> None:
    """Give the runner (a process group and session of its own) the CPU after the readers: it
    reads for seconds or minutes, they need milliseconds. Both the nice value of its processes
    and, where the kernel groups processes by session (``sched_autogroup``, where nice works only
    within a group), its session's group's. Best effort: nothing fails if either cannot be set."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PGRP, runner, RUNNER_NICE)
    with contextlib.suppress(OSError):
        Path(f"/proc/{runner}/autogroup").write_text(f"{RUNNER_NICE}\n", encoding="ascii")


def _discard_body() -> None:
    """Read what is left of the request's body (at most ``MAX_BODY``) and keep none of it."""
    with contextlib.suppress(ClientDisconnected, RequestEntityTooLarge, OSError, ValueError):
        stream = flask.request.stream  # raises for a body declared larger than MAX_BODY
        while stream.read(MB):
            pass


def _client() -> dict:
    """Who sent it, for the audit log: the client's address (behind the trusted proxies) and
    whether a session or a personal access token signed the request."""
    return {"address": auth._address(), "via": "token" if auth.signed_in_by_token() else "session"}


@contextlib.contextmanager
def _account_lock(kind: str, user: str, slot: int = 0, *, wait: bool = True) -> Iterator[bool]:
    """An flock on ``<upload dir>/.locks/<kind>-<hash of the account>-<slot>``: held by one
    request at a time among every worker of this machine, and let go if the worker dies. Yields
    whether it was taken (always, when ``wait``)."""
    folder = upload_dir() / LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(user.encode("utf-8")).hexdigest()[:20]
    fd = os.open(folder / f"{kind}-{key}-{slot}", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing lets go of the lock


@contextlib.contextmanager
def _wait_slot(user: str) -> Iterator[bool]:
    """One of the process's ``WAITERS_PER_PROCESS`` places and one of the account's
    ``WAITERS_PER_ACCOUNT``, or False at once when either is taken (never queues for one)."""
    if not _waiters.acquire(blocking=False):
        yield False
        return
    try:
        with contextlib.ExitStack() as stack:
            for slot in range(WAITERS_PER_ACCOUNT):
                if stack.enter_context(_account_lock("wait", user, slot, wait=False)):
                    yield True
                    return
            yield False
    finally:
        _waiters.release()


def _wait(user: str, job: dict) -> tuple[dict, str | None]:
    """The job once it has ended, with None; or as it stands, with why the wait ended."""
    if job.get("state") not in ("queued", "running"):
        return job, None
    with _wait_slot(user) as waiting:
        if not waiting:
            return job, (
                "inlämningen är mottagen men läses inte in ännu; servern väntar inte på den "
                "(kontot väntar redan på en annan inlämning, eller servern har många som väntar). "
                "Följ status_url tills state är done eller failed."
            )
        deadline = time.monotonic() + WAIT_SECONDS
        while job.get("state") in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = uploads.read_job(upload_dir(), job["id"]) or job
    if job.get("state") in ("queued", "running"):
        return job, (
            f"inlämningen är mottagen men inte färdig efter {WAIT_SECONDS} s; följ status_url "
            "tills state är done eller failed."
        )
    return job, None


def quota_of(account) -> tuple[int, int]:
    """(files, bytes) the account may send per UTC day."""
    files, size = flask.current_app.extensions.get(QUOTA_KEY) or quota_from_env()
    if account.role == "coordinator":
        return files * COORDINATOR_QUOTA_FACTOR, size * COORDINATOR_QUOTA_FACTOR
    return files, size


def _files(n: int) -> str:
    return f"{n} fil" if n == 1 else f"{n} filer"


def _size(n: int) -> str:
    """Bytes for a Swedish sentence: ``500 MB``, ``12,3 MB``, ``51 kB``."""
    if n < MB // 10:
        return f"{n / 1024:.0f} kB"
    return f"{n / MB:.1f}".replace(".0", "").replace(".", ",") + " MB"


def _over_quota(
    account, files: int, size: int, names: list[str] | None = None
) -> flask.Response | None:
    """None while the account's sent files of the day plus ``files`` and ``size`` stay within
    its quota (an empty look-ahead: within means not yet at it); else the 429 answer, recorded."""
    now = datetime.now(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    max_files, max_bytes = quota_of(account)
    sent_files, sent_bytes = uploads.sent_since(upload_dir(), account.name, day)
    if files or size:
        over = sent_files + files > max_files or sent_bytes + size > max_bytes
    else:
        over = sent_files >= max_files or sent_bytes >= max_bytes
    if not over:
        return None
    resets = day + timedelta(days=1)
    _log_refused(
        account,
        "quota",
        names,
        sent_files=sent_files,
        sent_bytes=sent_bytes,
        files_in_upload=files or None,
        bytes_in_upload=size or None,
    )
    this = f"; den här inlämningen: {_files(files)}, {_size(size)}" if files else ""
    response = _answer(
        429,
        error=f"kontot har nått gränsen för inlämningar: högst {_files(max_files)} och "
        f"{_size(max_bytes)} per konto och dygn. I dag har kontot skickat {_files(sent_files)}, "
        f"{_size(sent_bytes)}{this}. Gränsen nollställs "
        f"{resets:%Y-%m-%d %H:%M} UTC ({resets.astimezone(SWEDEN):%H:%M} svensk tid).",
        quota={
            "files": max_files,
            "bytes": max_bytes,
            "sent_files": sent_files,
            "sent_bytes": sent_bytes,
            "resets_at": f"{resets:%Y-%m-%dT%H:%M:%SZ}",
        },
    )
    response.headers["Retry-After"] = str(max(1, int((resets - now).total_seconds())))
    return response


def _public(job: dict | None) -> dict:
    if not job:
        return {}
    return {**job, "status_url": f"{UPLOAD_PATH}/{job['id']}"}


def _log_refused(account, code: str, names: list[str] | None, **details) -> None:
    audit.record(
        auth.audit_path(),
        "upload_refused",
        user=account.name if account else None,
        reason=code,
        files=names,
        **details,
        **_client(),
    )


def show_job(job_id: str):
    job = uploads.read_job(upload_dir(), job_id)
    if job is None or not access.can_read_job(auth.current_account(), job):
        # The same answer whether the job is someone else's or does not exist.
        return _answer(404, error="ingen sådan inlämning")
    return _answer(200, **_public(job))


def list_own():
    account = auth.current_account()
    user = None if account.role == "coordinator" else account.name
    jobs = uploads.list_jobs(upload_dir(), user=user)
    return _answer(200, jobs=[_public(j) for j in jobs], count=len(jobs))
