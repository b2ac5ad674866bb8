"""A synthetic demo inbox: annual reports, grant registers and the broken files offices send.

`generate(out_dir, seed, years)` writes one report per municipality and year (JSON or XLSX, about
half each), a grant register per funding year (Swedish-Excel CSV, one year as XLSX, one as
comma-separated English keys), late, missing and revised reports and a handful of malformed files,
and returns a manifest of what it wrote and what ingest should make of each file. The manifest is
returned, not written into the inbox, because every file in the inbox gets ingested.

The world behind the files follows shared/DOMAIN.md: coverage of councils, coordinators,
agreements and citizen promises rises over the years, situation reports and action plans rise
sharply after the 2023 law (action plans lagging), regions and counties differ, small
municipalities have part-time coordinators, agreements run 3-4 years and are renewed (some late),
and the grant volumes match the public figures (about 60 granted municipalities in 2023, 97 in
2024). It is synthetic and must never be shown as real statistics.

Reproducible: every random draw comes from `random.Random` seeded with the seed plus a fixed label
(the municipality, the year), never from global state or the clock, so the same seed gives
byte-identical files, and a municipality's history does not depend on which years are written.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from pipelines.contract import (
    COUNCIL_MEMBERS,
    FOCUS_AREAS,
    GRANT_FIELDS,
    SCHEMA_VERSION,
)
from pipelines.reference import municipalities
from pipelines.template import report_to_xlsx_bytes, workbook_bytes
from pipelines.validate.coerce import STOCKHOLM

Progress = Callable[[int, int], None]

# The demo world's present: grants of this year and later are only partly paid out.
PRESENT_YEAR = 2025
# Reports are due on 31 March of the year after the reporting year.
DEADLINE_MONTH, DEADLINE_DAY = 3, 31
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
# Grant applications and granted municipalities per funding year (DOMAIN.md: 95/61 in 2023,
# 182/97 in 2024); in between and beyond, interpolated and held.
APPLIED = {2016: 40, 2019: 60, 2022: 80, 2023: 95, 2024: 182, 2025: 165}
GRANTED = {2016: 26, 2019: 40, 2022: 55, 2023: 61, 2024: 97, 2025: 92}
STANDARD_GRANT_CAP = 400_000

# Register formats: most years Swedish-Excel CSV; these years differ.
REGISTER_XLSX_YEAR = 2021
REGISTER_ENGLISH_YEAR = 2018
REGISTER_LOST_ZEROS_YEAR = 2020  # exported with the municipality codes' leading zeros lost

MALFORMED_KINDS = (
    "empty_file",
    "truncated_json",
    "invalid_values",
    "xlsx_missing_code",
    "word_renamed",
    "duplicate_copy",
    "register_bad_rows",
)

# --- texts -------------------------------------------------------------------------------------

COUNCIL_NAMES = (
    "Brottsförebyggande rådet i {name}",
    "Trygghetsrådet i {name}",
    "Lokala BRÅ {name}",
    "Rådet för trygghet och säkerhet i {name}",
    "Samverkansgruppen Trygg i {name}",
)
PLACES = ("centrum", "stationsområdet", "torget", "hamnen", "resecentrum", "skolområdena")
PROMISE_TITLES: dict[str, tuple[str, ...]] = {
    "public_space_safety": (
        "Fler trygghetsvandringar i {place}",
        "Bättre belysning längs gång- och cykelvägar",
        "Ökad närvaro av polis och kommun i {place}",
    ),
    "youth_crime": (
        "Förebygga ungdomsbrottslighet vid {place}",
        "Fler vuxna ute på helgkvällar",
    ),
    "drugs": (
        "Minska narkotikaförsäljningen i {place}",
        "Tidiga insatser mot narkotika bland unga",
    ),
    "domestic_violence": ("Stärkt stöd till våldsutsatta", "Mer kunskap om våld i nära relationer"),
    "school": ("Trygg skolväg för alla elever", "Samverkan mot skolfrånvaro"),
    "urban_planning": ("Tryggare utemiljöer vid nybyggnation", "Röj upp och rusta upp i {place}"),
    "technical_protection": ("Kameror och bättre lås vid {place}",),
    "property_marking": ("Stöldmärkning av cyklar och båtmotorer",),
    "information_campaign": ("Informationskampanj om bedrägerier mot äldre",),
    "organised_crime": ("Störa den organiserade brottsligheten i {place}",),
    "lifestyle_crime": ("Förebygga livsstilskriminalitet bland unga vuxna",),
    "victim_support": ("Snabbare stöd till brottsutsatta",),
    "parent_support": ("Föräldrastöd för tonårsföräldrar",),
    "exit_programme": ("Stöd till den som vill lämna kriminalitet",),
    "it_crime": ("Skydda äldre mot it-bedrägerier",),
    "other": ("Trygg sommar i {place}",),
}
PROJECT_TITLES: dict[str, tuple[str, ...]] = {
    "public_space_safety": ("Trygg stadsmiljö", "Trygghetsskapande åtgärder i {place}"),
    "youth_crime": ("Unga i fokus", "Tidiga insatser för unga i riskzon"),
    "drugs": ("Drogfri ungdomstid", "Förebyggande arbete mot narkotika"),
    "domestic_violence": ("Våldsförebyggande arbete i skolan",),
    "school": ("Trygg skola", "Skolan som skyddsfaktor"),
    "urban_planning": ("Situationell prevention i {place}",),
    "technical_protection": ("Tekniskt brottsförebyggande i {place}",),
    "organised_crime": ("Motverka rekrytering till kriminella nätverk",),
    "lifestyle_crime": ("Vägen ut ur livsstilskriminalitet",),
    "parent_support": ("Föräldraskap i fokus",),
    "exit_programme": ("Avhopparverksamhet i samverkan",),
    "information_campaign": ("Trygghetskampanj",),
    "victim_support": ("Stöd till brottsutsatta",),
    "it_crime": ("Digital trygghet för äldre",),
    "property_marking": ("Märk din egendom",),
    "other": ("Kunskapsbaserat brottsförebyggande arbete",),
}
# How often each focus area is chosen (agreements, promises, projects, measures).
FOCUS_WEIGHTS = {
    "public_space_safety": 10,
    "youth_crime": 9,
    "drugs": 7,
    "school": 5,
    "domestic_violence": 4,
    "organised_crime": 4,
    "urban_planning": 4,
    "technical_protection": 3,
    "parent_support": 3,
    "lifestyle_crime": 2,
    "information_campaign": 2,
    "exit_programme": 2,
    "victim_support": 2,
    "property_marking": 1,
    "it_crime": 1,
    "other": 1,
}
assert set(FOCUS_WEIGHTS) == set(FOCUS_AREAS)
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


# --- the world ---------------------------------------------------------------------------------


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


def _interpolate(points: dict[int, int], year: int) -> int:
    years = sorted(points)
    if year <= years[0]:
        return points[years[0]]
    if year >= years[-1]:
        return points[years[-1]]
    for low, high in itertools.pairwise(years):
        if low <= year <= high:
            return round(points[low] + (points[high] - points[low]) * (year - low) / (high - low))
    raise AssertionError(year)  # pragma: no cover


def _weighted(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """k distinct keys drawn by weight (Efraimidis-Spirakis), in a reproducible order."""
    keyed = sorted(
        ((rng.random() ** (1 / w), key) for key, w in weights.items() if w > 0), reverse=True
    )
    return [key for _, key in keyed[:k]]


def _focus(rng: random.Random, k: int) -> list[str]:
    return _weighted(rng, FOCUS_WEIGHTS, k)


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


def _build_world(seed: int) -> list[Municipality]:
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
        m.chair = _weighted(rng, {"municipality": 60, "joint": 25, "police": 10, "other": 5}, 1)[0]
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
        periods.append(Period(signed, start, end, _focus(rng, rng.randint(2, 4))))
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


# --- grants ------------------------------------------------------------------------------------


def _title(rng: random.Random, titles: dict[str, tuple[str, ...]], focus: str) -> str:
    return rng.choice(titles[focus]).format(place=rng.choice(PLACES))


def _grants(seed: int, year: int, world: list[Municipality]) -> list[dict]:
    """One funding year's grant decisions (granted and rejected), typed, in grant-id order."""
    rng = random.Random(f"{seed}:g:{year}")
    n_applied = _interpolate(APPLIED, year)
    n_granted = _interpolate(GRANTED, year)
    by_code = {m.code: m for m in world}
    apply_weight = {
        m.code: math.exp(0.8 * m.maturity + 0.4 * math.log10(m.population / 20_000)) for m in world
    }
    applicants = _weighted(rng, apply_weight, n_applied)
    granted = set(
        _weighted(rng, {c: math.exp(0.6 * by_code[c].maturity) for c in applicants}, n_granted)
    )
    rows: list[dict] = []
    for code in sorted(applicants):
        m = by_code[code]
        count = 2 if code in granted and rng.random() < 0.15 else 1
        for _ in range(count):
            category = _focus(rng, 1)[0]
            rows.append(_grant_row(rng, year, code, m.county_code, category, code in granted))
    counties = sorted({(m.county_code, m.county_name) for m in world})
    for county_code, county_name in rng.sample(counties, rng.randint(1, 3)):
        row = _grant_row(rng, year, "", county_code, "other", True, large=True)
        row["project_title"] = f"Regional samordning av brottsförebyggande arbete i {county_name}"
        rows.append(row)
    if rng.random() < 0.35:  # a payment above the decision: the register's warning case
        row = rng.choice([r for r in rows if r["amount_granted_sek"] > 0])
        row["amount_paid_sek"] = row["amount_granted_sek"] + rng.randrange(5_000, 60_000, 500)
    rows.sort(key=lambda r: (r["decision_date"], r["county_code"], r["municipality_code"]))
    for number, row in enumerate(rows, start=1):
        row["grant_id"] = f"BRA-{year}-{number:04d}"
    return rows


