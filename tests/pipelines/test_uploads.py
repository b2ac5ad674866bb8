"""Upload jobs: the web app's files stored as jobs and read by the runner through the ordinary
ingest, with the sender's rights enforced (a municipality reports for itself only, registers come
from a coordinator). Real DuckDB files, real runner processes."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import pytest

from pipelines import publish
from pipelines.ingest import ingest
from pipelines.uploads import (
    StoredFile,
    create_job,
    list_jobs,
    read_job,
    run_pending,
    spawn_runner,
)
from tests.conftest import FIXTURES, query, run_cli

HEADER = (
    "grant_id;decision_date;funding_year;municipality_code;county_code;project_title;category;"
    "amount_applied_sek;amount_granted_sek;amount_paid_sek\n"
)
REGISTER = (
    HEADER + "BRA-2024-0007;2024-02-01;2024;0114;01;Trygg skolväg;school;300000;250000;250000\n"
)


def stage(upload_dir: Path, name: str, data: bytes) -> StoredFile:
    """A file as the web app hands it over: bytes in U/.incoming, hashed."""
    incoming = upload_dir / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    temp = incoming / secrets.token_hex(8)
    temp.write_bytes(data)
    return StoredFile(name, hashlib.sha256(data).hexdigest(), len(data), temp, None)


def refused(name: str, size: int = 25_000_000) -> StoredFile:
    text = "filen är större än 20 MB och togs inte emot"
    return StoredFile(name, None, size, None, {"code": "too_large", "text": text})


def report_bytes(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False).encode("utf-8")


def job(upload_dir: Path, role: str, kommun: str | None, *files: StoredFile) -> str:
    return create_job(upload_dir, user="anna", role=role, kommun=kommun, files=list(files))


def outcomes(upload_dir: Path, job_id: str) -> list[dict | None]:
    return [f["outcome"] for f in read_job(upload_dir, job_id)["files"]]


@pytest.fixture
def dirs(tmp_path) -> tuple[Path, Path]:
    return tmp_path / "uploads", tmp_path / "wh"


def test_coordinator_job_loads_report_and_register_under_their_names(dirs, valid_report):
    up, wh = dirs
    staged = [
        stage(up, "rapport 2024.json", report_bytes(valid_report)),
        stage(up, "bidrag.csv", REGISTER.encode()),
    ]
    job_id = job(up, "coordinator", None, *staged)
    assert read_job(up, job_id)["state"] == "queued"
    assert not any(f.temp_path.exists() for f in staged), "moved into the job"
    assert (up / job_id / "files" / staged[0].sha256).is_file()

    assert run_pending(up, wh) == [job_id]

    record = read_job(up, job_id)
    assert record["state"] == "done" and record["error"] is None and record["finished_at"]
    assert record["version"] == publish.current_version(wh) == 1
    assert record["progress"] == {"done": 2, "total": 2}
    report, register = outcomes(up, job_id)
    assert (report["status"], report["kind"], report["municipality_code"], report["year"]) == (
        "loaded",
        "report_json",
        "0114",
        2024,
    )
    assert report["errors"] == [] and report["warnings"] == []  # the register has its grant
    assert (register["status"], register["kind"], register["rows_loaded"]) == (
        "loaded",
        "grants_csv",
        1,
    )
    assert not (up / job_id / "files").exists()
    assert query(wh, "select file_name, status from mart_submissions order by 1") == [
        ("bidrag.csv", "loaded"),
        ("rapport 2024.json", "loaded"),
    ]
    assert query(
        wh,
        "select report_file_name from mart_municipality_year where municipality_code = '0114'"
        " and year = 2024",
    ) == [("rapport 2024.json",)]


def test_municipal_reporter_reports_for_its_own_municipality_only(dirs, valid_report):
    up, wh = dirs
    own = job(up, "kommun", "0114", stage(up, "väsby.json", report_bytes(valid_report)))
    other_report = {**valid_report, "municipality_code": "0180"}
    other_bytes = report_bytes(other_report)
    other = job(up, "kommun", "0114", stage(up, "annan.json", other_bytes))
    run_pending(up, wh)

    assert outcomes(up, own)[0]["status"] == "loaded"
    [refusal] = outcomes(up, other)
    assert refusal["status"] == "rejected"
    # The record shows whom the file named, and why it was refused.
    assert (refusal["municipality_code"], refusal["year"]) == ("0180", 2024)
    [error] = refusal["errors"]
    assert error["code"] == "wrong_municipality" and error["expected"] == "0114"
    assert "0180 (Stockholm)" in error["text"] and "0114 (Upplands Väsby)" in error["text"]
    assert read_job(up, other)["state"] == "done"  # a rejection is an outcome, not a failure

    sid = refusal["submission_id"]
    assert query(
        wh,
        "select file_name, status, municipality_code, year from mart_submissions"
        " where submission_id = ?",
        [sid],
    ) == [("annan.json", "rejected", "0180", 2024)]
    assert query(
        wh,
        "select code, expected from mart_issues where submission_id = ? and severity = 'error'",
        [sid],
    ) == [("wrong_municipality", "0114")]
    assert query(
        wh, "select count(*) from int_current_reports where municipality_code = '0180'"
    ) == [(0,)]
    assert query(
        wh,
        "select has_report from mart_municipality_year where municipality_code = '0180'"
        " and year = 2024",
    ) == [(False,)]
    [note] = (wh / "rejected").glob("*_annan.json.txt")
    assert "Fil: annan.json" in note.read_text() and "0180 (Stockholm)" in note.read_text()

    # The refusal was for the sender, not the bytes: from a coordinator the same file loads,
    # while the same municipality's own report sent again is a duplicate as ever.
    again = job(up, "coordinator", None, stage(up, "stockholm.json", other_bytes))
    repeat = job(up, "kommun", "0114", stage(up, "väsby igen.json", report_bytes(valid_report)))
    run_pending(up, wh)
    assert outcomes(up, again)[0]["status"] == "loaded"
    assert outcomes(up, repeat)[0]["status"] == "duplicate"
    assert query(
        wh,
        "select has_report, report_file_name from mart_municipality_year"
        " where municipality_code = '0180' and year = 2024",
    ) == [(True, "stockholm.json")]


def test_wrong_municipality_in_xlsx_names_the_cell(dirs):
    up, wh = dirs
    data = (FIXTURES / "report_libreoffice.xlsx").read_bytes()  # Upplands Väsby, 0114
    job_id = job(up, "kommun", "0180", stage(up, "rapport.xlsx", data))
    run_pending(up, wh)
    [outcome] = outcomes(up, job_id)
    assert outcome["status"] == "rejected" and outcome["kind"] == "report_xlsx"
    [error] = [e for e in outcome["errors"] if e["code"] == "wrong_municipality"]
    assert (error["sheet"], error["label"], error["expected"]) == ("Uppgifter", "Kommunkod", "0180")


def test_grant_register_needs_a_coordinator(dirs):
    up, wh = dirs
    job_id = job(up, "kommun", "0114", stage(up, "bidrag.csv", REGISTER.encode()))
    run_pending(up, wh)
    [outcome] = outcomes(up, job_id)
    assert outcome["status"] == "rejected" and outcome["kind"] == "grants_csv"
    assert [e["code"] for e in outcome["errors"]] == ["grants_need_coordinator"]
    assert "samordnare" in outcome["errors"][0]["text"]
    # Refused before it was read: its rows were never counted.
    assert (outcome["rows_loaded"], outcome["rows_rejected"]) == (0, None)
    assert query(wh, "select count(*) from mart_grants") == [(0,)]
    assert query(wh, "select status from mart_submissions") == [("rejected",)]


def test_refused_files_stay_refused_and_an_all_refused_job_is_done_at_once(dirs, valid_report):
    up, wh = dirs
    mixed = job(
        up,
        "coordinator",
        None,
        refused("stor.xlsx"),
        stage(up, "r.json", report_bytes(valid_report)),
    )
    only = job(up, "kommun", "0114", refused("a.xlsx"), refused("b.pdf", 10))
    record = read_job(up, only)
    assert record["state"] == "done" and record["finished_at"] and record["version"] is None
    assert record["progress"] == {"done": 0, "total": 0}
    assert not (up / only / "files").exists()

    assert run_pending(up, wh) == [mixed]
    big, small = read_job(up, mixed)["files"]
    assert big["refused"]["code"] == "too_large" and big["outcome"] is None
    assert big["sha256"] is None and big["size"] == 25_000_000
    assert small["refused"] is None and small["outcome"]["status"] == "loaded"
    assert query(wh, "select file_name from mart_submissions") == [("r.json",)]
    assert read_job(up, only)["files"][0]["refused"]["code"] == "too_large"


def test_the_same_bytes_twice_in_one_job_are_both_accounted_for(dirs, valid_report):
    up, wh = dirs
    data = report_bytes(valid_report)
    job_id = job(
        up, "kommun", "0114", stage(up, "första.json", data), stage(up, "andra.json", data)
    )
    run_pending(up, wh)
    first, second = outcomes(up, job_id)
    assert first["status"] == "loaded"
    assert second["status"] == "duplicate" and second["duplicate_of"] == first["submission_id"]
    assert query(wh, "select file_name, status from mart_submissions order by 1") == [
        ("andra.json", "duplicate"),
        ("första.json", "loaded"),
    ]


def test_two_runners_started_together_run_every_job_exactly_once(dirs, valid_report):
    up, wh = dirs
    codes = ["0114", "0115", "0117", "0120"]
    ids = [
        job(
            up,
            "coordinator",
            None,
            stage(up, f"{code}.json", report_bytes({**valid_report, "municipality_code": code})),
            refused(f"{code}.xlsx"),
        )
        for code in codes
    ]
    runners = [spawn_runner(up, wh), spawn_runner(up, wh)]
    assert [r.wait(timeout=120) for r in runners] == [0, 0]

    records = [read_job(up, i) for i in ids]
    assert [r["state"] for r in records] == ["done"] * 4
    versions = [r["version"] for r in records]
    assert versions == sorted(set(versions)), "oldest first, one version each"
    for r in records:
        stored, too_large = r["files"]
        assert stored["outcome"]["status"] == "loaded" and too_large["refused"]
        assert not (up / r["id"] / "files").exists()
    assert query(wh, "select file_name, status from mart_submissions order by 1") == [
        (f"{code}.json", "loaded") for code in codes
    ]
    assert query(wh, "select count(*) from mart_runs") == [(4,)]
    log = (up / "runner.log").read_text(encoding="utf-8")
    assert all(f"{i} done" in log for i in ids)


def test_a_failing_job_fails_alone_and_loses_its_files(dirs, valid_report, monkeypatch):
    up, wh = dirs
    vanished = job(up, "coordinator", None, stage(up, "borta.json", report_bytes(valid_report)))
    for stored in (up / vanished / "files").iterdir():
        stored.unlink()
    crashing = job(up, "coordinator", None, stage(up, "krasch.json", b'{"schema_version": "1"}'))
    fine = job(up, "kommun", "0114", stage(up, "r.json", report_bytes(valid_report)))

    import pipelines.ingest

    real = pipelines.ingest.ingest_locked

    def ingest_locked(paths, *args, **kw):
        if any(kw["names"][p] == "krasch.json" for p in paths):
            raise RuntimeError("disk on fire")
        return real(paths, *args, **kw)

    monkeypatch.setattr(pipelines.ingest, "ingest_locked", ingest_locked)
    assert run_pending(up, wh) == [vanished, crashing, fine]

    gone = read_job(up, vanished)
    assert gone["state"] == "failed" and "saknas" in gone["error"] and gone["finished_at"]
    crashed = read_job(up, crashing)
    assert crashed["state"] == "failed" and "RuntimeError" in crashed["error"]
    assert crashed["files"][0]["outcome"] is None and crashed["version"] is None
    for i in (vanished, crashing):
        assert not (up / i / "files").exists()
    assert read_job(up, fine)["state"] == "done"
    assert query(wh, "select file_name from mart_submissions") == [("r.json",)]
    assert run_pending(up, wh) == [], "a failed job is not run again"


def test_a_job_left_running_is_run_again_without_reading_its_files_twice(dirs, valid_report):
    up, wh = dirs
    data = report_bytes(valid_report)
    # Killed before publishing: nothing of it in the warehouse; it is simply run.
    early = job(up, "coordinator", None, stage(up, "tidig.json", data))
    # Killed after publishing, before the outcome was written: recognised, not a duplicate.
    late = job(
        up,
        "coordinator",
        None,
        stage(up, "sen.json", report_bytes({**valid_report, "municipality_code": "0180"})),
    )
    for job_id in (early, late):
        path = up / job_id / "job.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        record["state"] = "running"
        path.write_text(json.dumps(record), encoding="utf-8")
    [stored] = (up / late / "files").iterdir()
    ingest([stored], wh, up, names={stored: "sen.json"})

    assert run_pending(up, wh) == [early, late]
    assert outcomes(up, early)[0]["status"] == "loaded"
    assert outcomes(up, late)[0]["status"] == "loaded"
    assert read_job(up, late)["state"] == "done"
    assert query(wh, "select file_name, status from mart_submissions order by 1") == [
        ("sen.json", "loaded"),
        ("tidig.json", "loaded"),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "../..",
        "..",
        "",
        "/etc/passwd",
        "../uploads/x",
        "20261130T142100123456-1a2b3c4d/..",
        "20261130T142100123456-1a2b3c4d\n",
        "20261130T142100123456-1A2B3C4D",
        None,
        42,
    ],
)
def test_read_job_refuses_ids_that_are_not_job_ids(tmp_path, bad):
    up = tmp_path / "uploads" / "inner"
    up.mkdir(parents=True)
    (tmp_path / "uploads" / "job.json").write_text('{"id": ".."}', encoding="utf-8")
    assert read_job(up, bad) is None


def test_read_job_of_an_unknown_or_broken_job_is_none(tmp_path):
    up = tmp_path / "uploads"
    assert read_job(up, "20261130T142100123456-1a2b3c4d") is None
    (up / "20261130T142100123456-1a2b3c4d").mkdir(parents=True)
    (up / "20261130T142100123456-1a2b3c4d" / "job.json").write_text("{", encoding="utf-8")
    assert read_job(up, "20261130T142100123456-1a2b3c4d") is None
    assert list_jobs(up) == []


def test_create_job_refuses_what_could_not_run_and_cleans_names(tmp_path, valid_report):
    up = tmp_path / "uploads"
    good = stage(up, "r.json", report_bytes(valid_report))
    with pytest.raises(ValueError):
        create_job(up, user="v", role="viewer", kommun=None, files=[good])
    with pytest.raises(ValueError):
        create_job(up, user="k", role="kommun", kommun=None, files=[good])
    with pytest.raises(ValueError):
        create_job(
            up,
            user="c",
            role="coordinator",
            kommun=None,
            files=[StoredFile("x", "../x", 1, good.temp_path, None)],
        )
    assert good.temp_path.exists() and list_jobs(up) == []
    assert not list(up.glob(".tmp-*"))

    names = ["C:\\Users\\anna\\rapport.json", "../../etc/passwd", "a\x00b\nc.json", "/"]
    job_id = create_job(
        up, user="c", role="coordinator", kommun="0114", files=[refused(n) for n in names]
    )
    record = read_job(up, job_id)
    assert [f["name"] for f in record["files"]] == [
        "rapport.json",
        "passwd",
        "abc.json",
        "namnlös fil",
    ]
    assert record["kommun"] is None, "a coordinator's job belongs to no municipality"


def test_list_jobs_newest_first_filtered(tmp_path):
    up = tmp_path / "uploads"
    a = create_job(up, user="anna", role="kommun", kommun="0114", files=[refused("a")])
    b = create_job(up, user="bo", role="kommun", kommun="0180", files=[refused("b")])
    c = create_job(up, user="anna", role="coordinator", kommun=None, files=[refused("c")])
    assert [j["id"] for j in list_jobs(up)] == [c, b, a]
    assert [j["id"] for j in list_jobs(up, user="anna")] == [c, a]
    assert [j["id"] for j in list_jobs(up, kommun="0180")] == [b]
    assert [j["id"] for j in list_jobs(up, user="anna", kommun="0114")] == [a]
    assert [j["id"] for j in list_jobs(up, limit=2)] == [c, b]
    assert list_jobs(tmp_path / "none") == []


def test_cli_prints_a_line_per_job_and_exits_zero_despite_rejections(dirs, valid_report):
    up, wh = dirs
    job_id = job(up, "kommun", "0180", stage(up, "r.json", report_bytes(valid_report)))
    result = run_cli("uploads", "--dir", str(up), "--warehouse", str(wh))
    assert result.returncode == 0, result.stderr
    assert f"{job_id} done: 1 files (rejected: 1)" in result.stdout
    again = run_cli("uploads", "--dir", str(up), "--warehouse", str(wh))
    assert again.returncode == 0 and "No queued upload jobs" in again.stdout
    assert run_cli("uploads", "--dir").returncode == 2
