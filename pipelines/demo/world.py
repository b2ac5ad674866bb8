"""The synthetic world behind the demo files: municipalities and how they mature over the years.

Every municipality gets a latent maturity (its size, its police region and county, its own
noise), and from it a percentile per feature (council, coordinator, agreement, promises,
situation report, action plan, coordination models). A feature is present in a year when the
percentile lies below that year's national coverage, so coverage follows COVERAGE exactly and a
municipality that has a feature keeps it as coverage rises. The chain of police agreements and
action plan dates is drawn once per municipality, from HISTORY_START on, so it does not depend on
which years are written.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.contract import COUNCIL_MEMBERS
from pipelines.demo.draws import focus, weighted
from pipelines.reference import municipalities

# The demo world's present: grants of this year and later are only partly paid out.
PRESENT_YEAR = 2025
# Years of agreement and council history computed before the first year written.
HISTORY_START = 2000

# National coverage per feature and year (share of municipalities that have it). Before the first
# point coverage falls by EARLIER_SLOPE a year; after the last it stays.
COVERAGE: dict[str, dict[int, float]] = {
    "council": {2016: 0.80, 2018: 0.86, 2020: 0.91, 2022: 0.94, 2023: 0.97, 2024: 0.99},
    "coordinator": {2016: 0.62, 2018: 0.72, 2020: 0.81, 2022: 0.88, 2023: 0.93, 2024: 0.97},
    "agreement": {2016: 0.72, 2017: 0.80, 2018: 0.86, 2019: 0.90, 2020: 0.93, 2022: 0.95},
    "promises": {2015: 0.0, 2016: 0.22, 2017: 0.50, 2018: 0.68, 2019: 0.78, 2022: 0.83, 2025: 0.86},
    "situation": {2016: 0.30, 2019: 0.42, 2022: 0.55, 2023: 0.72, 2024: 0.90, 2025: 0.96},
    "action_plan": {2016: 0.15, 2019: 0.23, 2022: 0.33, 2023: 0.45, 2024: 0.68, 2025: 0.84},
    "est": {2016: 0.03, 2019: 0.12, 2022: 0.25, 2025: 0.36},
    "sspf": {2016: 0.30, 2019: 0.48, 2022: 0.62, 2025: 0.72},
}
EARLIER_SLOPE = 0.04
# How much each feature follows the municipality's general maturity (the rest is its own noise).
FEATURE_NOISE = {"council": 0.7, "coordinator": 0.6, "agreement": 0.8, "promises": 0.9}
DEFAULT_NOISE = 0.9
# Regional differences: police regions ahead of or behind the national curve.
REGION_EFFECT = {
    "Stockholm": 0.35,
    "Syd": 0.25,
    "Väst": 0.15,
    "Öst": 0.05,
    "Bergslagen": 0.0,
    "Mitt": -0.2,
    "Nord": -0.4,
}

COUNCIL_NAMES = (
    "Brottsförebyggande rådet i {name}",
    "Trygghetsrådet i {name}",
    "Lokala BRÅ {name}",
    "Rådet för trygghet och säkerhet i {name}",
    "Samverkansgruppen Trygg i {name}",
)
OPTIONAL_MEMBERS = {
    "rescue_service": 0.75,
    "housing_company": 0.6,
    "school": 0.8,
    "social_services": 0.85,
    "leisure": 0.6,
    "business": 0.3,
    "civil_society": 0.35,
    "region": 0.25,
    "county_board": 0.15,
    "other": 0.1,
}
assert set(OPTIONAL_MEMBERS) | {"municipality", "police"} == set(COUNCIL_MEMBERS)


def _curve(feature: str, year: int) -> float:
    points = COVERAGE[feature]
    years = sorted(points)
    if year <= years[0]:
        return max(0.0, points[years[0]] - EARLIER_SLOPE * (years[0] - year))
    if year >= years[-1]:
        return points[years[-1]]
    for low, high in itertools.pairwise(years):
        if low <= year <= high:
            return points[low] + (points[high] - points[low]) * (year - low) / (high - low)
    raise AssertionError(year)  # pragma: no cover


@dataclass
class Period:
    """One collaboration agreement with the police."""

    signed: date
    valid_from: date
    valid_to: date
    focus: list[str]


@dataclass
class Municipality:
    code: str
    name: str
    county_code: str
    county_name: str
    region: str
    population: int
    maturity: float = 0.0
    score: dict[str, float] = field(default_factory=dict)  # percentile per feature, low = early
    council_name: str = ""
    chair: str = "municipality"
    members: list[str] = field(default_factory=list)
    established: int = 0
    fte_base: float = 0.0
    xlsx_share: float = 0.5
    police_area: str = ""
    agreements: list[Period] = field(default_factory=list)
    plan_dates: list[date] = field(default_factory=list)

    def has(self, feature: str, year: int) -> bool:
        return self.score[feature] < _curve(feature, year)

    def first_year(self, feature: str) -> int | None:
        return next((y for y in range(HISTORY_START, 2040) if self.has(feature, y)), None)

    @property
    def small(self) -> bool:
        return self.population < 15_000


def _fte_base(population: int, rng: random.Random) -> float:
    """Coordinator time by size: part-time in small municipalities, several in the cities."""
    if population < 10_000:
        return rng.uniform(0.1, 0.35)
    if population < 25_000:
        return rng.uniform(0.2, 0.5)
    if population < 60_000:
        return rng.uniform(0.5, 1.2)
    if population < 150_000:
        return rng.uniform(1.0, 2.5)
    if population < 400_000:
        return rng.uniform(2.0, 5.0)
    return rng.uniform(5.0, 9.0)


def build_world(seed: int) -> list[Municipality]:
    frame = municipalities().sort("municipality_code")
    world_rng = random.Random(f"{seed}:world")
    county_effect = {
        code: world_rng.gauss(0, 0.2) for code in sorted(set(frame["county_code"].to_list()))
    }
    world: list[Municipality] = []
    latent: dict[str, dict[str, float]] = {}
    for row in frame.iter_rows(named=True):
        m = Municipality(
            code=row["municipality_code"],
            name=row["municipality_name"],
            county_code=row["county_code"],
            county_name=row["county_name"],
            region=row["police_region"],
            population=int(row["population"]),
        )
        rng = random.Random(f"{seed}:m:{m.code}")
        size = (math.log10(max(m.population, 1000)) - 4.3) * 0.8
        m.maturity = (
            rng.gauss(0, 0.8)
            + size
            + REGION_EFFECT.get(m.region, 0.0)
            + county_effect[m.county_code]
        )
        latent[m.code] = {
            feature: m.maturity + rng.gauss(0, FEATURE_NOISE.get(feature, DEFAULT_NOISE))
            for feature in COVERAGE
        }
        m.council_name = rng.choice(COUNCIL_NAMES).format(name=m.name)
        m.chair = weighted(rng, {"municipality": 60, "joint": 25, "police": 10, "other": 5}, 1)[0]
        m.members = ["municipality", "police"] + [
            key for key, p in OPTIONAL_MEMBERS.items() if rng.random() < p
        ]
        m.fte_base = _fte_base(m.population, rng)
        # Small offices fill in the Excel template more often than they produce JSON.
        m.xlsx_share = min(0.9, max(0.1, rng.gauss(0.6 if m.small else 0.42, 0.2)))
        m.police_area = f"Lokalpolisområde {m.name}"
        m.established = rng.randint(1993, 2012)  # for councils older than the history
        world.append(m)
    # Percentile ranks make each feature's national coverage follow its curve exactly.
    for feature in COVERAGE:
        order = sorted(world, key=lambda m, f=feature: (-latent[m.code][f], m.code))
        for rank, m in enumerate(order):
            m.score[feature] = (rank + 0.5) / len(order)
    for m in world:
        rng = random.Random(f"{seed}:h:{m.code}")
        first = m.first_year("council")
        if first is not None and first > 2012:
            m.established = first
        m.agreements = _agreements(m, rng)
        m.plan_dates = _plan_dates(m, rng)
    return world


def _agreements(m: Municipality, rng: random.Random) -> list[Period]:
    """The chain of agreements: 3-4 years each, mostly renewed at once, sometimes months late."""
    first = m.first_year("agreement")
    if first is None:
        return []
    start = date(max(first, 2008), rng.randint(1, 12), 1)
    periods = []
    while start.year <= PRESENT_YEAR + 2:
        years = rng.choice((3, 3, 4, 4, 4))
        end = date(start.year + years, start.month, 1) - timedelta(days=1)
        signed = start - timedelta(days=rng.randint(5, 60))
        periods.append(Period(signed, start, end, focus(rng, rng.randint(2, 4))))
        gap = 0 if rng.random() < 0.8 else rng.randint(60, 420)  # a late renewal: expired meanwhile
        nxt = end + timedelta(days=1 + gap)
        start = date(nxt.year, nxt.month, 1)
        if start <= end:
            start = date(end.year + (end.month == 12), end.month % 12 + 1, 1)
    return periods


def _plan_dates(m: Municipality, rng: random.Random) -> list[date]:
    first = m.first_year("action_plan")
    if first is None:
        return []
    dates = []
    year = first
    while year <= PRESENT_YEAR + 2:
        dates.append(date(year, rng.randint(1, 12), rng.randint(1, 28)))
        year += rng.randint(2, 4)
    return dates
