"""Killing `ingest` at any moment leaves current.duckdb at the previous complete version, and the
next run completes the work."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from pipelines import reference
from tests.conftest import ROOT, query, write_json

pytestmark = pytest.mark.slow


def ingest_command(warehouse, inbox) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipelines",
        "ingest",
        "--warehouse",
        str(warehouse),
        "--inbox",
        str(inbox),
    ]


def start_ingest(warehouse, inbox) -> subprocess.Popen:
    return subprocess.Popen(
        ingest_command(warehouse, inbox),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def fill_inbox(inbox, report, codes, year):
    inbox.mkdir(exist_ok=True)
    for code in codes:
        write_json(
            inbox / f"r_{code}_{year}.json",
            dict(report, municipality_code=code, reporting_year=year),
        )


def published(warehouse) -> tuple[str, int]:
    target = os.path.realpath(warehouse / "current.duckdb")
    con = duckdb.connect(target, read_only=True)
    try:
        return os.path.basename(target), con.execute("select count(*) from raw_reports").fetchall()[
            0
        ][0]
    finally:
        con.close()


def run_ingest(warehouse, inbox) -> subprocess.CompletedProcess:
    return subprocess.run(
        ingest_command(warehouse, inbox), cwd=ROOT, capture_output=True, text=True
    )


def test_kill_at_any_moment_keeps_a_complete_version_and_next_run_completes(tmp_path, valid_report):
    codes = reference.municipalities()["municipality_code"].to_list()
    valid_report["funded_projects"] = []
    base_wh, base_inbox = tmp_path / "base_wh", tmp_path / "base_inbox"
    fill_inbox(base_inbox, valid_report, codes[:50], 2024)
    assert run_ingest(base_wh, base_inbox).returncode == 0
    baseline = published(base_wh)
    assert baseline[1] == 50
    fill_inbox(base_inbox, valid_report, codes[50:290], 2024)

    # Measure one uninterrupted run of the batch to spread the kills over its whole duration.
    probe_wh, probe_inbox = tmp_path / "probe_wh", tmp_path / "probe_inbox"
    shutil.copytree(base_wh, probe_wh, symlinks=True)
    shutil.copytree(base_inbox, probe_inbox)
    started = time.monotonic()
    assert run_ingest(probe_wh, probe_inbox).returncode == 0
    duration = time.monotonic() - started

    # A loaded machine runs faster or slower than the probe did: when a run ends before its kill
    # moment, the estimate shrinks and that moment is tried again (at most three times).
    interrupted, attempt = 0, 0
    for step in range(1, 8):
        for _ in range(3):
            attempt += 1
            delay = duration * step / 8
            if kill_during_run(tmp_path / f"run{attempt}", base_wh, base_inbox, delay, baseline):
                interrupted += 1
                break
            duration *= 0.8
    assert interrupted >= 5, f"ingest finished too fast to be interrupted ({duration:.1f}s)"


def kill_during_run(root, base_wh, base_inbox, delay, baseline) -> bool:
    """Kill a run on a copy after ``delay`` seconds, check what is published, then finish the
    work with a second run. True when the kill interrupted the run."""
    warehouse, inbox = root / "wh", root / "inbox"
    shutil.copytree(base_wh, warehouse, symlinks=True)
    shutil.copytree(base_inbox, inbox)
    pending = sorted(p.name for p in inbox.iterdir())
    proc = start_ingest(warehouse, inbox)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    # Whatever the moment: the published version is complete, old or new, never half.
    name, reports = published(warehouse)
    if name == baseline[0]:
        assert reports == 50, f"killed after {delay:.2f}s"
        assert sorted(p.name for p in inbox.iterdir()) == pending
    else:
        assert reports == 290, f"killed after {delay:.2f}s"

    # The next run completes the work, with every file accounted for exactly once.
    done = run_ingest(warehouse, inbox)
    assert done.returncode == 0, done.stdout + done.stderr
    assert published(warehouse)[1] == 290
    assert list(inbox.iterdir()) == []
    assert not list(warehouse.glob("*.tmp*"))
    assert query(warehouse, "select status, count(*) from mart_submissions group by status") == [
        ("loaded", 290)
    ]
    return killed
