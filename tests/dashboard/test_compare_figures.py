"""Jämför (``/jamfor``) over the seeded demo corpus, recomputed from the inbox files.

Every figure the page shows and downloads is recomputed here from what the files say: the
current reports (JSON and XLSX, read with json and openpyxl by ``tests.corpus``), the grant
registers (CSV and XLSX), and the reference lists (population, county, police region, SKR
municipality group). Nothing is taken from the marts or the queries the page reads
(INDICATORS.md, "Per municipality and year" and "Peer comparison").

Three places: a municipality that answered "no" to several requirements in the latest year
(agreement days counted from today), one that answered "yes" to every requirement in an earlier
year (days counted from 31 December), and a county against the other 20 counties.

Numbers on the screen are text rounded for reading: each is parsed back and must lie within half a
unit of its last shown decimal of the recomputed figure; the download carries the figures whole.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest

from dashboard import data
from dashboard.i18n import INDICATORS, REQUIREMENTS, status_label, t
from dashboard.views import compare as cmp
from dashboard.views import compare_state as cstate
from tests.corpus import (
    municipality_groups,
    reference_municipalities,
    register_rows,
)

YEARS = range(2022, 2026)  # as the demo_inbox fixture generates it
SV = "sv"
NBSP = "\u00a0"

# The places, chosen by reading the corpus files (test_the_chosen_places_are_what_they_should_be
# says why each one was chosen, from the files).
LACKING = ("2422", YEARS[-1])  # Sorsele 2025: "no" to six requirements, no value for one
COMPLETE = ("1463", 2023)  # Mark 2023: "yes" to every requirement
COUNTY = ("14", 2024)  # Västra Götalands län 2024: two municipalities did not report
# Hand-picked lists (a peer without a report in the year among them)
PICKED = {
    "2422": ["2425", "2161", "1864", "0180", "2262"],  # 1864 and 2262 sent nothing for 2025
    "1463": ["1496", "1438", "1415", "0883", "1480"],  # 1496 and 1438 sent nothing for 2023
    "14": ["12", "01", "25"],
}
MUNICIPAL_GROUPS = ("kommungrupp", "lan", "polisregion", "folkmangd", "egen")
COUNTY_GROUPS = ("lan_alla", "egen")

# The indicators in the page's order: the requirements (dashboard.i18n.REQUIREMENTS), the ways
# of working, the report itself; then the numbers, each with whether its lowest value ranks first
YES_NO = (*REQUIREMENTS, "uses_est", "uses_sspf", "has_report")
LOWEST_FIRST = {
    "coordinator_fte_per_10k": False,
    "promises_count": False,
    "promises_fulfilled_share": False,
    "granted_per_inhabitant": False,
    "spent_per_inhabitant": False,
    "situation_report_age": True,  # the fewest years since the update is the best
    "agreement_days_left": False,  # the most days left is the best
}
NUMBERS = tuple(LOWEST_FIRST)
SWEDISH_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"


# --- the corpus ----------------------------------------------------------------------------------


@dataclass
class Corpus:
    reports: dict[tuple[str, int], dict]
    grants: dict[str, dict]
    municipalities: list[dict]
    groups: dict[str, tuple[str, str]]

    @property
    def last_year(self) -> int:
        return max(year for _, year in self.reports)


@pytest.fixture(scope="module")
def corpus(demo_manifest, demo_reports) -> Corpus:
    snapshot = demo_manifest[1]
    return Corpus(
        reports=demo_reports,
        grants=register_rows(snapshot),
        municipalities=reference_municipalities(),
        groups=municipality_groups(),
    )


@pytest.fixture(scope="module")
def wh(demo_warehouse) -> data.Warehouse:
    return data.Warehouse(demo_warehouse)


@pytest.fixture(scope="module")
def page(wh):
    """The page's content for a URL query (``cstate.parse``, then ``Content``), built once."""
    meta = data.meta(wh)
    built: dict[tuple, cstate.Content] = {}

    def content(**query: str) -> cstate.Content:
        key = tuple(sorted(query.items()))
        if key not in built:
            st = cstate.parse(wh, meta, query)
            built[key] = cstate.Content(wh, meta, st, SV)
        return built[key]

    return content


def query_for(code: str, year: int, group: str, **more: str) -> dict[str, str]:
    query = {"kod": code, "year": str(year), "grupp": group, **more}
    if len(code) == 2:
        query["niva"] = "lan"
    if group == "egen":
        query["urval"] = ",".join(PICKED[code])
    return query


# --- what the files say, per municipality and per county -----------------------------------------


def reference_day(corpus: Corpus, year: int, today: date) -> date:
    """Days left are counted from today for the latest reporting year (and the current year),
    from 31 December for an earlier one."""
    return today if year == corpus.last_year or year >= today.year else date(year, 12, 31)


