"""The audit log: who signed in, who failed to, who sent which file when; and reading it back.

One JSON object per line in the file named by ``BF_AUDIT_LOG`` (default ``data/audit.log``),
appended with ``O_APPEND`` and one ``write`` per entry, so entries from several workers never
interleave and nothing is ever rewritten. Values from outside (names, file names) are stored as
JSON strings: they stay text wherever the log is read.

Repeated refusals of anonymous requests (``AGGREGATED``: failed and throttled sign-ins, uploads
refused without an account) would let anyone fill the log, one line per request. The first of a
kind (same event and fields, the time apart) is written at once; the repeats within the next
``WINDOW_SECONDS`` are counted in the process and written as one line with ``count`` (how many
it stands for) and ``first``/``last`` (their times) when the window has passed: at the next
entry, by a background flush or when the process ends. One address that names ever new accounts
gets ``PER_ADDRESS`` kinds of its own a minute; the rest of its refusals of that event share one
line (``"many": true``, ``users``: the first ``MANY_NAMES`` names). Each worker counts its own
repeats, so a flood spread over several workers gives a line per worker and window; the sum of
``count`` (1 where absent) over the lines is exact. A worker killed with ``SIGKILL`` loses its
open counts.

The file is rotated by size: once it reaches ``BF_AUDIT_ROTATE_BYTES`` (10 MB) it becomes
``audit.log.1``, the older ones move up one, and ``BF_AUDIT_KEEP`` (10) old files are kept, under
a lock file so that two workers never rotate the same file twice. ``query`` reads every file,
newest entry first, filtered and paged, without loading them whole.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

DEFAULT_AUDIT_LOG = "data/audit.log"
ROTATE_BYTES = 10 * 1024 * 1024
KEEP_FILES = 10
WINDOW_SECONDS = 60.0
# Refusals that an anonymous request can cause as often as it likes.
AGGREGATED = frozenset({"sign_in_failed", "sign_in_throttled", "upload_refused"})
MAX_WINDOWS = 10_000  # open windows per process; past it every count is written at once
# Distinct refusals (other accounts named, other reasons) of one event from one address that
# get windows of their own in a minute; the rest share one, which names up to MANY_NAMES accounts.
PER_ADDRESS = 10
MANY_NAMES = 20
# A line is written within seconds of its time; older than this before a range's start, the
# scan of the files (newest first) can stop.
_SCAN_SLACK = timedelta(minutes=5)
_BLOCK = 1 << 16


def audit_file_from_env() -> Path:
    return Path(os.environ.get("BF_AUDIT_LOG") or DEFAULT_AUDIT_LOG)


def _setting(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name) or default))
    except ValueError:
        return default


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- writing ------------------------------------------------------------------------------------


def _append(path: Path, entry: dict) -> None:
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if size >= _setting("BF_AUDIT_ROTATE_BYTES", ROTATE_BYTES):
        _rotate(path)


def _rotate(path: Path) -> None:
    """``path`` -> ``path.1`` -> ... -> ``path.<keep>`` (the oldest is dropped), once."""
    keep = _setting("BF_AUDIT_KEEP", KEEP_FILES)
    lock = os.open(f"{path}.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.stat().st_size < _setting("BF_AUDIT_ROTATE_BYTES", ROTATE_BYTES):
                return  # another worker rotated it while this one waited for the lock
        except FileNotFoundError:
            return
        for n in range(keep - 1, 0, -1):
            older = Path(f"{path}.{n}")
            if older.exists():
                os.replace(older, f"{path}.{n + 1}")
        # A worker that opened the file just before this rename writes its line into .1:
        # it is kept there, not lost.
        os.replace(path, f"{path}.1")
    finally:
        os.close(lock)


@dataclass
class _Window:
    path: Path
    entry: dict
    opened: float
    group: tuple[str, str, str]
    count: int = 0
    first: str | None = None
    last: str | None = None
    # the window of one address's refusals past PER_ADDRESS distinct kinds: the accounts named
    names: list[str] | None = None


@dataclass
class _Counts:
    """The open windows of this process, keyed by (file, the entry without its time), and how
    many are open per (file, event, address)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    windows: dict[tuple[str, str], _Window] = field(default_factory=dict)
    per_group: dict[tuple[str, str, str], int] = field(default_factory=dict)
    flusher: threading.Thread | None = None


