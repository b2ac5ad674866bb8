"""A copy of a received file is checked for its sender's rights; impossible years are kept out.

Found in review of issue 17: a municipal account that re-sent another municipality's report
byte for byte (under a name of its own) had it recorded as a `duplicate`, which is not read again,
so the sender check never ran and the copy's file name became the named municipality's "last
file" in the public reporting status. Each test ingests with the real pipeline and the senders an
upload gives it, and states what it expects from the files it sent, not from the marts' code.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.ingest import ingest
from pipelines.uploads import Sender
from tests.conftest import FIXTURES, query

COORDINATOR = Sender(user="samordnare", kommun=None, may_send_grants=True)
REPORT = FIXTURES / "report_valid.json"


def _named() -> tuple[str, int]:
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    return report["municipality_code"], report["reporting_year"]


def _send(warehouse: Path, tmp: Path, name: str, sender: Sender) -> dict:
    path = tmp / name
    path.write_bytes(REPORT.read_bytes())
    result = ingest([path], warehouse, tmp, names={path: name}, senders={path: sender})
    (summary,) = result.files
    return summary


def test_a_copy_from_another_municipality_is_refused_and_names_nothing(tmp_path: Path) -> None:
    code, year = _named()
    other = "0180" if code != "0180" else "0114"
    warehouse = tmp_path / "wh"
    first = _send(warehouse, tmp_path, "original.json", COORDINATOR)
    assert first["status"] == "loaded"

    intruder = Sender(user=f"kommun-{other}", kommun=other, may_send_grants=False)
    copy = _send(warehouse, tmp_path, "FALSK_kopia.json", intruder)
    assert copy["status"] == "rejected"
    assert [e["code"] for e in copy["errors"]] == ["wrong_municipality"]
    assert copy["duplicate_of"] is None

    (last,) = query(
        warehouse,
        "select last_file_name from mart_reporting_status where municipality_code = ? and year = ?",
        [code, year],
    )
    assert last == ("original.json",)


def test_a_copy_from_an_account_allowed_to_send_it_is_a_duplicate(tmp_path: Path) -> None:
    code, _year = _named()
    warehouse = tmp_path / "wh"
    assert _send(warehouse, tmp_path, "original.json", COORDINATOR)["status"] == "loaded"
    own = Sender(user=f"kommun-{code}", kommun=code, may_send_grants=False)
    again = _send(warehouse, tmp_path, "igen.json", own)
    assert again["status"] == "duplicate"
    assert again["duplicate_of"] is not None
    assert [w["code"] for w in again["warnings"]] == ["duplicate"]


def test_a_year_no_integer_column_holds_is_rejected_not_a_crash(tmp_path: Path) -> None:
    """Found by test_any_bytes' fuzz: `reporting_year: 2147483648` made the run fail while its
    record was loaded (the year kept for a rejected report overflowed an INTEGER column)."""
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    for year in (2147483648, -1, 10**30):
        report["reporting_year"] = year
        path = tmp_path / f"year_{abs(year) % 1000}.json"
        path.write_text(json.dumps(report), encoding="utf-8")
        result = ingest([path], tmp_path / "wh", tmp_path)
        (summary,) = result.files
        assert summary["status"] == "rejected"
        assert summary["year"] is None
        assert any(e["field"] == "reporting_year" for e in summary["errors"]), summary["errors"]
