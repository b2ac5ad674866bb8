"""The annual municipal report's contract (report-format.md section 1), checked in full.

`validate_report` takes the raw nested shape that a reader produced (values may still be text,
Excel serials or labels) and returns the typed report plus every error and warning found, never
only the first. A report with any error is rejected whole by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pipelines.contract import (
    FIRST_REPORTING_YEAR,
    PROJECT_FIELDS,
    PROMISE_FIELDS,
    REPORT_FIELDS,
    SCHEMA_VERSION,
    Field,
)
from pipelines.issues import IssueLog, Location
from pipelines.validate.coerce import CoerceError, coerce, is_blank

Locate = Callable[[str], Location]
SECTIONS = ("council", "situation_report", "action_plan", "agreement")
LISTS = {"citizen_promises": PROMISE_FIELDS, "funded_projects": PROJECT_FIELDS}
KNOWN_TOP = {f.key.split(".")[0] for f in REPORT_FIELDS} | set(LISTS)
MIN_ESTABLISHED_YEAR = 1990


def json_locate(path: str) -> Location:
    return Location(field=path)


def _get(raw: dict, path: str) -> tuple[bool, object]:
    """(present, value) for a dotted path; a missing parent counts as missing."""
    node: object = raw
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _check_value(
    log: IssueLog,
    field: Field,
    path: str,
    value: object,
    present: bool,
    locate: Locate,
    known_codes: set[str] | None,
) -> object:
    """Coerce one value, logging what is wrong; returns None when missing or invalid."""
    loc = locate(path)
    if not present or is_blank(value) or (field.type == "enums" and value == []):
        if field.type == "enums" and present and value == []:
            return []
        if field.required:
            log.error(
                "missing_required",
                f"obligatoriskt fält '{field.sv}' saknas",
                field=path,
                loc=loc,
                expected=_expected(field),
            )
        return [] if field.type == "enums" else None
    try:
        result, warning = coerce(value, field, known_codes=known_codes)
    except CoerceError as exc:
        log.error(
            "invalid_value",
            f"'{field.sv}': {exc.message}",
            field=path,
            loc=loc,
            expected=exc.expected,
            value=value,
        )
        return [] if field.type == "enums" else None
    if warning:
        log.warn("guessed_value", f"'{field.sv}': {warning}", field=path, loc=loc, value=value)
    return result


def _expected(field: Field) -> str:
    return {
        "bool": "Ja eller Nej",
        "date": "ett datum ÅÅÅÅ-MM-DD",
        "year": "ett årtal",
        "code": "en kommunkod med fyra siffror",
        "enum": "ett värde från listan",
        "enums": "en lista med värden",
        "number": "ett tal",
        "int": "ett heltal",
    }.get(field.type, "ett värde")


def _set(target: dict, path: str, value: object) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def validate_report(
    raw: object,
    *,
    known_codes: set[str],
    locate: Locate = json_locate,
    today: date | None = None,
) -> tuple[dict | None, IssueLog]:
    """Check a raw report against the contract; returns (typed report or None, issues)."""
    log = IssueLog()
    today = today or date.today()
    if not isinstance(raw, dict):
        log.error(
            "not_an_object",
            "rapporten är inget objekt med fält",
            expected="ett JSON-objekt { ... } med rapportens fält",
        )
        return None, log

    for key in raw:
        if key not in KNOWN_TOP:
            log.warn("unknown_field", f"okänt fält '{key}' ignorerades", field=str(key))
    for section in SECTIONS:
        present, value = _get(raw, section)
        if present and not isinstance(value, dict):
            log.error(
                "not_an_object",
                f"'{section}' ska vara ett objekt med fält",
                field=section,
                loc=locate(section),
                expected="ett objekt { ... }",
            )
        elif present:
            known = {f.key.split(".", 1)[1] for f in REPORT_FIELDS if f.key.startswith(section)}
            for key in value:
                if key not in known:
                    path = f"{section}.{key}"
                    log.warn(
                        "unknown_field",
                        f"okänt fält '{path}' ignorerades",
                        field=path,
                        loc=locate(path),
                    )

    report: dict = {}
    for field in REPORT_FIELDS:
        present, value = _get(raw, field.key)
        typed = _check_value(log, field, field.key, value, present, locate, known_codes)
        _set(report, field.key, typed)

    _check_cross_fields(report, log, locate, today)

    for list_key, fields in LISTS.items():
        report[list_key] = _check_list(raw, list_key, fields, report, log, locate)

    return (None if log.errors else report), log


def _check_cross_fields(report: dict, log: IssueLog, locate: Locate, today: date) -> None:
    version = report.get("schema_version")
    if version is not None and version not in (SCHEMA_VERSION, "1.0"):
        log.error(
            "unsupported_schema",
            f"schemaversion '{version}' stöds inte",
            field="schema_version",
            loc=locate("schema_version"),
            expected=f'"{SCHEMA_VERSION}"',
            value=version,
        )
    report["schema_version"] = SCHEMA_VERSION if version else version

    year = report.get("reporting_year")
    if year is not None and not FIRST_REPORTING_YEAR <= year <= today.year:
        log.error(
            "out_of_range",
            f"rapportåret {year} ligger utanför tillåtna år",
            field="reporting_year",
            loc=locate("reporting_year"),
            expected=f"ett år mellan {FIRST_REPORTING_YEAR} och {today.year}",
            value=year,
        )
        year = None

    council, situation, agreement = (
        report["council"],
        report["situation_report"],
        report["agreement"],
    )
    established = council.get("established_year")
    if established is not None:
        upper = year if year is not None else today.year
        if not MIN_ESTABLISHED_YEAR <= established <= upper:
            log.error(
                "out_of_range",
                f"rådet kan inte ha inrättats år {established}",
                field="council.established_year",
                loc=locate("council.established_year"),
                expected=f"ett år mellan {MIN_ESTABLISHED_YEAR} och {upper}",
                value=established,
            )
    updated = situation.get("updated_year")
    if updated is not None and year is not None and updated > year:
        log.error(
            "out_of_range",
            f"lägesbilden kan inte vara uppdaterad år {updated}, efter rapportåret {year}",
            field="situation_report.updated_year",
            loc=locate("situation_report.updated_year"),
            expected=f"senast {year}",
            value=updated,
        )
    if agreement.get("exists"):
        for key in ("valid_from", "valid_to"):
            if agreement.get(key) is None and not _already_flagged(log, f"agreement.{key}"):
                log.error(
                    "missing_required",
                    f"'{'Giltig från' if key == 'valid_from' else 'Giltig till'}' krävs när "
                    "en överenskommelse finns",
                    field=f"agreement.{key}",
                    loc=locate(f"agreement.{key}"),
                    expected="ett datum ÅÅÅÅ-MM-DD",
                )
    start, end = agreement.get("valid_from"), agreement.get("valid_to")
    if start is not None and end is not None and end < start:
        log.error(
            "invalid_range",
            f"'Giltig till' ({end}) ligger före 'Giltig från' ({start})",
            field="agreement.valid_to",
            loc=locate("agreement.valid_to"),
            expected="ett datum samma dag som eller efter 'Giltig från'",
            value=end.isoformat(),
        )


def _already_flagged(log: IssueLog, path: str) -> bool:
    return any(i.field == path for i in log.errors)


def _check_list(
    raw: dict, list_key: str, fields: tuple[Field, ...], report: dict, log: IssueLog, locate: Locate
) -> list[dict]:
    present, items = _get(raw, list_key)
    if not present or items is None:
        log.warn(
            "missing_list",
            f"listan '{list_key}' saknas; tolkad som tom",
            field=list_key,
            loc=locate(list_key),
            expected="en lista, tom om det inte finns några",
        )
        return []
    if not isinstance(items, list):
        log.error(
            "not_a_list",
            f"'{list_key}' ska vara en lista",
            field=list_key,
            loc=locate(list_key),
            expected="en lista [ ... ]",
        )
        return []
    known = {f.key for f in fields}
    out: list[dict] = []
    seen_ids: dict[str, int] = {}
    for index, item in enumerate(items):
        base = f"{list_key}[{index}]"
        if not isinstance(item, dict):
            log.error(
                "not_an_object",
                f"post {index + 1} i '{list_key}' är inget objekt",
                field=base,
                loc=locate(base),
                expected="ett objekt { ... }",
            )
            continue
        for key in item:
            if key not in known:
                log.warn(
                    "unknown_field",
                    f"okänt fält '{key}' ignorerades",
                    field=f"{base}.{key}",
                    loc=locate(f"{base}.{key}"),
                )
        row: dict = {}
        for field in fields:
            path = f"{base}.{field.key}"
            present, value = (field.key in item), item.get(field.key)
            if field.key == "dialogue_methods" and not present:
                present, value = True, []
            row[field.key] = _check_value(log, field, path, value, present, locate, None)
        if list_key == "citizen_promises":
            _check_promise(row, base, index, seen_ids, log, locate)
        out.append(row)
    return out


def _check_promise(
    row: dict, base: str, index: int, seen: dict[str, int], log: IssueLog, locate: Locate
) -> None:
    pid = row.get("promise_id")
    if pid is not None:
        if pid in seen:
            log.error(
                "duplicate_id",
                f"löftes-id '{pid}' förekommer två gånger (även i post {seen[pid] + 1})",
                field=f"{base}.promise_id",
                loc=locate(f"{base}.promise_id"),
                expected="ett unikt id per medborgarlöfte",
                value=pid,
            )
        else:
            seen[pid] = index
    start, end = row.get("start_date"), row.get("end_date")
    if start is not None and end is not None and end < start:
        log.error(
            "invalid_range",
            f"slutdatum {end} ligger före startdatum {start}",
            field=f"{base}.end_date",
            loc=locate(f"{base}.end_date"),
            expected="ett datum samma dag som eller efter startdatum",
            value=end.isoformat(),
        )
    if row.get("dialogue_methods") == []:
        log.warn(
            "no_dialogue",
            "medborgarlöftet anger ingen dialogmetod; ett löfte bör vila på en medborgardialog",
            field=f"{base}.dialogue_methods",
            loc=locate(f"{base}.dialogue_methods"),
            expected="minst en dialogmetod",
        )