_counts = _Counts()


def _reset_after_fork() -> None:
    # A worker forked from a process with open windows must not write the parent's counts too.
    global _counts
    _counts = _Counts()


os.register_at_fork(after_in_child=_reset_after_fork)


def _aggregated(event: str, fields: dict) -> bool:
    if event not in AGGREGATED:
        return False
    # An upload refused to a signed-in account names the account and its files: kept whole.
    return event != "upload_refused" or fields.get("user") is None


def _due(now: float, force: bool) -> list[tuple[Path, dict]]:
    """Lines of the windows that have passed (all, with ``force``); forgets closed windows.
    Called with the lock held."""
    lines = []
    for key, window in list(_counts.windows.items()):
        closed = force or now - window.opened >= WINDOW_SECONDS
        if closed and window.count:
            line = {
                "at": _now(),
                **window.entry,
                "count": window.count,
                "first": window.first,
                "last": window.last,
            }
            if window.names is not None:
                line["users"] = window.names
            lines.append((window.path, line))
            window.count = 0
        if closed:
            del _counts.windows[key]
            left = _counts.per_group.get(window.group, 1) - 1
            if left > 0:
                _counts.per_group[window.group] = left
            else:
                _counts.per_group.pop(window.group, None)
    return lines


def flush(force: bool = True) -> None:
    """Write this process's counted repeats (every open window with ``force``)."""
    with _counts.lock:
        lines = _due(time.monotonic(), force)
    for path, entry in lines:
        _append(path, entry)


def _flusher() -> None:
    while True:
        time.sleep(min(5.0, WINDOW_SECONDS / 4))
        with contextlib.suppress(OSError):  # the next write or flush tries again
            flush(force=False)


def _start_flusher() -> None:
    if _counts.flusher is None or not _counts.flusher.is_alive():
        _counts.flusher = threading.Thread(target=_flusher, name="audit-flush", daemon=True)
        _counts.flusher.start()


def _flush_at_exit() -> None:
    with contextlib.suppress(OSError):  # a log's folder gone by then: nothing to keep it in
        flush()


atexit.register(_flush_at_exit)


def record(path: Path, event: str, **fields) -> dict:
    """Append one entry (or count it, for a repeated anonymous refusal); returns it."""
    at = _now()
    entry = {"at": at, "event": event, **fields}
    if not _aggregated(event, fields):
        flush(force=False)
        _append(path, entry)
        return entry
    key = (str(path), json.dumps({"event": event, **fields}, sort_keys=True, default=str))
    group = (str(path), event, str(fields.get("address")))
    now = time.monotonic()
    with _counts.lock:
        lines = _due(now, force=len(_counts.windows) >= MAX_WINDOWS)
        window = _counts.windows.get(key)
        if window is None and _counts.per_group.get(group, 0) >= PER_ADDRESS:
            # one address naming ever new accounts (or reasons): one window for all the rest
            key = (str(path), json.dumps(["many", *group]))
            window = _counts.windows.get(key)
            if window is None:
                many = {"event": event, "user": None, "address": fields.get("address")}
                window = _Window(path, {**many, "many": True}, now, group, names=[])
                _counts.windows[key] = window
                _counts.per_group[group] += 1
            if len(window.names) < MANY_NAMES and str(fields.get("user")) not in window.names:
                window.names.append(str(fields.get("user")))
        if window is None:
            _counts.windows[key] = _Window(path, {"event": event, **fields}, now, group)
            _counts.per_group[group] = _counts.per_group.get(group, 0) + 1
            lines.append((path, entry))
        else:
            window.count += 1
            window.first = window.first or at
            window.last = at
        _start_flusher()
    for target, line in lines:
        _append(target, line)
    return entry


# -- reading ------------------------------------------------------------------------------------


def files(path: Path) -> list[Path]:
    """The log's files, newest first: ``path`` then ``path.1``, ``path.2``, ..."""
    out = [path] if path.exists() else []
    n = 1
    while Path(f"{path}.{n}").exists():
        out.append(Path(f"{path}.{n}"))
        n += 1
    return out