def _grant_row(
    rng: random.Random,
    year: int,
    code: str,
    county_code: str,
    category: str,
    granted: bool,
    large: bool = False,
) -> dict:
    autumn = rng.random() < 0.2
    decided = date(year, rng.randint(9, 10) if autumn else rng.randint(3, 6), rng.randint(1, 28))
    large = large or rng.random() < 0.08  # knowledge-based measures get more than the cap
    if large:
        applied = rng.randrange(800_000, 3_000_001, 10_000)
        amount = min(applied, rng.randrange(500_000, 2_000_001, 10_000))
    else:
        applied = rng.randrange(100_000, 700_001, 5_000)
        amount = min(
            applied, STANDARD_GRANT_CAP, int(applied * rng.uniform(0.6, 1.0)) // 5_000 * 5_000
        )
    if not granted:
        amount = 0
    if amount == 0:
        paid: float = 0
    elif year >= PRESENT_YEAR:
        paid = 0 if autumn else amount / 2
    elif rng.random() < 0.92:
        paid = amount
    else:  # a project that ended early: part of the money paid, with öre
        paid = round(amount * rng.uniform(0.3, 0.9)) + 0.5
    return {
        "grant_id": "",
        "decision_date": decided,
        "funding_year": year,
        "municipality_code": code,
        "county_code": county_code,
        "project_title": _title(rng, PROJECT_TITLES, category),
        "category": category,
        "amount_applied_sek": applied,
        "amount_granted_sek": amount,
        "amount_paid_sek": paid,
    }


