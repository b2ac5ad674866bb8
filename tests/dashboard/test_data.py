"""The data layer: queries over a real warehouse, version switches, missing warehouse."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
import tiny_warehouse as tiny

from dashboard import data


def test_meta_describes_the_warehouse(wh):
    meta = data.meta(wh)
    assert meta.version == 1
    assert meta.synthetic is True
    assert meta.years == list(tiny.YEARS)


def test_municipality_year_has_one_row_per_municipality(any_warehouse):
    wh = data.Warehouse(any_warehouse)
    meta = data.meta(wh)
    frame = data.municipality_year(wh, meta.last_year)
    assert frame["municipality_code"].is_unique().all()
    assert frame["year"].unique().to_list() == [meta.last_year]
    expected = (
        duckdb.connect(str(any_warehouse / "current.duckdb"), read_only=True)
        .sql("select count(distinct municipality_code) from mart_municipality_year")
        .fetchall()[0][0]
    )
    assert frame.height == expected


def test_not_reported_stays_null(wh):
    code, year = tiny.NO_REPORT
    row = (
        data.municipality_year(wh, year)
        .filter(pl.col("municipality_code") == code)
        .row(0, named=True)
    )
    assert row["has_report"] is False
    assert row["has_council"] is None
    code, year = tiny.NO_FTE
    row = data.municipality_history(wh, code).filter(pl.col("year") == year).row(0, named=True)
    assert row["has_report"] is True and row["has_coordinator"] is None


def test_history_is_in_year_order(wh):
    history = data.municipality_history(wh, "0180")
    assert history["year"].to_list() == list(tiny.YEARS)


def test_region_functions(wh):
    regions = data.region_year(wh, 2024)
    assert set(regions["level"]) == {"county", "police_region", "nation"}
    counties = data.regions(wh, "county")
    assert counties["region_code"].to_list() == ["01", "03", "12"]
    members = data.region_members(wh, "county", "01", 2024)
    assert set(members["county_code"]) == {"01"}
    assert members.height == 4
    police = data.region_members(wh, "police_region", "Syd", 2024)
    assert set(police["municipality_code"]) == {"1280", "1281"}
    trend = data.region_trend(wh, "nation", "SE")
    assert trend["year"].to_list() == list(tiny.YEARS)


def test_details(wh):
    assert set(data.municipalities(wh)["municipality_code"]) == set(tiny.TINY_CODES)
    promises = pl.concat([data.promises(wh, c, y) for c in tiny.TINY_CODES for y in tiny.YEARS])
    assert promises.height > 0
    assert {"title", "status", "dialogue_methods"} <= set(promises.columns)
    grants = pl.concat([data.grants(wh, c, y) for c in tiny.TINY_CODES for y in tiny.YEARS])
    projects = pl.concat([data.projects(wh, c, y) for c in tiny.TINY_CODES for y in tiny.YEARS])
    assert grants.height == projects.height


def test_picks_up_a_new_version_without_restart(tmp_path):
    tiny.build(tmp_path, codes=("0114",), version=1)
    wh = data.Warehouse(tmp_path)
    assert data.meta(wh).version == 1
    tiny.build(tmp_path, codes=("0114", "0115"), version=2)
    assert data.meta(wh).version == 2
    assert data.municipalities(wh).height == 2


def test_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(data.WarehouseUnavailable):
        data.meta(data.Warehouse(tmp_path))


def test_every_query_file_binds_parameters():
    # No value is ever spliced into SQL: the files use $name parameters only.
    for path in data.QUERIES.glob("*.sql"):
        text = path.read_text()
        assert "{" not in text and "%s" not in text, path.name
