"""The fund-use marts on hand-made files ingested through the CLI: the review flags of every grant
in `mart_grants`, and the Gini of municipal grants in `mart_fund_concentration` and
`mart_fund_lorenz` on distributions whose answer is known (INDICATORS.md, "Fund use")."""

from __future__ import annotations

import copy
import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, query, run_cli, write_json
from tests.corpus import REVIEW_FLAGS, gini, lorenz, reference_municipalities, year_ranges

HEADER = (
    "Diarienummer",
    "Beslutsdatum",
    "Bidragsår",
    "Kommunkod",
    "Länskod",
    "Projektnamn",
    "Kategori",
    "Sökt belopp",
    "Beviljat belopp",
    "Utbetalt belopp",
)
MUNICIPALITIES = reference_municipalities()
POPULATION = {m["municipality_code"]: m["population"] for m in MUNICIPALITIES}
TOTAL_POPULATION = sum(POPULATION.values())


def write_register(path: Path, grants: list[tuple]) -> Path:
    """A register as Swedish Excel saves it: `;`, Swedish headers, amounts as plain numbers.

    Each grant: (grant_id, decision_date, funding_year, municipality_code or "", county_code or
    "", applied, granted, paid).
    """
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for gid, decided, year, code, county, applied, granted, paid in grants:
            writer.writerow(
                [gid, decided, year, code, county, f"Projekt {gid}", "Narkotika"]
                + [str(v).replace(".", ",") for v in (applied, granted, paid)]
            )
    return path


