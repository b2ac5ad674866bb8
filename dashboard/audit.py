"""The audit log: who signed in, who failed to, who sent which file when.

One JSON object per line in the file named by ``BF_AUDIT_LOG`` (default ``data/audit.log``),
appended with ``O_APPEND`` and one ``write`` per entry, so entries from several workers never
interleave and nothing is ever rewritten. Values from outside (names, file names) are stored as
JSON strings: they stay text wherever the log is read.
"""

from __future__ import annotations

import json
import os
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_AUDIT_LOG = "data/audit.log"


def audit_file_from_env() -> Path:
    return Path(os.environ.get("BF_AUDIT_LOG") or DEFAULT_AUDIT_LOG)


def record(path: Path, event: str, **fields) -> dict:
    """Append one entry; returns it."""
    entry = {"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "event": event, **fields}
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def latest(path: Path, limit: int = 500) -> list[dict]:
    """The newest ``limit`` entries, newest first; a damaged line is skipped, not fatal."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = deque(handle, maxlen=limit)
    out = []
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out