def _lines_backwards(path: Path) -> Iterator[bytes]:
    """The lines of a file, last first, read a block at a time."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below; a generator holds it)
    except FileNotFoundError:
        return
    with handle:
        handle.seek(0, os.SEEK_END)
        position = handle.tell()
        rest = b""
        while position > 0:
            step = min(_BLOCK, position)
            position -= step
            handle.seek(position)
            parts = (handle.read(step) + rest).split(b"\n")
            rest = parts[0]
            for line in reversed(parts[1:]):
                if line.strip():
                    yield line
        if rest.strip():
            yield rest


def entries(path: Path) -> Iterator[dict]:
    """Every entry of every file, newest first; a damaged line is skipped, not fatal."""
    for part in files(path):
        for line in _lines_backwards(part):
            entry = _parse(line)
            if entry is not None:
                yield entry


def _parse(line: bytes) -> dict | None:
    try:
        entry = json.loads(line.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        return None
    return entry if isinstance(entry, dict) else None


@dataclass(frozen=True)
class Filter:
    """What the coordinator looks for: an event, an account (part of its name, any case), a
    range of days (UTC, both ends included) and a text anywhere in the entry (any case)."""

    event: str | None = None
    user: str | None = None
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None  # YYYY-MM-DD
    text: str | None = None

    @cached_property
    def _needles(self) -> tuple[bytes | None, list[str], list[bytes]]:
        """(the event as JSON text, words to find in a decoded line, ASCII words to find in a
        raw lowered line): what ``_prefilter`` looks for, worked out once."""
        event = json.dumps(self.event).encode("utf-8") if self.event else None
        decoded, raw = [], []
        for wanted in (self.text, self.user):
            # only words JSON writes as they are: no quote, backslash or control character
            if wanted and wanted.isprintable() and '"' not in wanted and "\\" not in wanted:
                if wanted.isascii():
                    raw.append(wanted.lower().encode("ascii"))
                else:
                    decoded.append(wanted.lower())
        return event, decoded, raw

    def _prefilter(self, line: bytes) -> bool:
        """Cheap necessary conditions on the raw line, before it is parsed."""
        event, decoded, raw = self._needles
        if event is not None and event not in line:
            return False
        if raw:
            lowered = line.lower()
            if any(w not in lowered for w in raw):
                return False
        if decoded:
            text = line.decode("utf-8", errors="replace").lower()
            if any(w not in text for w in decoded):
                return False
        return True

    def matches(self, entry: dict) -> bool:
        at = str(entry.get("at") or "")
        if self.event and entry.get("event") != self.event:
            return False
        if self.user and self.user.lower() not in str(entry.get("user") or "").lower():
            return False
        if self.since and at[:10] < self.since:
            return False
        if self.until and at[:10] > self.until:
            return False
        if self.text:
            flat = json.dumps(entry, ensure_ascii=False, default=str).lower()
            values = " ".join(str(v) for v in entry.values()).lower()
            if self.text.lower() not in flat and self.text.lower() not in values:
                return False
        return True

    def _past(self, line: bytes) -> bool:
        """Whether the scan has gone far enough back that no older line can match: lines are
        written within seconds of the time they start with (``{"at": "..."``)."""
        if not self.since or not line.startswith(b'{"at": "'):
            return False
        try:
            moment = datetime.fromisoformat(line[8:34].decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return False
        return moment < datetime.fromisoformat(self.since) - _SCAN_SLACK


@dataclass(frozen=True)
class Page:
    entries: list[dict]
    offset: int
    more: bool  # whether older matching entries follow this page


def query(path: Path, where: Filter | None = None, offset: int = 0, limit: int = 25) -> Page:
    """The matching entries ``offset`` to ``offset + limit`` of every file, newest first (this
    process's counted repeats written first, so that they are in it)."""
    flush()
    where = where or Filter()
    found: list[dict] = []
    skipped = 0
    for part in files(path):
        for line in _lines_backwards(part):
            if where._past(line):
                return Page(found, offset, False)
            if not where._prefilter(line):
                continue
            entry = _parse(line)
            if entry is None or not where.matches(entry):
                continue
            if skipped < offset:
                skipped += 1
                continue
            if len(found) == limit:
                return Page(found, offset, True)
            found.append(entry)
    return Page(found, offset, False)


def latest(path: Path, limit: int = 500) -> list[dict]:
    """The newest ``limit`` entries, newest first."""
    return query(path, limit=limit).entries


def occurrences(entry: dict) -> int:
    """How many events one line stands for (a line of counted repeats: its ``count``)."""
    count = entry.get("count")
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 1
