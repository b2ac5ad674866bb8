"""The app keeps serving while the pipelines publish: a reader process querying the warehouse the
way the dashboard does sees no error while ingest publishes version after version, and it picks
up each new version without a restart."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from pipelines import reference
from pipelines.ingest import ingest
from tests.conftest import ROOT, write_json

pytestmark = pytest.mark.slow

READER = """
import json, sys, time
from dashboard import data
wh = data.Warehouse(sys.argv[1])
deadline = time.monotonic() + float(sys.argv[2])
ok, errors, versions = 0, [], set()
while time.monotonic() < deadline:
    try:
        versions.add(data.meta(wh).version)
        frame = data.municipality_year(wh, 2024)
        assert frame.height == 290
        ok += 1
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"ok": ok, "errors": errors[:5], "n_errors": len(errors), "versions": sorted(versions)}))
"""


def test_reader_sees_no_error_while_versions_are_published(tmp_path, valid_report):
    codes = reference.municipalities()["municipality_code"].to_list()
    valid_report["funded_projects"] = []
    warehouse = tmp_path / "wh"
    first = write_json(tmp_path / "first.json", valid_report)
    ingest([first], warehouse, tmp_path)

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), "12"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)  # let the reader start querying before the first publish
    published = 1
    started = time.monotonic()
    while time.monotonic() - started < 8:
        batch = tmp_path / f"batch{published}"
        batch.mkdir()
        for code in codes[published * 10 : published * 10 + 10]:
            write_json(batch / f"{code}.json", dict(valid_report, municipality_code=code))
        ingest(sorted(batch.iterdir()), warehouse, batch)
        published += 1
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["n_errors"] == 0, result["errors"]
    assert result["ok"] > 50, result
    assert published >= 5
    assert len(result["versions"]) >= 3, "the reader picked up new versions without a restart"
