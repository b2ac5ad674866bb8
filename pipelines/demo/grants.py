"""The grant registers: one funding year's grant decisions and the file the grant office exports.

Volumes follow the public figures (APPLIED, GRANTED); mature and large municipalities apply and
are granted more often, a few county-wide grants have no municipality, and now and then a payment
exceeds its decision (the register's warning case). Most years are exported as Swedish-Excel CSV;
one year as XLSX, one as comma-separated English keys, one with the codes' leading zeros lost.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
from datetime import date

from openpyxl import Workbook

from pipelines.contract import FOCUS_AREAS, GRANT_FIELDS
from pipelines.demo.draws import PROJECT_TITLES, focus, title, weighted
from pipelines.demo.world import PRESENT_YEAR, Municipality
from pipelines.template import workbook_bytes

# Grant applications and granted municipalities per funding year (DOMAIN.md: 95/61 in 2023,
# 182/97 in 2024); in between and beyond, interpolated and held.
APPLIED = {2016: 40, 2019: 60, 2022: 80, 2023: 95, 2024: 182, 2025: 165}
GRANTED = {2016: 26, 2019: 40, 2022: 55, 2023: 61, 2024: 97, 2025: 92}
STANDARD_GRANT_CAP = 400_000

# Register formats: most years Swedish-Excel CSV; these years differ.
REGISTER_XLSX_YEAR = 2021
REGISTER_ENGLISH_YEAR = 2018
REGISTER_LOST_ZEROS_YEAR = 2020  # exported with the municipality codes' leading zeros lost


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


def grant_decisions(seed: int, year: int, world: list[Municipality]) -> list[dict]:
    """One funding year's grant decisions (granted and rejected), typed, in grant-id order."""
    rng = random.Random(f"{seed}:g:{year}")
    n_applied = _interpolate(APPLIED, year)
    n_granted = _interpolate(GRANTED, year)
    by_code = {m.code: m for m in world}
    apply_weight = {
        m.code: math.exp(0.8 * m.maturity + 0.4 * math.log10(m.population / 20_000)) for m in world
    }
    applicants = weighted(rng, apply_weight, n_applied)
    granted = set(
        weighted(rng, {c: math.exp(0.6 * by_code[c].maturity) for c in applicants}, n_granted)
    )
    rows: list[dict] = []
    for code in sorted(applicants):
        m = by_code[code]
        count = 2 if code in granted and rng.random() < 0.15 else 1
        for _ in range(count):
            category = focus(rng, 1)[0]
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
        "project_title": title(rng, PROJECT_TITLES, category),
        "category": category,
        "amount_applied_sek": applied,
        "amount_granted_sek": amount,
        "amount_paid_sek": paid,
    }


def bad_register_rows(rng: random.Random, year: int, rows: list[dict]) -> list[dict]:
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


def register_name(year: int) -> str:
    return f"bidragsregister_{year}.{'xlsx' if year == REGISTER_XLSX_YEAR else 'csv'}"


def register_bytes(year: int, rows: list[dict], rng: random.Random) -> bytes:
    """The register file of a funding year, in the format the grant office used that year."""
    if year == REGISTER_XLSX_YEAR:
        return _register_xlsx(rows)
    if year == REGISTER_ENGLISH_YEAR:
        return _register_csv(rows, False, "utf-8")
    encoding = "cp1252" if rng.random() < 0.5 else "utf-8-sig"
    lost = year == REGISTER_LOST_ZEROS_YEAR
    return _register_csv(rows, True, encoding, lost_zeros=lost)


def register_summary(rows: list[dict], bad: list[dict]) -> dict:
    """What the manifest says of a register: its rows and the grant volumes in it."""
    granted = [r for r in rows if r["amount_granted_sek"] > 0]
    return {
        "rows": len(rows) + len(bad),
        "bad_rows": len(bad),
        "applications": len(rows),
        "granted": len(granted),
        "granted_municipalities": len({r["municipality_code"] for r in granted} - {""}),
        "county_grants": sum(1 for r in rows if not r["municipality_code"]),
        "paid_over_granted": sum(1 for r in rows if r["amount_paid_sek"] > r["amount_granted_sek"]),
        "granted_sek": sum(r["amount_granted_sek"] for r in rows),
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
