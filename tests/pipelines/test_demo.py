"""The synthetic demo inbox: reproducible from its seed, valid where meant to be, broken where
meant to be, and shaped like the world of DOMAIN.md (rising coverage, grant volumes)."""

import csv
import io
import json
import re
from collections import Counter
from datetime import date, datetime

import pytest

from pipelines.contract import GRANT_FIELDS
from pipelines.demo import MALFORMED_KINDS, generate
from pipelines.issues import IssueLog
from pipelines.read.json_report import decode_json
from pipelines.read.xlsx_report import read_report_xlsx
from pipelines.reference import municipalities, municipality_codes
from pipelines.validate.coerce import CoerceError, to_code, to_date, to_number
from pipelines.validate.report import json_locate, validate_report

YEARS = range(2023, 2025)
CODES = municipality_codes()
NAME = re.compile(
    r"rapport_(\d{4})_(\d{4})(_rev\d+)?(_kopia)?\.(json|xlsx)|bidragsregister_\d{4}\.(csv|xlsx)"
)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "inbox"
    calls = []
    manifest = generate(folder, seed=42, years=YEARS, progress=lambda d, t: calls.append((d, t)))
    return folder, manifest, calls


def _load(path, fmt):
    """(typed report or None, issues) the way ingest reads and validates a report file."""
    log = IssueLog()
    data = path.read_bytes()
    if fmt == "json":
        raw, locate = decode_json(data, log), json_locate
    else:
        raw, locate = read_report_xlsx(data, log)
    if raw is None:
        return None, log.issues
    report, vlog = validate_report(raw, known_codes=CODES, locate=locate)
    return report, log.issues + vlog.issues


def _files(manifest, *kinds):
    return [f for f in manifest["files"] if f["kind"] in kinds]


