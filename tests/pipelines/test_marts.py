"""The marts on a few hand-made files: grants with county-level rows, a re-sent register, reports
with and without agreements in force, and the region figures computed from them."""

from __future__ import annotations

import json

import pytest

from pipelines.template import report_to_xlsx_bytes
from tests.conftest import query, run_cli, write_json

HEADER = "Diarienummer;Beslutsdatum;Bidragsår;Kommunkod;Länskod;Projektnamn;Kategori;Sökt belopp;Beviljat belopp;Utbetalt belopp"


def register(path, rows: list[str], encoding="cp1252"):
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def warehouse(tmp_path, valid_report):
    """Two registers (the second re-sends one grant with a new amount) and three reports."""
    first = register(
        tmp_path / "register_2024.csv",
        [
            "BRA-2024-0007;2024-02-01;2024;0114;;Trygg stationsmiljö;Trygghet i offentlig miljö;400 000;300 000;250 000",
            "BRA-2024-0008;2024-02-01;2024;1280;;Föräldrastöd;Föräldrastöd;200 000;100 000;100 000",
            "BRA-2024-0009;2024-02-01;2024;;12;Länsövergripande;Brottsofferstöd;90 000;90 000;45 000,50",
            "BRA-2024-0010;2024-02-01;2024;9999;;Okänd kommun;Narkotika;1;1;1",
            "BRA-2024-0011;2024-02-01;2024;0180;;För mycket utbetalt;Narkotika;100 000;100 000;120 000",
        ],
    )
    second = register(
        tmp_path / "register_2024_rattelse.csv",
        ["BRA-2024-0008;2024-02-01;2024;1280;;Föräldrastöd;Föräldrastöd;200 000;150 000;150 000"],
        encoding="utf-8-sig",
    )
    a = write_json(tmp_path / "a.json", valid_report)  # 0114, 2024, agreement to 2026-01-31
    b = dict(valid_report, municipality_code="1280", citizen_promises=[], funded_projects=[])
    b["agreement"] = dict(valid_report["agreement"], valid_from="2020-01-01", valid_to="2023-12-31")
    b["action_plan"] = {"exists": False}
    write_json(tmp_path / "b.json", b)
    c = dict(valid_report, municipality_code="0180", reporting_year=2023, funded_projects=[])
    c["situation_report"] = {"exists": True, "updated_year": 2023}
    write_json(tmp_path / "c.json", c)
    wh = tmp_path / "wh"
    result = run_cli(
        "ingest",
        "--json",
        str(first),
        str(second),
        str(a),
        str(tmp_path / "b.json"),
        str(tmp_path / "c.json"),
        "--warehouse",
        str(wh),
    )
    assert result.returncode == 1, result.stderr  # the row with an unknown code is rejected
    return wh, json.loads(result.stdout)


def test_register_with_a_bad_row_is_partially_loaded(warehouse):
    _, summary = warehouse
    first = summary["files"][0]
    assert first["status"] == "partially_loaded"
    assert first["rows_loaded"] == 4 and first["rows_rejected"] == 1
    [error] = first["errors"]
    assert error["row"] == 5 and error["field"] == "municipality_code"


def test_resent_register_replaces_its_rows_and_keeps_the_rest(warehouse):
    wh, _ = warehouse
    rows = query(
        wh, "select grant_id, amount_granted_sek, source_file_name from mart_grants order by 1"
    )
    assert rows == [
        ("BRA-2024-0007", 300000.0, "register_2024.csv"),
        ("BRA-2024-0008", 150000.0, "register_2024_rattelse.csv"),
        ("BRA-2024-0009", 90000.0, "register_2024.csv"),
        ("BRA-2024-0011", 100000.0, "register_2024.csv"),
    ]


def test_grant_flags_and_county_level_grant(warehouse):
    wh, _ = warehouse
    rows = query(
        wh,
        "select grant_id, municipality_code, county_code, reported_spent_sek, paid_exceeds_granted,"
        " spent_exceeds_paid, no_report from mart_grants order by 1",
    )
    assert rows == [
        ("BRA-2024-0007", "0114", "01", 250000.0, False, False, False),
        ("BRA-2024-0008", "1280", "12", 0.0, False, False, True),
        ("BRA-2024-0009", None, "12", 0.0, False, False, None),
        ("BRA-2024-0011", "0180", "01", 0.0, True, False, True),
    ]


def test_municipality_year(warehouse):
    wh, _ = warehouse
    rows = query(
        wh,
        "select municipality_code, year, has_report, has_agreement_in_force, meets_legal_requirements,"
        " granted_sek, paid_sek, spent_sek from mart_municipality_year"
        " where municipality_code in ('0114', '1280', '0180') order by 1, 2",
    )
    assert rows == [
        ("0114", 2023, False, None, None, 0.0, 0.0, None),
        ("0114", 2024, True, True, True, 300000.0, 250000.0, 250000.0),
        ("0180", 2023, True, True, True, 0.0, 0.0, 0.0),
        ("0180", 2024, False, None, None, 100000.0, 120000.0, None),
        ("1280", 2023, False, None, None, 0.0, 0.0, None),
        ("1280", 2024, True, False, False, 150000.0, 150000.0, 0.0),
    ]
    assert query(wh, "select count(*), count(distinct year) from mart_municipality_year") == [
        (580, 2)
    ]


