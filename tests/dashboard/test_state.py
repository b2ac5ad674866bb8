"""URL state: parsing never trusts the query string, writing round-trips."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from dashboard import state

YEARS = [2022, 2023, 2024]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2023", 2023), (None, 2024), ("1999", 2024), ("x", 2024), (["2022", "2023"], 2022)],
)
def test_parse_year(raw, expected):
    assert state.parse_year(raw, YEARS) == expected


def test_parse_indicator_is_a_whitelist():
    assert state.parse_indicator("has_action_plan") == "has_action_plan"
    assert state.parse_indicator("1; drop table meta") == state.DEFAULT_INDICATOR
    assert state.parse_level("lan") == "lan"
    assert state.parse_level("nope") == "kommun"


def test_overview_query_round_trips():
    query = state.overview_query(2023, "has_council", "lan", "nej")
    parsed = {k: v[0] for k, v in parse_qs(query[1:]).items()}
    assert parsed == {"year": "2023", "indikator": "has_council", "niva": "lan", "visa": "nej"}
    assert state.overview_query(2023, "has_council", "kommun") == (
        "?year=2023&indikator=has_council&niva=kommun"
    )


def test_profile_links():
    href = state.municipality_href("0114", 2024)
    assert urlparse(href).path == "/kommun"
    assert parse_qs(urlparse(href).query) == {"kod": ["0114"], "year": ["2024"]}
    assert state.region_href("polisregion", "Öst", 2024).startswith("/region?niva=polisregion")
    assert state.region_query("lan", "01", 2024, "has_council", "desc").endswith(
        "sortera=has_council&ordning=desc"
    )


def test_ignored_url_values_are_named_with_what_was_shown_instead():
    years = [2023, 2024, 2025]
    raw_year, raw_indicator = "1999", "foo"
    assert state.ignored(
        {
            "year": (raw_year, state.parse_year(raw_year, years)),
            "indikator": (raw_indicator, state.parse_indicator(raw_indicator)),
            "niva": (None, state.parse_level(None)),  # absent: the default is no surprise
            "visa": ("alla", "alla"),
        }
    ) == [("year", "1999", "2025"), ("indikator", "foo", "has_council")]
