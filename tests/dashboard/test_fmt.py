"""Numbers as Swedish readers expect them, rounded once and the same way everywhere."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import fmt
from dashboard.components.table import format_cell
from dashboard.views.overview import share_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("share", "sv", "en"),
    [
        (15 / 33, "45\u00a0%", "45%"),  # 45.45 %
        (25 / 55, "45\u00a0%", "45%"),
        (1 / 8, "13\u00a0%", "13%"),  # 12.5 rounds up, not to even
        (0.145, "15\u00a0%", "15%"),  # 14.4999... in floating point
        (0.0, "0\u00a0%", "0%"),
        (None, "–", "–"),
    ],
)
def test_percent_rounds_half_up(share, sv, en):
    assert fmt.percent(share, "sv") == sv
    assert fmt.percent(share, "en") == en


def test_a_table_cell_and_the_map_text_show_the_same_percentage():
    # The table keeps share * 100 unrounded and rounds when it shows it, like the map's text.
    share = 15 / 33
    assert format_cell(share * 100, "percent", "sv") == fmt.percent(share, "sv")
    assert share_text(share, 15, 33, "sv", "has_action_plan").startswith(fmt.percent(share))


def test_report_received_is_counted_over_every_municipality():
    assert share_text(0.96, 278, 290, "sv", "has_report") == "96\u00a0% (278 av 290 kommuner)"
    assert share_text(0.5, 10, 20, "sv", "has_council") == "50\u00a0% (10 av 20 rapporterande)"


@pytest.mark.parametrize(("points", "text"), [(3, "+3"), (-7, "−7"), (0, "±0"), (None, "–")])
def test_points_carry_their_sign(points, text):
    assert fmt.points(points) == text
    if points is not None:
        assert format_cell(points, "points", "sv") == text


def test_swedish_order_agrees_with_icu_on_every_municipality_name():
    names = pl.read_csv(ROOT / "data/reference/municipalities.csv", infer_schema=False)
    frame = names.select("municipality_name")
    ours = frame.sort(fmt.swedish_order("municipality_name"))["municipality_name"].to_list()
    con = duckdb.connect()
    con.register("names", frame.to_arrow())
    icu = [r[0] for r in con.execute("select * from names order by 1 collate sv").fetchall()]
    assert ours == icu
    assert ours.index("Åmål") < ours.index("Älmhult") < ours.index("Öckerö")