def test_same_seed_same_bytes_other_seed_other_bytes(inbox, tmp_path):
    folder, manifest, _ = inbox
    again = generate(tmp_path / "again", seed=42, years=YEARS)
    assert again == manifest
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in names:
        assert (folder / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    generate(tmp_path / "other", seed=43, years=YEARS)
    other = {p.name: p.read_bytes() for p in (tmp_path / "other").iterdir()}
    same = sum(other.get(name) == (folder / name).read_bytes() for name in names)
    assert same < len(names) / 10


def test_manifest_lists_exactly_the_files_written(inbox):
    folder, manifest, calls = inbox
    assert sorted(f["name"] for f in manifest["files"]) == sorted(p.name for p in folder.iterdir())
    assert all(NAME.fullmatch(f["name"]) for f in manifest["files"])
    assert manifest["counts"]["files"] == len(manifest["files"])
    json.dumps(manifest)  # the caller may write it next to the inbox
    assert calls[-1][0] == calls[-1][1] and len(calls) > len(YEARS)
    # One report per municipality and year at most, besides revisions and the duplicate copy.
    firsts = Counter((f["municipality_code"], f["year"]) for f in _files(manifest, "report"))
    assert max(firsts.values()) == 1
    assert len(firsts) > 0.9 * len(CODES) * len(YEARS)


def test_json_and_xlsx_about_half_each(inbox):
    _, manifest, _ = inbox
    formats = Counter(f["format"] for f in _files(manifest, "report"))
    share = formats["xlsx"] / (formats["xlsx"] + formats["json"])
    assert 0.35 < share < 0.65


def test_every_report_not_meant_to_be_broken_validates(inbox):
    folder, manifest, _ = inbox
    reports = _files(manifest, "report", "revision", "duplicate_copy")
    warned = Counter()
    for entry in reports:
        report, issues = _load(folder / entry["name"], entry["format"])
        errors = [i.describe(entry["name"]) for i in issues if i.severity == "error"]
        assert report is not None and not errors, errors
        assert report["municipality_code"] == entry["municipality_code"]
        assert report["reporting_year"] == entry["year"]
        warned.update(i.code for i in issues)
    # Some forms were meant to be guessed at: a lost leading zero, an 'x' for Ja.
    assert warned["guessed_value"] > 0


def test_malformed_files_are_present_and_rejected_for_their_reason(inbox):
    folder, manifest, _ = inbox
    assert set(manifest["malformed"]) == set(MALFORMED_KINDS)
    assert 5 <= len(manifest["malformed"]) <= 10
    by_kind = {f["kind"]: f for f in manifest["files"]}
    path = {kind: folder / name for kind, name in manifest["malformed"].items()}

    assert path["empty_file"].read_bytes() == b""
    for kind in ("empty_file", "truncated_json", "word_renamed"):
        report, issues = _load(path[kind], by_kind[kind]["format"])
        assert report is None and [i.code for i in issues] == ["unreadable"], kind

    report, issues = _load(path["invalid_values"], "json")
    errors = {i.field for i in issues if i.severity == "error"}
    assert report is None
    assert {
        "council.chair",
        "agreement.valid_to",
        "citizen_promises[0].status",
        "citizen_promises[0].end_date",
    } <= errors

    report, issues = _load(path["xlsx_missing_code"], "xlsx")
    assert report is None
    assert [(i.code, i.field) for i in issues if i.severity == "error"] == [
        ("missing_required", "municipality_code")
    ]

    copy = path["duplicate_copy"]
    original = folder / by_kind["duplicate_copy"]["duplicate_of"]
    assert original.name == copy.name.replace("_kopia", "") and original.name < copy.name
    assert copy.read_bytes() == original.read_bytes()
    assert by_kind["duplicate_copy"]["expected"] == "duplicate"
    assert all(by_kind[k]["expected"] == "rejected" for k in MALFORMED_KINDS[:5])


def _register(folder, year):
    """Rows of a Swedish-Excel CSV register as dicts keyed by contract key."""
    data = (folder / f"bidragsregister_{year}.csv").read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8") if bom else data.decode("cp1252")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    assert header == [f.sv for f in GRANT_FIELDS]
    return [dict(zip([f.key for f in GRANT_FIELDS], row, strict=True)) for row in reader]


def _bad(row):
    try:
        to_number(row["amount_granted_sek"])
        if row["municipality_code"]:  # empty for a county-level grant
            to_code(row["municipality_code"], 4, CODES, "kommunkod")
        to_date(row["decision_date"])
    except CoerceError:
        return True
    return False


def test_grant_registers_look_like_the_grant_office_export(inbox):
    folder, manifest, _ = inbox
    rows = {year: _register(folder, year) for year in YEARS}
    bad = [r for r in rows[2024] if _bad(r)]
    assert manifest["malformed"]["register_bad_rows"] == "bidragsregister_2024.csv"
    assert len(bad) == 3 and len(rows[2024]) > 150
    values = {v for r in bad for v in r.values()}
    assert {"ca 200 tkr", "9999", "2024-02-30"} <= values
    assert not any(_bad(r) for r in rows[2023])
    for year, year_rows in rows.items():
        good = [r for r in year_rows if not _bad(r)]
        assert all(re.fullmatch(rf"BRA-{year}-\d{{4}}", r["grant_id"]) for r in good)
        assert len({r["grant_id"] for r in year_rows}) == len(year_rows)
        granted = {
            r["municipality_code"] for r in good if to_number(r["amount_granted_sek"])[0] > 0
        } - {""}
        expected = {2023: 61, 2024: 97}[year]
        assert abs(len(granted) - expected) <= 3
        county_level = [r for r in good if not r["municipality_code"]]
        assert county_level and all(r["county_code"] for r in county_level)
        amounts = [to_number(r["amount_granted_sek"])[0] for r in good]
        assert sum(0 < a <= 400_000 for a in amounts) > 0.7 * sum(a > 0 for a in amounts)
        assert max(amounts) > 400_000
        # Swedish Excel: decimal comma where there are öre, no decimal points.
        assert not any("." in r["amount_paid_sek"] for r in year_rows)


def test_reports_reference_the_register(inbox):
    folder, manifest, _ = inbox
    known = {r["grant_id"] for year in YEARS for r in _register(folder, year)}
    referenced = []
    for entry in _files(manifest, "report"):
        if entry["format"] == "json":
            report = json.loads((folder / entry["name"]).read_bytes())
            referenced += [p["grant_id"] for p in report["funded_projects"]]
    assert len(referenced) > 30
    unknown = [g for g in referenced if g not in known]
    assert len(unknown) < 0.1 * len(referenced)
    assert set(unknown) <= set(manifest["unknown_grant_ids"])


def test_late_and_revised_reports(inbox):
    folder, manifest, _ = inbox
    reports = {(f["municipality_code"], f["year"]): f for f in _files(manifest, "report")}
    late = [f for f in reports.values() if f["late"] and f["format"] == "json"]
    assert late
    for entry in late:
        sent = json.loads((folder / entry["name"]).read_bytes())["submitted_at"]
        assert datetime.fromisoformat(sent).date() > date(entry["year"] + 1, 3, 31)
    revisions = _files(manifest, "revision")
    assert revisions
    firsts = {(f["municipality_code"], f["year"]): f for f in _files(manifest, "truncated_json")}
    firsts.update(reports)
    for revision in revisions:
        first = firsts[(revision["municipality_code"], revision["year"])]
        before, _ = _load(folder / first["name"], first["format"])
        after, _ = _load(folder / revision["name"], revision["format"])
        if before is not None:  # the truncated file's resend revises a broken first file
            assert after["submitted_at"] > before["submitted_at"]
            assert after != dict(before, submitted_at=after["submitted_at"])
            assert first["expected"] == "superseded"


def test_coverage_rises_and_coordinators_follow_size(tmp_path):
    # An early and a late year only: the world does not depend on which years are written.
    manifest = generate(tmp_path / "inbox", seed=42, years=range(2016, 2025, 8))
    population = dict(
        zip(municipalities()["municipality_code"], municipalities()["population"], strict=True)
    )
    share: dict[int, Counter] = {2016: Counter(), 2024: Counter()}
    small_fte, city_fte = [], []
    for entry in _files(manifest, "report"):
        report, _ = _load(tmp_path / "inbox" / entry["name"], entry["format"])
        year = report["reporting_year"]
        share[year]["n"] += 1
        share[year]["council"] += report["council"]["exists"]
        share[year]["agreement"] += report["agreement"]["exists"]
        share[year]["promises"] += bool(report["citizen_promises"])
        share[year]["situation"] += report["situation_report"]["exists"]
        share[year]["plan"] += report["action_plan"]["exists"]
        fte = report["council"]["coordinator_fte"]
        if year == 2024 and fte:
            if population[report["municipality_code"]] < 10_000:
                small_fte.append(fte)
            elif population[report["municipality_code"]] > 300_000:
                city_fte.append(fte)
    early, late = (
        {k: v / share[y]["n"] for k, v in share[y].items() if k != "n"} for y in (2016, 2024)
    )
    for feature in ("council", "agreement", "promises", "situation", "plan"):
        assert late[feature] > early[feature] + 0.1 or late[feature] > 0.93, feature
    assert late["agreement"] > 0.9 and late["council"] > 0.95
    assert early["promises"] < 0.4 < 0.75 < late["promises"]
    assert late["plan"] < late["situation"]
    assert max(small_fte) <= 0.5 and min(city_fte) >= 2
    missing = {int(y): len(codes) for y, codes in manifest["missing"].items()}
    assert missing[2016] > 2 * missing[2024]