def from_report(facts: dict, year: int, population: int, day: date) -> dict:
    """The indicators of one current report."""
    fte = facts["coordinator_fte"]
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_force = facts["agreement"] and facts["valid_from"] <= last and facts["valid_to"] >= first
    promised, kept = facts["promises"], facts["promises_fulfilled"]
    updated = facts["situation_updated"]
    return {
        "has_report": True,
        "has_council": facts["council"],
        "has_coordinator": None if fte is None else fte > 0,
        "has_agreement_in_force": bool(in_force),
        "has_promises": promised > 0,
        "has_situation_report": facts["situation_report"],
        "has_action_plan": facts["action_plan"],
        "meets_legal_requirements": facts["council"]
        and facts["situation_report"]
        and facts["action_plan"],
        "uses_est": "est" in facts["models"],
        "uses_sspf": "sspf" in facts["models"],
        "coordinator_fte_per_10k": None if fte is None else fte * 10_000 / population,
        "promises_count": float(promised),
        "promises_fulfilled_share": 100 * kept / promised if promised else None,
        "spent_per_inhabitant": facts["spent"] / population,
        "situation_report_age": None if updated is None else float(year - updated),
        "agreement_days_left": float((facts["valid_to"] - day).days)
        if facts["agreement"]
        else None,
        # what the county figures add up, and what a report left out
        "_fte": fte,
        "_promises": promised,
        "_fulfilled": kept,
        "_spent": facts["spent"],
        "_left_out": {
            "coordinator_fte_per_10k": fte is None,
            "situation_report_age": facts["situation_report"] and updated is None,
        },
    }


def without_report() -> dict:
    out = dict.fromkeys((*YES_NO, *NUMBERS))
    out.update(has_report=False, _fte=None, _promises=0, _fulfilled=0, _spent=0.0, _left_out={})
    del out["granted_per_inhabitant"]
    return out


def municipalities_in(corpus: Corpus, year: int, today: date) -> dict[str, dict]:
    """Every municipality of the reference list with its indicators for ``year``."""
    granted: dict[str, float] = defaultdict(float)
    for row in corpus.grants.values():
        if row["municipality_code"] is not None and row["funding_year"] == year:
            granted[row["municipality_code"]] += row["granted"]
    day = reference_day(corpus, year, today)
    out = {}
    for m in corpus.municipalities:
        code, population = m["municipality_code"], m["population"]
        facts = corpus.reports.get((code, year))
        place = {
            "code": code,
            "name": m["municipality_name"],
            "county": m["county_code"],
            "county_name": m["county_name"],
            "police_region": m["police_region"],
            "group": corpus.groups[code][0],
            "group_name": corpus.groups[code][1],
            "population": population,
            "granted_per_inhabitant": granted[code] / population,
        }
        place.update(
            without_report() if facts is None else from_report(facts, year, population, day)
        )
        out[code] = place
    return out


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def as_region(code: str, name: str, places: list[dict], granted: float) -> dict:
    """A county (or the nation) from its municipalities: yes/no as the share (%) of those with a
    value that say yes; FTE per 10 000 over the municipalities that gave one; promises per
    reporting municipality; the fulfilled share of all its promises; money per inhabitant with
    its county-level grants (in ``granted``); the medians of the situation report age and the
    days left."""
    population = sum(p["population"] for p in places)
    reporting = [p for p in places if p["has_report"]]
    with_fte = [p for p in places if p["_fte"] is not None]
    promised = sum(p["_promises"] for p in reporting)
    row = {
        "code": code,
        "name": name,
        "population": population,
        "coordinator_fte_per_10k": sum(p["_fte"] for p in with_fte)
        * 10_000
        / sum(p["population"] for p in with_fte)
        if with_fte
        else None,
        "promises_count": statistics.fmean(p["promises_count"] for p in reporting)
        if reporting
        else None,
        "promises_fulfilled_share": 100 * sum(p["_fulfilled"] for p in reporting) / promised
        if promised
        else None,
        "granted_per_inhabitant": granted / population,
        "spent_per_inhabitant": sum(p["_spent"] for p in reporting) / population,
    }
    for key in YES_NO:
        known = [p[key] for p in places if p[key] is not None]
        row[key] = 100 * sum(known) / len(known) if known else None
    for key in ("situation_report_age", "agreement_days_left"):
        row[key] = median_or_none([p[key] for p in places if p[key] is not None])
    return row


