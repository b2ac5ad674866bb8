"""Shared fixtures: the repo's paths, a CLI runner, and report builders."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """Accounts, audit log, uploads and the session key of every app a test starts (in this
    process or as a served child) live in a folder of the run's own, never in the repo's data/."""
    import os
    import tempfile

    state = Path(tempfile.mkdtemp(prefix="bf-test-state-"))
    os.environ.setdefault("BF_USERS_FILE", str(state / "users.toml"))
    os.environ.setdefault("BF_AUDIT_LOG", str(state / "audit.log"))
    os.environ.setdefault("BF_UPLOAD_DIR", str(state / "uploads"))


FIXTURES = ROOT / "tests" / "fixtures"
DEMO_SEED, DEMO_YEARS = 7, range(2022, 2026)  # the demo_inbox fixture's


@pytest.fixture
def valid_report() -> dict:
    """A fresh copy of a complete, valid report (canonical JSON shape)."""
    return copy.deepcopy(json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8")))


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `python -m pipelines ...` for real, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Read a published warehouse the way the app does: read-only, through current.duckdb."""
    con = duckdb.connect(str(warehouse / "current.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def write_json(path: Path, report: dict) -> Path:
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def demo_inbox(tmp_path_factory) -> Path:
    """Seeded demo files for 2022-2025 (generated once per test session; never modified)."""
    from pipelines.demo import generate

    folder = tmp_path_factory.mktemp("demo") / "inbox"
    generate(folder, seed=DEMO_SEED, years=DEMO_YEARS)
    return folder


@pytest.fixture(scope="session")
def demo_manifest(demo_inbox, tmp_path_factory) -> tuple[dict, dict[str, bytes]]:
    """The generator's manifest of the demo inbox and its files (name -> bytes), made once per
    session for every test that recomputes a figure from the files (``tests/corpus.py``: the same
    seed generated again, checked byte for byte against the inbox). Read it, never change it."""
    from tests.corpus import inbox_and_manifest

    scratch = tmp_path_factory.mktemp("demo_manifest") / "inbox"
    return inbox_and_manifest(demo_inbox, scratch, DEMO_SEED, DEMO_YEARS)


@pytest.fixture(scope="session")
def demo_reports(demo_manifest) -> dict[tuple[str, int], dict]:
    """``tests.corpus.current_reports`` of the demo inbox: read once per session (reading every
    report with openpyxl takes 8-25 s here, and seven tests need it). Read it, never change it."""
    from tests.corpus import current_reports

    return current_reports(*demo_manifest)


@pytest.fixture(scope="session")
def demo_names(demo_manifest) -> dict[str, tuple[str | None, int | None]]:
    """``tests.corpus.names_in_files`` of the demo inbox (what each file names), read once."""
    from tests.corpus import names_in_files

    return names_in_files(demo_manifest[1])


@pytest.fixture(scope="session")
def demo_warehouse(demo_inbox, tmp_path_factory) -> Path:
    """A warehouse directory built by the real pipeline from the seeded demo inbox."""
    from pipelines.ingest import ingest

    warehouse = tmp_path_factory.mktemp("demo_wh") / "warehouse"
    ingest(sorted(demo_inbox.iterdir()), warehouse, demo_inbox, synthetic=True)
    return warehouse
