"""One received file on its way through the pipeline: what it is and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipelines.issues import Issue, Location


@dataclass(frozen=True)
class Sender:
    """The account a file came from, as far as ingest needs to know it."""

    user: str
    kommun: str | None  # a municipal reporter's own code; None for a coordinator
    may_send_grants: bool

    @property
    def restricted(self) -> bool:
        """Whether some file could be refused for this sender (`parse.check_sender`)."""
        return self.kommun is not None or not self.may_send_grants


@dataclass
class Submission:
    file_name: str
    source_path: Path
    sha256: str
    size_bytes: int
    received_at: datetime
    kind: str = "unknown"
    status: str = "rejected"  # loaded, partially_loaded, duplicate, rejected
    submission_id: int = 0
    duplicate_of: int | None = None
    municipality_code: str | None = None
    year: int | None = None
    submitted_at: datetime | None = None
    report: dict | None = None
    # Where each funded project's grant id sits in the file (sheet, row, label), for the warning
    # about an id the register lacks, which is only known when the marts are built.
    grant_id_places: list[Location] = field(default_factory=list)
    grant_rows: list[dict] = field(default_factory=list)
    rows_rejected: int | None = None
    issues: list[Issue] = field(default_factory=list)
    archived: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]