def counties_in(corpus: Corpus, year: int, today: date) -> dict[str, dict]:
    """Every county for ``year`` (``as_region``), and the nation the same way under "SE"."""
    places = municipalities_in(corpus, year, today)
    members: dict[str, list[dict]] = defaultdict(list)
    for place in places.values():
        members[place["county"]].append(place)
    granted: dict[str, float] = defaultdict(float)
    for row in corpus.grants.values():
        if row["funding_year"] == year:
            granted[row["county_code"]] += row["granted"]
    out = {
        county: as_region(county, group[0]["county_name"], group, granted[county])
        for county, group in members.items()
    }
    out["SE"] = as_region("SE", "Sverige", list(places.values()), sum(granted.values()))
    return out


@pytest.fixture(scope="module")
def files(corpus):
    """The places of a year from the files: ``files(year)`` municipalities, ``files(year,
    county=True)`` counties (computed once per year)."""
    today = date.today()
    done: dict[tuple[int, bool], dict[str, dict]] = {}

    def places(year: int, county: bool = False) -> dict[str, dict]:
        if (year, county) not in done:
            build = counties_in if county else municipalities_in
            done[(year, county)] = build(corpus, year, today)
        return done[(year, county)]

    return places


# --- peers, ranks, quantiles, the comparison -----------------------------------------------------


def band(population: int) -> tuple[int, int]:
    """The smallest and largest whole population from half to double ``population``."""
    return math.ceil(population / 2), population * 2


def peer_codes(places: dict[str, dict], code: str, group: str) -> set[str]:
    """The peers of ``code`` in ``group`` (never the place itself)."""
    me = places[code]
    others = [p for c, p in places.items() if c != code]
    if group == "folkmangd":
        return {
            p["code"]
            for p in others
            if me["population"] <= 2 * p["population"] <= 4 * me["population"]
        }
    if group == "egen":
        return {p["code"] for p in others if p["code"] in PICKED[code]}
    if group == "lan_alla":
        return {p["code"] for p in others}
    field = {"kommungrupp": "group", "lan": "county", "polisregion": "police_region"}[group]
    return {p["code"] for p in others if p[field] == me[field]}


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), by the standard library."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    if q == 0.5:
        return float(statistics.median(values))
    quartiles = statistics.quantiles(values, n=4, method="inclusive")
    return quartiles[{0.25: 0, 0.75: 2}[q]]


def competition_rank(value, others: list, lowest_is_best: bool) -> tuple[int, int] | None:
    """(rank, among how many): 1 is the best, ties share the better rank; only values count."""
    if value is None:
        return None
    field = sorted(
        [float(value), *(float(v) for v in others if v is not None)], reverse=not lowest_is_best
    )
    return field.index(float(value)) + 1, len(field)


def expected_rows(
    me: dict, peers: list[dict], nation: list[dict], county: bool, national: dict | None = None
) -> dict:
    """Per indicator: the place's value, the peers' summary, the rank and the nation (the
    median of ``nation``, or for a county comparison the nation's own value ``national``)."""
    out = {}
    for key in (*YES_NO, *NUMBERS):
        values = [p[key] for p in peers]
        known = [v for v in values if v is not None]
        everywhere = [p[key] for p in nation if p[key] is not None]
        row = {
            "value": me[key],
            "rank": competition_rank(me[key], values, LOWEST_FIRST.get(key, False)),
            # a yes/no: the peers without an answer; a number: those without a report or whose
            # report left the item out (no agreement means no days left, not "not reported")
            "not_reported": len(values) - len(known)
            if key in YES_NO or county
            else sum(
                1
                for p in peers
                if p[key] is None and (not p["has_report"] or p["_left_out"].get(key, False))
            ),
            "national_base": len(everywhere),
        }
        if key in YES_NO and not county:
            yes = sum(1 for v in known if v)
            row.update(
                kind="bool",
                yes=yes,
                base=len(known),
                share=100 * yes / len(known) if known else None,
                national=100 * sum(everywhere) / len(everywhere) if everywhere else None,
            )
        else:
            row.update(
                kind="number",
                n=len(known),
                p25=percentile(known, 0.25),
                median=percentile(known, 0.5),
                p75=percentile(known, 0.75),
                low=min(known, default=None),
                high=max(known, default=None),
                national=percentile(everywhere, 0.5) if national is None else national[key],
            )
        out[key] = row
    return out


def expected_for(files, code: str, year: int, group: str) -> tuple[dict, set[str], dict]:
    """The place, its peers' codes and every row, recomputed from the files."""
    county = len(code) == 2
    places = dict(files(year, county=county))
    national = places.pop("SE", None)
    peers = peer_codes(places, code, group)
    rows = expected_rows(
        places[code], [places[c] for c in sorted(peers)], list(places.values()), county, national
    )
    if county:  # the nation's value stands with its base: its municipalities with a value
        municipalities = files(year).values()
        for key, row in rows.items():
            row["national_muni_base"] = sum(1 for p in municipalities if p[key] is not None)
    return places[code], peers, rows


