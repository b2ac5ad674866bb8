"""Read an annual report sent as JSON (the canonical format) into the raw nested shape."""

from __future__ import annotations

import json

from pipelines.issues import IssueLog


def decode_json(data: bytes, log: IssueLog) -> object | None:
    """Parse JSON from UTF-8 (with or without BOM), UTF-16/32, or Windows-1252 as a fallback."""
    try:
        return json.loads(data)  # detects UTF-8 with BOM and UTF-16/32 by itself
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
        parsed = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        log.error(
            "unreadable",
            "filen kan inte läsas: varken UTF-8 eller Windows-1252",
            expected="JSON i UTF-8",
        )
        return None
    log.warn("encoding", "filen var kodad i Windows-1252, inte UTF-8", expected="UTF-8")
    return parsed