def _sv_number(value: float) -> str:
    """A number as Swedish Excel writes it in CSV: decimal comma, no thousands separator."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".replace(".", ",")
    return str(int(value))


def _en_number(value: float) -> str:
    """A number with a decimal point, as an English-locale export writes it."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return str(int(value))


def _register_csv(
    rows: list[dict], swedish: bool, encoding: str, lost_zeros: bool = False
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=";" if swedish else ",", lineterminator="\r\n" if swedish else "\n"
    )
    writer.writerow([f.sv if swedish else f.key for f in GRANT_FIELDS])
    for row in rows:
        cells = []
        for f in GRANT_FIELDS:
            value = row[f.key]
            if isinstance(value, date):
                value = value.isoformat()
            elif f.key == "category" and swedish and value in FOCUS_AREAS:
                value = FOCUS_AREAS[value].sv
            elif f.key == "municipality_code" and lost_zeros:
                value = value.lstrip("0")  # Excel took the column for numbers
            elif isinstance(value, int | float) and f.type == "number":
                value = _sv_number(value) if swedish else _en_number(value)
            cells.append(value)
        writer.writerow(cells)
    return out.getvalue().encode(encoding)


def _register_xlsx(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Beslut"
    ws.append([f.sv for f in GRANT_FIELDS])
    for row in rows:
        values = [row[f.key] if row[f.key] != "" else None for f in GRANT_FIELDS]
        values[[f.key for f in GRANT_FIELDS].index("category")] = FOCUS_AREAS[row["category"]].sv
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.number_format = "@"
    wb.properties.creator = "Bidragshandläggning"
    return workbook_bytes(wb)


def _bad_register_rows(rng: random.Random, year: int, rows: list[dict]) -> list[dict]:
    """Rows a register export gets wrong: an amount in words, an unknown code, a bad date."""
    base = rng.choice([r for r in rows if r["municipality_code"]])
    number = len(rows)
    bad = []
    for kind in ("amount", "code", "date"):
        number += 1
        row = dict(base, grant_id=f"BRA-{year}-{number:04d}")
        if kind == "amount":
            row["amount_granted_sek"] = "ca 200 tkr"
        elif kind == "code":
            row["municipality_code"] = "9999"
        else:
            row["decision_date"] = f"{year}-02-30"
        bad.append(row)
    return bad


# --- reports -----------------------------------------------------------------------------------


def _submitted(rng: random.Random, year: int, late: bool) -> datetime:
    deadline = date(year + 1, DEADLINE_MONTH, DEADLINE_DAY)
    if late:
        day = deadline + timedelta(days=rng.randint(1, 200))
    else:  # the first reports come in after the holidays
        first = date(year + 1, 1, 10)
        day = first + timedelta(days=rng.randint(0, (deadline - first).days))
    # Office hours only, so no time falls in the ambiguous hour when clocks go back.
    return datetime(
        day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59), tzinfo=STOCKHOLM
    )


