"""Independent readers of a generated corpus, for tests that check the marts against the files.

Nothing here uses the pipelines' readers or validators: JSON is read with the json module, XLSX
with plain openpyxl, CSV with the csv module, the reference list with the csv module. The tests
recompute a figure from what these return and compare it with what the warehouse publishes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
UTC = ZoneInfo("UTC")
PROJECT_STATUS_SV = {"pågående": "ongoing", "avslutat": "completed", "avbrutet": "cancelled"}
# The review flags of a grant (INDICATORS.md, "Fund use"), as mart_grants names them.
REVIEW_FLAGS = (
    "paid_exceeds_granted",
    "granted_exceeds_applied",
    "spent_exceeds_paid",
    "no_report",
    "completed_without_effect",
    "not_paid",
)
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014"})
# The template's Swedish labels of the coordination models (report-format.md, section 2) and of
# a fulfilled citizen promise, as an XLSX report carries them.
MODELS_SV = {"est": "est", "sspf": "sspf", "annan modell": "other"}
FULFILLED_SV = "infriat"


def reference_municipalities() -> list[dict]:
    """The 290 municipalities of ``data/reference/municipalities.csv`` (population as int)."""
    path = ROOT / "data" / "reference" / "municipalities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["population"] = int(row["population"])
    return rows


def municipality_groups() -> dict[str, tuple[str, str]]:
    """municipality code -> (group code, group name) of ``data/reference/municipality_groups.csv``
    (SKR Kommungruppsindelning 2023)."""
    path = ROOT / "data" / "reference" / "municipality_groups.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["municipality_code"]: (row["group_code"], row["group_name"])
            for row in csv.DictReader(handle)
        }


def _yes(value) -> bool:
    return str(value).strip().casefold() in ("ja", "true", "1", "x")


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return date.fromordinal(date(1899, 12, 30).toordinal() + int(value))
    return date.fromisoformat(str(value).strip()[:10])


def _moment(value) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Stockholm"))
    return moment.astimezone(UTC).replace(tzinfo=None)


def _amount(value) -> float:
    """`250000`, `250000.5`, `250 000 kr`, `250000,50` (no-break spaces too) as a float."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).replace("kr", "").replace("\xa0", "").replace("\u202f", "")
    return float(text.replace(" ", "").replace(",", "."))


