"""The inbox as it is filled: every file's bytes and its manifest entry, written out at the end.

Files are kept in memory until everything is generated, because the broken files replace
reports already added; only the final set is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Inbox:
    out_dir: Path
    files: list[dict] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, data: bytes, kind: str, expected: str, **info: object) -> None:
        if name in self.contents:
            raise ValueError(f"two demo files named {name}")
        self.contents[name] = data
        fmt = name.rsplit(".", 1)[-1]
        self.files.append({"name": name, "kind": kind, "format": fmt, "expected": expected, **info})

    def write(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, data in self.contents.items():
            (self.out_dir / name).write_bytes(data)

    def counts(self) -> dict[str, int]:
        """Files per kind, per format and per expected ingest status, and in all."""
        counts: dict[str, int] = {}
        for entry in self.files:
            for key in (entry["kind"], entry["format"], entry["expected"]):
                counts[key] = counts.get(key, 0) + 1
        counts["files"] = len(self.files)
        return counts