def _promises(m: Municipality, year: int, rng: random.Random) -> list[dict]:
    count = rng.randint(1, 2) if m.small else rng.randint(1, 4)
    out = []
    for number in range(1, count + 1):
        focus = _focus(rng, 1)[0]
        start = date(year - (rng.random() < 0.25), rng.randint(1, 9), 1)
        promise: dict = {
            "promise_id": f"ML-{year}-{number}",
            "title": _title(rng, PROMISE_TITLES, focus),
            "focus_area": focus,
            "start_date": start.isoformat(),
        }
        end = None
        if rng.random() < 0.6:
            end = start + timedelta(days=rng.randint(180, 540))
            promise["end_date"] = end.isoformat()
        methods = {
            "citizen_dialogue": 0.5,
            "survey": 0.45,
            "safety_walk": 0.5,
            "web_panel": 0.1,
            "meeting": 0.3,
            "other": 0.05,
        }
        chosen = [k for k, p in methods.items() if rng.random() < p]
        if not chosen and rng.random() < 0.9:
            chosen = ["citizen_dialogue"]
        promise["dialogue_methods"] = chosen  # now and then empty: the validator warns
        if end is not None and end <= date(year, 12, 31):
            status = _weighted(rng, {"fulfilled": 6, "partly_fulfilled": 3, "not_fulfilled": 1}, 1)
        else:
            status = _weighted(rng, {"ongoing": 8, "planned": 2}, 1)
        promise["status"] = status[0]
        promise["followed_up"] = rng.random() < (0.55 + 0.03 * (year - 2016))
        promise["published"] = rng.random() < 0.8
        out.append(promise)
    return out