# --- reading what the page shows and downloads ---------------------------------------------------

DOWNLOAD = {
    "yes": "cmp_dl_yes",
    "base": "cmp_dl_base",
    "share": "cmp_dl_share",
    "n": "cmp_dl_n",
    "not_reported": "cmp_dl_not_reported",
    "rank": "cmp_dl_rank",
    "rank_of": "cmp_dl_rank_of",
    "national": "cmp_dl_national",
    "national_base": "cmp_dl_national_base",
}
QUANTILES = {"p25": "P25", "median": "Median", "p75": "P75", "low": "Min", "high": "Max"}


def downloaded(content: cstate.Content) -> dict[str, dict]:
    """The comparison's download, per indicator key, with the columns named as above."""
    frame = content.table("comparison").download_frame
    columns = {name: t(key, SV) for name, key in DOWNLOAD.items()} | QUANTILES
    out = {}
    for row in frame.iter_rows(named=True):
        got = {name: row[column] for name, column in columns.items()}
        # a yes/no answer in words, a number as a number (its own typed column)
        answer = row[t("cmp_dl_answer", SV, name=content.name)]
        got["value"] = (
            answer if answer is not None else row[t("cmp_dl_value", SV, name=content.name)]
        )
        got["label"] = row[t("indicator", SV)]
        out[row[t("cmp_dl_key", SV)]] = got
    assert len(out) == frame.height, "one row per indicator"
    return out


def as_number(value) -> float | None:
    """A downloaded value of a number row (whatever type it arrived as)."""
    return None if value is None else float(value)


NUMBER_TEXT = re.compile(r"(?<![\w,])-?\d{1,3}(?:\u00a0\d{3})*(?:,\d+)?(?![\d:])")


def read_numbers(text: str) -> tuple[str, list[tuple[float, int]]]:
    """The text with every number as ``#``, and the numbers with their shown decimals."""
    found = []

    def take(match: re.Match) -> str:
        digits = match.group().replace(NBSP, "")
        decimals = len(digits.split(",")[1]) if "," in digits else 0
        found.append((float(digits.replace(",", ".")), decimals))
        return "#"

    return NUMBER_TEXT.sub(take, text), found


def assert_shown(text: str, skeleton: str, numbers: list, where) -> None:
    """``text`` reads ``skeleton`` with each ``#`` the recomputed number, rounded as shown."""
    shape, shown = read_numbers(text)
    assert shape == skeleton, (where, text)
    assert len(shown) == len(numbers), (where, text)
    for (value, decimals), expected in zip(shown, numbers, strict=True):
        assert abs(value - expected) <= 0.5 * 10**-decimals + 1e-9, (where, text, expected)


def ordinal(n: int) -> str:
    return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"


def expected_screen(key: str, row: dict, county: bool) -> list[tuple[str, list]]:
    """The four cells of an indicator's row on the screen: (skeleton, numbers) each."""
    pct = f"#{NBSP}%"
    x = pct if key == "promises_fulfilled_share" or key in YES_NO else "#"
    missing = ("; # ej rapporterat", [row["not_reported"]]) if row["not_reported"] else ("", [])
    if row["kind"] == "bool":
        value = (status_label(row["value"], SV), [])
        if not row["base"]:
            peers = ("Inga värden" + missing[0], missing[1])
        else:
            words = "(# av #)" if key == "has_report" else "(# av # rapporterande)"
            peers = (
                f"{pct} {words}{missing[0]}",
                [row["share"], row["yes"], row["base"], *missing[1]],
            )
        nation = (f"{pct} (av #)", [row["national"], row["national_base"]])
    else:
        value = ("–", []) if row["value"] is None else (x, [row["value"]])
        if not row["n"]:
            peers = ("Inga värden" + missing[0], missing[1])
        else:
            stats = [row[k] for k in ("median", "p25", "p75", "low", "high")] + [row["n"]]
            peers = (
                f"median {x} (P25 {x} – P75 {x}; min {x} – max {x}; # med värde){missing[0]}",
                stats + missing[1],
            )
        nation = ("–", []) if row["national"] is None else (f"median {x}", [row["national"]])
    if county and row["national"] is not None:  # the nation's own value with its base
        nation = (f"{x} (av #)", [row["national"], row["national_muni_base"]])
    rank = row["rank"]
    shape, numbers = read_numbers("–" if rank is None else f"{ordinal(rank[0])} av {rank[1]}")
    return [value, peers, (shape, [n for n, _ in numbers]), nation]


