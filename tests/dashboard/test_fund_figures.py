"""The Medel (fund use) figures over the seeded demo corpus, recomputed from the inbox files.

Amounts come from the register files (CSV/XLSX read with csv and openpyxl; the row of the file
received last wins per grant id), spend from the current reports' funded projects (JSON and XLSX
read with json and openpyxl), population from data/reference/municipalities.csv. What the page
reads (`dashboard.data.fund_*`, `mart_fund_concentration`, `mart_grants`) must say the same
(INDICATORS.md, "Fund use")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from dashboard import data
from tests.conftest import query
from tests.corpus import (
    REVIEW_FLAGS as FLAGS,
)
from tests.corpus import (
    gini,
    lorenz,
    reference_municipalities,
    register_rows,
    year_ranges,
)

YEARS = range(2022, 2026)  # as the demo_inbox fixture generates it
LEVELS = ("municipality", "county", "police_region")
MONEY = ("applied_sek", "granted_sek", "paid_sek", "spent_sek", "county_level_granted_sek")
RANGES = [(year, year) for year in YEARS] + [(YEARS[0], YEARS[-1])]


@dataclass
class Corpus:
    grants: dict[str, dict]  # current register row per grant id
    reports: dict[tuple[str, int], dict]  # current report per (municipality, year)
    municipalities: list[dict]  # the reference list

    @property
    def population(self) -> dict[str, int]:
        return {m["municipality_code"]: m["population"] for m in self.municipalities}

    def region_of(self, level: str) -> dict[str, str]:
        """municipality code -> its region code at ``level``."""
        key = {"municipality": "municipality_code", "county": "county_code"}.get(level, level)
        return {m["municipality_code"]: m[key] for m in self.municipalities}


@pytest.fixture(scope="module")
def corpus(demo_manifest, demo_reports) -> Corpus:
    """The demo inbox as files, and the generator's manifest (which files should load; checked
    byte for byte against the files the warehouse was built from)."""
    snapshot = demo_manifest[1]
    return Corpus(
        grants=register_rows(snapshot),
        reports=demo_reports,
        municipalities=reference_municipalities(),
    )


@pytest.fixture(scope="module")
def wh(demo_warehouse) -> data.Warehouse:
    return data.Warehouse(demo_warehouse)


def test_the_corpus_has_what_the_figures_need(corpus, wh):
    meta = data.meta(wh)
    assert (meta.first_year, meta.last_year) == (YEARS[0], YEARS[-1])
    rows = corpus.grants.values()
    assert {g["funding_year"] for g in rows} == set(YEARS)
    assert any(g["municipality_code"] is None for g in rows)  # county-level grants
    assert any(g["granted"] == 0 for g in rows)  # applications granted nothing
    assert any(
        p["grant_id"] in corpus.grants for f in corpus.reports.values() for p in f["projects"]
    )


# --- applied, granted, paid, spent per region ---------------------------------------------------


def expected_allocation(corpus: Corpus, level: str, year_from: int, year_to: int) -> dict:
    """Money, population and shares per region of ``level`` over the range, from the files."""
    region_of = corpus.region_of(level)
    names = {
        "municipality": {
            m["municipality_code"]: m["municipality_name"] for m in corpus.municipalities
        },
        "county": {m["county_code"]: m["county_name"] for m in corpus.municipalities},
        "police_region": {m["police_region"]: m["police_region"] for m in corpus.municipalities},
    }[level]
    police_region_of_county = {m["county_code"]: m["police_region"] for m in corpus.municipalities}
    out = {code: dict.fromkeys(MONEY, 0.0) | {"population": 0} for code in names}
    for m in corpus.municipalities:
        out[region_of[m["municipality_code"]]]["population"] += m["population"]
    for g in corpus.grants.values():
        if not year_from <= g["funding_year"] <= year_to:
            continue
        if g["municipality_code"] is not None:
            region = region_of[g["municipality_code"]]
        elif level == "municipality":
            continue  # a county-level grant belongs to no municipality
        else:
            region = (
                g["county_code"] if level == "county" else police_region_of_county[g["county_code"]]
            )
            out[region]["county_level_granted_sek"] += g["granted"]
        for column, key in (
            ("applied_sek", "applied"),
            ("granted_sek", "granted"),
            ("paid_sek", "paid"),
        ):
            out[region][column] += g[key]
    for (code, year), facts in corpus.reports.items():
        if year_from <= year <= year_to:
            out[region_of[code]]["spent_sek"] += facts["spent"]
    nation = expected_nation(corpus, year_from, year_to)
    for code, row in out.items():
        row["region_name"] = names[code]
        for column in ("applied", "granted", "paid", "spent"):
            row[f"{column}_per_inhabitant"] = row[f"{column}_sek"] / row["population"]
        row["population_share"] = row["population"] / nation["population"]
        row["granted_share"] = row["granted_sek"] / nation["granted_sek"]
        row["share_gap_pp"] = (row["granted_share"] - row["population_share"]) * 100
    return out


def expected_nation(corpus: Corpus, year_from: int, year_to: int) -> dict:
    grants = [g for g in corpus.grants.values() if year_from <= g["funding_year"] <= year_to]
    county_level = [g for g in grants if g["municipality_code"] is None]
    population = sum(m["population"] for m in corpus.municipalities)
    out = {
        "population": population,
        "applied_sek": sum(g["applied"] for g in grants),
        "granted_sek": sum(g["granted"] for g in grants),
        "paid_sek": sum(g["paid"] for g in grants),
        "spent_sek": sum(
            f["spent"] for (_, y), f in corpus.reports.items() if year_from <= y <= year_to
        ),
        "county_level_granted_sek": sum(g["granted"] for g in county_level),
    }
    for column in ("applied", "granted", "paid", "spent"):
        out[f"{column}_per_inhabitant"] = out[f"{column}_sek"] / population
    return out


def by_region(frame) -> dict[str, dict]:
    rows = {row["region_code"]: row for row in frame.iter_rows(named=True)}
    assert len(rows) == frame.height, "one row per region"
    return rows


def compare(got: dict, expected: dict, where) -> None:
    assert got["region_name"] == expected["region_name"], where
    numbers = {k: v for k, v in expected.items() if k != "region_name"}
    assert {k: got[k] for k in numbers} == pytest.approx(numbers, rel=1e-9, abs=1e-6), where


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("years", RANGES, ids=lambda r: f"{r[0]}-{r[1]}")
def test_allocation_per_region_matches_the_files(corpus, wh, level, years):
    got = by_region(data.fund_allocation(wh, level, *years))
    expected = expected_allocation(corpus, level, *years)
    assert set(got) == set(expected)
    for code, row in expected.items():
        compare(got[code], row, (level, years, code))


@pytest.mark.parametrize("years", RANGES, ids=lambda r: f"{r[0]}-{r[1]}")
def test_nation_matches_the_files(corpus, wh, years):
    got = data.fund_nation(wh, *years)
    expected = expected_nation(corpus, *years)
    assert (got["region_code"], got["region_name"]) == ("SE", "Sverige")
    assert {k: got[k] for k in expected} == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("years", RANGES, ids=lambda r: f"{r[0]}-{r[1]}")
def test_regions_add_up_to_the_nation(corpus, wh, years):
    nation = data.fund_nation(wh, *years)
    assert expected_nation(corpus, *years)["county_level_granted_sek"] > 0
    for level in ("county", "police_region"):
        frame = data.fund_allocation(wh, level, *years)
        for column in (*MONEY, "population"):
            assert frame[column].sum() == pytest.approx(nation[column], rel=1e-9), (level, column)
        assert frame["granted_share"].sum() == pytest.approx(1)
        assert frame["population_share"].sum() == pytest.approx(1)
        assert frame["share_gap_pp"].sum() == pytest.approx(0, abs=1e-9)
    # municipalities hold everything but the county-level grants
    frame = data.fund_allocation(wh, "municipality", *years)
    assert frame["county_level_granted_sek"].sum() == 0
    assert frame["granted_sek"].sum() + nation["county_level_granted_sek"] == pytest.approx(
        nation["granted_sek"], rel=1e-9
    )
    assert frame["spent_sek"].sum() == pytest.approx(nation["spent_sek"], rel=1e-9)
    assert frame["population"].sum() == nation["population"]


def test_a_range_sums_its_years(wh):
    whole = by_region(data.fund_allocation(wh, "county", YEARS[0], YEARS[-1]))
    years = [by_region(data.fund_allocation(wh, "county", y, y)) for y in YEARS]
    for code, row in whole.items():
        for column in MONEY:
            assert row[column] == pytest.approx(sum(y[code][column] for y in years)), (code, column)


# --- concentration: Gini and municipalities without a grant -------------------------------------


def municipal_granted(corpus: Corpus, year_from: int, year_to: int) -> dict[str, float]:
    granted: dict[str, float] = defaultdict(float)
    for g in corpus.grants.values():
        if g["municipality_code"] is not None and year_from <= g["funding_year"] <= year_to:
            granted[g["municipality_code"]] += g["granted"]
    return granted


def expected_concentration(corpus: Corpus, year_from: int, year_to: int) -> dict:
    granted = municipal_granted(corpus, year_from, year_to)
    with_grant = sum(1 for code in corpus.population if granted.get(code, 0) > 0)
    return {
        "municipalities": 290,
        "municipalities_with_grant": with_grant,
        "municipalities_without_grant": 290 - with_grant,
        "municipal_granted_sek": sum(granted.values()),
        "population": sum(corpus.population.values()),
        "gini": gini(granted, corpus.population),
    }


def test_concentration_of_every_range_matches_the_files(corpus, demo_warehouse):
    columns = list(expected_concentration(corpus, YEARS[0], YEARS[0]))
    rows = query(
        demo_warehouse,
        f"select year_from, year_to, {', '.join(columns)} from mart_fund_concentration",
    )
    got = {(r[0], r[1]): dict(zip(columns, r[2:], strict=True)) for r in rows}
    assert sorted(got) == year_ranges(YEARS)
    for years, row in got.items():
        expected = expected_concentration(corpus, *years)
        assert 0 < expected["gini"] < 1 and 0 < expected["municipalities_with_grant"] < 290
        assert row == pytest.approx(expected, rel=1e-9), years


def test_the_page_gets_each_year_and_the_whole_range(corpus, wh):
    frame = data.fund_concentration(wh, YEARS[0], YEARS[-1])
    got = [
        (r["year_from"], r["year_to"], r["gini"], r["municipalities_without_grant"])
        for r in frame.iter_rows(named=True)
    ]
    expected = [
        (a, b, pytest.approx(e["gini"], rel=1e-9), e["municipalities_without_grant"])
        for a, b in RANGES
        for e in [expected_concentration(corpus, a, b)]
    ]
    assert got == expected


@pytest.mark.parametrize("years", [RANGES[-1], RANGES[0]], ids=lambda r: f"{r[0]}-{r[1]}")
def test_lorenz_curve_matches_the_files(corpus, wh, years):
    expected = lorenz(municipal_granted(corpus, *years), corpus.population)
    frame = data.fund_lorenz(wh, *years)
    assert frame["position"].to_list() == list(range(1, 291))
    assert frame["municipality_code"].to_list() == [p["municipality_code"] for p in expected]
    for column in ("granted_sek", "population_share_cum", "granted_share_cum"):
        assert frame[column].to_list() == pytest.approx([p[column] for p in expected], rel=1e-9), (
            column
        )


# --- review flags -------------------------------------------------------------------------------


def expected_flags(corpus: Corpus, today: date) -> dict[str, dict]:
    """Each grant's flags, spend and project as the current reports describe it."""
    named: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for (_, year), facts in sorted(corpus.reports.items(), key=lambda item: item[0][1]):
        for project in facts["projects"]:
            named[project["grant_id"]].append((year, project))
    out = {}
    for gid, g in corpus.grants.items():
        projects = named.get(gid, [])
        spent = sum(p["spent"] for _, p in projects)
        latest = max(projects, key=lambda item: item[0])[1] if projects else {}
        out[gid] = {
            "paid_exceeds_granted": g["paid"] > g["granted"],
            "granted_exceeds_applied": g["granted"] > g["applied"],
            "spent_exceeds_paid": spent > g["paid"],
            # not judged for county-level grants nor rejected applications (granted 0)
            "no_report": None
            if g["municipality_code"] is None or g["granted"] == 0
            else not projects,
            "completed_without_effect": any(
                p["status"] == "completed" and not p["effect_evaluated"] for _, p in projects
            ),
            "not_paid": g["granted"] > 0
            and g["paid"] == 0
            and g["decision_date"] < today - timedelta(days=180),
            "project_status": latest.get("status"),
            "effect_evaluated": latest.get("effect_evaluated"),
            "reported_spent_sek": pytest.approx(spent),
            "reports_count": len(projects),
            "county_code": g["county_code"],
            "funding_year": g["funding_year"],
        }
    return out


