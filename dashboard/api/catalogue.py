"""The API's catalogue: every published figure as a Kolada KPI, its groups, and the ids of places.

A KPI's id (``BF`` + four digits) is what analysts store in their scripts and spreadsheets, so
the table below is explicit and ordered, and an id is never renumbered or reused: a new figure
is appended with the next free number, and a withdrawn figure's number stays unused. Titles,
definitions and sources are not written here: they come from ``dashboard.i18n``
(``figure(key)``), the one place of definitions, and so do the notes on what a county's or the
nation's value is. Nothing here reads the warehouse.

Place ids follow Kolada: a municipality is its 4-digit SCB code (type ``K``), a county is its
2-digit county code padded to four digits (``0001`` Stockholms län, type ``L``, as Kolada numbers
the regions), the nation is ``0000`` (type ``L``, as Kolada's "Riket"). Municipality groups start
with ``G`` as Kolada's do: ``GL`` + county code, ``GP`` + a police region's number from
``POLICE_REGION_IDS``, ``GK`` + SKR's group code (Kommungruppsindelning 2023).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache

from dashboard import i18n

SV: i18n.Lang = "sv"

# How a figure's value is formed (dashboard/api/values.py applies it).
RECEIVED = "received"  # per municipality 1/0, never empty; a region: share of all municipalities
YES_NO = "yes_no"  # per municipality 1/0 or empty; a region: share of those with a value
MEAN = "mean"  # per municipality a number or empty; a region: mean of those with a value
AMOUNT = "amount"  # per municipality a number or empty; a region: the region's own total or rate

REPORTING, COVERAGE, FUNDS = "BFG01", "BFG02", "BFG03"


@dataclass(frozen=True)
class Kpi:
    """One published figure. ``figure``: its key in ``i18n`` (title, definition, source);
    ``column``: its column in the api_* queries; ``register``: from the grant register (a value
    for every year of the marts) rather than from the reports (the reporting years only);
    ``unit`` and ``notes``: ``i18n.STRINGS`` keys."""

    id: str
    figure: str
    column: str
    kind: str
    group: str
    unit: str
    notes: tuple[str, ...]
    register: bool = False


_YES_NO = ("api_note_yes_no",)
_GRANTS = ("api_note_grants",)
_GRANTS_PER_INHABITANT = ("api_note_per_inhabitant", "api_note_grants")
_SPENT = ("api_note_spent",)
_SPENT_PER_INHABITANT = ("api_note_per_inhabitant", "api_note_spent")

# Never renumber, never reuse an id: append.
KPIS: tuple[Kpi, ...] = (
    Kpi("BF0001", "has_report", "has_report", RECEIVED, REPORTING, "api_unit_yes_no",
        ("api_note_received",)),
    Kpi("BF0002", "is_late", "is_late", YES_NO, REPORTING, "api_unit_yes_no", _YES_NO),
    Kpi("BF0003", "has_council", "has_council", YES_NO, COVERAGE, "api_unit_yes_no", _YES_NO),
    Kpi("BF0004", "has_coordinator", "has_coordinator", YES_NO, COVERAGE, "api_unit_yes_no",
        _YES_NO),
    Kpi("BF0005", "has_situation_report", "has_situation_report", YES_NO, COVERAGE,
        "api_unit_yes_no", _YES_NO),
    Kpi("BF0006", "has_action_plan", "has_action_plan", YES_NO, COVERAGE, "api_unit_yes_no",
        _YES_NO),
    Kpi("BF0007", "has_agreement_in_force", "has_agreement_in_force", YES_NO, COVERAGE,
        "api_unit_yes_no", _YES_NO),
    Kpi("BF0008", "has_promises", "has_promises", YES_NO, COVERAGE, "api_unit_yes_no", _YES_NO),
    Kpi("BF0009", "meets_legal_requirements", "meets_legal_requirements", YES_NO, COVERAGE,
        "api_unit_yes_no", _YES_NO),
    Kpi("BF0010", "uses_est", "uses_est", YES_NO, COVERAGE, "api_unit_yes_no", _YES_NO),
    Kpi("BF0011", "uses_sspf", "uses_sspf", YES_NO, COVERAGE, "api_unit_yes_no", _YES_NO),
    Kpi("BF0012", "coordinator_fte", "coordinator_fte", MEAN, COVERAGE, "api_unit_fte",
        ("api_note_mean",)),
    Kpi("BF0013", "promises_count", "promises_count", MEAN, COVERAGE, "api_unit_count",
        ("api_note_mean",)),
    Kpi("BF0014", "applied_sek", "applied_sek", AMOUNT, FUNDS, "api_unit_sek", _GRANTS,
        register=True),
    Kpi("BF0015", "granted_sek", "granted_sek", AMOUNT, FUNDS, "api_unit_sek", _GRANTS,
        register=True),
    Kpi("BF0016", "paid_sek", "paid_sek", AMOUNT, FUNDS, "api_unit_sek", _GRANTS, register=True),
    Kpi("BF0017", "spent_sek", "spent_sek", AMOUNT, FUNDS, "api_unit_sek", _SPENT),
    Kpi("BF0018", "applied_per_inhabitant", "applied_per_inhabitant", AMOUNT, FUNDS, "fund_unit",
        _GRANTS_PER_INHABITANT, register=True),
    Kpi("BF0019", "granted_per_inhabitant", "granted_per_inhabitant", AMOUNT, FUNDS, "fund_unit",
        _GRANTS_PER_INHABITANT, register=True),
    Kpi("BF0020", "paid_per_inhabitant", "paid_per_inhabitant", AMOUNT, FUNDS, "fund_unit",
        _GRANTS_PER_INHABITANT, register=True),
    Kpi("BF0021", "spent_per_inhabitant", "spent_per_inhabitant", AMOUNT, FUNDS, "fund_unit",
        _SPENT_PER_INHABITANT),
)  # fmt: skip

BY_ID: dict[str, Kpi] = {kpi.id: kpi for kpi in KPIS}

# KPI groups: id -> the i18n.STRINGS key of its title (also the members' "operating_area").
KPI_GROUPS: dict[str, str] = {
    REPORTING: "api_group_reporting",
    COVERAGE: "api_group_coverage",
    FUNDS: "api_group_funds",
}

# The value's status when there is none: the dashboard's own word for a missing report.
NOT_REPORTED = i18n.STATUS_LABELS["null"](SV)

NATION_ID = "0000"
# The police regions have no official numbers: these are ours, fixed (alphabetical once).
POLICE_REGION_IDS: dict[str, str] = {
    "Bergslagen": "GP1",
    "Mitt": "GP2",
    "Nord": "GP3",
    "Stockholm": "GP4",
    "Syd": "GP5",
    "Väst": "GP6",
    "Öst": "GP7",
}


def county_id(county_code: str) -> str:
    """A county as a Kolada place (type L): ``01`` -> ``0001``."""
    return county_code.zfill(4)


def county_group_id(county_code: str) -> str:
    return f"GL{county_code}"


def skr_group_id(group_code: str) -> str:
    return f"GK{group_code}"


def kpi_title(kpi: Kpi) -> str:
    return i18n.figure(kpi.figure).label(SV)


def group_title(group_id: str) -> str:
    return i18n.t(KPI_GROUPS[group_id], SV)


def kpi_texts(kpi: Kpi) -> dict[str, str]:
    """Title, description (the definition, what a value is at each level, the source),
    definition and unit of a KPI, all from ``i18n``."""
    fig = i18n.figure(kpi.figure)
    definition = fig.definition(SV)
    notes = [i18n.t(key, SV, status=NOT_REPORTED) for key in kpi.notes]
    source = i18n.t("api_note_source", SV, source=fig.source(SV))
    return {
        "title": fig.label(SV),
        "description": " ".join([definition, *notes, source]),
        "definition": definition,
        "unit": i18n.t(kpi.unit, SV),
    }


@cache
def fingerprint() -> str:
    """A digest of what the catalogue says (ids, texts, groups, place ids): part of the ETag, so
    a release that changes a title is not answered with a stale 304."""
    said = {
        "kpis": [[k.id, k.column, k.kind, k.group, k.register, kpi_texts(k)] for k in KPIS],
        "groups": {g: group_title(g) for g in KPI_GROUPS},
        "police": POLICE_REGION_IDS,
        "nation": i18n.t("nation", SV),
    }
    text = json.dumps(said, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