def test_region_year_shares_and_money(warehouse):
    wh, _ = warehouse
    [(municipalities, reported, share, count, denominator, granted, county_level)] = query(
        wh,
        "select municipalities, reported, share_has_agreement_in_force, count_has_agreement_in_force,"
        " denominator_has_agreement_in_force, granted_sek, county_level_granted_sek"
        " from mart_region_year where level = 'nation' and year = 2024",
    )
    assert (municipalities, reported, count, denominator) == (290, 2, 1, 2)
    assert share == pytest.approx(0.5)
    assert granted == pytest.approx(300000 + 150000 + 90000 + 100000)
    assert county_level == pytest.approx(90000)
    # Skåne (12): Malmö's grant plus the county-level grant, per inhabitant of the county
    [(granted, per_inhabitant, population)] = query(
        wh,
        "select granted_sek, granted_per_inhabitant, population from mart_region_year"
        " where level = 'county' and region_code = '12' and year = 2024",
    )
    assert granted == pytest.approx(240000)
    assert per_inhabitant == pytest.approx(240000 / population)
    # Syd police region holds Skåne
    [(syd,)] = query(
        wh,
        "select granted_sek from mart_region_year where level = 'police_region'"
        " and region_code = 'Syd' and year = 2024",
    )
    assert syd == pytest.approx(240000)
    # no reports at all in a region: shares are NULL, not 0
    [(share_nord, reported_nord)] = query(
        wh,
        "select share_has_council, reported from mart_region_year where level = 'police_region'"
        " and region_code = 'Nord' and year = 2024",
    )
    assert share_nord is None and reported_nord == 0


def test_projects_and_unknown_grant_warning(tmp_path, valid_report):
    write_json(tmp_path / "a.json", valid_report)  # its project's grant id is in no register
    wh = tmp_path / "wh"
    result = run_cli("ingest", "--json", str(tmp_path / "a.json"), "--warehouse", str(wh))
    summary = json.loads(result.stdout)
    assert result.returncode == 0
    assert [w["code"] for w in summary["files"][0]["warnings"]] == ["unknown_grant_id"]
    assert query(wh, "select grant_id, grant_in_register from mart_projects") == [
        ("BRA-2024-0007", False)
    ]
    assert query(wh, "select count(*) from mart_promises") == [(2,)]


def test_rows_the_reader_cannot_split_count_as_rejected(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(
        b"grant_id,decision_date,funding_year,municipality_code,county_code,project_title,"
        b"category,amount_applied_sek,amount_granted_sek,amount_paid_sek\n"
        b"BRA-2024-1,2024-02-01,2024,0114,,Trygg park,drugs,1000,1000,500\n"
        b"BRA-2024-2,2024-02-01,2024,0114,,Decimal comma,drugs,1000,1000,500,50\n"
    )
    result = run_cli("ingest", "--json", str(path), "--warehouse", str(tmp_path / "wh"))
    [file] = json.loads(result.stdout)["files"]
    assert result.returncode == 1
    assert (file["status"], file["rows_loaded"], file["rows_rejected"]) == (
        "partially_loaded",
        1,
        1,
    )
    assert [e["row"] for e in file["errors"]] == [3]


def test_unknown_grant_warning_in_an_xlsx_report_names_sheet_row_and_header(tmp_path, valid_report):
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(report_to_xlsx_bytes(valid_report))
    wh = tmp_path / "wh"
    assert run_cli("ingest", str(path), "--warehouse", str(wh)).returncode == 0
    assert query(
        wh, "select sheet, row, label, value from mart_issues where code = 'unknown_grant_id'"
    ) == [("Projekt", 2, "Diarienummer", "BRA-2024-0007")]


def test_a_grant_id_typed_in_lower_case_matches_the_register(tmp_path, valid_report):
    valid_report["funded_projects"][0]["grant_id"] = "bra-2024-0007"
    reg = register(
        tmp_path / "register.csv",
        ["BRA-2024-0007;2024-02-01;2024;0114;;Trygg park;Narkotika;1000;1000;500"],
    )
    report = write_json(tmp_path / "a.json", valid_report)
    wh = tmp_path / "wh"
    result = run_cli("ingest", "--json", str(reg), str(report), "--warehouse", str(wh))
    assert result.returncode == 0, result.stdout
    assert query(wh, "select grant_id, grant_in_register from mart_projects") == [
        ("BRA-2024-0007", True)
    ]
    assert query(wh, "select count(*) from mart_issues where code = 'unknown_grant_id'") == [(0,)]
