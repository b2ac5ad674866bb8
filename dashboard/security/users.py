"""Accounts: who may sign in, with which role, bound to which municipality.

The accounts live in a TOML file named by ``BF_USERS_FILE`` (default ``data/users.toml``, kept
out of git). Passwords are stored as argon2id hashes (argon2-cffi, with OWASP's recommended
parameters) and personal access tokens only as their SHA-256: a token is 256 random bits, so a
fast hash is enough to make a stolen file useless, and it lets a request's token be found
without an argon2 check per account.

The file is rewritten whole (temporary file, then ``os.replace``) under an exclusive lock, and
readers reload it when its modification time changes, so ``users add`` takes effect in running
servers without a restart. Removing an account (also the first half of changing its password:
remove, then add) deletes its sessions from the sign-in file beside this one (``signins``), so
they end at once on every server.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import os
import re
import secrets
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import tomli_w
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.security.signins import SignIns, beside

ROLES = ("kommun", "viewer", "coordinator")
DEFAULT_USERS_FILE = "data/users.toml"
MIN_PASSWORD = 10
TOKEN_PREFIX = "bf_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
# argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 27 ms of one
# core here. argon2-cffi's default (64 MiB, 3 passes, 4 lanes) took 130 ms of both cores, and ten
# sign-ins at once queued for half a second. A stored hash names its own parameters, so hashes
# made with other settings still verify.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password
# (the time would otherwise tell which names exist).
_DUMMY_HASH = _HASHER.hash("ingen-anvandare-har-detta-losenord")


class AccountError(ValueError):
    """A request to change the accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    kommun: str | None = None
    password_hash: str = field(default="", repr=False)
    token_hashes: tuple[str, ...] = field(default=(), repr=False)
    created: str = ""


def users_file_from_env() -> Path:
    return Path(os.environ.get("BF_USERS_FILE") or DEFAULT_USERS_FILE)


def normalise_name(name: str) -> str:
    clean = (name or "").strip().lower()
    if not _NAME.match(clean):
        raise AccountError(
            "användarnamnet får ha 1–64 tecken: a–z, 0–9 och . _ @ - (och börja med a–z eller 0–9)"
        )
    return clean


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserStore:
    """The accounts in one TOML file; safe to share between threads and processes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._accounts: dict[str, Account] = {}

    # reading ---------------------------------------------------------------------------------

    def accounts(self) -> dict[str, Account]:
        """Every account by name, reloaded when the file changed."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._accounts = _parse(self.path.read_bytes())
                self._stamp = stamp
            return self._accounts

    def get(self, name: str) -> Account | None:
        return self.accounts().get((name or "").strip().lower())

    def verify(self, name: str, password: str) -> Account | None:
        """The account when ``password`` is its password; None otherwise (same time either way)."""
        account = self.get(name)
        stored = account.password_hash if account else _DUMMY_HASH
        try:
            ok = _HASHER.verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
        return account if ok and account is not None else None

    def by_token(self, token: str) -> Account | None:
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        wanted = token_hash(token)
        for account in self.accounts().values():
            for stored in account.token_hashes:
                if hmac.compare_digest(stored, wanted):
                    return account
        return None

    # changing --------------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str, kommun: str | None = None) -> Account:
        name = normalise_name(name)
        if role not in ROLES:
            raise AccountError(f"okänd roll '{role}': välj {', '.join(ROLES)}")
        if role == "kommun":
            if not kommun or not re.fullmatch(r"\d{4}", kommun):
                raise AccountError("rollen kommun behöver --kommun med en fyrsiffrig kommunkod")
        elif kommun:
            raise AccountError("--kommun hör bara till rollen kommun")
        if len(password or "") < MIN_PASSWORD:
            raise AccountError(f"lösenordet ska ha minst {MIN_PASSWORD} tecken")
        with self._editing() as accounts:
            if name in accounts:
                raise AccountError(f"kontot '{name}' finns redan; ta bort det först")
            account = Account(
                name=name,
                role=role,
                kommun=kommun if role == "kommun" else None,
                password_hash=_HASHER.hash(password),
                created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            accounts[name] = account
        return account

    def remove(self, name: str) -> bool:
        """Remove the account; its sessions end and its known browsers are forgotten at once
        (in the sign-in file beside this one, which every server reads)."""
        name = (name or "").strip().lower()
        with self._editing() as accounts:
            removed = accounts.pop(name, None) is not None
        if removed:
            SignIns(beside(self.path)).forget_account(name)
        return removed

    def new_token(self, name: str) -> str:
        """A new personal access token for the account; only its hash is kept."""
        name = (name or "").strip().lower()
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._editing() as accounts:
            account = accounts.get(name)
            if account is None:
                raise AccountError(f"kontot '{name}' finns inte")
            accounts[name] = Account(
                name=account.name,
                role=account.role,
                kommun=account.kommun,
                password_hash=account.password_hash,
                token_hashes=(*account.token_hashes, token_hash(token)),
                created=account.created,
            )
        return token

    @contextlib.contextmanager
    def _editing(self) -> Iterator[dict[str, Account]]:
        """Read, change and write the file back whole, one writer at a time."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                accounts = _parse(self.path.read_bytes()) if self.path.exists() else {}
                yield accounts
                tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_dump(accounts))
                os.replace(tmp, self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _parse(raw: bytes) -> dict[str, Account]:
    doc = tomllib.loads(raw.decode("utf-8")) if raw.strip() else {}
    out: dict[str, Account] = {}
    for name, entry in (doc.get("users") or {}).items():
        if not isinstance(entry, dict) or entry.get("role") not in ROLES:
            continue  # an entry edited by hand into something unknown signs nobody in
        out[name] = Account(
            name=name,
            role=entry["role"],
            kommun=entry.get("kommun") or None,
            password_hash=entry.get("password", ""),
            token_hashes=tuple(entry.get("tokens", ())),
            created=entry.get("created", ""),
        )
    return out


def _dump(accounts: dict[str, Account]) -> bytes:
    users = {}
    for name, a in sorted(accounts.items()):
        entry = {"role": a.role, "password": a.password_hash, "created": a.created}
        if a.kommun:
            entry["kommun"] = a.kommun
        if a.token_hashes:
            entry["tokens"] = list(a.token_hashes)
        users[name] = entry
    header = b"# Accounts of the dashboard: managed with `python -m dashboard users`.\n"
    return header + tomli_w.dumps({"users": users}).encode("utf-8")