@pytest.fixture(scope="module")
def flags(corpus) -> dict[str, dict]:
    return expected_flags(corpus, date.today())


def test_every_grant_and_its_flags_match_the_files(flags, demo_warehouse):
    columns = [c for c in next(iter(flags.values())) if c != "not_paid"]
    rows = query(demo_warehouse, f"select grant_id, {', '.join(columns)} from mart_grants")
    got = {r[0]: dict(zip(columns, r[1:], strict=True)) for r in rows}
    assert set(got) == set(flags)
    for gid, row in got.items():
        assert row == {c: flags[gid][c] for c in columns}, gid


def test_not_paid_matches_the_files(corpus, flags, demo_warehouse):
    today = date.today()
    got = dict(query(demo_warehouse, "select grant_id, not_paid from mart_grants"))
    boundary = today - timedelta(days=180)
    # a decision within a day of the boundary may flip between the build and now: left out
    clear = {
        g for g, row in corpus.grants.items() if abs((row["decision_date"] - boundary).days) > 1
    }
    assert {g: got[g] for g in clear} == {g: flags[g]["not_paid"] for g in clear}
    assert any(got.values()) and not all(got.values())


def test_flag_counts_per_county_and_nation(flags, demo_warehouse):
    sums = ", ".join(f"count(*) filter (where {flag})" for flag in FLAGS)
    for group, key in (("county_code", "county_code"), ("'SE'", None)):
        rows = query(demo_warehouse, f"select {group}, {sums} from mart_grants group by all")
        got = {r[0]: r[1:] for r in rows}
        expected: dict[str, list[int]] = defaultdict(lambda: [0] * len(FLAGS))
        for row in flags.values():
            counts = expected[row[key] if key else "SE"]
            for i, flag in enumerate(FLAGS):
                counts[i] += bool(row[flag])
        assert got == {k: tuple(v) for k, v in expected.items()}
    # the demo has grants with and without each of these, so the counts above say something
    for flag in ("paid_exceeds_granted", "spent_exceeds_paid", "no_report", "not_paid"):
        assert 0 < sum(bool(row[flag]) for row in flags.values()) < len(flags), flag


