"""Every rule of report-format.md section 1, on the validator: each broken rule is an error that
names the field and what was expected; each forgiven form loads (with a warning where meaning was
guessed); every error of a report is listed, not only the first."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime

import pytest

from pipelines.issues import IssueLog
from pipelines.read.json_report import decode_json
from pipelines.reference import municipality_codes
from pipelines.validate.report import validate_report

CODES = municipality_codes()
THIS_YEAR = date.today().year


def check(report: dict):
    return validate_report(report, known_codes=CODES)


def mutate(report: dict, path: str, value=...) -> dict:
    """Set (or with `...` delete) a dotted path; list items as `citizen_promises.0.status`."""
    out = copy.deepcopy(report)
    node = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    leaf = parts[-1]
    if isinstance(node, list):
        leaf = int(leaf)
    if value is ...:
        del node[leaf]
    else:
        node[leaf] = value
    return out


def test_the_fixture_is_valid(valid_report):
    report, log = check(valid_report)
    assert log.issues == []
    assert report["municipality_code"] == "0114"
    assert report["agreement"]["valid_to"] == date(2026, 1, 31)
    assert report["submitted_at"] == datetime(2025, 2, 14, 9, 30)  # UTC


ERRORS = [
    # (path, value or ... to delete, field named in the error)
    ("schema_version", "2", "schema_version"),
    ("schema_version", ..., "schema_version"),
    ("municipality_code", "9999", "municipality_code"),
    ("municipality_code", "01144", "municipality_code"),
    ("municipality_code", "Väsby", "municipality_code"),
    ("municipality_code", ..., "municipality_code"),
    ("reporting_year", 2009, "reporting_year"),
    ("reporting_year", THIS_YEAR + 1, "reporting_year"),
    ("reporting_year", "i fjol", "reporting_year"),
    ("reporting_year", ..., "reporting_year"),
    ("submitted_at", "igår", "submitted_at"),
    ("council", ..., "council.exists"),
    ("council", "ja", "council"),
    ("council.exists", ..., "council.exists"),
    ("council.exists", "kanske", "council.exists"),
    ("council.established_year", 1989, "council.established_year"),
    ("council.established_year", 2025, "council.established_year"),  # after reporting year 2024
    ("council.chair", "mayor", "council.chair"),
    ("council.members", ["police", "wizards"], "council.members"),
    ("council.meetings_held", 366, "council.meetings_held"),
    ("council.meetings_held", -1, "council.meetings_held"),
    ("council.meetings_held", 2.5, "council.meetings_held"),
    ("council.coordinator_fte", 50.5, "council.coordinator_fte"),
    ("council.coordinator_fte", -0.5, "council.coordinator_fte"),
    ("council.coordination_models", ["est", "xyz"], "council.coordination_models"),
    ("situation_report.exists", ..., "situation_report.exists"),
    ("situation_report.updated_year", 2025, "situation_report.updated_year"),
    ("action_plan.exists", ..., "action_plan.exists"),
    ("action_plan.adopted_date", "31/12/2024", "action_plan.adopted_date"),
    ("agreement.exists", ..., "agreement.exists"),
    ("agreement.valid_from", ..., "agreement.valid_from"),
    ("agreement.valid_to", ..., "agreement.valid_to"),
    ("agreement.valid_to", "2023-01-31", "agreement.valid_to"),  # before valid_from
    ("agreement.signed_date", "2023-02-30", "agreement.signed_date"),
    ("agreement.focus_areas", ["drugs", "golf"], "agreement.focus_areas"),
    ("agreement.followed_up", "nja", "agreement.followed_up"),
    ("citizen_promises", {"promise_id": "x"}, "citizen_promises"),
    ("citizen_promises.0", "ett löfte", "citizen_promises[0]"),
    ("citizen_promises.1.promise_id", "ML-2024-1", "citizen_promises[1].promise_id"),
    ("citizen_promises.0.promise_id", ..., "citizen_promises[0].promise_id"),
    ("citizen_promises.0.title", "", "citizen_promises[0].title"),
    ("citizen_promises.0.title", "x" * 301, "citizen_promises[0].title"),
    ("citizen_promises.0.focus_area", "weather", "citizen_promises[0].focus_area"),
    ("citizen_promises.0.start_date", ..., "citizen_promises[0].start_date"),
    ("citizen_promises.0.end_date", "2023-12-31", "citizen_promises[0].end_date"),
    ("citizen_promises.0.dialogue_methods", ["telepathy"], "citizen_promises[0].dialogue_methods"),
    ("citizen_promises.0.status", "done", "citizen_promises[0].status"),
    ("citizen_promises.0.followed_up", ..., "citizen_promises[0].followed_up"),
    ("citizen_promises.0.published", "?", "citizen_promises[0].published"),
    ("funded_projects", "none", "funded_projects"),
    ("funded_projects.0.grant_id", ..., "funded_projects[0].grant_id"),
    ("funded_projects.0.title", ..., "funded_projects[0].title"),
    ("funded_projects.0.category", "misc", "funded_projects[0].category"),
    ("funded_projects.0.spent_sek", -1, "funded_projects[0].spent_sek"),
    ("funded_projects.0.spent_sek", "mycket", "funded_projects[0].spent_sek"),
    ("funded_projects.0.spent_sek", ..., "funded_projects[0].spent_sek"),
    ("funded_projects.0.co_funding_sek", -5, "funded_projects[0].co_funding_sek"),
    ("funded_projects.0.status", "paused", "funded_projects[0].status"),
    ("funded_projects.0.effect_evaluated", ..., "funded_projects[0].effect_evaluated"),
    ("measures", ["drugs", "chess"], "measures"),
]


@pytest.mark.parametrize(
    ("path", "value", "field"), ERRORS, ids=[f"{p}={v!r}"[:60] for p, v, _ in ERRORS]
)
def test_each_rule_is_an_error_naming_field_and_expectation(valid_report, path, value, field):
    report, log = check(mutate(valid_report, path, value))
    assert report is None, "a report with any error is rejected whole"
    assert field in {e.field for e in log.errors}, [e.describe() for e in log.errors]
    for error in log.errors:
        assert error.message and error.expected, error


FORGIVEN = [
    # (path, value, warned?) forms that load
    ("municipality_code", "114", True),
    ("municipality_code", 114, True),
    ("reporting_year", "2024", False),
    ("reporting_year", 2024.0, False),
    ("submitted_at", ..., False),
    ("submitted_at", "2025-02-14", False),
    ("council.exists", "Ja", False),
    ("council.exists", "x", True),
    ("council.exists", 1, False),
    ("council.coordinator_fte", "1,5", False),
    ("council.coordinator_fte", 0, False),
    ("council.chair", "Gemensamt", False),
    ("council.members", "Polisen; Skolan", False),
    ("council.members", [], False),
    ("council.name", ..., False),
    ("agreement.valid_from", 44958, True),  # Excel serial for 2023-02-01
    ("agreement.focus_areas", "Narkotika, Ungdomsbrottslighet", False),
    ("agreement.followed_up", ..., False),
    ("citizen_promises", [], False),
    ("citizen_promises.0.end_date", ..., False),
    ("citizen_promises.0.dialogue_methods", [], True),  # allowed but warned
    ("citizen_promises.0.status", "Delvis infriat", False),
    ("funded_projects", [], False),
    ("funded_projects.0.spent_sek", "250 000 kr", False),
    ("funded_projects.0.spent_sek", "1 234,50", False),
    ("funded_projects.0.co_funding_sek", ..., False),
    ("measures", ..., False),
    ("citizen_promises.0.note", "extra", True),  # unknown field: ignored with a warning
]


@pytest.mark.parametrize(
    ("path", "value", "warned"), FORGIVEN, ids=[f"{p}={v!r}"[:60] for p, v, _ in FORGIVEN]
)
def test_forgiven_forms_load(valid_report, path, value, warned):
    report, log = check(mutate(valid_report, path, value))
    assert report is not None, [e.describe() for e in log.errors]
    assert bool(log.warnings) == warned, [w.describe() for w in log.warnings]


def test_every_error_is_listed_not_only_the_first(valid_report):
    broken = mutate(valid_report, "municipality_code", "9999")
    broken = mutate(broken, "council.meetings_held", 400)
    broken = mutate(broken, "citizen_promises.0.status", "done")
    broken = mutate(broken, "citizen_promises.1.focus_area", "weather")
    broken = mutate(broken, "funded_projects.0.spent_sek", -3)
    report, log = check(broken)
    assert report is None
    assert len(log.errors) == 5


def test_typed_values(valid_report):
    report, _ = check(mutate(valid_report, "funded_projects.0.spent_sek", "1 234,50 kr"))
    assert report["funded_projects"][0]["spent_sek"] == pytest.approx(1234.5)
    report, _ = check(mutate(valid_report, "council.members", "Polisen; Skolan"))
    assert report["council"]["members"] == ["police", "school"]


def test_missing_lists_are_empty_with_a_warning(valid_report):
    report, log = check(mutate(mutate(valid_report, "citizen_promises"), "funded_projects"))
    assert report["citizen_promises"] == [] and report["funded_projects"] == []
    assert {w.field for w in log.warnings} == {"citizen_promises", "funded_projects"}


def test_agreement_dates_not_required_without_agreement(valid_report):
    no_agreement = {"exists": False}
    report, log = check(mutate(valid_report, "agreement", no_agreement))
    assert report is not None and log.errors == []


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "cp1252"],
)
def test_json_encodings(valid_report, encode):
    log = IssueLog()
    raw = decode_json(encode(json.dumps(valid_report, ensure_ascii=False)), log)
    assert raw["council"]["name"] == "Trygghetsrådet i Upplands Väsby"
    assert log.errors == []


@pytest.mark.parametrize("data", [b"", b"{", b'{"a": 1', b"\xff\xfe\x00", b"[1, 2", b"null x"])
def test_unreadable_json_is_one_clear_error(data):
    log = IssueLog()
    assert decode_json(data, log) is None
    assert len(log.errors) == 1 and log.errors[0].code == "unreadable"
