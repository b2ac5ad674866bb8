"""Hostile files: every XLSX is measured while it inflates, every file is parsed in a child process
with a memory and a time ceiling, and a register from an account that may not send one is refused
before it is read. Each hostile file of `hostile_files` is refused within seconds with a reason
naming the file, the child's peak memory stays far below 1 GB (below its 768 MB data ceiling for
the disguised sparse sheet only the ceiling stops), and the run goes on: an honest file
after the hostile ones still loads, through the CLI's ingest and through the upload runner."""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
import time
from pathlib import Path

import pytest

from pipelines import publish
from pipelines.ingest import ingest
from pipelines.read import isolated, xlsx_limits
from pipelines.read.detect import detect_kind
from pipelines.uploads import StoredFile, create_job, read_job, run_pending
from tests.conftest import FIXTURES, query, run_cli
from tests.pipelines import hostile_files
from tests.pipelines.hostile_files import hostile

GOOD_REPORT = (FIXTURES / "report_libreoffice.xlsx").read_bytes()
GOOD_REGISTER = (FIXTURES / "grants_libreoffice.xlsx").read_bytes()
TIMEOUT = 6  # seconds a file may take here (BF_PARSE_SECONDS); the default is 30
PEAK_MB = (
    400  # the child's peak resident memory for a file the measuring refuses (1 GB was the finding)
)
# A file the measuring misses (`sparse_disguised`) is stopped by the child's data ceiling; its
# peak may come near that ceiling (602 MB seen in a full run), never past it and the libraries.
CEILING_PEAK_MB = isolated.DEFAULT_MEMORY_MB + 128
PER_FILE_SECONDS = 12  # a refusal, a worker restart included, on a busy 2-core machine


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setenv("BF_PARSE_SECONDS", str(TIMEOUT))


def _timed_ingest(paths: list[Path], warehouse: Path) -> tuple[dict, list[float]]:
    """Ingest the files; return the result's files by name and each file's seconds."""
    stamps: list[float] = []
    result = ingest(
        paths, warehouse, warehouse.parent, progress=lambda done, total: stamps.append(time.time())
    )
    seconds = [b - a for a, b in itertools.pairwise(stamps)]
    return result, seconds


@pytest.mark.parametrize("kind", ["report", "register"])
def test_every_hostile_file_is_refused_quickly_and_the_next_file_loads(
    tmp_path, short_timeout, kind
):
    files = hostile(kind)
    paths = []
    for name, data in files.items():
        path = tmp_path / f"{kind}_{name}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    honest = tmp_path / f"ärlig_{kind}.xlsx"
    honest.write_bytes(GOOD_REPORT if kind == "report" else GOOD_REGISTER)
    paths.append(honest)

    result, seconds = _timed_ingest(paths, tmp_path / "wh")

    by_name = {f["file"]: f for f in result.files}
    assert sorted(by_name) == sorted(p.name for p in paths), "every file accounted for"
    assert len(seconds) == len(paths)
    for path, took in zip(paths[:-1], seconds[:-1], strict=True):
        f = by_name[path.name]
        assert f["status"] == "rejected", f
        [error] = f["errors"]
        assert error["code"] == "too_complex", (path.name, error)
        assert error["text"].startswith(f"{xlsx_limits.TOO_COMPLEX}: "), error
        assert error["expected"], "the limit is stated"
        assert took < PER_FILE_SECONDS, (path.name, took)
        peak = result.parse_peaks_kb.get(str(path))
        bound = CEILING_PEAK_MB if path.name.endswith("_sparse_disguised.xlsx") else PEAK_MB
        assert peak is not None and peak < bound * 1024, (path.name, peak)
    assert max(seconds) < PER_FILE_SECONDS
    assert by_name[honest.name]["status"] == "loaded", by_name[honest.name]

    # The reason is on the record and in the note beside the rejected file, with the file's name.
    notes = "\n".join(p.read_text() for p in (tmp_path / "wh" / "rejected").iterdir())
    for path in paths[:-1]:
        assert f"Fil: {path.name}\n" in notes
        assert f"- {path.name}: {xlsx_limits.TOO_COMPLEX}: " in notes
    assert notes.count(xlsx_limits.TOO_COMPLEX) == len(paths) - 1
    rows = query(
        tmp_path / "wh",
        "select file_name, status from mart_submissions where status = 'rejected'",
    )
    assert len(rows) == len(paths) - 1

    # Which ceiling stopped what: the counts, or (for the disguised sparse sheets) the child's.
    texts = {name: by_name[f"{kind}_{name}.xlsx"]["errors"][0]["text"] for name in files}
    assert "uppackad storlek är minst" in texts["zipbomb"]
    assert "uppackad storlek är minst" in texts["lying_zipbomb"], "never the 4 KB it claims"
    assert "nästlad XML" in texts["deep_xml"]
    assert "delade textvärden" in texts["shared_strings"]
    assert "antal blad" in texts["many_sheets"]
    assert "delar i zip-arkivet" in texts["many_members"]
    assert "yttersta cell" in texts["sparse"], texts["sparse"]
    ceiling = "MB minne" if kind == "report" else f"tog mer än {TIMEOUT} s"
    assert ceiling in texts["sparse_disguised"], texts["sparse_disguised"]


