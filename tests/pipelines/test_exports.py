"""Bulk exports: each published version's marts as Parquet and Swedish-Excel CSV, with a manifest
whose row counts and SHA-256 match the files, pruned with the versions they belong to."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import duckdb
import polars as pl
import pytest

from pipelines import export, publish
from tests.conftest import run_cli, write_json


def _ingest(tmp_path, report, name, codes=(0,)):
    path = write_json(tmp_path / name, report)
    result = run_cli("ingest", str(path), "--warehouse", str(tmp_path / "wh"), "--json")
    assert result.returncode in codes, result.stderr
    return json.loads(result.stdout)["version"]


def test_every_mart_is_exported_with_a_true_manifest(tmp_path, valid_report):
    version = _ingest(tmp_path, valid_report, "a.json")
    folder = tmp_path / "wh" / "exports" / str(version)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["version"] == version and manifest["synthetic"] is False
    con = duckdb.connect(str(tmp_path / "wh" / "current.duckdb"), read_only=True)
    tables = {
        r[0]
        for r in con.execute("select table_name from information_schema.tables").fetchall()
        if r[0].startswith("mart_") or r[0] == "meta"
    }
    assert {f["mart"] for f in manifest["files"]} == tables
    for entry in manifest["files"]:
        path = folder / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        assert path.stat().st_size == entry["bytes"]
        rows = con.execute(f'select count(*) from "{entry["mart"]}"').fetchone()[0]
        assert entry["rows"] == rows
        if entry["format"] == "parquet":
            assert pl.read_parquet(path).height == rows
        else:
            text = path.read_bytes().decode("utf-8")
            assert text.startswith("\ufeff")
            parsed = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
            assert len(parsed) == rows + 1
    con.close()


def test_the_municipality_figures_in_the_csv_are_the_report_s(tmp_path, valid_report):
    version = _ingest(tmp_path, valid_report, "a.json")
    text = (tmp_path / "wh" / "exports" / str(version) / "mart_municipality_year.csv").read_text(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    mine = [
        r
        for r in rows
        if r["municipality_code"] == valid_report["municipality_code"]
        and r["year"] == str(valid_report["reporting_year"])
    ]
    assert len(mine) == 1
    fte = valid_report["council"]["coordinator_fte"]
    assert mine[0]["coordinator_fte"] == str(fte).replace(".", ",").removesuffix(",0")
    assert mine[0]["has_council"] == ("Ja" if valid_report["council"]["exists"] else "Nej")


@pytest.mark.slow  # six whole ingests in a row
def test_exports_are_pruned_with_their_versions(tmp_path, valid_report):
    versions = []
    for year in range(2020, 2020 + publish.KEEP_VERSIONS + 2):
        report = {**valid_report, "reporting_year": year}
        # every run publishes a version, whatever became of its file
        versions.append(_ingest(tmp_path, report, f"r{year}.json", codes=(0, 1)))
    kept = sorted(int(p.name) for p in (tmp_path / "wh" / "exports").iterdir())
    assert kept == publish.versions(tmp_path / "wh") == versions[-publish.KEEP_VERSIONS :]
    assert export.read_manifest(tmp_path / "wh", versions[0]) is None
