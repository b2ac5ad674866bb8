"""Big static files compressed once with brotli at quality 11, served as ``Content-Encoding: br``.

``Dash(compress=True)`` (flask-compress) compresses every response as it goes out, at a fast level:
plotly.js alone stays about 1.4 MB that way. Brotli at quality 11 makes it 1.1 MB, but takes about
12 s of CPU for that one file, so it must not happen per request (ENGINEERING-NOTES, "First
load"). Here an ``after_request`` hook looks at each large static response (component bundles,
``/assets/``, ``/geo/``): when a brotli copy of exactly those bytes exists it is sent instead;
otherwise the response goes out as before (flask-compress compresses it) and the bytes are queued
for a background thread that writes the brotli copy to a disk cache. Copies are named by the
SHA-256 of the uncompressed bytes, so a new package version or edited asset simply gets a new copy
and no copy can ever be stale. The cache outlives restarts and is shared by the gunicorn workers
(a lock file per copy makes sure only one of them spends the CPU).

``warm`` asks for every file of a first page load through the app's own test client right after
start, so the copies exist before the first visitor comes (the first start on a machine takes
about 15 s of one core in the background; later starts find the copies on disk).

The cache lives in ``BF_CACHE_DIR`` (default ``~/.cache/bf-lagesbild``: outside the repository,
never committed); when it cannot be written the copies are kept in memory only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import queue
import re
import threading
from pathlib import Path

import brotli
import flask

log = logging.getLogger(__name__)

QUALITY = 11
# Smaller responses are cheap to compress on the fly and gain little from quality 11.
MIN_BYTES = 10_000
PREFIXES = ("/_dash-component-suites/", "/assets/", "/geo/")
MIMETYPES = frozenset(
    {
        "text/javascript",
        "application/javascript",
        "text/css",
        "application/json",
        "application/geo+json",
    }
)
# Dash's renderer loads plotly.js from this fixed path (dash-renderer, ``_dashPlotlyJSURL``).
PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
_RESOURCE = re.compile(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"')


def cache_dir_from_env() -> Path:
    if os.environ.get("BF_CACHE_DIR"):
        return Path(os.environ["BF_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "bf-lagesbild" / "brotli"


def accepts_br(request: flask.Request) -> bool:
    return request.accept_encodings["br"] > 0


class BrotliCache:
    """Brotli copies by content digest: in memory, on disk, and made in one background thread."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._digests: dict[str, str] = {}  # request path with query -> digest of its body
        self._copies: dict[str, bytes] = {}  # digest -> brotli bytes
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._jobs: queue.Queue = queue.Queue()
        # A daemon thread: a worker that is told to stop does not wait for a half-made copy.
        threading.Thread(target=self._run, name="brotli", daemon=True).start()
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError:
                log.warning("brotli cache %s is not writable; keeping copies in memory", directory)
                self.directory = None

    def digest_for(self, key: str, body: bytes) -> str:
        digest = self._digests.get(key)
        if digest is None:
            digest = hashlib.sha256(body).hexdigest()
            self._digests[key] = digest
        return digest

    def get(self, digest: str) -> bytes | None:
        copy = self._copies.get(digest)
        if copy is None and self.directory is not None:
            with contextlib.suppress(OSError):
                copy = (self.directory / f"{digest}.br").read_bytes()
                self._copies[digest] = copy
        return copy

    def queue(self, digest: str, body: bytes) -> None:
        with self._lock:
            if digest in self._queued:
                return
            self._queued.add(digest)
        self._jobs.put((digest, body))

    def wait(self) -> None:
        """Block until every queued copy is made."""
        self._jobs.join()

    def _run(self) -> None:
        while True:
            digest, body = self._jobs.get()
            try:
                self._make(digest, body)
            finally:
                self._jobs.task_done()

    def _make(self, digest: str, body: bytes) -> None:
        try:
            if self.directory is None:
                self._copies[digest] = brotli.compress(body, quality=QUALITY)
                return
            target = self.directory / f"{digest}.br"
            # Another worker may be making the same copy: wait for it rather than do it twice.
            with open(self.directory / f"{digest}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not target.is_file():
                    tmp = target.with_suffix(f".{os.getpid()}.tmp")
                    tmp.write_bytes(brotli.compress(body, quality=QUALITY))
                    os.replace(tmp, target)
            self.get(digest)
        except Exception:  # a failed copy only costs bytes: the response stays uncompressed
            log.exception("brotli copy %s failed", digest[:12])


COPY_HEADER = "X-Precompressed"


def install(server: flask.Flask, cache: BrotliCache) -> None:
    """Serve brotli copies of large static responses (register after flask-compress)."""

    @server.after_request
    def serve_brotli(response: flask.Response) -> flask.Response:
        request = flask.request
        if (
            request.method != "GET"
            or response.status_code != 200
            or not request.path.startswith(PREFIXES)
            or response.mimetype not in MIMETYPES
            or "Content-Encoding" in response.headers
            or not accepts_br(request)
        ):
            return response
        response.direct_passthrough = False  # send_file responses: read the file here
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        digest = cache.digest_for(request.full_path, body)
        copy = cache.get(digest)
        if copy is None:
            cache.queue(digest, body)
            return response  # flask-compress compresses this one on the fly
        response.set_data(copy)
        response.headers["Content-Encoding"] = "br"
        # Tells the stored copy from flask-compress's on-the-fly brotli (for checks and ops).
        response.headers[COPY_HEADER] = "brotli-11"
        response.vary.add("Accept-Encoding")
        return response


def warm(server: flask.Flask, cache: BrotliCache, extra_paths: list[str]) -> None:
    """Request every file of a first page load so its brotli copy gets made (run in a thread)."""
    client = server.test_client()
    headers = {"Accept-Encoding": "br"}
    try:
        index = client.get("/").get_data(as_text=True)  # uncompressed, to read its links
        paths = [*_RESOURCE.findall(index), PLOTLY_PATH, *extra_paths]
        for path in dict.fromkeys(paths):
            client.get(path, headers=headers).close()
        cache.wait()
    except Exception:
        log.exception("warming the brotli cache failed")


def start_warming(server: flask.Flask, cache: BrotliCache, extra_paths: list[str]) -> None:
    threading.Thread(
        target=warm, args=(server, cache, extra_paths), name="brotli-warm", daemon=True
    ).start()