def assert_close(got: dict, want: dict, where) -> None:
    """Equal, numbers to 1e-9 (relative); None only where None is expected."""
    nones = {k for k, v in want.items() if v is None}
    assert {k for k, v in got.items() if v is None} == nones, (where, got, want)
    numbers = {k: v for k, v in want.items() if v is not None}
    assert {k: got[k] for k in numbers} == pytest.approx(numbers, rel=1e-9, abs=1e-9), where


def check_comparison(content: cstate.Content, rows: dict, county: bool, where) -> None:
    """The download and the screen of the comparison say what ``rows`` say."""
    got = downloaded(content)
    assert list(got) == [*YES_NO, *NUMBERS] == list(rows)
    for key, expected in rows.items():
        row = got[key]
        label = INDICATORS[key].label(SV) if key in INDICATORS else None
        if label is not None:
            assert row["label"] == (f"{label} (andel kommuner)" if county else label), key
        rank = expected["rank"]
        want = {
            "rank": rank and rank[0],
            "rank_of": rank and rank[1],
            "national": expected["national"],
        }
        if not county:  # a county's national base: its own test below
            want["national_base"] = expected["national_base"]
        if expected["kind"] == "bool":
            assert row["value"] == status_label(expected["value"], SV), (where, key)
            want |= {k: expected[k] for k in ("yes", "base", "share", "not_reported")}
            want |= dict.fromkeys(("n", *QUANTILES))
        else:
            assert_close({"value": as_number(row["value"])}, {"value": expected["value"]}, key)
            want |= {k: expected[k] for k in ("n", *QUANTILES)} | {"yes": None, "base": None}
            want["share"] = None
            if county:  # a municipality's "not reported" for numbers: its own test below
                want["not_reported"] = expected["not_reported"]
        assert_close({k: row[k] for k in want}, want, (where, key))

    shown = content.table("comparison").frame
    keys = list(got)
    assert shown.height == len(keys)
    for key, cells in zip(keys, shown.iter_rows(), strict=True):
        assert cells[0] == got[key]["label"]
        for column, text, (skeleton, numbers) in zip(
            shown.columns[1:], cells[1:], expected_screen(key, rows[key], county), strict=True
        ):
            assert_shown(text, skeleton, numbers, (where, key, column))


# --- the chosen places --------------------------------------------------------------------------


def test_the_chosen_places_are_what_they_should_be(corpus, files):
    code, year = LACKING
    me = files(year)[code]
    said_no = [k for k in REQUIREMENTS if me[k] is False]
    assert len(said_no) >= 3 and me["has_report"], said_no
    assert any(me[k] is None for k in REQUIREMENTS), "one requirement without a value"
    assert year == corpus.last_year  # days left from today

    code, year = COMPLETE
    me = files(year)[code]
    assert all(me[k] is True for k in REQUIREMENTS)
    assert all(me[k] is not None for k in NUMBERS)
    assert year < corpus.last_year  # days left from 31 December
    county_members = [p for p in files(year).values() if p["county"] == me["county"]]
    assert sum(not p["has_report"] for p in county_members) >= 2

    code, year = COUNTY
    members = [p for p in files(year).values() if p["county"] == code]
    assert sum(not p["has_report"] for p in members) >= 2
    county = files(year, county=True)[code]
    shares = [county[k] for k in REQUIREMENTS]
    assert 100 in shares and min(shares) < 100  # one requirement met by all, others not
    assert len(files(year, county=True)) == 21 + 1  # and the nation

    for code, picked in PICKED.items():
        year = {LACKING[0]: LACKING[1], COMPLETE[0]: COMPLETE[1]}.get(code)
        if year is not None:
            assert sum(not files(year)[c]["has_report"] for c in picked) == 2, code


# --- a municipality against its peers -----------------------------------------------------------

MUNICIPALITY_CASES = [
    pytest.param(place, group, id=f"{place[0]}-{place[1]}-{group}")
    for place in (LACKING, COMPLETE)
    for group in MUNICIPAL_GROUPS
]
COUNTY_CASES = [
    pytest.param(COUNTY, group, id=f"lan{COUNTY[0]}-{COUNTY[1]}-{group}") for group in COUNTY_GROUPS
]


@pytest.mark.parametrize(("place", "group"), MUNICIPALITY_CASES + COUNTY_CASES)
def test_the_peers_are_the_files_peers(page, files, place, group):
    code, year = place
    content = page(**query_for(code, year, group))
    _, peers, _ = expected_for(files, code, year, group)
    assert peers and code not in peers
    assert set(content.group["code"].to_list()) == peers
    assert content.group.height == len(peers)
    table = content.table("peers")
    places = files(year, county=len(code) == 2)
    assert sorted(table.frame[table.frame.columns[0]].to_list()) == sorted(
        places[c]["name"] for c in peers
    )