def test_limits_are_far_above_real_files():
    """What the limits are measured against: the fixtures and the demo's files are tiny."""
    report = xlsx_limits.measure(GOOD_REPORT, "report_xlsx")
    assert report == {
        "inflated_bytes": 258_793,
        "members": 14,
        "sheets": 5,
        "rows": 1_098,
        "cells": 4_354,
        "shared_strings": 149,
    }
    limits = xlsx_limits.REPORT_LIMITS
    assert report["inflated_bytes"] * 50 < limits.inflated_bytes
    assert report["cells"] * 40 < limits.cells
    assert xlsx_limits.measure(GOOD_REGISTER, "grants_xlsx")["rows"] == 7


def test_tags_split_between_inflated_pieces_are_counted_once():
    """The counts are exact across the 64 KB pieces a part inflates in: 50 000 rows of varied
    length (so that tags fall across every boundary), with and without a namespace prefix."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><x:c r="B{r}"/></row>' for r in range(50_000)
    )
    sheet = hostile_files.part("xl/worksheets/sheet1.xml", hostile_files.sheet_xml(rows))
    data = hostile_files.package(hostile_files.REGISTER_SHEETS, {0: sheet})
    found = xlsx_limits.measure(data, "grants_xlsx")
    assert (found["rows"], found["cells"], found["sheets"]) == (50_000, 100_000, 1)


def test_a_kommun_account_s_register_is_refused_unread_and_a_hostile_job_does_not_stop_the_next(
    tmp_path, short_timeout
):
    up, wh = tmp_path / "uploads", tmp_path / "wh"

    def stage(name: str, data: bytes) -> StoredFile:
        incoming = up / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        temp = incoming / secrets.token_hex(8)
        temp.write_bytes(data)
        return StoredFile(name, hashlib.sha256(data).hexdigest(), len(data), temp, None)

    registers = hostile("register")
    # Read, the disguised sparse register takes the whole time ceiling and the bomb 100 MB of
    # inflating.
    kommun = create_job(
        up,
        user="anna",
        role="kommun",
        kommun="0114",
        files=[
            stage("bidrag.xlsx", registers["sparse_disguised"]),
            stage("bomb.xlsx", registers["zipbomb"]),
        ],
    )
    hostile_job = create_job(
        up,
        user="sam",
        role="coordinator",
        kommun=None,
        files=[
            stage("gles.xlsx", hostile("report")["sparse_disguised"]),
            stage("gles_register.xlsx", registers["sparse_disguised"] + b"\0"),  # not a duplicate
        ],
    )
    valid = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
    next_job = create_job(
        up,
        user="sam",
        role="coordinator",
        kommun=None,
        files=[stage("rapport.json", json.dumps(valid).encode())],
    )

    started = time.time()
    run_pending(up, wh)
    assert time.time() - started < 4 * PER_FILE_SECONDS

    refused = read_job(up, kommun)
    assert refused["state"] == "done"
    for entry in refused["files"]:
        outcome = entry["outcome"]
        assert outcome["status"] == "rejected" and outcome["kind"] == "grants_xlsx"
        # Refused for who sent it, not for what it holds: it was never read.
        assert [e["code"] for e in outcome["errors"]] == ["grants_need_coordinator"]
        assert outcome["rows_rejected"] is None

    worked = read_job(up, hostile_job)
    assert worked["state"] == "done" and worked["error"] is None
    assert [f["outcome"]["status"] for f in worked["files"]] == ["rejected", "rejected"]
    assert [f["outcome"]["errors"][0]["code"] for f in worked["files"]] == ["too_complex"] * 2

    after = read_job(up, next_job)
    assert after["state"] == "done"
    assert after["files"][0]["outcome"]["status"] == "loaded"
    assert query(wh, "select count(*) from mart_submissions") == [(5,)]
    # The writer lock was released: it can be taken at once.
    with publish.writer_lock(wh, wait=False):
        pass


def test_the_cli_ingest_applies_the_same_limits(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(hostile("report")["lying_zipbomb"])
    honest = tmp_path / "rapport.xlsx"
    honest.write_bytes(GOOD_REPORT)
    done = run_cli("ingest", str(bomb), str(honest), "--warehouse", str(tmp_path / "wh"), "--json")
    assert done.returncode in (0, 1), done.stderr
    files = {f["file"]: f for f in json.loads(done.stdout)["files"]}
    assert files["bomb.xlsx"]["status"] == "rejected"
    assert files["bomb.xlsx"]["errors"][0]["code"] == "too_complex"
    assert files["rapport.xlsx"]["status"] == "loaded"


def test_detect_kind_takes_a_bounded_look():
    """The cheap look the rights check relies on reads the zip's directory only when it is of a
    sane size and only the head of workbook.xml, whatever the file claims."""
    for kind, expected in (("report", "report_xlsx"), ("register", "grants_xlsx")):
        files = hostile(kind)
        for name in ("zipbomb", "lying_zipbomb", "deep_xml", "shared_strings", "many_sheets"):
            started = time.time()
            assert detect_kind(files[name])[0] == expected, (kind, name)
            assert time.time() - started < 1
        found, reason = detect_kind(files["many_members"])
        assert found == "unknown" and reason.startswith(xlsx_limits.TOO_COMPLEX)