def ingest(warehouse: Path, *paths: Path) -> None:
    result = run_cli("ingest", "--json", *map(str, paths), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = [f["status"] for f in json.loads(result.stdout)["files"]]
    assert set(statuses) <= {"loaded", "superseded"}, statuses


def report(code: str, year: int, submitted_at: str, projects: list[tuple]) -> dict:
    """The valid fixture report for another municipality and year, with these projects.

    Each project: (grant_id, spent_sek, status, effect_evaluated).
    """
    out = copy.deepcopy(json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8")))
    out.update(municipality_code=code, reporting_year=year, submitted_at=submitted_at)
    out["situation_report"] = {"exists": True, "updated_year": year}
    out["funded_projects"] = [
        {
            "grant_id": gid,
            "title": f"Projekt {gid}",
            "category": "drugs",
            "spent_sek": spent,
            "status": status,
            "effect_evaluated": effect,
        }
        for gid, spent, status, effect in projects
    ]
    return out


# --- the review flags ------------------------------------------------------------------------

FLAGS = (*REVIEW_FLAGS, "project_status", "effect_evaluated")


@pytest.fixture(scope="module")
def flagged(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """One register, five reports (one revised); each grant's expected flags, stated by hand."""
    root = tmp_path_factory.mktemp("fund_flags")
    today = date.today()
    recent, day_180, day_181 = (today - timedelta(days=n) for n in (30, 180, 181))
    register = write_register(
        root / "register.csv",
        [
            # applied = granted = paid = spent: every comparison at its boundary, none true
            ("BRA-2024-0001", "2024-02-01", 2024, "0114", "", 300000, 300000, 300000),
            # granted over applied, paid over granted, two reports' spend over paid
            ("BRA-2024-0002", "2024-02-01", 2024, "0114", "", 100000, 150000, 160000.5),
            # nothing paid, decided long ago, named by no report
            ("BRA-2024-0003", "2024-02-01", 2024, "1280", "", 200000, 100000, 0),
            # county level: no_report is NULL; nothing paid for long: not_paid
            ("BRA-2024-0004", "2024-03-01", 2024, "", "12", 90000, 90000, 0),
            # named in 2023 (ongoing) and 2024 (completed, evaluated); spend summed over both
            ("BRA-2023-0001", "2023-02-01", 2023, "0180", "", 200000, 120000, 120000),
            # completed without evaluation in 2023, evaluated in the 2024 report
            ("BRA-2023-0002", "2023-02-01", 2023, "0180", "", 100000, 100000, 100000),
            # the first report said "not evaluated", its revision (the current one) says it was
            ("BRA-2024-0010", "2024-02-01", 2024, "1280", "", 100000, 100000, 50000),
            # nothing paid yet: decided 30, 180 and 181 days before the build date
            ("BRA-2026-0901", recent.isoformat(), recent.year, "0114", "", 50000, 50000, 0),
            ("BRA-2026-0902", day_180.isoformat(), day_180.year, "0114", "", 50000, 50000, 0),
            ("BRA-2026-0903", day_181.isoformat(), day_181.year, "0114", "", 50000, 50000, 0),
            # a rejected application (granted 0), long ago: nothing to report on, nothing to pay
            ("BRA-2024-0011", "2024-02-01", 2024, "1280", "", 80000, 0, 0),
        ],
    )
    reports = {
        "0114_2024": report(
            "0114",
            2024,
            "2025-02-14T10:30:00+01:00",
            [
                ("BRA-2024-0001", 300000, "completed", True),
                ("BRA-2024-0002", 150000, "completed", False),
            ],
        ),
        "0114_2023": report(
            "0114", 2023, "2024-02-14T10:30:00+01:00", [("BRA-2024-0002", 20000, "ongoing", False)]
        ),
        "0180_2023": report(
            "0180",
            2023,
            "2024-02-10T09:00:00+01:00",
            [
                ("BRA-2023-0001", 100000, "ongoing", False),
                ("BRA-2023-0002", 50000, "completed", False),
            ],
        ),
        "0180_2024": report(
            "0180",
            2024,
            "2025-02-10T09:00:00+01:00",
            [
                ("BRA-2023-0001", 50000, "completed", True),
                ("BRA-2023-0002", 0, "completed", True),
            ],
        ),
        "1280_2024": report(
            "1280",
            2024,
            "2025-02-14T10:30:00+01:00",
            [("BRA-2024-0010", 80000, "completed", False)],
        ),
        "1280_2024_rev2": report(
            "1280", 2024, "2025-03-20T10:30:00+01:00", [("BRA-2024-0010", 80000, "completed", True)]
        ),
    }
    paths = [write_json(root / f"{name}.json", body) for name, body in reports.items()]
    warehouse = root / "wh"
    ingest(warehouse, register, *paths)
    if date.today() != today:
        pytest.skip("the date changed while the warehouse was built (midnight)")
    f, t = False, True
    expected = {
        "BRA-2024-0001": (f, f, f, f, f, f, "completed", True),
        "BRA-2024-0002": (t, t, t, f, t, f, "completed", False),
        "BRA-2024-0003": (f, f, f, t, f, t, None, None),
        "BRA-2024-0004": (f, f, f, None, f, t, None, None),
        "BRA-2023-0001": (f, f, t, f, f, f, "completed", True),
        "BRA-2023-0002": (f, f, f, f, t, f, "completed", True),
        "BRA-2024-0010": (f, f, t, f, f, f, "completed", True),
        "BRA-2026-0901": (f, f, f, t, f, f, None, None),
        "BRA-2026-0902": (f, f, f, t, f, f, None, None),
        "BRA-2026-0903": (f, f, f, t, f, t, None, None),
        "BRA-2024-0011": (f, f, f, None, f, f, None, None),
    }
    return warehouse, {gid: dict(zip(FLAGS, flags, strict=True)) for gid, flags in expected.items()}


@pytest.mark.parametrize("flag", FLAGS)
def test_each_flag_on_hand_made_grants(flagged, flag):
    warehouse, expected = flagged
    got = dict(query(warehouse, f"select grant_id, {flag} from mart_grants"))
    assert got == {gid: flags[flag] for gid, flags in expected.items()}


def test_every_flag_is_boolean_and_only_no_report_is_null_for_a_county_level_grant(flagged):
    warehouse, _ = flagged
    types = dict(query(warehouse, "select column_name, column_type from (describe mart_grants)"))
    for flag in FLAGS:
        assert types[flag] == ("VARCHAR" if flag == "project_status" else "BOOLEAN"), flag
    [row] = query(
        warehouse,
        "select paid_exceeds_granted, granted_exceeds_applied, spent_exceeds_paid,"
        " completed_without_effect, not_paid, no_report, municipality_code from mart_grants"
        " where grant_id = 'BRA-2024-0004'",
    )
    assert None not in row[:5]
    assert row[5:] == (None, None)


def test_reported_spend_sums_the_current_reports_naming_the_grant(flagged):
    warehouse, _ = flagged
    got = dict(
        query(
            warehouse,
            "select grant_id, reported_spent_sek from mart_grants where reported_spent_sek > 0",
        )
    )
    # BRA-2024-0002: 2024 and 2023 reports; BRA-2024-0010: only the revision, not both versions
    assert got == {
        "BRA-2024-0001": pytest.approx(300000),
        "BRA-2024-0002": pytest.approx(170000),
        "BRA-2023-0001": pytest.approx(150000),
        "BRA-2023-0002": pytest.approx(50000),
        "BRA-2024-0010": pytest.approx(80000),
    }


# --- Gini of municipal grants ------------------------------------------------------------------

K = 3  # 2020: every municipality gets K SEK per inhabitant
CONCENTRATED = "0180"  # 2021: every municipal krona to Stockholm ...
CONCENTRATED_SEK = 5_000_000
COUNTY_LEVEL_SEK = 1_000_000  # ... and a county-level grant beside it


def granted_by_year() -> dict[int, dict[str, float]]:
    """What the registers below grant to municipalities, per funding year (county level apart)."""
    return {
        2020: {code: float(K * people) for code, people in POPULATION.items()},
        2021: {CONCENTRATED: float(CONCENTRATED_SEK)},
        2022: {},
        2023: {"0114": 0.0},
    }


@pytest.fixture(scope="module")
def spread(tmp_path_factory) -> Path:
    """Four funding years, no reports (so the marts' years are the funding years).

    2020: every municipality K x its population. 2021: everything to one municipality, plus a
    county-level grant. 2022: only a county-level grant. 2023: one application, not granted.
    """
    root = tmp_path_factory.mktemp("fund_gini")
    even = [
        (f"BRA-2020-{n:04d}", "2020-03-01", 2020, m["municipality_code"], "", *(3 * [K * pop]))
        for n, m in enumerate(MUNICIPALITIES, start=1)
        for pop in [m["population"]]
    ]
    others = [
        ("BRA-2021-0001", "2021-03-01", 2021, CONCENTRATED, "", *(3 * [CONCENTRATED_SEK])),
        ("BRA-2021-0002", "2021-03-01", 2021, "", "12", *(3 * [COUNTY_LEVEL_SEK])),
        ("BRA-2022-0001", "2022-03-01", 2022, "", "01", 2_000_000, 2_000_000, 2_000_000),
        ("BRA-2023-0001", "2023-03-01", 2023, "0114", "", 100_000, 0, 0),
    ]
    warehouse = root / "wh"
    ingest(
        warehouse,
        write_register(root / "register_2020.csv", even),
        write_register(root / "register_2021_2023.csv", others),
    )
    return warehouse


def concentration(warehouse: Path, year_from: int, year_to: int) -> dict:
    columns = (
        "municipalities, municipalities_with_grant, municipalities_without_grant,"
        " municipal_granted_sek, population, gini"
    )
    rows = query(
        warehouse,
        f"select {columns} from mart_fund_concentration where year_from = ? and year_to = ?",
        [year_from, year_to],
    )
    assert len(rows) == 1, (year_from, year_to, rows)
    return dict(zip([c.strip() for c in columns.split(",")], rows[0], strict=True))


def test_one_row_for_every_range_of_years(spread):
    got = query(spread, "select year_from, year_to from mart_fund_concentration order by 1, 2")
    assert got == year_ranges(range(2020, 2024))
    assert query(
        spread, "select distinct municipalities, population from mart_fund_concentration"
    ) == [(290, TOTAL_POPULATION)]


def test_the_same_amount_per_inhabitant_everywhere_is_gini_0(spread):
    row = concentration(spread, 2020, 2020)
    assert row["gini"] == pytest.approx(0, abs=1e-9)
    assert (row["municipalities_with_grant"], row["municipalities_without_grant"]) == (290, 0)
    assert row["municipal_granted_sek"] == pytest.approx(K * TOTAL_POPULATION)


def test_everything_to_one_municipality_is_1_minus_its_population_share(spread):
    row = concentration(spread, 2021, 2021)
    assert row["gini"] == pytest.approx(1 - POPULATION[CONCENTRATED] / TOTAL_POPULATION)
    # the county-level grant of the same year is neither money nor a grant of a municipality
    assert row["municipal_granted_sek"] == pytest.approx(CONCENTRATED_SEK)
    assert (row["municipalities_with_grant"], row["municipalities_without_grant"]) == (1, 289)


def test_nothing_granted_to_municipalities_is_null(spread):
    row = concentration(spread, 2022, 2022)  # a county-level grant only
    assert row["gini"] is None
    assert row["municipal_granted_sek"] == pytest.approx(0)
    assert (row["municipalities_with_grant"], row["municipalities_without_grant"]) == (0, 290)


def test_a_county_level_grant_leaves_the_gini_and_the_counts_alone(spread):
    assert concentration(spread, 2021, 2022) == pytest.approx(concentration(spread, 2021, 2021))


def test_an_application_granted_nothing_is_not_a_grant(spread):
    # INDICATORS.md counts "municipal grant rows"; a row granted 0 SEK is a rejected application,
    # so the municipality is still without a grant (and the Gini has nothing to measure)
    row = concentration(spread, 2023, 2023)
    assert row["gini"] is None
    assert (row["municipalities_with_grant"], row["municipalities_without_grant"]) == (0, 290)


def test_a_range_of_years_sums_the_years(spread):
    granted = granted_by_year()
    both = dict(granted[2020])
    both[CONCENTRATED] += CONCENTRATED_SEK
    row = concentration(spread, 2020, 2021)
    expected = gini(both, POPULATION)
    assert 0 < expected < 1 - POPULATION[CONCENTRATED] / TOTAL_POPULATION
    assert row["gini"] == pytest.approx(expected)
    assert row["municipal_granted_sek"] == pytest.approx(K * TOTAL_POPULATION + CONCENTRATED_SEK)
    assert (row["municipalities_with_grant"], row["municipalities_without_grant"]) == (290, 0)
    whole = concentration(spread, 2020, 2023)
    assert whole == pytest.approx(row)


LORENZ = (
    "position, municipality_code, municipality_name, population, granted_sek,"
    " granted_per_inhabitant, population_share_cum, granted_share_cum"
)


def lorenz_rows(warehouse: Path, year_from: int, year_to: int) -> list[dict]:
    rows = query(
        warehouse,
        f"select {LORENZ} from mart_fund_lorenz where year_from = ? and year_to = ?"
        " order by position",
        [year_from, year_to],
    )
    return [dict(zip([c.strip() for c in LORENZ.split(",")], r, strict=True)) for r in rows]


@pytest.mark.parametrize("years", [(2020, 2020), (2021, 2021), (2022, 2022), (2020, 2021)])
def test_lorenz_points(spread, years):
    granted: dict[str, float] = {}
    for year in range(years[0], years[1] + 1):
        for code, amount in granted_by_year()[year].items():
            granted[code] = granted.get(code, 0.0) + amount
    expected = lorenz(granted, POPULATION)
    got = lorenz_rows(spread, *years)
    names = {m["municipality_code"]: m["municipality_name"] for m in MUNICIPALITIES}
    assert [r["position"] for r in got] == list(range(1, 291))
    assert [r["municipality_code"] for r in got] == [p["municipality_code"] for p in expected]
    for row, point in zip(got, expected, strict=True):
        code = point["municipality_code"]
        assert row["municipality_name"] == names[code]
        assert row["population"] == POPULATION[code]
        assert row["granted_sek"] == pytest.approx(point["granted_sek"])
        assert row["granted_per_inhabitant"] == pytest.approx(
            point["granted_sek"] / POPULATION[code]
        )
        assert row["population_share_cum"] == pytest.approx(point["population_share_cum"])
        if point["granted_share_cum"] is None:
            assert row["granted_share_cum"] is None
        else:
            assert row["granted_share_cum"] == pytest.approx(point["granted_share_cum"])


def test_lorenz_ends_with_the_one_municipality_that_got_everything(spread):
    rows = lorenz_rows(spread, 2021, 2021)
    last = rows[-1]
    assert (last["municipality_code"], last["position"]) == (CONCENTRATED, 290)
    assert last["granted_share_cum"] == pytest.approx(1)
    assert last["population_share_cum"] == pytest.approx(1)
    assert {r["granted_share_cum"] for r in rows[:-1]} == {0}
    # the rest tie at 0 per inhabitant and are in code order
    assert [r["municipality_code"] for r in rows[:-1]] == sorted(set(POPULATION) - {CONCENTRATED})


def test_a_funding_year_without_reports_yet_is_shown_on_medel(flagged):
    """The register for a year arrives before that year's reports: its grants are in the marts
    (and so on the Medel page), while meta's years stay the reporting years."""
    from dashboard import data

    warehouse, _ = flagged
    [(first, last)] = query(warehouse, "select first_year, last_year from meta")
    assert (first, last) == (2023, 2024)
    # the grants decided 30, 180 and 181 days ago: 50 000 each, to 0114, this year or last
    [(latest, granted)] = query(
        warehouse,
        "select funding_year, sum(amount_granted_sek) from mart_grants"
        " where funding_year = (select max(funding_year) from mart_grants) group by 1",
    )
    assert latest > last and granted % 50000 == 0 and granted > 0
    wh = data.Warehouse(warehouse)
    assert max(data.fund_years(wh)) == latest
    assert data.fund_nation(wh, latest, latest)["granted_sek"] == granted
    [(n,)] = query(
        warehouse,
        "select municipalities_with_grant from mart_fund_concentration"
        " where year_from = ? and year_to = ?",
        [latest, latest],
    )
    assert n == 1  # all of them went to 0114
