"""mart_runs: what each ingest run (each published version) added, by the files' fate now."""

from __future__ import annotations

import json

from tests.conftest import query, run_cli, write_json


def test_each_run_and_what_it_added(tmp_path, valid_report):
    wh = tmp_path / "wh"
    first = write_json(tmp_path / "a.json", valid_report)  # 0114, 2024
    other = write_json(tmp_path / "b.json", dict(valid_report, municipality_code="1280"))
    result = run_cli("ingest", "--json", str(first), str(other), "--warehouse", str(wh))
    assert result.returncode == 0, result.stderr
    # the second run: a revision of 0114's report (later submitted_at), a broken file, a copy
    revision = dict(valid_report, submitted_at="2025-03-30T10:00:00+02:00")
    revised = write_json(tmp_path / "a_rev.json", revision)
    broken = tmp_path / "c.json"
    broken.write_text("{not json", encoding="utf-8")
    copy = tmp_path / "b_kopia.json"
    copy.write_bytes(other.read_bytes())
    result = run_cli(
        "ingest", "--json", str(revised), str(broken), str(copy), "--warehouse", str(wh)
    )
    assert result.returncode == 1, result.stderr
    statuses = [f["status"] for f in json.loads(result.stdout)["files"]]
    assert statuses == ["loaded", "rejected", "duplicate"]
    rows = query(
        wh,
        "select run_id, files, loaded, superseded, duplicates, rejected, reports, registers"
        " from mart_runs order by run_id",
    )
    # run 1 loaded two reports, one since superseded by run 2's revision
    assert rows == [(1, 2, 1, 1, 0, 0, 2, 0), (2, 3, 1, 0, 1, 1, 3, 0)]
    [(version,)] = query(wh, "select version from meta")
    assert version == 2
