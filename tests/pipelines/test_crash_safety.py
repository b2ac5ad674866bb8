"""Killing `ingest` at any moment leaves current.duckdb at the previous complete version, and the
next run completes the work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from pipelines import reference
from tests.conftest import ROOT, query, write_json

pytestmark = pytest.mark.slow


def start_ingest(warehouse, inbox) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines",
            "ingest",
            "--warehouse",
            str(warehouse),
            "--inbox",
            str(inbox),
        ],
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


def test_kill_at_any_moment_keeps_previous_version_and_next_run_completes(tmp_path, valid_report):
    codes = reference.municipalities()["municipality_code"].to_list()
    warehouse, inbox = tmp_path / "wh", tmp_path / "inbox"
    valid_report["funded_projects"] = []
    fill_inbox(inbox, valid_report, codes[:50], 2024)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines",
            "ingest",
            "--warehouse",
            str(warehouse),
            "--inbox",
            str(inbox),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    baseline = published(warehouse)
    assert baseline[1] == 50

    # Measure one full run of the next batch to spread the kills over its whole duration.
    fill_inbox(inbox, valid_report, codes[50:290], 2024)
    files_before = sorted(p.name for p in inbox.iterdir())
    probe_inbox = tmp_path / "probe_inbox"
    fill_inbox(probe_inbox, valid_report, codes[50:290], 2024)
    started = time.monotonic()
    start_ingest(tmp_path / "probe_wh", probe_inbox).wait()
    duration = time.monotonic() - started
    kill_points = [duration * k / 10 for k in range(1, 10)]
    kills = 0
    for delay in kill_points:
        proc = start_ingest(warehouse, inbox)
        time.sleep(delay)
        if proc.poll() is not None:
            break  # finished before this point: later points would not interrupt it either
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        assert published(warehouse) == baseline, f"killed after {delay}s"
        assert sorted(p.name for p in inbox.iterdir()) == files_before
    assert kills >= 3, (
        f"ingest finished too fast to be interrupted ({time.monotonic() - started:.1f}s)"
    )

    # The next run completes the work; leftovers of killed runs are gone.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines",
            "ingest",
            "--warehouse",
            str(warehouse),
            "--inbox",
            str(inbox),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    name, reports = published(warehouse)
    assert reports == 290 and name != baseline[0]
    assert list(inbox.iterdir()) == []
    assert not list(warehouse.glob("*.tmp*"))
    assert query(warehouse, "select count(*) from mart_submissions where status = 'loaded'") == [
        (290,)
    ]
