"""The deliberately broken files: a few of the latest year's reports replaced by what offices
really send (an empty file, truncated JSON, impossible values, an XLSX without its municipality
code, a Word document under a report's name, the same file sent twice).

Each is expected to be rejected (the copy: reported as a duplicate). The register with bad rows
is the grant registers' own doing; its name is added to the list by the generator.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

from pipelines.demo.inbox import Inbox
from pipelines.demo.reports import json_bytes, promises, report_bytes, report_name
from pipelines.demo.world import Municipality

MALFORMED_KINDS = (
    "empty_file",
    "truncated_json",
    "invalid_values",
    "xlsx_missing_code",
    "word_renamed",
    "duplicate_copy",
    "register_bad_rows",
)

# A report delivered as a first version: municipality, year, file name and the report.
Delivered = tuple[Municipality, int, str, dict]


def add_malformed(seed: int, inbox: Inbox, delivered: list[Delivered]) -> dict[str, str]:
    """Replace a few of the latest year's reports with broken files; their names by kind."""
    rng = random.Random(f"{seed}:malformed")
    last_year = max(year for _, year, _, _ in delivered)
    pool = [d for d in delivered if d[1] == last_year]
    chosen = rng.sample(pool, 6)
    entry_by_name = {e["name"]: e for e in inbox.files}
    out: dict[str, str] = {}

    def replace(slot: Delivered, kind: str, data: bytes, fmt: str) -> None:
        m, year, old_name, _ = slot
        del inbox.contents[old_name]
        inbox.files.remove(entry_by_name[old_name])
        name = report_name(m.code, year, fmt)
        inbox.add(name, data, kind, "rejected", municipality_code=m.code, year=year)
        out[kind] = name

    empty, truncated, invalid, no_code, word, duplicate = chosen
    replace(empty, "empty_file", b"", "json")

    report = truncated[3]
    whole = json_bytes(report)
    replace(truncated, "truncated_json", whole[: len(whole) * 11 // 20], "json")
    # The office noticed and sent the whole file again the week after.
    resent = json.loads(json.dumps(report))
    sent = datetime.fromisoformat(report["submitted_at"]) + timedelta(days=7)
    resent["submitted_at"] = sent.isoformat()
    m, year = truncated[0], truncated[1]
    inbox.add(
        report_name(m.code, year, "json", 2),
        json_bytes(resent),
        "revision",
        "loaded",
        municipality_code=m.code,
        year=year,
    )

    broken = json.loads(json.dumps(invalid[3]))
    year = broken["reporting_year"]
    broken["council"]["chair"] = "kommunstyrelsen"  # not an allowed value
    broken["agreement"] = {
        "exists": True,
        "valid_from": f"{year}-05-01",
        "valid_to": f"{year - 1}-04-30",  # ends before it starts
        "focus_areas": ["drugs"],
    }
    broken["citizen_promises"] = broken["citizen_promises"] or promises(invalid[0], year, rng)
    first = broken["citizen_promises"][0]
    first["status"] = "klar"
    first["end_date"] = (date.fromisoformat(first["start_date"]) - timedelta(days=30)).isoformat()
    replace(invalid, "invalid_values", json_bytes(broken), "json")

    missing_code = dict(no_code[3], municipality_code=None)
    replace(no_code, "xlsx_missing_code", report_bytes(missing_code, "xlsx"), "xlsx")

    # An old binary Word document saved over the report's name.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(6000)
    replace(word, "word_renamed", ole, "xlsx")

    # The same file sent twice under another name. The name sorts after the original's, so an
    # ingest that takes files in name order meets the original first.
    _, _, original, _ = duplicate
    stem, ext = original.rsplit(".", 1)
    copy_name = f"{stem}_kopia.{ext}"
    entry = entry_by_name[original]
    inbox.add(
        copy_name,
        inbox.contents[original],
        "duplicate_copy",
        "duplicate",
        municipality_code=entry["municipality_code"],
        year=entry["year"],
        duplicate_of=original,
    )
    out["duplicate_copy"] = copy_name
    return out
