"""Read an annual report sent as JSON (the canonical format) into the raw nested shape."""

from __future__ import annotations

import json

from pipelines.issues import IssueLog


class _DuplicateKeys:
    """An ``object_pairs_hook`` that builds dicts and notes keys given twice in one object.

    ``json`` keeps the last of two equal keys without a word; here a repeated key is a warning
    when both values agree and an error when they differ (which one was meant is unknowable).
    """

    def __init__(self) -> None:
        self.repeated: list[tuple[str, bool]] = []  # (key, values agree)

    def __call__(self, pairs: list[tuple[str, object]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                self.repeated.append((key, out[key] == value))
            out[key] = value
        return out

    def report(self, log: IssueLog) -> None:
        for key, agree in self.repeated:
            log.add(
                "warning" if agree else "error",
                "duplicate_key",
                f"fältet '{key}' förekommer två gånger med "
                + ("samma värde" if agree else "olika värden"),
                field=key,
                expected="varje fält en gång",
            )


def decode_json(data: bytes, log: IssueLog) -> object | None:
    """Parse JSON from UTF-8 (with or without BOM), UTF-16/32, or Windows-1252 as a fallback."""
    hook = _DuplicateKeys()
    errors_before = len(log.errors)
    parsed = _parse(data, log, hook)
    if len(log.errors) == errors_before:  # an unreadable file gets its one reason, no more
        hook.report(log)
    return parsed


def _parse(data: bytes, log: IssueLog, hook: _DuplicateKeys) -> object | None:
    try:
        # json detects UTF-8 with BOM and UTF-16/32 by itself
        return json.loads(data, object_pairs_hook=hook)
    except UnicodeDecodeError:
        pass
    except json.JSONDecodeError as exc:
        log.error(
            "unreadable",
            f"filen är inte giltig JSON: {exc.msg} på rad {exc.lineno}, kolumn {exc.colno}",
            expected="en JSON-fil enligt rapportformatet",
        )
        return None
    except RecursionError:
        log.error("unreadable", "filen är för djupt nästlad", expected="en JSON-rapport")
        return None
    try:
        text = data.decode("cp1252")
        parsed = json.loads(text, object_pairs_hook=hook)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        log.error(
            "unreadable",
            "filen kan inte läsas: varken UTF-8 eller Windows-1252",
            expected="JSON i UTF-8",
        )
        return None
    log.warn("encoding", "filen var kodad i Windows-1252, inte UTF-8", expected="UTF-8")
    return parsed
