"""The server's memory of sign-ins: open sessions, failed attempts, browsers that signed in.

One SQLite file beside the accounts file (``signins.sqlite`` next to ``BF_USERS_FILE``), so that
every worker of every server sharing that directory sees the same sessions and the same counts:
a session ended on one worker is ended on all, and a burst of attempts spread over workers is
counted once. The file is in WAL mode: a write takes 0.05 ms there against 19 ms with the
rollback journal on this machine's disk (an fsync each), and readers (every signed-in request)
never wait for a writer, so a flood of sign-in attempts cannot hold up the signed-in. WAL needs
every process on one machine; servers on several machines sharing a network file system set
``BF_SIGNINS_JOURNAL=delete`` (the rollback journal, which needs only working file locks).

Sessions: the cookie holds a random id, this file its SHA-256 with the account, the password's
fingerprint and two timestamps; ending a session deletes its row, so a copy of the cookie opens
nothing afterwards. Throttling (the rules and numbers are ``auth``'s and the README's): every
attempt is admitted or refused in one ``BEGIN IMMEDIATE`` transaction that also records it as a
failure in advance, so parallel attempts cannot all pass the check before any is counted; a
success deletes its rows again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "signins.sqlite"
_SQL_FILE = Path(__file__).with_name("signins.sql")


def _statements(text: str) -> dict[str, str]:
    parts = re.split(r"^-- name: (\w+)\n", text, flags=re.MULTILINE)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


SQL = _statements(_SQL_FILE.read_text(encoding="utf-8"))


def beside(users_file: str | os.PathLike[str]) -> Path:
    """Where the sign-in file of an accounts file lives."""
    return Path(users_file).parent / FILE_NAME


def _journal_mode() -> str:
    mode = (os.environ.get("BF_SIGNINS_JOURNAL") or "wal").lower()
    if mode not in ("wal", "delete"):
        raise ValueError(f"BF_SIGNINS_JOURNAL must be wal or delete, not {mode!r}")
    return mode


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    account: str
    fingerprint: str
    since: float
    seen: float


@dataclass(frozen=True)
class Limits:
    """The throttle's numbers (seconds and counts); ``auth`` holds the ones in use."""

    window: float  # failures older than this are forgotten
    per_pair: int  # failures of one account from one address, then refused
    per_address: int  # failures from one address, any accounts, then refused
    per_account: int  # failures of one account from unknown browsers, then slowed
    interval: float  # slowed: one attempt from an unknown browser per this many seconds
    device_life: float  # a browser is known this long after it signed in
    device_failures: int  # a known browser failing this many times is no longer known


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may be checked; if not, why (``pair``, ``address``, ``account``) and
    in how many seconds to try again."""

    allowed: bool
    reason: str | None = None
    retry_after: int = 0
    known_browser: bool = False
    rows: tuple[int, ...] = ()


class SignIns:
    """The sign-in file; safe to share between threads (a connection each) and processes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) == os.getpid():
            return local.db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # readable by the owner only, as the accounts
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # autocommit: every write below is an explicit transaction
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute(f"PRAGMA journal_mode = {_journal_mode()}")
        # WAL with NORMAL is durable across a crash of the app, not of the machine: losing the
        # last counts or sign-outs then is the price of not syncing every attempt
        db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(SQL["schema"])
        local.db, local.pid = db, os.getpid()
        return db

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # the write lock now: check and count in one step
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # sessions ----------------------------------------------------------------------------------

    def session(self, sid: str) -> Session | None:
        row = self._db().execute(SQL["session_get"], {"id": _hash(sid)}).fetchone()
        return Session(*row) if row else None

    def touch(self, sid: str, now: float) -> None:
        with self._writing() as db:
            db.execute(SQL["session_touch"], {"id": _hash(sid), "now": now})

    def end_session(self, sid: str) -> None:
        with self._writing() as db:
            db.execute(SQL["session_end"], {"id": _hash(sid)})

    def forget_account(self, account: str) -> None:
        """End every session of the account and forget the browsers that signed in to it."""
        with self._writing() as db:
            db.execute(SQL["account_sessions_end"], {"account": account})
            db.execute(SQL["account_devices_end"], {"account": account})

    # attempts ----------------------------------------------------------------------------------

    def admit(
        self, account: str, address: str, device: str | None, now: float, limits: Limits
    ) -> Verdict:
        """May this attempt be checked? If so it is counted as failed until ``succeeded``."""
        with self._writing() as db:
            db.execute(SQL["failures_old"], {"before": now - limits.window})
            db.execute(SQL["slowed_old"], {"before": now - limits.window})
            if device:
                claimed = db.execute(
                    SQL["device_claim"],
                    {
                        "id": _hash(device),
                        "account": account,
                        "before": now - limits.device_life,
                        "most": limits.device_failures,
                    },
                )
                if claimed.rowcount:
                    return Verdict(True, known_browser=True)
            keys = {
                "pair": json.dumps(["pair", account, address]),
                "address": json.dumps(["address", address]),
                "account": json.dumps(["account", account]),
            }
            for reason, most in (("pair", limits.per_pair), ("address", limits.per_address)):
                count, oldest = db.execute(
                    SQL["failures_count"], {"key": keys[reason], "before": now - limits.window}
                ).fetchone()
                if count >= most:
                    wait = oldest + limits.window - now
                    return Verdict(False, reason, retry_after=max(1, math.ceil(wait)))
            count, _ = db.execute(
                SQL["failures_count"], {"key": keys["account"], "before": now - limits.window}
            ).fetchone()
            if count >= limits.per_account:
                row = db.execute(SQL["slowed_get"], {"account": account}).fetchone()
                if row and now < row[0]:
                    return Verdict(False, "account", retry_after=max(1, math.ceil(row[0] - now)))
            if count + 1 >= limits.per_account:
                # this attempt is the account's last free one or a slowed one: the next waits
                db.execute(
                    SQL["slowed_set"], {"account": account, "next_at": now + limits.interval}
                )
            rows = tuple(
                db.execute(SQL["failure_add"], {"key": key, "now": now}).lastrowid
                for key in keys.values()
            )
            return Verdict(True, rows=rows)

    def succeeded(
        self,
        verdict: Verdict,
        account: str,
        fingerprint: str,
        old_device: str | None,
        now: float,
        limits: Limits,
        idle: float,
        max_age: float,
    ) -> tuple[str, str]:
        """The attempt was right: uncount it, open a session and (re)know the browser (the
        row of the device cookie it had, whoever's, goes: the cookie is replaced). Returns the
        new session's id and the browser's new device id."""
        sid, device = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._writing() as db:
            for rowid in verdict.rows:
                db.execute(SQL["failure_drop"], {"rowid": rowid})
            if old_device:
                db.execute(SQL["device_end"], {"id": _hash(old_device)})
            db.execute(SQL["device_add"], {"id": _hash(device), "account": account, "now": now})
            db.execute(
                SQL["session_open"],
                {"id": _hash(sid), "account": account, "fingerprint": fingerprint, "now": now},
            )
            # what has ended anyway is forgotten here, once per sign-in
            db.execute(
                SQL["sessions_expired"], {"idle_before": now - idle, "age_before": now - max_age}
            )
            db.execute(SQL["devices_old"], {"before": now - limits.device_life})
        return sid, device