@pytest.mark.parametrize("years", RANGES, ids=lambda r: f"{r[0]}-{r[1]}")
def test_the_page_lists_the_grants_of_the_range_with_their_flags(flags, wh, years):
    frame = data.fund_grants(wh, *years)
    mine = {g: row for g, row in flags.items() if years[0] <= row["funding_year"] <= years[1]}
    assert sorted(frame["grant_id"].to_list()) == sorted(mine)
    for flag in ("paid_exceeds_granted", "granted_exceeds_applied", "no_report"):
        got = frame[flag].to_list()
        assert sum(bool(v) for v in got) == sum(bool(row[flag]) for row in mine.values()), flag
        assert got.count(None) == sum(row[flag] is None for row in mine.values()), flag


@pytest.mark.parametrize("level", ["lan", "polisregion"])
def test_the_flag_counts_per_region_on_the_page_match_the_files(corpus, flags, wh, level):
    from dashboard.i18n import FUND_FLAGS, t
    from dashboard.views.funds import flag_table

    years = RANGES[-1]
    table = flag_table(data.fund_grants(wh, *years), level, "sv", "2022–2025").frame
    police = level == "polisregion"
    name_of = {
        m["county_code"]: f"{t('police_region', 'sv')} {m['police_region']}"
        if police
        else m["county_name"]
        for m in corpus.municipalities
    }
    expected: dict[str, list[int]] = defaultdict(lambda: [0] * (1 + len(FLAGS)))
    for row in flags.values():
        if years[0] <= row["funding_year"] <= years[1]:
            for name in (name_of[row["county_code"]], t("nation", "sv")):
                counts = expected[name]
                counts[0] += 1
                for i, flag in enumerate(FLAGS, start=1):
                    counts[i] += bool(row[flag])
    columns = [t("fund_decisions_count", "sv"), *(FUND_FLAGS[f].label("sv") for f in FLAGS)]
    word = t("police_region" if police else "county", "sv")
    got = {r[word]: [r[c] for c in columns] for r in table.iter_rows(named=True)}
    assert got == dict(expected)
    assert table[word].to_list()[-1] == t("nation", "sv")


def test_the_trend_table_matches_the_files(corpus, wh):
    """The page's table of applied, granted, paid and spent per year (nationally), as shown and
    downloaded, against the register rows and the current reports of each year."""
    from dashboard.views import funds as view

    table = view.trend_table(data.fund_trend(wh, "nation", "SE"), "Riket", "sv")
    rows = table.download_frame.rows()
    assert [r[0] for r in rows] == list(YEARS)
    for year, applied, granted, paid, spent in rows:
        expected = expected_nation(corpus, year, year)
        assert (applied, granted, paid, spent) == pytest.approx(
            tuple(expected[f"{k}_sek"] for k in ("applied", "granted", "paid", "spent"))
        ), year