@pytest.mark.parametrize("place", [LACKING, COMPLETE], ids=lambda p: f"{p[0]}-{p[1]}")
def test_the_population_band_is_stated(page, files, place):
    """The band of "Liknande folkmängd" as the page states it: from half to double the
    population (Mark, 35 141 inhabitants: 17 571 to 70 282, since no whole population lies
    between 17 570,5 and 17 571)."""
    code, year = place
    low, high = band(files(year)[code]["population"])
    label = page(**query_for(code, year, "folkmangd")).group_label()
    assert label == f"kommuner med {low:,}–{high:,} invånare".replace(",", NBSP)


@pytest.mark.parametrize(("place", "group"), MUNICIPALITY_CASES + COUNTY_CASES)
def test_the_comparison_matches_the_files(page, files, place, group):
    code, year = place
    content = page(**query_for(code, year, group))
    _, _, rows = expected_for(files, code, year, group)
    check_comparison(content, rows, len(code) == 2, (code, year, group))


def expected_learn(me: dict, peers: list[dict]) -> list[tuple]:
    """For each requirement the municipality answered "no" (not unreported): the peers that say
    yes, same municipality group first, then the smallest population difference, then name."""

    def name_order(name: str) -> list:
        return [
            (SWEDISH_LETTERS.index(c), c) if c in SWEDISH_LETTERS else (-1, c)
            for c in name.casefold().replace("é", "e")
        ]

    out = []
    for key in REQUIREMENTS:
        if me[key] is not False:
            continue
        meeting = [p for p in peers if p[key] is True]
        meeting.sort(
            key=lambda p: (
                p["group"] != me["group"],
                abs(p["population"] - me["population"]),
                name_order(p["name"]),
            )
        )
        label = INDICATORS[key].label(SV)
        out += [
            (
                label,
                p["name"],
                p["group_name"],
                p["population"],
                status_label(p["group"] == me["group"], SV),
            )
            for p in meeting
        ]
    return out


@pytest.mark.parametrize(("place", "group"), MUNICIPALITY_CASES)
def test_learn_from_matches_the_files(page, files, place, group):
    code, year = place
    content = page(**query_for(code, year, group))
    places = files(year)
    _, peers, _ = expected_for(files, code, year, group)
    expected = expected_learn(places[code], [places[c] for c in peers])
    got = content.table("learn").frame.rows()
    assert got == expected
    if place == COMPLETE:
        assert got == []
    else:
        lacking = {INDICATORS[k].label(SV) for k in REQUIREMENTS if places[code][k] is False}
        assert {row[0] for row in got} <= lacking
        assert INDICATORS["has_coordinator"].label(SV) not in {row[0] for row in got}


def test_learn_from_orders_the_same_group_first(page, files):
    """In the county the peers come from several municipality groups."""
    code, year = LACKING
    got = page(**query_for(code, year, "lan")).table("learn").frame
    same = got[got.columns[-1]].to_list()
    assert "Ja" in same and "Nej" in same


@pytest.mark.parametrize("group", COUNTY_GROUPS)
def test_county_learn_from_matches_the_files(page, files, group):
    """Per requirement not every municipality of the county meets: the counties (among the peers)
    with a higher share, highest first."""
    code, year = COUNTY
    counties = {c: row for c, row in files(year, county=True).items() if c != "SE"}
    me = counties[code]
    peers = [counties[c] for c in peer_codes(counties, code, group)]
    expected = []
    for key in REQUIREMENTS:
        if me[key] is not None and me[key] >= 100:
            continue
        better = [p for p in peers if p[key] is not None and (me[key] is None or p[key] > me[key])]
        better.sort(key=lambda p: (-p[key], p["code"]))
        label = f"{INDICATORS[key].label(SV)} (andel kommuner)"
        expected += [(label, p["name"], p["population"], p[key]) for p in better]
    got = page(**query_for(code, year, group)).table("learn").frame.rows()
    assert [row[:3] for row in got] == [row[:3] for row in expected]
    assert [row[3] for row in got] == pytest.approx([row[3] for row in expected], rel=1e-9)
    assert expected


@pytest.mark.parametrize(
    ("place", "group", "key"),
    [
        (LACKING, "lan", "has_action_plan"),
        (COMPLETE, "kommungrupp", "agreement_days_left"),
        (COMPLETE, "folkmangd", "coordinator_fte_per_10k"),
    ],
    ids=lambda v: v if isinstance(v, str) else f"{v[0]}-{v[1]}",
)
def test_the_years_table_matches_the_files(page, files, place, group, key):
    """Year by year: the value, the peers' share or median and its base, the nation; days left
    from 31 December for the earlier years and from today for the latest."""
    code, year = place
    frame = page(**query_for(code, year, group, ind=key)).table("years").frame
    expected = []
    for each in YEARS:
        places = files(each)
        peers = [places[c] for c in sorted(peer_codes(places, code, group))]
        row = expected_rows(places[code], peers, list(places.values()), False)[key]
        if row["kind"] == "bool":
            expected.append(
                (
                    str(each),
                    status_label(row["value"], SV),
                    row["share"],
                    row["base"],
                    row["national"],
                )
            )
        else:
            expected.append((str(each), row["value"], row["median"], row["n"], row["national"]))
    got = frame.rows()
    assert [(str(r[0]), r[1]) for r in got] == [r[:2] for r in expected]
    assert [r[2:] for r in got] == [pytest.approx(r[2:], rel=1e-9) for r in expected]


