"""Kommun and Region builders: agreement warnings, labels from the contract, sorting, gaps."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import tiny_warehouse as tiny

from dashboard import data
from dashboard.i18n import INDICATORS
from dashboard.views import municipality as mview
from dashboard.views import region as rview
from pipelines import contract


@pytest.mark.parametrize(
    ("valid_to", "year", "today", "expected"),
    [
        (dt.date(2025, 1, 1), 2025, dt.date(2025, 6, 1), ("expired", -151)),
        (dt.date(2025, 9, 1), 2025, dt.date(2025, 6, 1), ("expires_soon", 92)),
        (dt.date(2026, 9, 1), 2025, dt.date(2025, 6, 1), ("ok", 457)),
        # a past year is judged on 31 December of that year
        (dt.date(2024, 3, 1), 2023, dt.date(2025, 6, 1), ("expires_soon", 61)),
        (None, 2024, dt.date(2025, 6, 1), None),
    ],
)
def test_agreement_state(valid_to, year, today, expected):
    assert mview.agreement_state(valid_to, year, today) == expected


def test_agreement_warning_words():
    today = dt.date(2025, 6, 1)
    assert "gått ut" in mview.agreement_warning(dt.date(2025, 1, 1), 2025, today, "sv")
    assert "180" not in (mview.agreement_warning(dt.date(2025, 9, 1), 2025, today, "sv") or "")
    assert mview.agreement_warning(dt.date(2030, 1, 1), 2025, today, "sv") is None


def test_status_table_has_every_year_and_not_reported(wh):
    code, year = tiny.NO_REPORT
    table = mview.status_table(data.municipality_history(wh, code), "sv")
    # Years and dates stay typed, for the downloads.
    assert table.frame["År"].to_list() == sorted(tiny.YEARS, reverse=True)
    assert table.frame["Inlämnad"].dtype == pl.Date
    row = table.frame.filter(pl.col("År") == year).row(0, named=True)
    assert row["Råd"] == "Ej rapporterat"
    assert row["Rapport"] == "Nej"


def test_promises_use_contract_labels_and_keep_text_plain(wh):
    frames = [(c, y, data.promises(wh, c, y)) for c in tiny.TINY_CODES for y in tiny.YEARS]
    _code, year, promises = next((c, y, p) for c, y, p in frames if p.height)
    table = mview.promises_table(promises, year, "sv")
    statuses = {lab.sv for lab in contract.PROMISE_STATUS.values()}
    assert set(table.frame["Status"]) <= statuses
    assert set(table.frame["Titel"]) <= {
        tiny.FORMULA_TITLE,
        tiny.HTML_TITLE,
        "Fler trygghetsvandringar",
    }


def test_comparison_has_region_and_nation(wh):
    history = data.municipality_history(wh, "0180")
    row = mview.year_row(history, 2024)
    table = mview.comparison_table(row, data.region_year(wh, 2024), "sv")
    assert table.frame.height == len(INDICATORS)
    assert table.frame.columns[1:] == [
        "Stockholm",
        "Stockholms län",
        "Polisregion Stockholm",
        "Riket",
    ]
    # Report received is counted over every municipality, the rest over those that reported.
    shares = dict(zip(table.frame["Indikator"], table.frame["Riket"], strict=True))
    assert " kommuner)" in shares.pop(INDICATORS["has_report"].label("sv"))
    assert all("rapporterande" in v or v == "Inga rapporter" for v in shares.values())


def test_sorting_puts_missing_last(wh):
    members = data.region_members(wh, "county", "01", 2024)
    for order in ("asc", "desc"):
        rows = rview.sort_members(members, "has_council", order)
        values = rows["has_council"].to_list()
        assert values[-1] is None  # 0114 has not reported: last either way
        known = [v for v in values if v is not None]
        assert known == sorted(known, reverse=order == "desc")
    assert rview.sort_members(members, "drop table", "asc")["municipality_name"].to_list() == (
        sorted(members["municipality_name"].to_list())
    )


def test_members_table_links_and_sort_state(wh):
    members = data.region_members(wh, "county", "01", 2024)
    table = rview.members_table(members, "Stockholms län", 2024, "has_council", "desc", "sv")
    assert table.frame.height == members.height
    assert table.sort == ("has_council", "desc")
    assert set(table.sortable.values()) >= set(INDICATORS)


def test_missing_lists_keep_not_reported_apart(wh):
    members = data.region_members(wh, "county", "01", 2024)
    table = rview.missing_table(members, "Stockholms län", 2024, "sv")
    council = table.frame.row(0, named=True)
    assert "Upplands Väsby" in council["Ej rapporterat"]
    assert "Upplands Väsby" not in council["Nej"]


def test_versus_nation(wh):
    regions = data.region_year(wh, 2024)
    region = rview.region_row(regions, "lan", "01")
    nation = rview.region_row(regions, "nation", "SE")
    table = rview.versus_nation(region, nation, "sv")
    assert table.frame.height == len(INDICATORS)
    fig = rview.versus_figure(table, "sv")
    assert [d["type"] for d in fig["data"]] == ["bar", "bar"]


def test_comparison_download_has_every_number_in_its_own_column(wh):
    row = mview.year_row(data.municipality_history(wh, "0180"), 2024)
    regions = data.region_year(wh, 2024)
    table = mview.comparison_table(row, regions, "sv")
    numbers = table.download_frame
    assert numbers.height == table.frame.height  # the rows shown, nothing more
    assert numbers["Indikator"].to_list() == table.frame["Indikator"].to_list()
    assert numbers["Riket (%)"].dtype == pl.Float64
    nation = regions.filter(pl.col("level") == "nation").row(0, named=True)
    council = numbers.filter(pl.col("Indikator") == INDICATORS["has_council"].label("sv"))
    assert council["Riket: antal"].item() == nation["count_has_council"]
    assert council["Riket (%)"].item() == pytest.approx(nation["share_has_council"] * 100)