def _projects(
    m: Municipality, year: int, rng: random.Random, grants: dict[int, list[dict]]
) -> tuple[list[dict], list[str]]:
    """Projects paid by grants of this year (and last year's two-year projects); unknown ids."""
    out: list[dict] = []
    for funding_year in (year - 1, year):
        for grant in grants.get(funding_year, []):
            if grant["municipality_code"] != m.code or grant["amount_granted_sek"] <= 0:
                continue
            # Whether a project spans two years is the grant's own property, drawn from its id.
            span_rng = random.Random(grant["grant_id"])
            spans = span_rng.random() < 0.3
            first_share = span_rng.uniform(0.3, 0.6)
            granted = grant["amount_granted_sek"]
            if funding_year == year - 1 and not spans:
                continue
            if funding_year == year and spans:
                spent, status = granted * first_share, "ongoing"
            elif funding_year == year - 1:
                spent, status = granted * (1 - first_share) * rng.uniform(0.8, 1.0), "completed"
            else:
                spent = granted * rng.uniform(0.8, 1.0)
                status = "cancelled" if rng.random() < 0.05 else "completed"
            project = {
                "grant_id": grant["grant_id"],
                "title": grant["project_title"],
                "category": grant["category"],
                "spent_sek": int(round(spent, -2)),
                "status": status,
                "effect_evaluated": status == "completed"
                and rng.random() < 0.3 + 0.04 * (year - 2016),
            }
            if rng.random() < 0.4:
                project["co_funding_sek"] = int(round(spent * rng.uniform(0.05, 0.5), -3))
            out.append(project)
    unknown: list[str] = []
    if rng.random() < 0.005:  # an id the register doesn't know (mistyped, or register not in yet)
        grant_id = rng.choice(
            (f"BRA-{year}-{rng.randint(7000, 9999)}", f"BRÅ {year}/{rng.randint(1, 99)}")
        )
        category = _focus(rng, 1)[0]
        out.append(
            {
                "grant_id": grant_id,
                "title": _title(rng, PROJECT_TITLES, category),
                "category": category,
                "spent_sek": rng.randrange(50_000, 300_001, 1_000),
                "status": "ongoing",
                "effect_evaluated": False,
            }
        )
        unknown.append(grant_id)
    return out, unknown


