"""One municipality's annual report: built from the world and the grants, and written as a file.

`build_report` draws the canonical JSON report of a municipality and year; `revise` is the
corrected copy an office sends later, `messy` the forms real clerks type that load with a warning,
and `report_bytes` writes a report as the JSON or XLSX file an office sends.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

from pipelines.contract import FOCUS_AREAS, SCHEMA_VERSION
from pipelines.demo.draws import PROJECT_TITLES, PROMISE_TITLES, focus, title, weighted
from pipelines.demo.world import Municipality
from pipelines.template import report_to_xlsx_bytes
from pipelines.validate.coerce import STOCKHOLM

# Reports are due on 31 March of the year after the reporting year.
DEADLINE_MONTH, DEADLINE_DAY = 3, 31


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


def promises(m: Municipality, year: int, rng: random.Random) -> list[dict]:
    count = rng.randint(1, 2) if m.small else rng.randint(1, 4)
    out = []
    for number in range(1, count + 1):
        area = focus(rng, 1)[0]
        start = date(year - (rng.random() < 0.25), rng.randint(1, 9), 1)
        promise: dict = {
            "promise_id": f"ML-{year}-{number}",
            "title": title(rng, PROMISE_TITLES, area),
            "focus_area": area,
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
            status = weighted(rng, {"fulfilled": 6, "partly_fulfilled": 3, "not_fulfilled": 1}, 1)
        else:
            status = weighted(rng, {"ongoing": 8, "planned": 2}, 1)
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
        category = focus(rng, 1)[0]
        out.append(
            {
                "grant_id": grant_id,
                "title": title(rng, PROJECT_TITLES, category),
                "category": category,
                "spent_sek": rng.randrange(50_000, 300_001, 1_000),
                "status": "ongoing",
                "effect_evaluated": False,
            }
        )
        unknown.append(grant_id)
    return out, unknown


def build_report(
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

    report["citizen_promises"] = promises(m, year, rng) if m.has("promises", year) else []
    projects, unknown = _projects(m, year, rng, grants)
    report["funded_projects"] = projects
    measures = set(agreement.get("focus_areas", []))
    measures |= {p["focus_area"] for p in report["citizen_promises"]}
    measures |= {p["category"] for p in projects}
    measures |= set(focus(rng, rng.randint(1, 3)))
    report["measures"] = sorted(measures, key=list(FOCUS_AREAS).index)
    return report, unknown


def revise(report: dict, rng: random.Random) -> dict:
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


def messy(report: dict, rng: random.Random, fmt: str) -> tuple[dict, bool]:
    """Now and then the forms real clerks use, which load with a warning."""
    if rng.random() >= 0.05:
        return report, False
    out = json.loads(json.dumps(report))
    if fmt == "xlsx":
        # A lost leading zero, booleans crossed with x, an amount typed with 'kr'.
        out["municipality_code"] = out["municipality_code"].lstrip("0")
        for promise in out["citizen_promises"]:
            if promise["published"]:
                promise["published"] = "x"
        for project in out["funded_projects"]:
            project["spent_sek"] = f"{project['spent_sek']:,.0f} kr".replace(",", "\u00a0")
    else:
        out["municipality_code"] = int(out["municipality_code"])
    return out, True


def json_bytes(report: dict, bom: bool = False) -> bytes:
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def report_bytes(report: dict, fmt: str, bom: bool = False) -> bytes:
    """The file an office sends: the XLSX template filled in, or JSON (`bom` for JSON only)."""
    return report_to_xlsx_bytes(report) if fmt == "xlsx" else json_bytes(report, bom)


def report_name(code: str, year: int, fmt: str, revision: int = 1) -> str:
    suffix = f"_rev{revision}" if revision > 1 else ""
    return f"rapport_{code}_{year}{suffix}.{fmt}"