# --- the URL's hand-picked list, peers without a report -----------------------------------------


def test_a_hand_picked_list_from_the_url(wh, files):
    """``urval``: codes split on commas and semicolons, unknown codes, repeats and the place
    itself left out; the comparison is over exactly those peers."""
    code, year = COMPLETE
    meta = data.meta(wh)
    raw = {
        "kod": code,
        "year": str(year),
        "grupp": "egen",
        "urval": " 1496;1438 , 1415,9999,1463, 1496,0883;1480,",
    }
    st = cstate.parse(wh, meta, raw)
    assert st["group"] == "egen"
    assert st["picked"] == ["1496", "1438", "1415", "0883", "1480"]
    content = cstate.Content(wh, meta, st, SV)
    assert sorted(content.group["code"].to_list()) == sorted(PICKED[code])
    assert content.group_label() == "eget urval (5)"
    places = files(year)
    rows = expected_rows(
        places[code], [places[c] for c in PICKED[code]], list(places.values()), False
    )
    check_comparison(content, rows, False, ("urval", code, year))
    assert "urval=1496%2C1438%2C1415%2C0883%2C1480" in cstate.href(st) or (
        "urval=1496,1438,1415,0883,1480" in cstate.href(st)
    )


def test_a_peer_without_a_report_is_counted_apart(page, files):
    """Two of the hand-picked peers sent no report for the year: for every yes/no indicator they
    are "ej rapporterat", outside the base, never a "no"; "Rapport inkommen" counts them."""
    code, year = COMPLETE
    places = files(year)
    silent = [c for c in PICKED[code] if not places[c]["has_report"]]
    assert len(silent) == 2
    got = downloaded(page(**query_for(code, year, "egen")))
    for key in YES_NO[:-1]:
        reported = [places[c][key] for c in PICKED[code] if places[c]["has_report"]]
        no = sum(1 for v in reported if v is False)
        row = got[key]
        assert row["not_reported"] >= 2, key
        assert row["base"] == sum(1 for v in reported if v is not None), key
        assert row["base"] - row["yes"] == no, key  # the silent ones are not among the "no"
    report = got["has_report"]
    assert (report["yes"], report["base"], report["not_reported"]) == (3, 5, 0)
    shown = page(**query_for(code, year, "egen")).table("comparison").frame
    text = dict(zip(shown[shown.columns[0]], shown[shown.columns[2]], strict=True))
    assert text[INDICATORS["has_council"].label(SV)].endswith("; 2 ej rapporterat")


NOT_REPORTED_CASES = [
    pytest.param(place, group, id=f"{place[0]}-{place[1]}-{group}")
    for place in (LACKING, COMPLETE)
    for group in ("lan", "egen")
]


@pytest.mark.parametrize(("place", "group"), NOT_REPORTED_CASES)
def test_a_number_calls_unreported_only_the_peers_that_did_not_report(page, files, place, group):
    """A number over peers: the peers without a value are those without a report, those whose
    report left the item out, and those for which it does not exist (no agreement, no promises,
    no situation report). Only the first two are "ej rapporterat": a peer that reported "no
    agreement" did report. (Granted per inhabitant comes from the register: every peer has one.)"""
    code, year = place
    places = files(year)
    peers = [places[c] for c in peer_codes(places, code, group)]
    got = downloaded(page(**query_for(code, year, group)))
    wrong = {}
    for key in NUMBERS:
        unreported = sum(
            1
            for p in peers
            if p[key] is None and (not p["has_report"] or p["_left_out"].get(key, False))
        )
        with_value = sum(1 for p in peers if p[key] is not None)
        assert got[key]["n"] == with_value, key
        if got[key]["not_reported"] != unreported:
            wrong[key] = {"expected": unreported, "got": got[key]["not_reported"]}
    assert wrong == {}, (code, year, group)