def _report(
    m: Municipality, year: int, rng: random.Random, grants: dict[int, list[dict]], late: bool
) -> tuple[dict, list[str]]:
    """The canonical JSON report of one municipality and year, and unknown grant ids in it."""
    report: dict = {
        "schema_version": SCHEMA_VERSION,
        "municipality_code": m.code,
        "reporting_year": year,
        "submitted_at": _submitted(rng, year, late).isoformat(),
    }
    council: dict = {"exists": m.has("council", year)}
    has_coordinator = m.has("coordinator", year)
    growth = 1 + 0.03 * max(0, year - 2016)
    fte = round(m.fte_base * growth / 0.05) * 0.05 if m.small else round(m.fte_base * growth, 1)
    # Small municipalities stay part-time whatever the growth.
    fte = round(min(max(fte, 0.1), 0.5 if m.small else 50), 2)
    if council["exists"]:
        council["name"] = m.council_name
        council["established_year"] = min(m.established, year)
        council["chair"] = m.chair
        members = list(m.members)
        council["members"] = members[: max(2, len(members) - max(0, 2020 - year) // 2)]
        council["meetings_held"] = max(1, round(rng.gauss(4 + 2 * m.maturity, 2)))
    if has_coordinator:
        council["coordinator_fte"] = fte
    elif council["exists"] and rng.random() < 0.6:
        council["coordinator_fte"] = 0
    if council["exists"]:
        models = [key for key in ("est", "sspf") if m.has(key, year)]
        if rng.random() < 0.05:
            models.append("other")
        council["coordination_models"] = models
    report["council"] = council

    situation: dict = {"exists": m.has("situation", year)}
    if situation["exists"]:
        first = m.first_year("situation") or year
        current = 0.85 if year >= 2023 else 0.5
        lag = 0 if rng.random() < current else rng.randint(1, 3)
        situation["updated_year"] = max(first, year - lag)
    report["situation_report"] = situation

    plans = [d for d in m.plan_dates if d.year <= year]
    plan: dict = {"exists": bool(plans)}
    if plans and rng.random() < 0.95:
        plan["adopted_date"] = plans[-1].isoformat()
    report["action_plan"] = plan

    periods = [p for p in m.agreements if p.valid_from <= date(year, 12, 31)]
    agreement: dict = {"exists": bool(periods)}
    if periods:
        period = periods[-1]
        agreement.update(
            signed_date=period.signed.isoformat(),
            valid_from=period.valid_from.isoformat(),
            valid_to=period.valid_to.isoformat(),
            police_area=m.police_area,
            focus_areas=list(period.focus),
            followed_up=rng.random() < 0.6 + 0.03 * (year - 2016),
        )
    report["agreement"] = agreement

    report["citizen_promises"] = _promises(m, year, rng) if m.has("promises", year) else []
    projects, unknown = _projects(m, year, rng, grants)
    report["funded_projects"] = projects
    measures = set(agreement.get("focus_areas", []))
    measures |= {p["focus_area"] for p in report["citizen_promises"]}
    measures |= {p["category"] for p in projects}
    measures |= set(_focus(rng, rng.randint(1, 3)))
    report["measures"] = sorted(measures, key=list(FOCUS_AREAS).index)
    return report, unknown


def _revise(report: dict, rng: random.Random) -> dict:
    """A corrected report sent again some weeks later, with a few values changed."""
    revised = json.loads(json.dumps(report))
    sent = datetime.fromisoformat(report["submitted_at"]) + timedelta(days=rng.randint(7, 90))
    revised["submitted_at"] = sent.astimezone(STOCKHOLM).isoformat()
    year = report["reporting_year"]
    council = revised["council"]
    if council.get("exists"):
        council["meetings_held"] = council.get("meetings_held", 0) + rng.randint(1, 3)
    if not revised["action_plan"]["exists"]:
        revised["action_plan"] = {
            "exists": True,
            "adopted_date": f"{year}-11-{rng.randint(1, 28):02d}",
        }
    elif revised["citizen_promises"]:
        revised["citizen_promises"][0]["followed_up"] = True
        revised["citizen_promises"][0]["published"] = True
    else:
        revised["situation_report"] = {"exists": True, "updated_year": year}
    # The measures list is always corrected too, so a revision never equals its first version.
    measures = revised["measures"]
    absent = [key for key in FOCUS_AREAS if key not in measures]
    if absent:
        measures.append(rng.choice(absent))
        measures.sort(key=list(FOCUS_AREAS).index)
    else:
        measures.pop()
    return revised


def _messy(report: dict, rng: random.Random, fmt: str) -> tuple[dict, bool]:
    """Now and then the forms real clerks use, which load with a warning."""
    if rng.random() >= 0.05:
        return report, False
    messy = json.loads(json.dumps(report))
    if fmt == "xlsx":
        # A lost leading zero, booleans crossed with x, an amount typed with 'kr'.
        messy["municipality_code"] = messy["municipality_code"].lstrip("0")
        for promise in messy["citizen_promises"]:
            if promise["published"]:
                promise["published"] = "x"
        for project in messy["funded_projects"]:
            project["spent_sek"] = f"{project['spent_sek']:,.0f} kr".replace(",", "\u00a0")
    else:
        messy["municipality_code"] = int(messy["municipality_code"])
    return messy, True


def _json_bytes(report: dict, bom: bool = False) -> bytes:
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


# --- the inbox ---------------------------------------------------------------------------------


@dataclass
class _Inbox:
    out_dir: Path
    files: list[dict] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, data: bytes, kind: str, expected: str, **info: object) -> None:
        if name in self.contents:
            raise ValueError(f"two demo files named {name}")
        self.contents[name] = data
        fmt = name.rsplit(".", 1)[-1]
        self.files.append({"name": name, "kind": kind, "format": fmt, "expected": expected, **info})


def _report_name(code: str, year: int, fmt: str, revision: int = 1) -> str:
    suffix = f"_rev{revision}" if revision > 1 else ""
    return f"rapport_{code}_{year}{suffix}.{fmt}"


def _missing(m: Municipality, year: int, rng: random.Random) -> bool:
    """Whether a report never came: more often early on and in small municipalities."""
    base = max(0.02, 0.2 - 0.02 * (year - 2016))
    size = (
        1.6 if m.population < 10_000 else 1.2 if m.small else 0.8 if m.population < 100_000 else 0.4
    )
    return rng.random() < base * size * max(0.3, 1 - 0.3 * m.maturity)


def generate(
    out_dir: Path,
    seed: int = 42,
    years: range = range(2016, 2026),
    progress: Progress | None = None,
) -> dict:
    """Write the demo inbox to `out_dir` and return its manifest.

    `progress(done, total)` is called as municipalities and registers are finished. Files of the
    same name are overwritten; other files in `out_dir` are left alone, so use an empty folder.
    The manifest (JSON-serialisable) lists every file with its kind (report, revision,
    grant_register or a malformed kind), format, municipality, year and the status ingest should
    give it (loaded, superseded, duplicate, rejected, or partially_loaded for the register with
    bad rows), plus counts, missing and late reports,
    unknown grant ids and grant volumes per year.
    """
    years = sorted(set(years))
    if not years:
        raise ValueError("no years to generate")
    world = _build_world(seed)
    grants = {year: _grants(seed, year, world) for year in years}
    inbox = _Inbox(Path(out_dir))
    total = len(world) * len(years) + len(years) + 1
    done = 0
    missing: dict[int, list[str]] = {}
    late: dict[int, list[str]] = {}
    unknown_ids: list[str] = []
    delivered: list[tuple[Municipality, int, str, dict]] = []  # for the malformed files

    for m in world:
        for year in years:
            rng = random.Random(f"{seed}:r:{m.code}:{year}")
            done += 1
            if _missing(m, year, rng):
                missing.setdefault(year, []).append(m.code)
                continue
            is_late = rng.random() < (0.18 if m.small else 0.1)
            if is_late:
                late.setdefault(year, []).append(m.code)
            report, unknown = _report(m, year, rng, grants, is_late)
            unknown_ids += unknown
            fmt = "xlsx" if rng.random() < m.xlsx_share else "json"
            revised = rng.random() < 0.04
            written, messy = _messy(report, rng, fmt)
            data = (
                report_to_xlsx_bytes(written)
                if fmt == "xlsx"
                else _json_bytes(written, rng.random() < 0.03)
            )
            info = {"municipality_code": m.code, "year": year, "late": is_late, "messy": messy}
            name = _report_name(m.code, year, fmt)
            inbox.add(name, data, "report", "superseded" if revised else "loaded", **info)
            if revised:
                second = _revise(report, rng)
                data2 = report_to_xlsx_bytes(second) if fmt == "xlsx" else _json_bytes(second)
                inbox.add(_report_name(m.code, year, fmt, 2), data2, "revision", "loaded", **info)
            else:
                delivered.append((m, year, name, report))
            if progress:
                progress(done, total)

    register_info: dict[int, dict] = {}
    for year in years:
        rows = grants[year]
        rng = random.Random(f"{seed}:register:{year}")
        kind, expected, bad = "grant_register", "loaded", []
        if year == years[-1]:
            bad = _bad_register_rows(rng, year, rows)
            # The good rows load and the bad ones are rejected with their line numbers.
            kind, expected = "register_bad_rows", "partially_loaded"
        written = rows + bad
        if year == REGISTER_XLSX_YEAR:
            name, data = f"bidragsregister_{year}.xlsx", _register_xlsx(written)
        elif year == REGISTER_ENGLISH_YEAR:
            name, data = f"bidragsregister_{year}.csv", _register_csv(written, False, "utf-8")
        else:
            encoding = "cp1252" if rng.random() < 0.5 else "utf-8-sig"
            lost = year == REGISTER_LOST_ZEROS_YEAR
            name = f"bidragsregister_{year}.csv"
            data = _register_csv(written, True, encoding, lost_zeros=lost)
        inbox.add(name, data, kind, expected, year=year, rows=len(written), bad_rows=len(bad))
        granted = [r for r in rows if r["amount_granted_sek"] > 0]
        register_info[year] = {
            "rows": len(written),
            "bad_rows": len(bad),
            "applications": len(rows),
            "granted": len(granted),
            "granted_municipalities": len({r["municipality_code"] for r in granted} - {""}),
            "county_grants": sum(1 for r in rows if not r["municipality_code"]),
            "paid_over_granted": sum(
                1 for r in rows if r["amount_paid_sek"] > r["amount_granted_sek"]
            ),
            "granted_sek": sum(r["amount_granted_sek"] for r in rows),
        }
        done += 1
        if progress:
            progress(done, total)

    malformed = _malformed(seed, inbox, delivered)
    malformed["register_bad_rows"] = (
        f"bidragsregister_{years[-1]}.{'xlsx' if years[-1] == REGISTER_XLSX_YEAR else 'csv'}"
    )
    done += 1
    if progress:
        progress(done, total)

    inbox.out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in inbox.contents.items():
        (inbox.out_dir / name).write_bytes(data)

    counts: dict[str, int] = {}
    for entry in inbox.files:
        for key in (entry["kind"], entry["format"], entry["expected"]):
            counts[key] = counts.get(key, 0) + 1
    counts["files"] = len(inbox.files)
    counts["malformed"] = len(malformed)
    return {
        "seed": seed,
        "years": years,
        "synthetic": True,
        "files": inbox.files,
        "counts": counts,
        "malformed": malformed,
        "missing": {str(y): codes for y, codes in sorted(missing.items())},
        "late": {str(y): codes for y, codes in sorted(late.items())},
        "unknown_grant_ids": unknown_ids,
        "grants": {str(y): info for y, info in register_info.items()},
    }


def _malformed(
    seed: int,
    inbox: _Inbox,
    delivered: list[tuple[Municipality, int, str, dict]],
) -> dict[str, str]:
    """Replace a few of the latest year's reports with the broken files offices really send."""
    rng = random.Random(f"{seed}:malformed")
    last_year = max(year for _, year, _, _ in delivered)
    pool = [d for d in delivered if d[1] == last_year]
    chosen = rng.sample(pool, 6)
    entry_by_name = {e["name"]: e for e in inbox.files}
    out: dict[str, str] = {}

    def replace(slot: tuple, kind: str, data: bytes, fmt: str) -> None:
        m, year, old_name, _ = slot
        del inbox.contents[old_name]
        inbox.files.remove(entry_by_name[old_name])
        name = _report_name(m.code, year, fmt)
        inbox.add(name, data, kind, "rejected", municipality_code=m.code, year=year)
        out[kind] = name

    empty, truncated, invalid, no_code, word, duplicate = chosen
    replace(empty, "empty_file", b"", "json")

    report = truncated[3]
    whole = _json_bytes(report)
    replace(truncated, "truncated_json", whole[: len(whole) * 11 // 20], "json")
    # The office noticed and sent the whole file again the week after.
    resent = json.loads(json.dumps(report))
    sent = datetime.fromisoformat(report["submitted_at"]) + timedelta(days=7)
    resent["submitted_at"] = sent.isoformat()
    m, year = truncated[0], truncated[1]
    inbox.add(
        _report_name(m.code, year, "json", 2),
        _json_bytes(resent),
        "revision",
        "loaded",
        municipality_code=m.code,
        year=year,
    )

    broken = json.loads(json.dumps(invalid[3]))
    year = broken["reporting_year"]
    broken["council"]["chair"] = "kommunstyrelsen"  # not an allowed value
    broken["agreement"] = {
        "exists": True,
        "valid_from": f"{year}-05-01",
        "valid_to": f"{year - 1}-04-30",  # ends before it starts
        "focus_areas": ["drugs"],
    }
    broken["citizen_promises"] = broken["citizen_promises"] or _promises(invalid[0], year, rng)
    first = broken["citizen_promises"][0]
    first["status"] = "klar"
    first["end_date"] = (date.fromisoformat(first["start_date"]) - timedelta(days=30)).isoformat()
    replace(invalid, "invalid_values", _json_bytes(broken), "json")

    missing_code = dict(no_code[3], municipality_code=None)
    replace(no_code, "xlsx_missing_code", report_to_xlsx_bytes(missing_code), "xlsx")

    # An old binary Word document saved over the report's name.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(6000)
    replace(word, "word_renamed", ole, "xlsx")

    # The same file sent twice under another name. The name sorts after the original's, so an
    # ingest that takes files in name order meets the original first.
    _, _, original, _ = duplicate
    stem, ext = original.rsplit(".", 1)
    copy_name = f"{stem}_kopia.{ext}"
    entry = entry_by_name[original]
    inbox.add(
        copy_name,
        inbox.contents[original],
        "duplicate_copy",
        "duplicate",
        municipality_code=entry["municipality_code"],
        year=entry["year"],
        duplicate_of=original,
    )
    out["duplicate_copy"] = copy_name
    return out
