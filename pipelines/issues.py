"""Errors and warnings found in a received file, with where they were found.

Every stage reports problems as `Issue` values instead of raising, so that a file's every problem
is collected and shown to the clerk who sent it: file, sheet, row, field, what was wrong and what
was expected.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """Where in a file a value sits: an XLSX sheet and row, a CSV line, or a JSON path."""

    sheet: str | None = None
    row: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class Issue:
    severity: Severity
    code: str  # machine-readable kind, e.g. "missing_required", "invalid_enum"
    message: str  # Swedish, for the clerk
    field: str | None = None  # contract key path, e.g. "citizen_promises[2].status"
    label: str | None = None  # the field's label as the sender saw it (XLSX header), if any
    sheet: str | None = None
    row: int | None = None
    expected: str | None = None
    value: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self, file_name: str | None = None) -> str:
        """One line a person can act on: file, sheet, row, field, message, expected."""
        where = [p for p in (file_name, self.sheet) if p]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.label:
            where.append(f"fält {self.label}")
        elif self.field:
            where.append(f"fält {self.field}")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.expected:
            text += f" (förväntat: {self.expected})"
        return text


@dataclass
class IssueLog:
    """Collects issues for one file; `at` turns a location into the issue's place."""

    issues: list[Issue] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        *,
        field: str | None = None,
        loc: Location | None = None,
        expected: str | None = None,
        value: object = None,
    ) -> None:
        loc = loc or Location()
        self.issues.append(
            Issue(
                severity=severity,
                code=code,
                message=message,
                field=field,
                label=loc.field,
                sheet=loc.sheet,
                row=loc.row,
                expected=expected,
                value=None if value is None else _short(value),
            )
        )

    def error(self, code: str, message: str, **kw) -> None:
        self.add("error", code, message, **kw)

    def warn(self, code: str, message: str, **kw) -> None:
        self.add("warning", code, message, **kw)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


def _short(value: object, limit: int = 120) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"