def test_a_county_s_national_share_has_its_base(page, files):
    """For a county "Riket" is the nation's own share of its municipalities with a value; its
    base in the download is that number of municipalities (as for a municipality), not the
    number of counties: a share goes with its denominator (INDICATORS.md)."""
    code, year = COUNTY
    places = files(year)
    got = downloaded(page(**query_for(code, year, "lan_alla")))
    wrong = {}
    for key in YES_NO:
        base = sum(1 for p in places.values() if p[key] is not None)
        if got[key]["national_base"] != base:
            wrong[key] = {"expected": base, "got": got[key]["national_base"]}
    assert wrong == {}, (code, year)


def test_the_download_carries_the_place_s_numbers_as_numbers(page):
    """Each number in a column of its own, as a number: the place's own value of a number row
    must not arrive as text (a Swedish CSV would carry "0.19" with a decimal point, XLSX a text
    cell, and a negative count of days an apostrophe)."""
    code, year = COMPLETE
    got = downloaded(page(**query_for(code, year, "lan")))
    as_text = {k: got[k]["value"] for k in NUMBERS if isinstance(got[k]["value"], str)}
    assert as_text == {}


# --- rank and quantile on hand-made lists -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "others", "lower", "expected"),
    [
        (10, [10, 9, 9, 7], False, (1, 5)),
        (9, [10, 10, 9, 7], False, (3, 5)),  # 10, 10 first: ties share the better rank
        (7, [10, 9, 9], False, (4, 4)),  # 1, 2, 2, 4
        (9, [10, 9, 7], False, (2, 4)),
        (9, [10, None, 9, None, 7], False, (2, 4)),  # no value, no rank, not counted
        (None, [10, 9], False, None),
        (1, [0, 3, 1, None], True, (2, 4)),  # fewest years since the update is best
        (0, [0, 3, 1], True, (1, 4)),
        (5, [], False, (1, 1)),
        (5, [None, None], True, (1, 1)),
    ],
)
def test_rank(value, others, lower, expected):
    assert cmp.rank(value, others, lower) == expected
    assert competition_rank(value, others, lower) == expected


def test_rank_of_ties_is_1_2_2_4():
    values = [40.0, 30.0, 30.0, 10.0]
    ranks = [cmp.rank(v, values[:i] + values[i + 1 :], False)[0] for i, v in enumerate(values)]
    assert ranks == [1, 2, 2, 4]
    ranks = [cmp.rank(v, values[:i] + values[i + 1 :], True)[0] for i, v in enumerate(values)]
    assert ranks == [4, 2, 2, 1]


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4], 0.5, 2.5),
        ([1, 2, 3, 4], 0.25, 1.75),
        ([1, 2, 3, 4], 0.75, 3.25),
        ([4, 1, 3, 2], 0.25, 1.75),  # order does not matter
        ([7], 0.25, 7),
        ([7], 0.75, 7),
        ([1, 3], 0.5, 2),
        ([0, 0, 0, 10], 0.75, 2.5),
        ([1, 2, 2, 4, 10], 0.25, 2),
        ([1, 2, 2, 4, 10], 0.75, 4),
        ([-214, 410, 699, 1400], 0.25, 254),
        ([1, 2, 3, 4], 0.0, 1),
        ([1, 2, 3, 4], 1.0, 4),
        ([], 0.5, None),
    ],
)
def test_quantile(values, q, expected):
    assert cmp.quantile(values, q) == pytest.approx(expected)
    if q in (0.25, 0.5, 0.75):
        assert percentile(values, q) == pytest.approx(expected)


def test_quantile_over_peers_leaves_out_the_missing():
    """The page's compare() over hand-made units: None is no value, not 0."""
    me = {k: None for k in (*cmp.BOOLS, *cmp.NUMBERS)} | {"promises_count": 2.0}
    group = pl.DataFrame(
        {
            **{k: [None, None, None, None] for k in cmp.BOOLS},
            **{k: [None, None, None, None] for k in cmp.NUMBERS},
        },
        schema={**dict.fromkeys(cmp.BOOLS, pl.Boolean), **dict.fromkeys(cmp.NUMBERS, pl.Float64)},
    ).with_columns(
        promises_count=pl.Series([4.0, None, 1.0, 2.0]),
        has_council=pl.Series([True, None, False, True]),
        has_report=pl.Series([True, False, True, True]),  # the second peer sent no report
    )
    rows = {r.key: r for r in cmp.compare(me, group, group, False)}
    row = rows["promises_count"]
    assert (row.peers_n, row.peers_not_reported) == (3, 1)
    assert (row.median, row.p25, row.p75, row.low, row.high) == (2, 1.5, 3, 1, 4)
    assert row.rank == (2, 4)  # 4, then 2 and 2 share the 2nd place
    row = rows["has_council"]
    assert (row.peers_yes, row.peers_base, row.peers_not_reported) == (2, 3, 1)
    assert row.peers_share == pytest.approx(200 / 3)
    assert row.rank is None  # no value, no rank
