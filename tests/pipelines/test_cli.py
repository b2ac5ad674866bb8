"""The CLI as a user runs it: demo, template, ingest --json over a whole inbox, status."""

from __future__ import annotations

import hashlib
import json

import openpyxl
import pytest

from pipelines.contract import SHEET_FIELDS, SHEET_PROJECTS, SHEET_PROMISES
from tests.conftest import run_cli


def digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_demo_is_reproducible_from_its_seed(tmp_path):
    for name in ("a", "b"):
        result = run_cli(
            "demo", "--out", str(tmp_path / name), "--seed", "3", "--years", "2024-2025"
        )
        assert result.returncode == 0, result.stderr
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    other = run_cli("demo", "--out", str(tmp_path / "c"), "--seed", "4", "--years", "2024-2025")
    assert other.returncode == 0
    assert digest(tmp_path / "c") != digest(tmp_path / "a")


def test_demo_rejects_bad_years_as_usage_error(tmp_path):
    result = run_cli("demo", "--out", str(tmp_path / "x"), "--years", "2025-2020")
    assert result.returncode == 2
    assert not (tmp_path / "x").exists()


def test_template_has_the_three_sheets(tmp_path):
    target = tmp_path / "mall.xlsx"
    result = run_cli("template", "--out", str(target))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(target)
    assert {SHEET_FIELDS, SHEET_PROMISES, SHEET_PROJECTS} <= set(book.sheetnames)


@pytest.mark.slow
def test_ingest_json_accounts_for_every_file_of_the_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    assert (
        run_cli("demo", "--out", str(inbox), "--seed", "5", "--years", "2025-2025").returncode == 0
    )
    names = sorted(p.name for p in inbox.iterdir())
    result = run_cli("ingest", "--json", "--inbox", str(inbox), "--warehouse", str(tmp_path / "wh"))
    assert result.returncode == 1  # the demo holds deliberately broken files
    summary = json.loads(result.stdout)
    assert sorted(f["file"] for f in summary["files"]) == names
    assert summary["files_received"] == len(names) == sum(summary["counts"].values())
    for f in summary["files"]:
        assert f["status"] in ("loaded", "partially_loaded", "duplicate", "superseded", "rejected")
        if f["status"] == "rejected":
            assert f["errors"] and all(e["text"] for e in f["errors"])
    assert list(inbox.iterdir()) == []
    status = run_cli("status", "--warehouse", str(tmp_path / "wh"))
    assert status.returncode == 0 and "2025" in status.stdout
    status = json.loads(run_cli("status", "--json", "--warehouse", str(tmp_path / "wh")).stdout)
    assert status["published"] and status["files_total"] == len(names)
    assert status["files"] == summary["counts"]
    [year] = status["years"]
    assert year["year"] == 2025 and year["municipalities"] == 290
    assert sorted(r["file"] for r in status["rejected"]) == sorted(
        f["file"] for f in summary["files"] if f["status"] == "rejected"
    )


def test_status_before_any_publish(tmp_path):
    result = run_cli("status", "--json", "--warehouse", str(tmp_path / "none"))
    assert result.returncode == 0 and json.loads(result.stdout) == {"published": False}
