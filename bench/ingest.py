"""`make bench`: measure ingest at 1x and 10x the demo data and print what was measured.

Figures (issue "Pipelines"): full demo ingest wall time; reports per second for JSON and XLSX
separately; the time to ingest one new file into a full warehouse, publish included; and the same
at 10 times the data (synthetic copies: every demo file ten times, each copy made distinct in its
bytes but not in its meaning, so they load as revisions), so growth is visible. Then the
dashboard's figures (``bench.dashboard``, on the warehouses built here). Timings are printed, never
asserted.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from bench.dashboard import main as dashboard_bench
from pipelines.ingest import ingest
from pipelines.read.detect import detect_kind

COPIES = 10


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _kinds(folder: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        out.setdefault(detect_kind(path.read_bytes())[0], []).append(path)
    return out


def _distinct_copy(data: bytes, kind: str, n: int) -> bytes:
    """The same content with different bytes: JSON gets trailing spaces, XLSX a zip comment."""
    if kind == "report_xlsx" or kind == "grants_xlsx":
        buffer = io.BytesIO(data)
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.comment = f"bench copy {n}".encode()
        return buffer.getvalue()
    return data + b" " * n


def make_copies(source: Path, target: Path, copies: int) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        data = path.read_bytes()
        kind = detect_kind(data)[0]
        for n in range(copies):
            copy = data if n == 0 else _distinct_copy(data, kind, n)
            (target / f"{path.stem}__copy{n}{path.suffix}").write_bytes(copy)


def one_new_file(warehouse: Path, work: Path, template: Path) -> float:
    """Time to ingest one new (revised) report into the warehouse, publish included."""
    report = json.loads(template.read_text(encoding="utf-8"))
    report.pop("submitted_at", None)  # received now, so it becomes the current revision
    new = work / "one_new_report.json"
    new.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    seconds, _ = _timed(lambda: ingest([new], warehouse, work))
    return seconds


def bench_ingest(work: Path, seed: int) -> None:
    from pipelines.demo import generate

    inbox = work / "inbox"
    seconds, _ = _timed(lambda: generate(inbox, seed=seed, years=range(2016, 2026)))
    kinds = _kinds(inbox)
    counts = {k: len(v) for k, v in kinds.items()}
    print(f"demo generated in {seconds:.1f} s: {counts}")

    print("\n== ingest at 1x (the demo inbox) ==")
    for kind in ("report_json", "report_xlsx"):
        files = kinds.get(kind, [])
        wh = work / f"wh_{kind}"
        t, _ = _timed(lambda files=files, wh=wh: ingest(files, wh, inbox))
        print(
            f"{kind:12s}: {len(files):5d} reports in {t:6.2f} s = {len(files) / t:7.1f} reports/s"
        )
    wh1 = work / "wh_1x"
    all_files = sorted(inbox.iterdir())
    t1, _ = _timed(lambda: ingest(all_files, wh1, inbox))
    reports_1x = counts.get("report_json", 0) + counts.get("report_xlsx", 0)
    print(
        f"full demo    : {len(all_files):5d} files ({reports_1x} reports + registers + broken)"
        f" in {t1:6.2f} s (target < 60 s); {t1 / len(all_files) * 1000:.2f} ms per file"
    )
    template = kinds["report_json"][0]
    new_1x = one_new_file(wh1, work, template)
    print(f"one new file into the full warehouse: {new_1x:.2f} s (target < 3 s)")

    print(f"\n== ingest at {COPIES}x (synthetic copies) ==")
    big = work / "inbox_10x"
    make_copies(inbox, big, COPIES)
    files_10x = sorted(big.iterdir())
    wh10 = work / "wh_10x"
    t10, _ = _timed(lambda: ingest(files_10x, wh10, big))
    per_1x, per_10x = t1 / len(all_files), t10 / len(files_10x)
    size_mb = os.path.getsize(os.path.realpath(wh10 / "current.duckdb")) / 1e6
    print(
        f"full {COPIES}x     : {len(files_10x):5d} files in {t10:6.2f} s; {per_10x * 1000:.2f} ms"
        f" per file = {per_10x / per_1x:.2f} x the 1x time per file (target <= 1.5);"
        f" warehouse {size_mb:.1f} MB"
    )
    new_10x = one_new_file(wh10, work, template)
    print(f"one new file into the {COPIES}x warehouse: {new_10x:.2f} s (target < 3 s)")


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        bench_ingest(work, seed=42)
        dashboard_bench(work)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
