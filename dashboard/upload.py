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

Answers are JSON: 202 with the job (``?vanta=1``: 200 once the job is finished, waiting up to
two minutes), 400 for a body without files, 401/403 from ``access``, 413 for too many files.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
from pathlib import Path

import flask
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from wtforms import ValidationError

from dashboard import access, audit, auth, context
from pipelines import uploads
from pipelines.contract import MAX_FILE_BYTES

MAX_FILES = 50
FIELD = "fil"
UPLOAD_PATH = "/api/inlamning"
UPLOAD_DIR_KEY = "bf_upload_dir"
WAIT_SECONDS = 120
MB = 1024 * 1024
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


def install(server: flask.Flask, directory: str | os.PathLike[str] | None = None) -> None:
    server.extensions[UPLOAD_DIR_KEY] = Path(directory or uploads.upload_dir_from_env())
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
        )
    job = uploads.read_job(upload_dir(), job_id)
    if job and job.get("state") == "queued":
        uploads.spawn_runner(upload_dir(), context.warehouse().directory)
    if request.args.get("vanta") in ("1", "ja", "true"):
        job = _wait(job_id)
        return _answer(200, **_public(job))
    response = _answer(202, **_public(job))
    response.headers["Location"] = f"{UPLOAD_PATH}/{job_id}"
    return response


def _wait(job_id: str) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    job = uploads.read_job(upload_dir(), job_id) or {}
    while job.get("state") in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = uploads.read_job(upload_dir(), job_id) or job
    return job


def _public(job: dict | None) -> dict:
    if not job:
        return {}
    return {**job, "status_url": f"{UPLOAD_PATH}/{job['id']}"}


def _log_refused(account, code: str, names: list[str] | None) -> None:
    audit.record(
        auth.audit_path(),
        "upload_refused",
        user=account.name if account else None,
        reason=code,
        files=names,
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
