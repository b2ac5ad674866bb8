"""Publish: build a new warehouse version beside the old one and swap it in atomically.

Layout of a warehouse directory (see docs/marts.md): `warehouse-<n>.duckdb` versions,
`current.duckdb` a symlink to the newest complete one, `archive/` and `rejected/`. A version is
built as `warehouse-<n>.duckdb.tmp` from a copy of the current one, closed (which checkpoints it),
renamed, and only then is the link repointed with `os.replace`, so a reader or a crash at any
moment sees either the previous complete version or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from pipelines.archive import fsync_dir
from pipelines.export import prune_exports

CURRENT = "current.duckdb"
KEEP_VERSIONS = 3
_VERSION = re.compile(r"^warehouse-(\d+)\.duckdb$")
_TMP = re.compile(r"^warehouse-(\d+)\.duckdb\.tmp(\.wal)?$")


class WarehouseBusy(RuntimeError):
    pass


@contextlib.contextmanager
def writer_lock(directory: Path, wait: bool = True) -> Iterator[None]:
    """One writer at a time per warehouse directory (readers never take it)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".ingest.lock", "a+") as handle:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            raise WarehouseBusy(f"another ingest is writing to {directory}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def versions(directory: Path) -> list[int]:
    if not directory.is_dir():
        return []
    found = (_VERSION.match(p.name) for p in directory.iterdir())
    return sorted(int(m.group(1)) for m in found if m)


def current_path(directory: Path) -> Path | None:
    """The complete version `current.duckdb` points at, or None before the first publish."""
    link = directory / CURRENT
    if not link.exists():
        return None
    return Path(os.path.realpath(link))


def current_version(directory: Path) -> int:
    path = current_path(directory)
    match = _VERSION.match(path.name) if path else None
    return int(match.group(1)) if match else 0


def remove_leftovers(directory: Path) -> list[str]:
    """Delete half-built versions a killed run left behind (call under the writer lock)."""
    removed = []
    if directory.is_dir():
        for p in directory.iterdir():
            if _TMP.match(p.name) or p.name.startswith(".current.duckdb."):
                p.unlink(missing_ok=True)
                removed.append(p.name)
    return removed


def start_version(directory: Path) -> tuple[int, Path]:
    """Copy the current version (if any) to the next version's temporary file."""
    number = max([*versions(directory), current_version(directory)], default=0) + 1
    tmp = directory / f"warehouse-{number}.duckdb.tmp"
    source = current_path(directory)
    if source is not None:
        shutil.copyfile(source, tmp)
    return number, tmp


def publish(directory: Path, number: int, tmp: Path) -> Path:
    """Rename the closed temporary file into place and repoint `current.duckdb` atomically."""
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    final = directory / f"warehouse-{number}.duckdb"
    os.replace(tmp, final)
    link_tmp = directory / f".current.duckdb.{os.getpid()}"
    link_tmp.unlink(missing_ok=True)
    os.symlink(final.name, link_tmp)
    os.replace(link_tmp, directory / CURRENT)
    fsync_dir(directory)
    prune(directory)
    return final


def prune(directory: Path, keep: int = KEEP_VERSIONS) -> None:
    """Keep the newest versions; an app worker still reading an older one keeps its open file."""
    current = current_version(directory)
    for number in versions(directory)[:-keep]:
        if number != current:
            (directory / f"warehouse-{number}.duckdb").unlink(missing_ok=True)
    prune_exports(directory, set(versions(directory)))
