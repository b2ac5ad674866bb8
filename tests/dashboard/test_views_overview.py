"""Översikt builders: KPIs equal the marts, NULL is its own class, tables match the map."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard import data
from dashboard.components import map as mapc
from dashboard.i18n import INDICATORS, STATUS_LABELS
from dashboard.views import overview as view


@pytest.fixture
def year_frames(wh):
    return data.municipality_year(wh, 2024), data.region_year(wh, 2024), data.region_year(wh, 2023)


def test_kpis_show_the_nation_shares_with_denominators(year_frames):
    _muni, now, before = year_frames
    nation = view.nation(now)
    cards = {k.key: k for k in view.kpis(nation, view.nation(before), 2024, "sv")}
    assert list(cards) == list(INDICATORS)
    share = nation["share_has_council"]
    assert cards["has_council"].value == f"{round(share * 100)}\u00a0%"
    assert cards["has_council"].detail == f"av {nation['denominator_has_council']} rapporterande"
    assert "jämfört med 2023" in cards["has_council"].change
    assert cards["has_report"].value == f"{nation['reported']} av {nation['municipalities']}"


def test_kpi_change_in_percentage_points():
    now = (
        {f"share_{k}": 0.5 for k in INDICATORS}
        | {f"count_{k}": 5 for k in INDICATORS}
        | {f"denominator_{k}": 10 for k in INDICATORS}
    )
    now |= {"share_reported": 1.0, "reported": 10, "municipalities": 10}
    before = dict(now) | {"share_has_council": 0.47, "reported": 12}
    cards = {k.key: k for k in view.kpis(now, before, 2024, "en")}
    assert cards["has_council"].change == "+3 percentage points on 2023"
    assert cards["has_report"].change == "−2 on 2023"
    no_base = {k.key: k for k in view.kpis(now, None, 2024, "sv")}
    assert no_base["has_council"].change == "Ingen jämförelse med 2023"


def test_law_note_before_2023_only():
    assert view.law_note("meets_legal_requirements", 2022, "sv").startswith("Lagen (2023:196)")
    assert view.law_note("meets_legal_requirements", 2023, "sv") is None
    assert view.law_note("has_council", 2022, "sv") is None
    cards = {k.key: k for k in view.kpis(None, None, 2022, "sv")}
    assert cards["meets_legal_requirements"].note


def test_map_keeps_not_reported_apart_from_no(year_frames):
    muni, regions, _ = year_frames
    values = view.map_values("kommun", "has_council", muni, regions, "sv", points=False)
    by_code = dict(zip(values.locations, zip(values.z, values.text, strict=True), strict=True))
    assert by_code["0114"] == (0, STATUS_LABELS["null"]("sv"))  # no report: grey, not "Nej"
    for row in muni.iter_rows(named=True):
        expected = mapc.bool_class(row["has_council"])
        assert by_code[row["municipality_code"]][0] == expected
    assert values.locations == sorted(values.locations)


@pytest.mark.parametrize("level", ["lan", "polisregion"])
@pytest.mark.parametrize("points", [False, True])
def test_region_levels(year_frames, level, points):
    muni, regions, _ = year_frames
    values = view.map_values(level, "has_action_plan", muni, regions, "sv", points=points)
    assert values.kind == "share"
    if points:
        assert len(values.locations) == muni.height and values.population
    elif level == "lan":
        assert values.locations == ["01", "03", "12"]
    else:
        # police regions are drawn as counties with their region's value
        assert values.targets[values.locations.index("12")] == "polisregion:Syd"
    mart = regions.filter(pl.col("level") == ("county" if level == "lan" else "police_region"))
    assert set(values.z) <= {*mart["share_has_action_plan"].to_list(), mapc.NULL_Z}


def test_figure_and_patch_are_small(year_frames):
    muni, regions, _ = year_frames
    values = view.map_values("kommun", "has_council", muni, regions, "sv", points=False)
    fig = mapc.map_figure(values, "kommun", "/geo/municipalities.geojson?v=1", "sv")
    trace = fig["data"][0]
    assert trace["type"] == "choroplethmap" and trace["geojson"].startswith("/geo/")
    assert fig["layout"]["map"]["style"] == "white-bg" and fig["layout"]["uirevision"]
    patch = mapc.map_patch(values, fallback=False).to_plotly_json()
    touched = {tuple(op["location"]) for op in patch["operations"]}
    assert touched == {("data", 0, "z"), ("data", 0, "text")}
    points = mapc.map_figure(values, "kommun", None, "sv")
    assert points["data"][0]["type"] == "scattermap"
    assert points["layout"]["meta"]["fallback"] is True


def test_colour_classes():
    assert [mapc.bool_class(v) for v in (None, False, True)] == [0, 1, 2]
    assert mapc.share_z(None) == mapc.NULL_Z and mapc.share_z(0.4) == 0.4
    scale = mapc.colorscale("share")
    assert scale[0][1] == mapc.GREY and scale[-1][0] == 1


@pytest.mark.parametrize(
    ("show", "predicate"),
    [
        ("alla", lambda v: True),
        ("ja", lambda v: v is True),
        ("nej", lambda v: v is False),
        ("ej", lambda v: v is None),
    ],
)
def test_overview_table_filters(year_frames, show, predicate):
    muni, regions, _ = year_frames
    table = view.overview_table("kommun", "has_council", show, muni, regions, 2024, "sv")
    expected = sorted(
        r["municipality_name"] for r in muni.iter_rows(named=True) if predicate(r["has_council"])
    )
    assert sorted(table.frame["Kommun"].to_list()) == expected
    assert len(table.links["Kommun"]) == table.frame.height


def test_region_table_behind_the_map(year_frames):
    muni, regions, _ = year_frames
    table = view.overview_table("lan", "has_council", "alla", muni, regions, 2024, "sv")
    assert table.frame.height == 3
    assert all(h.startswith("/region?niva=lan&kod=") for h in table.links["Län"])


def test_trend(wh):
    trend = data.region_trend(wh, "nation", "SE")
    fig = view.trend_figure(trend, "sv", highlight="has_council")
    assert len(fig["data"]) == len(INDICATORS)
    assert fig["data"][0]["line"]["width"] == 4
    table = view.trend_table(trend, "sv")
    assert table.frame.height == trend.height * len(INDICATORS)


def test_profile_href_from_a_map_click():
    click = {"points": [{"customdata": ["Stockholm", "kommun:0180"]}]}
    assert view.profile_href(click, 2024) == "/kommun?kod=0180&year=2024"
    click = {"points": [{"customdata": ["Syd", "polisregion:Syd"]}]}
    assert view.profile_href(click, 2023) == "/region?niva=polisregion&kod=Syd&year=2023"
    assert view.profile_href(None, 2024) is None
    assert view.profile_href({"points": [{}]}, 2024) is None


def test_chart_percentages_are_written_as_the_language_writes_them(wh):
    trend = data.region_trend(wh, "nation", "SE")
    sv, en = (view.trend_figure(trend, lang) for lang in ("sv", "en"))
    assert sv["layout"]["yaxis"]["ticksuffix"] == "\u00a0%"
    assert en["layout"]["yaxis"]["ticksuffix"] == "%"
    assert "}%" in en["data"][0]["hovertemplate"]
