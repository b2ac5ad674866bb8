"""`generate`: the world, then every report, register and broken file into the inbox, and the
manifest of what was written and what ingest should make of each file.

Each municipality and year draws from its own `random.Random` (seed, code, year), and each
register from its own (seed, year), so a report or register does not depend on what was drawn
before it. The broken files are picked from the delivered reports in world order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from pipelines.demo.grants import (
    bad_register_rows,
    grant_decisions,
    register_bytes,
    register_name,
    register_summary,
)
from pipelines.demo.inbox import Inbox
from pipelines.demo.malformed import Delivered, add_malformed
from pipelines.demo.reports import build_report, messy, report_bytes, report_name, revise
from pipelines.demo.world import Municipality, build_world

Progress = Callable[[int, int], None]


def _missing(m: Municipality, year: int, rng: random.Random) -> bool:
    """Whether a report never came: more often early on and in small municipalities."""
    base = max(0.02, 0.2 - 0.02 * (year - 2016))
    size = (
        1.6 if m.population < 10_000 else 1.2 if m.small else 0.8 if m.population < 100_000 else 0.4
    )
    return rng.random() < base * size * max(0.3, 1 - 0.3 * m.maturity)


def generate(
    out_dir: Path,
    seed: int = 42,
    years: range = range(2016, 2026),
    progress: Progress | None = None,
) -> dict:
    """Write the demo inbox to `out_dir` and return its manifest.

    `progress(done, total)` is called as municipalities and registers are finished. Files of the
    same name are overwritten; other files in `out_dir` are left alone, so use an empty folder.
    The manifest (JSON-serialisable) lists every file with its kind (report, revision,
    grant_register or a malformed kind), format, municipality, year and the status ingest should
    give it (loaded, superseded, duplicate, rejected, or partially_loaded for the register with
    bad rows), plus counts, missing and late reports,
    unknown grant ids and grant volumes per year.
    """
    years = sorted(set(years))
    if not years:
        raise ValueError("no years to generate")
    world = build_world(seed)
    grants = {year: grant_decisions(seed, year, world) for year in years}
    inbox = Inbox(Path(out_dir))
    total = len(world) * len(years) + len(years) + 1
    done = 0
    missing: dict[int, list[str]] = {}
    late: dict[int, list[str]] = {}
    unknown_ids: list[str] = []
    delivered: list[Delivered] = []  # for the malformed files

    for m in world:
        for year in years:
            rng = random.Random(f"{seed}:r:{m.code}:{year}")
            done += 1
            if _missing(m, year, rng):
                missing.setdefault(year, []).append(m.code)
                continue
            is_late = rng.random() < (0.18 if m.small else 0.1)
            if is_late:
                late.setdefault(year, []).append(m.code)
            report, unknown = build_report(m, year, rng, grants, is_late)
            unknown_ids += unknown
            fmt = "xlsx" if rng.random() < m.xlsx_share else "json"
            revised = rng.random() < 0.04
            written, is_messy = messy(report, rng, fmt)
            # The BOM is drawn for JSON files only; an XLSX file must not consume the draw.
            data = report_bytes(written, fmt, fmt == "json" and rng.random() < 0.03)
            info = {"municipality_code": m.code, "year": year, "late": is_late, "messy": is_messy}
            name = report_name(m.code, year, fmt)
            inbox.add(name, data, "report", "superseded" if revised else "loaded", **info)
            if revised:
                second = report_bytes(revise(report, rng), fmt)
                inbox.add(report_name(m.code, year, fmt, 2), second, "revision", "loaded", **info)
            else:
                delivered.append((m, year, name, report))
            if progress:
                progress(done, total)

    register_info: dict[int, dict] = {}
    for year in years:
        rows = grants[year]
        rng = random.Random(f"{seed}:register:{year}")
        kind, expected, bad = "grant_register", "loaded", []
        if year == years[-1]:
            bad = bad_register_rows(rng, year, rows)
            # The good rows load and the bad ones are rejected with their line numbers.
            kind, expected = "register_bad_rows", "partially_loaded"
        written = rows + bad
        data = register_bytes(year, written, rng)
        name = register_name(year)
        inbox.add(name, data, kind, expected, year=year, rows=len(written), bad_rows=len(bad))
        register_info[year] = register_summary(rows, bad)
        done += 1
        if progress:
            progress(done, total)

    malformed = add_malformed(seed, inbox, delivered)
    malformed["register_bad_rows"] = register_name(years[-1])
    done += 1
    if progress:
        progress(done, total)

    inbox.write()
    counts = inbox.counts()
    counts["malformed"] = len(malformed)
    return {
        "seed": seed,
        "years": years,
        "synthetic": True,
        "files": inbox.files,
        "counts": counts,
        "malformed": malformed,
        "missing": {str(y): codes for y, codes in sorted(missing.items())},
        "late": {str(y): codes for y, codes in sorted(late.items())},
        "unknown_grant_ids": unknown_ids,
        "grants": {str(y): info for y, info in register_info.items()},
    }
