"""Ingest of JSON reports end to end through the CLI: statuses, exit codes, archive, marts."""

from __future__ import annotations

import json

from tests.conftest import query, run_cli, write_json


def ingest_json(*args: str) -> tuple[int, dict]:
    result = run_cli("ingest", "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_valid_report_loads_and_exit_code_is_zero(tmp_path, valid_report):
    path = write_json(tmp_path / "rapport.json", valid_report)
    code, summary = ingest_json(str(path), "--warehouse", str(tmp_path / "wh"))
    assert code == 0
    [file] = summary["files"]
    assert file["status"] == "loaded"
    assert file["municipality_code"] == "0114" and file["year"] == 2024
    assert file["errors"] == []
    rows = query(
        tmp_path / "wh",
        "select has_report, has_council, coordinator_fte, has_agreement_in_force, promises_count,"
        " promises_fulfilled, promises_with_dialogue, meets_legal_requirements, spent_sek"
        " from mart_municipality_year where municipality_code = '0114' and year = 2024",
    )
    assert rows == [(True, True, 1.5, True, 2, 1, 2, True, 250000.0)]
    # every other municipality is "not reported": NULL, never false
    assert query(
        tmp_path / "wh",
        "select count(*), count(has_council) from mart_municipality_year where not has_report",
    ) == [(289, 0)]
    assert path.exists(), "an explicitly given path is never deleted"


def test_report_with_several_errors_is_rejected_whole_listing_every_error(tmp_path, valid_report):
    valid_report["citizen_promises"][0]["status"] = "klart"
    valid_report["citizen_promises"][1]["end_date"] = "2024-01-01"  # before start 2024-03-01
    valid_report["council"]["coordinator_fte"] = 80
    del valid_report["action_plan"]
    path = write_json(tmp_path / "trasig.json", valid_report)
    code, summary = ingest_json(str(path), "--warehouse", str(tmp_path / "wh"))
    assert code == 1
    [file] = summary["files"]
    assert file["status"] == "rejected"
    fields = {e["field"] for e in file["errors"]}
    assert fields == {
        "citizen_promises[0].status",
        "citizen_promises[1].end_date",
        "council.coordinator_fte",
        "action_plan.exists",
    }
    assert all(e["expected"] for e in file["errors"])
    assert query(
        tmp_path / "wh", "select count(*) from mart_municipality_year where has_report"
    ) == [(0,)]
    notes = list((tmp_path / "wh" / "rejected").glob("*trasig.json.txt"))
    assert len(notes) == 1 and "citizen_promises[0].status" in notes[0].read_text()


def test_same_bytes_twice_is_a_duplicate_and_not_loaded_again(tmp_path, valid_report):
    a = write_json(tmp_path / "a.json", valid_report)
    wh = str(tmp_path / "wh")
    ingest_json(str(a), "--warehouse", wh)
    b = tmp_path / "b.json"
    b.write_bytes(a.read_bytes())
    code, summary = ingest_json(str(b), "--warehouse", wh)
    assert code == 0
    assert summary["files"][0]["status"] == "duplicate"
    assert summary["files"][0]["duplicate_of"] == 1
    assert query(tmp_path / "wh", "select count(*) from raw_reports") == [(1,)]


def test_later_report_supersedes_earlier_both_kept(tmp_path, valid_report):
    first = write_json(tmp_path / "v1.json", valid_report)
    valid_report["submitted_at"] = "2025-03-01T09:00:00+01:00"
    valid_report["council"]["coordinator_fte"] = 2.0
    second = write_json(tmp_path / "v2.json", valid_report)
    wh = tmp_path / "wh"
    ingest_json(str(first), "--warehouse", str(wh))
    ingest_json(str(second), "--warehouse", str(wh))
    statuses = query(wh, "select file_name, status from mart_submissions order by submission_id")
    assert statuses == [("v1.json", "superseded"), ("v2.json", "loaded")]
    assert query(wh, "select coordinator_fte from mart_municipality_year where has_report") == [
        (2.0,)
    ]


def test_an_older_revision_arriving_later_does_not_win(tmp_path, valid_report):
    newer = dict(valid_report, submitted_at="2025-03-01T09:00:00+01:00")
    a = write_json(tmp_path / "newer.json", newer)
    b = write_json(tmp_path / "older.json", valid_report)
    wh = tmp_path / "wh"
    ingest_json(str(a), str(b), "--warehouse", str(wh))
    assert query(wh, "select file_name, status from mart_submissions order by submission_id") == [
        ("newer.json", "loaded"),
        ("older.json", "superseded"),
    ]


def test_inbox_files_leave_the_inbox_only_after_publish_and_stay_archived(tmp_path, valid_report):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_json(inbox / "r.json", valid_report)
    (inbox / "junk.bin").write_bytes(b"\x00\x01\x02 not a report")
    wh = tmp_path / "wh"
    result = run_cli("ingest", "--warehouse", str(wh), "--inbox", str(inbox))
    assert result.returncode == 1, result.stdout + result.stderr
    assert list(inbox.iterdir()) == []
    hashes = [h for (h,) in query(wh, "select sha256 from mart_submissions")]
    assert len(hashes) == 2
    for sha in hashes:
        assert (wh / "archive" / sha[:2] / sha).is_file()


def test_missing_path_is_a_usage_error(tmp_path):
    result = run_cli("ingest", str(tmp_path / "nope.json"), "--warehouse", str(tmp_path / "wh"))
    assert result.returncode == 2


def test_status_reports_years_and_rejections(tmp_path, valid_report):
    wh = tmp_path / "wh"
    write_json(tmp_path / "r.json", valid_report)
    (tmp_path / "bad.json").write_text("{ trasig", encoding="utf-8")
    run_cli("ingest", str(tmp_path / "r.json"), str(tmp_path / "bad.json"), "--warehouse", str(wh))
    result = run_cli("status", "--warehouse", str(wh))
    assert result.returncode == 0
    assert "2024" in result.stdout and "bad.json" in result.stdout


def test_a_file_over_the_size_limit_is_archived_and_rejected_with_one_reason(tmp_path):
    import hashlib

    from pipelines.contract import MAX_FILE_BYTES
    from pipelines.ingest import ingest

    big = tmp_path / "stor.json"
    big.write_bytes(b"{" + b" " * MAX_FILE_BYTES + b"}")
    result = ingest([big], tmp_path / "wh", tmp_path)
    [file] = result.files
    assert file["status"] == "rejected"
    assert [e["code"] for e in file["errors"]] == ["too_large"]
    sha = hashlib.sha256(big.read_bytes()).hexdigest()
    assert file["sha256"] == sha
    archived = tmp_path / "wh" / "archive" / sha[:2] / sha
    assert archived.read_bytes() == big.read_bytes()


def test_deadline_is_the_end_of_31_march_in_swedish_time(tmp_path, valid_report):
    # (municipality, submitted_at, late): a time without a zone is Swedish local time.
    cases = [
        ("0114", "2025-03-31T23:59:59", False),
        ("0115", "2025-03-31T21:59:59Z", False),  # 23:59:59 in Stockholm (summer time)
        ("0117", "2025-04-01", True),
        ("0120", "2025-04-01T00:30:00+02:00", True),
        ("0123", "2025-03-31T22:00:00Z", True),  # midnight in Stockholm
    ]
    paths = []
    for code, submitted_at, _ in cases:
        report = dict(valid_report, municipality_code=code, submitted_at=submitted_at)
        paths.append(str(write_json(tmp_path / f"{code}.json", report)))
    code, _ = ingest_json(*paths, "--warehouse", str(tmp_path / "wh"))
    assert code == 0
    late = dict(
        query(
            tmp_path / "wh",
            "select municipality_code, is_late from mart_municipality_year"
            " where year = 2024 and has_report",
        )
    )
    assert late == {code: is_late for code, _, is_late in cases}


def test_a_key_given_twice_is_an_error_when_the_values_differ(tmp_path, valid_report):
    text = json.dumps(valid_report, ensure_ascii=False)
    differ = tmp_path / "differ.json"
    differ.write_text(
        text.replace('"reporting_year": 2024', '"reporting_year": 2024, "reporting_year": 2025')
    )
    same = tmp_path / "same.json"
    same.write_text(
        text.replace(
            '"municipality_code": "0114"',
            '"municipality_code": "0115", "municipality_code": "0115"',
        )
    )
    code, summary = ingest_json(str(differ), str(same), "--warehouse", str(tmp_path / "wh"))
    assert code == 1
    first, second = summary["files"]
    assert first["status"] == "rejected"
    assert [(e["code"], e["field"]) for e in first["errors"]] == [
        ("duplicate_key", "reporting_year")
    ]
    assert second["status"] == "loaded"
    assert ("duplicate_key", "municipality_code") in {
        (w["code"], w["field"]) for w in second["warnings"]
    }


def test_submitted_at_in_the_future_is_warned_and_the_receipt_time_used(tmp_path, valid_report):
    typo = dict(valid_report, submitted_at="2052-02-14T10:00:00")
    revision = {k: v for k, v in valid_report.items() if k != "submitted_at"}
    paths = [write_json(tmp_path / "typo.json", typo), write_json(tmp_path / "rev.json", revision)]
    code, summary = ingest_json(*map(str, paths), "--warehouse", str(tmp_path / "wh"))
    assert code == 0
    warnings = {(w["code"], w["field"]) for w in summary["files"][0]["warnings"]}
    assert ("future_submitted_at", "submitted_at") in warnings
    # The typo does not keep the first file current: both count as sent when received, and the
    # one received last is the current report.
    assert [f["status"] for f in summary["files"]] == ["superseded", "loaded"]
    assert query(
        tmp_path / "wh",
        "select report_file_name from mart_municipality_year"
        " where municipality_code = '0114' and year = 2024",
    ) == [("rev.json",)]