def _optional_number(value) -> float | None:
    """A number the report may leave out (None or an empty cell); `1,5` reads as 1.5."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float):
        return float(value)
    return float(str(value).strip().replace(",", "."))


def _models_from_cell(value) -> set[str]:
    """An XLSX list cell of coordination models (`EST; SSPF`) as contract keys."""
    if value is None:
        return set()
    parts = str(value).replace(",", ";").split(";")
    return {MODELS_SV.get(p.strip().casefold(), p.strip().casefold()) for p in parts if p.strip()}


def grant_id(value) -> str:
    """A grant id as both registers and reports are matched: trimmed, upper case, plain dashes."""
    return str(value).strip().upper().translate(DASHES)


def _project(grant, spent, status: str, effect) -> dict:
    return {
        "grant_id": grant_id(grant),
        "spent": _amount(spent),
        "status": status,
        "effect_evaluated": _yes(effect),
    }


def facts_from_json(data: bytes) -> dict:
    r = json.loads(data)
    agreement = r["agreement"]
    projects = [
        _project(p["grant_id"], p["spent_sek"], p["status"], p["effect_evaluated"])
        for p in r.get("funded_projects") or []
    ]
    return {
        "code": str(r["municipality_code"]).zfill(4),
        "year": int(r["reporting_year"]),
        "submitted_at": _moment(r["submitted_at"]) if r.get("submitted_at") else None,
        "council": bool(r["council"]["exists"]),
        "action_plan": bool(r["action_plan"]["exists"]),
        "situation_report": bool(r["situation_report"]["exists"]),
        "agreement": bool(agreement["exists"]),
        "valid_from": _date(agreement["valid_from"]) if agreement["exists"] else None,
        "valid_to": _date(agreement["valid_to"]) if agreement["exists"] else None,
        "promises": len(r.get("citizen_promises") or []),
        "projects": projects,
        "spent": sum(p["spent"] for p in projects),
        **_comparison_from_json(r),
    }


def _comparison_from_json(r: dict) -> dict:
    """What the peer comparison needs beyond the fields above (INDICATORS.md, "Per municipality
    and year"): the coordinator FTE (None when left out), the coordination models, the year the
    situation report was updated (None when left out) and the fulfilled promises."""
    council, situation = r["council"], r["situation_report"]
    updated = situation.get("updated_year")
    return {
        "coordinator_fte": _optional_number(council.get("coordinator_fte")),
        "models": {str(m).strip().casefold() for m in council.get("coordination_models") or []},
        "situation_updated": int(updated) if updated not in (None, "") else None,
        "promises_fulfilled": sum(
            1 for p in r.get("citizen_promises") or [] if p["status"] == "fulfilled"
        ),
    }


def facts_from_xlsx(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    fields = {}
    for row in book["Uppgifter"].iter_rows(min_row=2, values_only=True):
        if row and row[0] is not None:
            fields[" ".join(str(row[0]).split()).casefold()] = row[1]

    def table(sheet: str) -> list[dict]:
        rows = [r for r in book[sheet].iter_rows(values_only=True)]
        header = [" ".join(str(h).split()).casefold() if h else "" for h in rows[0]]
        return [
            dict(zip(header, r, strict=False))
            for r in rows[1:]
            if any(c is not None and str(c).strip() for c in r)
        ]

    agreement = _yes(fields["överenskommelse finns"])
    projects = [
        _project(
            p["diarienummer"],
            p["använt belopp (kr)"],
            PROJECT_STATUS_SV[str(p["status"]).strip().casefold()],
            p["effekt utvärderad"],
        )
        for p in table("Projekt")
    ]
    submitted = fields.get("inskickad")
    promise_rows = table("Medborgarlöften")
    updated = fields.get("lägesbild uppdaterad år")
    return {
        "code": str(fields["kommunkod"]).split(".")[0].zfill(4),
        "year": int(float(fields["rapportår"])),
        "submitted_at": _moment(submitted) if submitted not in (None, "") else None,
        "council": _yes(fields["råd finns"]),
        "action_plan": _yes(fields["åtgärdsplan finns"]),
        "situation_report": _yes(fields["lägesbild finns"]),
        "agreement": agreement,
        "valid_from": _date(fields["giltig från"]) if agreement else None,
        "valid_to": _date(fields["giltig till"]) if agreement else None,
        "promises": len(promise_rows),
        "projects": projects,
        "spent": sum(p["spent"] for p in projects),
        "coordinator_fte": _optional_number(fields.get("samordnare (årsarbetare)")),
        "models": _models_from_cell(fields.get("samordningsmodeller")),
        "situation_updated": int(float(updated)) if updated not in (None, "") else None,
        "promises_fulfilled": sum(
            1 for p in promise_rows if str(p["status"] or "").strip().casefold() == FULFILLED_SV
        ),
    }


def inbox_and_manifest(
    inbox: Path, scratch: Path, seed: int, years: Iterable[int]
) -> tuple[dict, dict[str, bytes]]:
    """The generator's manifest of a seeded inbox and the inbox's files (name -> bytes).

    The manifest comes from generating the same seed again into ``scratch``; that the files agree
    byte for byte is checked, so the manifest describes exactly what the warehouse was built from.
    """
    from pipelines.demo import generate

    snapshot = {p.name: p.read_bytes() for p in sorted(inbox.iterdir())}
    manifest = generate(scratch, seed=seed, years=range(min(years), max(years) + 1))
    again = {p.name: p.read_bytes() for p in sorted(scratch.iterdir())}
    if again != snapshot:
        raise AssertionError(f"{inbox} is not what seed {seed} generates")
    return manifest, snapshot


def current_reports(manifest: dict, snapshot: dict[str, bytes]) -> dict[tuple[str, int], dict]:
    """The latest report per municipality and year among the files the generator says load."""
    best: dict[tuple[str, int], tuple] = {}
    order = sorted(snapshot)
    for entry in manifest["files"]:
        if entry["kind"] not in ("report", "revision") or entry["expected"] == "rejected":
            continue
        if entry["expected"] == "duplicate":
            continue
        data = snapshot[entry["name"]]
        facts = facts_from_json(data) if entry["name"].endswith(".json") else facts_from_xlsx(data)
        key = (facts["code"], facts["year"])
        rank = (facts["submitted_at"] or datetime.max, order.index(entry["name"]))
        if key not in best or rank > best[key][0]:
            best[key] = (rank, facts)
    return {key: facts for key, (_, facts) in best.items()}


def _register_table(name: str, data: bytes) -> tuple[list[str], list[list]] | None:
    """Header and body of a grant register file (CSV or the register's XLSX), else None."""
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        sep = ";" if text.splitlines()[0].count(";") > 1 else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        return rows[0], rows[1:]
    if name.endswith(".xlsx") and name.startswith("bidrag"):
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        return [str(h) for h in rows[0]], rows[1:]
    return None


def register_rows(snapshot: dict[str, bytes]) -> dict[str, dict]:
    """The current register row per grant id: files in name order, a later file's row wins.

    Rows the contract rejects are left out: an amount or date that does not read, a municipality
    code the reference list lacks, an id already given earlier in the same file. Each row:
    grant_id, decision_date, funding_year, municipality_code (None at county level),
    county_code, applied, granted, paid.
    """
    counties = {m["municipality_code"]: m["county_code"] for m in reference_municipalities()}
    current: dict[str, dict] = {}
    for name in sorted(snapshot):
        table = _register_table(name, snapshot[name])
        if table is None:
            continue
        header, body = table
        index = {h.strip().casefold(): i for i, h in enumerate(header)}

        def column(sv: str, key: str, index=index) -> int:
            return index[sv] if sv in index else index[key]

        gid = column("diarienummer", "grant_id")
        year = column("bidragsår", "funding_year")
        code = column("kommunkod", "municipality_code")
        county = column("länskod", "county_code")
        decided = column("beslutsdatum", "decision_date")
        amounts = [
            column(sv, key)
            for sv, key in (
                ("sökt belopp", "amount_applied_sek"),
                ("beviljat belopp", "amount_granted_sek"),
                ("utbetalt belopp", "amount_paid_sek"),
            )
        ]
        in_file: set[str] = set()
        for row in body:
            if not row or not row[gid]:
                continue
            try:
                applied, granted, paid = (_amount(row[i]) for i in amounts)
                decision = _date(row[decided])
            except ValueError:
                continue  # the rows the generator broke on purpose
            municipality = str(row[code] or "").strip().split(".")[0]
            municipality = municipality.zfill(4) if municipality else None
            if municipality is not None and municipality not in counties:
                continue  # an unknown municipality code
            key = grant_id(row[gid])
            if key in in_file:
                continue
            in_file.add(key)
            current[key] = {
                "grant_id": key,
                "decision_date": decision,
                "funding_year": int(float(row[year])),
                "municipality_code": municipality,
                "county_code": counties[municipality]
                if municipality
                else str(row[county]).strip().zfill(2),
                "applied": applied,
                "granted": granted,
                "paid": paid,
            }
    return current


def granted_per_year(snapshot: dict[str, bytes]) -> dict[int, float]:
    """Sum of granted amounts per funding year over the current register rows."""
    totals: dict[int, float] = defaultdict(float)
    for row in register_rows(snapshot).values():
        totals[row["funding_year"]] += row["granted"]
    return totals


def lorenz(granted: dict[str, float], population: dict[str, int]) -> list[dict]:
    """The Lorenz points of INDICATORS.md ("Gini of municipal grants"), one per municipality.

    Municipalities in ascending order of granted SEK per inhabitant, ties by code; with the
    cumulative shares of population and of granted SEK (None when nothing was granted).
    """
    total_population = sum(population.values())
    total = sum(granted.get(code, 0.0) for code in population)
    order = sorted(population, key=lambda code: (granted.get(code, 0.0) / population[code], code))
    points, people, money = [], 0, 0.0
    for position, code in enumerate(order, start=1):
        people += population[code]
        money += granted.get(code, 0.0)
        points.append(
            {
                "position": position,
                "municipality_code": code,
                "granted_sek": granted.get(code, 0.0),
                "population_share_cum": people / total_population,
                "granted_share_cum": money / total if total else None,
            }
        )
    return points


def gini(granted: dict[str, float], population: dict[str, int]) -> float | None:
    """Population-weighted Gini: 1 - sum (P_k - P_k-1)(L_k + L_k-1); None when nothing granted."""
    points = lorenz(granted, population)
    if points[-1]["granted_share_cum"] is None:
        return None
    area, p_before, l_before = 0.0, 0.0, 0.0
    for point in points:
        p, share = point["population_share_cum"], point["granted_share_cum"]
        area += (p - p_before) * (share + l_before)
        p_before, l_before = p, share
    return 1 - area


def year_ranges(years: Iterable[int]) -> list[tuple[int, int]]:
    """Every (year_from, year_to) with first <= year_from <= year_to <= last."""
    years = sorted(years)
    return [(a, b) for a in years for b in years if a <= b]


# --- reporting status (INDICATORS.md, "Data quality") -------------------------------------------

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A submitted_at this far after the file was received is replaced by the receipt time (README).
FUTURE_TOLERANCE = timedelta(days=1)


def deadline(year: int) -> datetime:
    """The end of 31 March, Swedish time, of the year after ``year``, as naive UTC."""
    return datetime(year + 1, 4, 1, tzinfo=STOCKHOLM).astimezone(UTC).replace(tzinfo=None)


def _code(value, codes: set[str]) -> str | None:
    """A municipality code as a file gives it (`0114`, `114`, 114, `1280.0`), if it is known."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().split(".")[0]
    if not text.isdigit():
        return None
    text = text.zfill(4)
    return text if text in codes else None


def _year(value) -> int | None:
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None


def named_in_file(name: str, data: bytes, codes: set[str]) -> tuple[str | None, int | None]:
    """The municipality and year a file's content names, read leniently (a file with invalid
    values still names them); None for what cannot be read (an empty or broken file, a code that
    is not a municipality). A grant register names its funding year when all its rows agree."""
    table = _register_table(name, data) if name.startswith("bidrag") else None
    if table is not None:
        header, body = table
        index = {str(h).strip().casefold(): i for i, h in enumerate(header)}
        column = index.get("bidragsår", index.get("funding_year"))
        years = {_year(row[column]) for row in body if row and column is not None}
        years.discard(None)
        return None, years.pop() if len(years) == 1 else None
    if name.endswith(".json"):
        try:
            report = json.loads(data)
        except ValueError:
            return None, None
        if not isinstance(report, dict):
            return None, None
        return _code(report.get("municipality_code"), codes), _year(report.get("reporting_year"))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # anything openpyxl cannot open names nothing
        return None, None
    sheets = [s for s in book.sheetnames if s.split(" (")[0] == "Uppgifter"]
    if not sheets:
        return None, None
    fields = {}
    for row in book[sheets[0]].iter_rows(min_row=2, values_only=True):
        if row and row[0] is not None and len(row) > 1:
            fields[" ".join(str(row[0]).split()).casefold()] = row[1]
    return _code(fields.get("kommunkod"), codes), _year(fields.get("rapportår"))


def names_in_files(snapshot: dict[str, bytes]) -> dict[str, tuple[str | None, int | None]]:
    """``named_in_file`` of every file (name -> (code, year)): read once, pass it on."""
    codes = {m["municipality_code"] for m in reference_municipalities()}
    return {name: named_in_file(name, data, codes) for name, data in snapshot.items()}


def reporting_status(
    manifest: dict,
    snapshot: dict[str, bytes],
    year: int,
    received: datetime,
    named_by_file: dict[str, tuple[str | None, int | None]] | None = None,
) -> dict[str, dict]:
    """Every municipality's reporting status in ``year``, from the files (INDICATORS.md, "Data
    quality"), keyed by code.

    The files are received in name order at about ``received`` (naive UTC); the manifest says
    which load. Each entry: ``status`` (on_time, late, rejected: only rejected files name it,
    missing: no file names it), ``revised`` (more than one loaded report), ``current`` (the
    current report's file name: the latest by submitted_at, then receipt order), ``submitted_at``
    and ``last_file`` / ``last_fate`` (the last file received that names it and the year).
    ``named_by_file`` is ``names_in_files(snapshot)`` when already at hand.
    """
    codes = {m["municipality_code"] for m in reference_municipalities()}
    named_by_file = named_by_file or names_in_files(snapshot)
    expected = {entry["name"]: entry["expected"] for entry in manifest["files"]}
    loaded: dict[str, list[tuple]] = defaultdict(list)
    named: dict[str, list[str]] = defaultdict(list)
    for position, name in enumerate(sorted(snapshot)):
        data = snapshot[name]
        if name.startswith("bidrag"):
            continue
        code, named_year = named_by_file[name]
        if code is None or named_year != year:
            continue
        named[code].append(name)
        if expected[name] not in ("loaded", "superseded"):
            continue
        facts = facts_from_json(data) if name.endswith(".json") else facts_from_xlsx(data)
        submitted = facts["submitted_at"] or received
        if submitted > received + FUTURE_TOLERANCE:
            submitted = received
        loaded[code].append(((submitted, position), name))
    out = {}
    for code in sorted(codes):
        last = named[code][-1] if named[code] else None
        entry = {
            "revised": len(loaded[code]) > 1,
            "current": None,
            "submitted_at": None,
            "last_file": last,
            "last_fate": expected[last] if last else None,
        }
        if loaded[code]:
            (submitted, _), name = max(loaded[code])
            late = submitted >= deadline(year)
            entry |= {"current": name, "submitted_at": submitted}
            entry["status"] = "late" if late else "on_time"
        else:
            entry["status"] = "rejected" if named[code] else "missing"
        out[code] = entry
    return out


def files_of_year(
    manifest: dict,
    snapshot: dict[str, bytes],
    year: int,
    received: datetime,
    named_by_file: dict[str, tuple[str | None, int | None]] | None = None,
) -> dict[str, dict]:
    """The files received for ``year``, by name: those whose content names the year, and those
    whose year cannot be read when they were received the year after (the product lists those
    under the year before their receipt: dashboard/queries/submissions_for_year.sql). Each:
    ``code`` (the municipality the content names, or None), ``fate`` (what the manifest expects)
    and ``kind`` (the manifest's);
    ``named_by_file`` as for ``reporting_status``."""
    named_by_file = named_by_file or names_in_files(snapshot)
    out = {}
    for entry in manifest["files"]:
        code, named_year = named_by_file[entry["name"]]
        if named_year == year or (named_year is None and received.year == year + 1):
            out[entry["name"]] = {"code": code, "fate": entry["expected"], "kind": entry["kind"]}
    return out


# --- one report's figures and the register's totals (INDICATORS.md, "Per municipality") ---------


def report_figures(facts: dict, year: int) -> dict:
    """The figures of one current report (``current_reports``' facts) for ``year``, named as the
    marts name them: the yes/no figures as booleans (``has_coordinator`` None where the FTE is
    left out), ``coordinator_fte`` (None when left out), ``promises_count`` and ``spent_sek``."""
    fte = facts["coordinator_fte"]
    in_force = (
        facts["agreement"]
        and facts["valid_from"] <= date(year, 12, 31)
        and facts["valid_to"] >= date(year, 1, 1)
    )
    return {
        "has_council": facts["council"],
        "has_coordinator": None if fte is None else fte > 0,
        "has_situation_report": facts["situation_report"],
        "has_action_plan": facts["action_plan"],
        "has_agreement_in_force": bool(in_force),
        "has_promises": facts["promises"] > 0,
        "meets_legal_requirements": facts["council"]
        and facts["situation_report"]
        and facts["action_plan"],
        "uses_est": "est" in facts["models"],
        "uses_sspf": "sspf" in facts["models"],
        "coordinator_fte": fte,
        "promises_count": facts["promises"],
        "spent_sek": facts["spent"],
    }


def grant_totals(rows: dict[str, dict]) -> tuple[dict, dict]:
    """``register_rows``' amounts summed: ``(municipal, county_level)``, the first keyed by
    (municipality code, funding year), the second (grants to no municipality) by (county code,
    funding year); each value {"applied", "granted", "paid"} in SEK."""
    municipal: dict[tuple[str, int], dict] = defaultdict(
        lambda: {"applied": 0.0, "granted": 0.0, "paid": 0.0}
    )
    county_level: dict[tuple[str, int], dict] = defaultdict(
        lambda: {"applied": 0.0, "granted": 0.0, "paid": 0.0}
    )
    for row in rows.values():
        if row["municipality_code"] is None:
            key, table = (row["county_code"], row["funding_year"]), county_level
        else:
            key, table = (row["municipality_code"], row["funding_year"]), municipal
        for amount in ("applied", "granted", "paid"):
            table[key][amount] += row[amount]
    return dict(municipal), dict(county_level)


def late_report(facts: dict, year: int, received: datetime) -> bool:
    """Whether a current report (``current_reports``' facts) counts as late: its submitted_at,
    or the receipt time (``received``, naive UTC) when it has none or gives one more than a day
    after receipt, at or after the deadline of ``year``."""
    submitted = facts["submitted_at"] or received
    if submitted > received + FUTURE_TOLERANCE:
        submitted = received
    return submitted >= deadline(year)
