"""The Kolada-shaped read API (/api/v3/, /api/v2/, /api/openapi.json), over HTTP.

Every value the API publishes is checked against a recomputation from the seeded demo corpus's
files (tests/corpus.py reads the reports, the grant registers and the reference list without the
pipelines), twice: through Flask's test client, and through a real Kolada client (koladapy, as
analysts use it against api.kolada.se) talking to the served app (gunicorn, dashboard.serving.cluster.Server).
What a value is (docs/api.md): per municipality a yes/no figure is 1 or 0, a missing one null
with the status "Ej rapporterat" and count 0; for a county, the nation or a group the share in
per cent of the municipalities with a value, count being how many; amounts are sums (county-level
grants counted for their county, police region and the nation), per inhabitant over the
population; the coordinator FTE and the number of promises are means.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass

import duckdb
import pandas as pd
import pykolada
import pykolada.pykolada
import pytest
import requests
from koladapy import KoladaAPI
from koladapy.exceptions import KoladaAPIError

from dashboard import data, i18n
from dashboard.api import catalogue
from dashboard.app import create_app
from dashboard.security.users import UserStore
from dashboard.serving.cluster import Server
from tests.corpus import (
    grant_totals,
    late_report,
    municipality_groups,
    reference_municipalities,
    register_rows,
    report_figures,
)

YEARS = range(2022, 2026)  # as the demo_inbox fixture generates it
NOT_REPORTED = "Ej rapporterat"

# The catalogue written out again, independently: an id never changes its meaning.
# id -> (the figure, how a value is formed)
KPI_TABLE = {
    "BF0001": ("has_report", "received"),
    "BF0002": ("is_late", "yes_no"),
    "BF0003": ("has_council", "yes_no"),
    "BF0004": ("has_coordinator", "yes_no"),
    "BF0005": ("has_situation_report", "yes_no"),
    "BF0006": ("has_action_plan", "yes_no"),
    "BF0007": ("has_agreement_in_force", "yes_no"),
    "BF0008": ("has_promises", "yes_no"),
    "BF0009": ("meets_legal_requirements", "yes_no"),
    "BF0010": ("uses_est", "yes_no"),
    "BF0011": ("uses_sspf", "yes_no"),
    "BF0012": ("coordinator_fte", "mean"),
    "BF0013": ("promises_count", "mean"),
    "BF0014": ("applied", "grants"),
    "BF0015": ("granted", "grants"),
    "BF0016": ("paid", "grants"),
    "BF0017": ("spent_sek", "spent"),
    "BF0018": ("applied", "grants_per_inhabitant"),
    "BF0019": ("granted", "grants_per_inhabitant"),
    "BF0020": ("paid", "grants_per_inhabitant"),
    "BF0021": ("spent_sek", "spent_per_inhabitant"),
}
ALL = list(KPI_TABLE)
# Where each KPI's title and definition come from (dashboard.i18n.figure).
I18N_KEYS = {
    **{kpi: figure for kpi, (figure, _) in list(KPI_TABLE.items())[:13]},
    "BF0014": "applied_sek",
    "BF0015": "granted_sek",
    "BF0016": "paid_sek",
    "BF0017": "spent_sek",
    "BF0018": "applied_per_inhabitant",
    "BF0019": "granted_per_inhabitant",
    "BF0020": "paid_per_inhabitant",
    "BF0021": "spent_per_inhabitant",
}
# The figures a report gives (tests/corpus.py, report_figures): all missing without a report.
REPORT_FIGURES = (
    "has_council",
    "has_coordinator",
    "has_situation_report",
    "has_action_plan",
    "has_agreement_in_force",
    "has_promises",
    "meets_legal_requirements",
    "uses_est",
    "uses_sspf",
    "coordinator_fte",
    "promises_count",
    "spent_sek",
)
# The figures from the grant register have values in every year of the marts; the rest in the
# reporting years only (in the demo corpus the two are the same).
REGISTER_KINDS = ("grants", "grants_per_inhabitant")
POLICE_REGIONS = {
    "GP1": "Bergslagen",
    "GP2": "Mitt",
    "GP3": "Nord",
    "GP4": "Stockholm",
    "GP5": "Syd",
    "GP6": "Väst",
    "GP7": "Öst",
}


# --- what the files say ------------------------------------------------------------------------


@dataclass
class Expected:
    values: dict[tuple[str, str, int], tuple]  # (kpi, place, year) -> (value, count, status)
    places: dict[str, tuple[str, str]]  # id -> (title, type) of K, L and the nation
    groups: dict[str, tuple[str, list[str]]]  # group id -> (title, member codes)
    years: list[int]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _municipality_value(kind: str, figure: str, f: dict, population: int) -> tuple:
    value = f[figure]
    if kind == "received":
        return (1 if value else 0), 1, ""
    if value is None:
        return None, 0, NOT_REPORTED
    if kind == "yes_no":
        return (1 if value else 0), 1, ""
    if kind in ("grants_per_inhabitant", "spent_per_inhabitant"):
        return value / population, 1, ""
    return float(value), 1, ""


def _region_value(kind: str, figure: str, fs: list[dict], population: int, extra: float):
    """The value over the municipalities ``fs`` of a region with ``population``; ``extra``: the
    region's county-level grants of the figure."""
    if kind == "received":
        return 100 * sum(f[figure] for f in fs) / len(fs), len(fs), ""
    if kind in ("grants", "grants_per_inhabitant"):
        total = sum(f[figure] for f in fs) + extra
        return (total if kind == "grants" else total / population), len(fs), ""
    given = [f[figure] for f in fs if f[figure] is not None]
    if not given:
        return None, 0, NOT_REPORTED
    if kind == "yes_no":
        return 100 * sum(given) / len(given), len(given), ""
    if kind == "mean":
        return _mean(given), len(given), ""
    total = sum(given)  # spent: over the municipalities that reported
    return (total if kind == "spent" else total / population), len(given), ""


@pytest.fixture(scope="module")
def expected(demo_manifest, demo_reports, demo_warehouse) -> Expected:
    snapshot = demo_manifest[1]
    refs = {m["municipality_code"]: m for m in reference_municipalities()}
    skr = municipality_groups()
    reports = demo_reports
    municipal, county_level = grant_totals(register_rows(snapshot))
    report_years = {year for _, year in reports}
    register_years = {year for _, year in municipal} | {year for _, year in county_level}
    reporting = range(min(report_years), max(report_years) + 1)
    every_year = range(min(report_years | register_years), max(report_years | register_years) + 1)
    # received about now (the warehouse was built in this session)
    received = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    zero = {"applied": 0.0, "granted": 0.0, "paid": 0.0}
    figures: dict[tuple[str, int], dict] = {}
    for code in refs:
        for year in every_year:
            facts = reports.get((code, year))
            f = report_figures(facts, year) if facts else dict.fromkeys(REPORT_FIGURES)
            f["has_report"] = facts is not None
            f["is_late"] = late_report(facts, year, received) if facts else None
            f.update(municipal.get((code, year), zero))
            figures[(code, year)] = f

    counties = sorted({m["county_code"] for m in refs.values()})
    police_of_county = {m["county_code"]: m["police_region"] for m in refs.values()}
    members: dict[str, list[str]] = {"0000": sorted(refs)}
    titles: dict[str, str] = {}
    for county in counties:
        codes = sorted(c for c, m in refs.items() if m["county_code"] == county)
        members[county.zfill(4)] = members[f"GL{county}"] = codes
        titles[f"GL{county}"] = refs[codes[0]]["county_name"]
    for gid, name in POLICE_REGIONS.items():
        members[gid] = sorted(c for c, m in refs.items() if m["police_region"] == name)
        titles[gid] = f"Polisregion {name}"
    for code, (group, name) in skr.items():
        members.setdefault(f"GK{group}", []).append(code)
        titles[f"GK{group}"] = f"Kommungrupp {group} {name}"

    def county_level_of(place: str, year: int, figure: str) -> float:
        if place.startswith("GK") or figure not in zero:
            return 0.0  # SKR's groups are municipalities only; no county-level spend or counts
        if place == "0000":
            inside = counties
        elif place.startswith("GP"):
            inside = [c for c in counties if police_of_county[c] == POLICE_REGIONS[place]]
        else:
            inside = [place[-2:]]
        return sum(county_level.get((c, year), zero)[figure] for c in inside)

    values = {}
    for kpi, (figure, kind) in KPI_TABLE.items():
        years = every_year if kind in REGISTER_KINDS else reporting
        for year in years:
            for code in refs:
                f, population = figures[(code, year)], refs[code]["population"]
                values[(kpi, code, year)] = _municipality_value(kind, figure, f, population)
            for place, codes in members.items():
                fs = [figures[(c, year)] for c in codes]
                population = sum(refs[c]["population"] for c in codes)
                extra = county_level_of(place, year, figure)
                values[(kpi, place, year)] = _region_value(kind, figure, fs, population, extra)

    places = {code: (m["municipality_name"], "K") for code, m in refs.items()}
    places |= {c.zfill(4): (titles[f"GL{c}"], "L") for c in counties}
    places["0000"] = ("Riket", "L")
    groups = {gid: (titles[gid], members[gid]) for gid in titles}
    return Expected(values, places, groups, list(every_year))


def assert_values(got: dict[tuple, tuple], want: dict[tuple, tuple]) -> None:
    assert sorted(got) == sorted(want)
    for key, (value, count, status) in want.items():
        got_value, got_count, got_status = got[key]
        assert (got_count, got_status) == (count, status), key
        if value is None:
            assert got_value is None, key
        else:
            assert got_value == pytest.approx(value, rel=1e-9, abs=1e-9), key


# --- the app, in this process and served -------------------------------------------------------


@pytest.fixture(scope="module")
def app(demo_warehouse, geo_dir, tmp_path_factory):
    state = tmp_path_factory.mktemp("kolada_state")
    return create_app(
        demo_warehouse,
        geo_dir,
        public=True,
        users_file=state / "users.toml",
        audit_file=state / "audit.log",
        upload_dir=state / "uploads",
    )


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def served(demo_warehouse, tmp_path_factory):
    server = Server(demo_warehouse, tmp_path_factory.mktemp("kolada_server") / "server.log")
    server.start()
    yield server
    server.stop()


def walk(client, url: str, next_key: str = "next_url") -> list[dict]:
    """Every page of an answer, following its links; checks each page's count."""
    pages = []
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.get_data(as_text=True))
        body = answer.get_json()
        assert body["count"] == len(body["values"])
        pages.append(body)
        url = body.get(next_key)
    return pages


def as_values(objects: list[dict]) -> dict[tuple, tuple]:
    out = {}
    for o in objects:
        (v,) = o["values"]
        assert v["gender"] == "T"
        key = (o["kpi"], o["municipality"], o["period"])
        assert key not in out, key
        out[key] = (v["value"], v["count"], v["status"])
    return out


def path_years(years: list[int]) -> str:
    return ",".join(map(str, years))


# --- every value, against the files ------------------------------------------------------------


def test_every_value_over_http_matches_the_files(client, expected):
    years = path_years(expected.years)
    pages = walk(client, f"/api/v3/data/kpi/{','.join(ALL)}/year/{years}")
    assert len(pages) > 1 and all(p["count"] == 5000 for p in pages[:-1])
    got = as_values([o for p in pages for o in p["values"]])
    places = set(expected.places)
    assert_values(got, {k: v for k, v in expected.values.items() if k[1] in places})
    # yes/no per municipality: the integers 1 and 0 (never true/false, never 0 for missing)
    for (kpi, place, _), (value, _, status) in got.items():
        if KPI_TABLE[kpi][1] in ("received", "yes_no") and len(place) == 4 and place[:2] != "00":
            assert value in (0, 1, None) and type(value) is not bool
            assert (value is None) == (status == NOT_REPORTED)
    # the demo corpus has municipalities without a report: their figures say so
    assert any(v[0] == 1 for k, v in got.items() if k[0] == "BF0002")  # some reports are late
    missing = [k for k, v in got.items() if v == (None, 0, NOT_REPORTED) and k[0] == "BF0003"]
    assert missing and all(got[("BF0001", p, y)][0] == 0 for _, p, y in missing)

    groups = ",".join(expected.groups)
    pages = walk(client, f"/api/v2/data/kpi/{','.join(ALL)}/municipality/{groups}", "next_page")
    got = as_values([o for p in pages for o in p["values"]])
    assert_values(got, {k: v for k, v in expected.values.items() if k[1] in expected.groups})


def test_koladapy_reads_every_kpi_place_group_and_value(served, expected):
    api = KoladaAPI(base_url=f"{served.url}/api/v3/", max_requests_per_second=1000)

    kpis = api.get_kpis(ALL)
    assert [k["id"] for k in kpis] == ALL
    assert [k["id"] for k in api.search_kpis()] == ALL
    assert [k["id"] for k in api.search_kpis("per invånare")] == ALL[-4:]
    with pytest.raises(KoladaAPIError):
        api.get_kpi("BF9999")  # Kolada's empty answer for an id that names nothing

    municipalities = api.get_municipalities()
    assert {m["id"]: (m["title"], m["type"]) for m in municipalities} == expected.places
    assert [m["id"] for m in api.get_municipalities(municipality_type="L")] == sorted(
        p for p, (_, kind) in expected.places.items() if kind == "L"
    )
    groups = api.get_municipality_groups()
    assert {
        g["id"]: (g["title"], [m["member_id"] for m in g["members"]]) for g in groups
    } == expected.groups

    frame = api.get_data_as_dataframe(kpi_id=ALL, years=expected.years)
    got = {
        (row["kpi"], row["municipality"], int(row["period"])): (
            None if pd.isna(row["value"]) else float(row["value"]),
            int(row["count"]),
            row["status"],
        )
        for row in frame.to_dict("records")
    }
    assert len(got) == len(frame)
    assert_values(got, {k: v for k, v in expected.values.items() if k[1] in expected.places})

    # 37 group ids: koladapy asks in batches of 25
    objects = api.get_values(
        kpi_id=["BF0003", "BF0015", "BF0019"],
        municipality_id=list(expected.groups),
        years=expected.years,
    )
    want = {
        k: v
        for k, v in expected.values.items()
        if k[1] in expected.groups and k[0] in ("BF0003", "BF0015", "BF0019")
    }
    assert_values(as_values(objects), want)


# --- every call of the Python clients ----------------------------------------------------------


def test_every_koladapy_call_reads_the_served_app(served, expected):
    """Each public method of koladapy (pinned), the OU ones included, against the served app:
    none fails on an answer, and what they return is what the files say."""
    api = KoladaAPI(base_url=f"{served.url}/api/v3/", max_requests_per_second=1000)
    called = set()

    def call(name, *args, **kwargs):
        called.add(name)
        return getattr(api, name)(*args, **kwargs)

    assert [k["id"] for k in call("search_kpis", "per invånare")] == ALL[-4:]
    area = call("get_kpi", "BF0015")["operating_area"]
    assert [k["id"] for k in call("search_kpis", operating_area=area)] == ALL[13:]
    assert list(call("get_kpis", ["BF0003", "BF0001"], as_dataframe=True)["id"]) == [
        "BF0001",
        "BF0003",
    ]
    groups = call("get_kpi_groups")
    assert call("get_kpi_group", groups[0]["id"]) == groups[0]
    assert len(call("get_kpi_groups", "medel", as_dataframe=True)) == 1
    assert {m["id"] for m in call("get_municipalities", "stockholm")} == {"0001", "0180"}
    assert call("get_municipality", "0180") == {"id": "0180", "title": "Stockholm", "type": "K"}
    some = call("get_municipality_groups", "polisregion", as_dataframe=True)
    assert len(some) == 7
    assert call("get_municipality_group", "GP5")["title"] == expected.groups["GP5"][0]
    assert call("get_organizational_units") == []
    assert call("get_organizational_units", "skola", municipality="0180", ou_type="V11") == []
    # Kolada's empty answer for an id: koladapy's own "not found" (there are no units here)
    with pytest.raises(KoladaAPIError, match="not found"):
        call("get_organizational_unit", "V15E144001301")
    assert call("get_values", kpi_id="BF0003", ou_id="V15E144001301", years=2024) == []
    got = as_values(call("get_values", kpi_id="BF0003", municipality_id=["0180", "0001"]))
    want = {
        k: v for k, v in expected.values.items() if k[0] == "BF0003" and k[1] in ("0180", "0001")
    }
    assert_values(got, want)
    frame = call(
        "get_data_as_dataframe",
        kpi_id="BF0015",
        municipality_id="0180",
        years=[2024],
        include_metadata=True,
    )
    assert list(frame["kpi"]) == ["BF0015"] and float(frame["value"].iloc[0]) == pytest.approx(
        expected.values[("BF0015", "0180", 2024)][0]
    )
    assert call("get_data_as_dataframe", kpi_id="BF0015", ou_id="X", years=2024).empty
    public = {n for n in dir(KoladaAPI) if not n.startswith("_") and callable(getattr(api, n))}
    assert called == public


def test_every_pykolada_function_reads_the_served_app(served, expected, monkeypatch, tmp_path):
    """Each public function of pykolada (pinned), a v2 client whose only setting for the host
    is the module's BASE_URL, against the served app: none raises."""
    monkeypatch.setattr(pykolada.pykolada, "BASE_URL", f"{served.url}/api/v2/")
    called = set()

    def call(name, *args, **kwargs):
        called.add(name)
        return getattr(pykolada.pykolada, name)(*args, **kwargs)

    every = call("get_kpi")
    assert [k["id"] for k in every] == ALL
    word = "utvecklingsmedel"
    assert [k["id"] for k in call("get_kpi", description=word)] == [
        k["id"] for k in every if word in k["description"].casefold()
    ]
    area = every[-1]["operating_area"]
    assert [k["id"] for k in call("get_kpi", operating_area=area)] == ALL[13:]
    assert [k["id"] for k in call("get_kpi", id="BF0003")] == ["BF0003"]
    assert len(call("get_kpi_groups")) == 3 and call("get_kpi_groups", title="rapport")
    assert {m["id"] for m in call("get_municipality", title="stockholm")} == {"0001", "0180"}
    assert {g["id"] for g in call("get_municipality_groups", id="GP5")} == {"GP5"}
    assert call("get_ou") == [] and call("get_ou", title="skola") == []
    rows = call("get_data", kpi="BF0003", municipality=["0180", "0001"], year=[2023, 2024])
    got = {(r["kpi"], r["municipality"], r["year"]): r["value"] for r in rows}
    assert got == {
        k: expected.values[k][0]
        for k in expected.values
        if k[0] == "BF0003" and k[1] in ("0180", "0001") and k[2] in (2023, 2024)
    }
    assert call("get_data", kpi="BF0015", municipality="0180")  # its default years, 1970..2024
    assert call("get_oudata", kpi="BF0003", ou="V15E144001301") == []
    assert call("query", "ou", title="skola") == []
    assert len(call("api_query", "municipality_groups")) == len(expected.groups)
    assert len(call("_get_all_data", "municipality")) == len(expected.places)
    assert call("_make_request", f"{served.url}/api/v2/kpi?per_page=5")[-1]["id"] == "BF0021"
    call("_save_non_data", str(tmp_path))  # its whole metadata dump, ou.json included
    saved = {p.name: json.loads(p.read_text("utf-8")) for p in tmp_path.iterdir()}
    assert sorted(saved) == sorted(
        f"{e}.json" for e in ("kpi", "kpi_groups", "municipality", "municipality_groups", "ou")
    )
    assert saved["ou.json"] == [] and len(saved["kpi.json"]) == len(ALL)
    assert called >= set(pykolada.__all__) | {"api_query", "_save_non_data"}


# --- metadata ----------------------------------------------------------------------------------


def test_the_kpis_say_what_the_dashboard_says(client, demo_warehouse):
    body = client.get("/api/v3/kpi").get_json()
    assert body["count"] == len(ALL) and "next_url" not in body
    meta = data.meta(data.Warehouse(demo_warehouse))
    assert [(k.id, k.figure) for k in catalogue.KPIS] == list(I18N_KEYS.items())
    for kpi in body["values"]:
        figure = i18n.figure(I18N_KEYS[kpi["id"]])
        assert kpi["title"] == figure.label("sv")
        assert kpi["definition"] == figure.definition("sv")
        assert kpi["description"].startswith(figure.definition("sv"))
        assert figure.source("sv") in kpi["description"]
        assert kpi["municipality_type"] == "A"
        # v3's flags are JSON booleans (a filter in R takes them as they come)
        assert kpi["is_divided_by_gender"] is False and kpi["has_ou_data"] is False
        assert "auspices" in kpi and "auspice" not in kpi
        assert kpi["publication_date"] == meta.built_at.date().isoformat()
        assert kpi["publ_period"] == str(meta.last_year)
        assert kpi["unit"] and kpi["operating_area"]
    yes_no = [k for k in body["values"] if KPI_TABLE[k["id"]][1] == "yes_no"]
    assert all("1 för ja och 0 för nej" in k["description"] for k in yes_no)
    assert all(NOT_REPORTED in k["description"] for k in yes_no)

    groups = client.get("/api/v2/kpi_groups").get_json()["values"]
    members = [m["member_id"] for g in groups for m in g["members"]]
    assert sorted(members) == ALL
    assert client.get("/api/v3/kpi_groups/BFG03").get_json()["values"][0]["members"][0] == {
        "member_id": "BF0014",
        "member_title": "Sökt",
    }


def test_lists_ids_and_title_search(client, expected):
    two = client.get("/api/v3/kpi/BF0019,BF0003").get_json()
    assert [k["id"] for k in two["values"]] == ["BF0003", "BF0019"] and two["count"] == 2
    found = client.get("/api/v3/kpi?title=SAMORDNARE").get_json()["values"]
    assert {k["id"] for k in found} == {"BF0004", "BF0012"}
    stockholm = client.get("/api/v3/municipality?title=stockholm").get_json()["values"]
    assert stockholm == [
        {"id": "0001", "title": "Stockholms län", "type": "L"},
        {"id": "0180", "title": "Stockholm", "type": "K"},
    ]
    assert client.get("/api/v2/municipality?title=stockholm&type=K").get_json()["values"] == [
        {"id": "0180", "title": "Stockholm", "type": "K"}
    ]
    some = client.get("/api/v3/municipality/0180,0000,0025").get_json()["values"]
    assert [m["id"] for m in some] == ["0000", "0025", "0180"]
    assert client.get("/api/v3/municipality?region_type=L").get_json()["count"] == 22
    group = client.get("/api/v3/municipality_groups/GP5,GKA1").get_json()["values"]
    assert [g["id"] for g in group] == ["GKA1", "GP5"]
    assert group[0]["title"] == expected.groups["GKA1"][0]
    assert client.get("/api/v3/municipality_groups?title=polisregion").get_json()["count"] == 7


def test_unknown_ids_give_empty_values(client):
    for url in (
        "/api/v3/kpi/BF9999",
        "/api/v2/kpi_groups/X",
        "/api/v3/municipality/9999",
        "/api/v3/municipality_groups/G0",
        "/api/v3/data/kpi/BF9999/year/2024",
        "/api/v3/data/kpi/BF0003/municipality/9999,G0/year/2024",
        "/api/v3/data/kpi/BF0003/municipality/0114/year/1999",
        "/api/v3/data?kpi_id=XYZ",
        "/api/v2/data/municipality/0000x/year/2024",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.get_json() == {"values": [], "count": 0}, url
    # a known id among unknown ones still answers
    mixed = client.get("/api/v3/data/kpi/BF0003,BF9999/municipality/0114,9999/year/2024")
    assert [(o["kpi"], o["municipality"]) for o in mixed.get_json()["values"]] == [
        ("BF0003", "0114")
    ]


# --- the forms of a data query -----------------------------------------------------------------


def test_the_data_routes_agree(client):
    def objects(url):
        return as_values([o for p in walk(client, url) for o in p["values"]])

    full = objects("/api/v3/data/kpi/BF0003,BF0015/municipality/0114,0180,0001/year/2023,2024")
    assert len(full) == 2 * 3 * 2
    for url in (
        "/api/v3/data?kpi_id=BF0003&kpi_id=BF0015&municipality_id=0114&municipality_id=0180"
        "&municipality_id=0001&year=2023&year=2024",
        "/api/v3/data?kpi_id=BF0003,BF0015&municipality_id=0114,0180,0001&year=2023,2024",
        "/api/v3/data/?kpi_id=BF0015&kpi_id=BF0003,BF0003&municipality_id=0001,0180"
        "&municipality_id=0114&year=2024,2023",
        "/api/v2/data/kpi/BF0015,BF0003/municipality/0180,0001,0114/year/2024,2023",
    ):
        assert objects(url) == full, url
    by_kpi_year = objects("/api/v3/data/kpi/BF0003,BF0015/year/2023,2024")
    by_kpi_place = objects("/api/v3/data/kpi/BF0003,BF0015/municipality/0114,0180,0001")
    by_place_year = objects("/api/v3/data/municipality/0114,0180,0001/year/2023,2024")
    by_kpi = objects("/api/v3/data?kpi_id=BF0003,BF0015")
    by_place = objects("/api/v3/data?municipality_id=0114,0180,0001")
    for part in (by_kpi_year, by_kpi_place, by_place_year, by_kpi, by_place):
        assert {k: v for k, v in part.items() if k in full} == full
    assert len(by_place_year) == len(ALL) * 3 * 2
    assert {k[1] for k in by_kpi_year} == {k[1] for k in by_kpi}  # K, L and the nation
    assert len({k[1] for k in by_kpi}) == 290 + 21 + 1


def test_paging_walks_every_page_in_both_versions(client):
    whole = client.get("/api/v3/kpi").get_json()["values"]
    for version, next_key, previous_key in (
        ("v3", "next_url", "previous_url"),
        ("v2", "next_page", "previous_page"),
    ):
        pages = walk(client, f"/api/{version}/kpi?per_page=7", next_key)
        assert [p["count"] for p in pages] == [7, 7, 7]
        assert [k for p in pages for k in p["values"]] == whole
        assert previous_key not in pages[0] and all(previous_key in p for p in pages[1:])
        other = "next_url" if next_key == "next_page" else "next_page"
        assert all(other not in p for p in pages)
        assert pages[0][next_key] == f"http://localhost/api/{version}/kpi?per_page=7&page=2"
        back = client.get(pages[2][previous_key]).get_json()
        assert back["values"] == pages[1]["values"]

    url = "/api/v2/data/kpi/BF0003,BF0004/municipality/0114,0115,0117,0001,0000,GL01/year/2023,2024"
    pages = walk(client, url + "?per_page=7", "next_page")
    assert [p["count"] for p in pages] == [7, 7, 7, 3]
    assert [o for p in pages for o in p["values"]] == client.get(url).get_json()["values"]
    query = "/api/v3/data?kpi_id=BF0003&kpi_id=BF0004&municipality_id=0114,0001&per_page=7"
    pages = walk(client, query)
    assert "kpi_id=BF0003&kpi_id=BF0004" in pages[0]["next_url"]
    assert sum(p["count"] for p in pages) == 2 * 2 * len(YEARS)
    beyond = client.get("/api/v3/kpi?per_page=7&page=9").get_json()
    assert beyond["values"] == [] and beyond["count"] == 0 and "next_url" not in beyond
    assert client.get("/api/v3/kpi?per_page=5000").get_json()["count"] == len(ALL)


def test_from_date_asks_for_changes(client, demo_warehouse):
    meta = data.meta(data.Warehouse(demo_warehouse))
    built = meta.built_at.date()
    base = "/api/{}/data/kpi/BF0003/municipality/0114/year/2024?from_date={}"
    v3 = client.get(base.format("v3", built)).get_json()["values"]
    assert v3[0]["values"][0]["isdeleted"] is False
    v2 = client.get(base.format("v2", built - dt.timedelta(days=400))).get_json()["values"]
    assert v2[0]["values"][0]["is_deleted"] == 0
    later = client.get(base.format("v3", built + dt.timedelta(days=1))).get_json()
    assert later == {"values": [], "count": 0}
    assert (
        "isdeleted"
        not in client.get(base.split("?")[0].format("v3")).get_json()["values"][0]["values"][0]
    )


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/data/kpi/BF0003/year/abc",
        "/api/v3/data/kpi/BF0003/year/20x4",
        "/api/v3/data/kpi/BF0003/municipality/0114/year/2024,24",
        "/api/v2/data/municipality/0114/year/,",
        "/api/v3/data?kpi_id=BF0003&year=2024x",
        "/api/v3/data/kpi/BF0003/year/0",
        "/api/v3/data/kpi/BF0003/year/2024,",
        "/api/v3/data?year=2024,,2023",
        "/api/v3/data?year=٢٠٢٤",
        "/api/v3/oudata/kpi/BF0003/year/abc",
        "/api/v2/oudata/ou/V15E144001301/year/2024x",
        "/api/v3/oudata?year=24",
        "/api/v3/kpi?page=²",
        "/api/v3/kpi?page=1&page=2",  # one value each, but for the lists
        "/api/v2/kpi?title=sökt&title=beviljat",
        "/api/v3/data?kpi_id=BF0003&from_date=2024-01-01&from_date=2025-01-01",
        "/api/v3/kpi?per_page=5001",
        "/api/v3/kpi?per_page=0",
        "/api/v2/kpi?per_page=abc",
        "/api/v3/kpi?page=0",
        "/api/v3/kpi?page=-1",
        "/api/v3/municipality?type=X",
        "/api/v3/municipality?region_type=KL",
        "/api/v3/data/kpi/BF0003/municipality/0114?from_date=2024-13-01",
        "/api/v3/data/kpi/BF0003/municipality/0114?from_date=igår",
    ],
)
def test_a_bad_parameter_is_400_json(client, url):
    answer = client.get(url)
    assert answer.status_code == 400, url
    body = answer.get_json()
    assert body["status"] == 400 and body["error"]
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/nope",
        "/api/v3/",
        "/api/v3",
        "/api/v2/data",  # the query form is v3's
        "/api/v3/data/year/2024",
        "/api/v2/oudata",  # the query form is v3's
        "/api/v2/kpi/BF0003/extra",
        "/api/v4/kpi",
    ],
)
def test_an_unknown_route_is_404_json(client, url):
    answer = client.get(url)
    assert answer.status_code == 404, url
    assert answer.is_json and answer.get_json()["status"] == 404


def test_only_reading_is_allowed(client):
    answer = client.post("/api/v3/kpi")
    # a read-only route answers another method with 405, as JSON
    assert answer.status_code == 405 and answer.is_json
    assert client.post("/api/inlamning/someone").status_code == 405


# --- CORS, caching, access ------------------------------------------------------------------------


def test_cors_on_every_answer_and_preflight(client):
    for url in ("/api/v3/kpi", "/api/v2/municipality", "/api/openapi.json", "/api/v3/x"):
        assert client.get(url).headers["Access-Control-Allow-Origin"] == "*", url
    preflight = client.open(
        "/api/v3/data/kpi/BF0003/year/2024",
        method="OPTIONS",
        headers={
            "Origin": "https://kommun.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "if-none-match" in allowed
    assert "ETag" in client.get("/api/v3/kpi").headers["Access-Control-Expose-Headers"]


def test_etag_last_modified_and_304(client, demo_warehouse):
    meta = data.meta(data.Warehouse(demo_warehouse))
    answer = client.get("/api/v3/data/kpi/BF0003/year/2024")
    etag, modified = answer.headers["ETag"], answer.headers["Last-Modified"]
    assert etag.startswith('W/"')
    built = meta.built_at.replace(tzinfo=dt.UTC, microsecond=0)
    assert answer.last_modified == built
    assert answer.headers["Cache-Control"] == "public, max-age=60"
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = client.get("/api/v3/data/kpi/BF0003/year/2024", headers=headers)
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["ETag"] == etag
    for headers in (
        {"If-None-Match": 'W/"something-else"'},
        {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
        {"If-None-Match": 'W/"something-else"', "If-Modified-Since": modified},
    ):
        assert client.get("/api/v3/kpi", headers=headers).status_code == 200
    # a bad parameter is an error whatever the client holds
    bad = client.get("/api/v3/kpi?per_page=5001", headers={"If-None-Match": etag})
    assert bad.status_code == 400


def test_a_new_version_changes_etag_and_last_modified(demo_warehouse, geo_dir, tmp_path):
    """The data change only when a version is published: then the old ETag no longer holds."""
    directory = tmp_path / "warehouse"
    directory.mkdir()
    source = os.path.realpath(demo_warehouse / "current.duckdb")
    shutil.copyfile(source, directory / "warehouse-1.duckdb")
    (directory / "current.duckdb").symlink_to("warehouse-1.duckdb")
    app = create_app(directory, geo_dir)
    client = app.server.test_client()
    first = client.get("/api/v2/kpi")
    etag = first.headers["ETag"]
    assert client.get("/api/v2/kpi", headers={"If-None-Match": etag}).status_code == 304

    shutil.copyfile(source, directory / "warehouse-2.duckdb")
    con = duckdb.connect(str(directory / "warehouse-2.duckdb"))
    con.execute("update meta set version = 2, built_at = built_at + interval 1 day")
    con.close()
    (directory / "next.duckdb").symlink_to("warehouse-2.duckdb")
    os.replace(directory / "next.duckdb", directory / "current.duckdb")
    second = client.get("/api/v2/kpi", headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["ETag"] != etag
    assert second.last_modified > first.last_modified
    assert second.headers["X-Warehouse-Version"] == "2"


def test_no_published_warehouse_is_503_json(geo_dir, tmp_path):
    client = create_app(tmp_path / "none", geo_dir).server.test_client()
    answer = client.get("/api/v3/kpi")
    assert answer.status_code == 503 and answer.get_json()["status"] == 503
    assert client.get("/api/openapi.json").status_code == 200


def test_closed_statistics_need_a_token(demo_warehouse, geo_dir, tmp_path):
    users = tmp_path / "users.toml"
    UserStore(users).add("analytiker", "viewer", "ett-langt-losenord")
    token = UserStore(users).new_token("analytiker")
    app = create_app(
        demo_warehouse,
        geo_dir,
        public=False,
        users_file=users,
        audit_file=tmp_path / "audit.log",
        upload_dir=tmp_path / "uploads",
    )
    client = app.server.test_client()
    refused = client.get("/api/v3/kpi")
    assert refused.status_code == 401 and refused.get_json()["status"] == 401
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    answer = client.get("/api/v3/kpi", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["count"] == len(ALL)
    # an answer for an account is never kept by a shared cache
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/v2/data/kpi/BF0003/year/2024").status_code == 401
    # the description is open, and so is the preflight (browsers send it without the token)
    assert client.get("/api/openapi.json").status_code == 200
    assert client.open("/api/v3/kpi", method="OPTIONS").status_code == 200


# --- what a Kolada client asks besides -------------------------------------------------------------

OU_ROUTES = [
    "ou",
    "ou/V15E144001301,V15E144001101",
    "ou?title=skola&municipality=0180",
    "oudata/kpi/N15033/ou/V15E144001301/year/2023,2024",
    "oudata/kpi/BF0003/year/2024",
    "oudata/kpi/BF0003/ou/V15E144001301",
    "oudata/ou/V15E144001301/year/2024",
    "oudata/kpi/BF0003",
]


@pytest.mark.parametrize("version", ["v3", "v2"])
def test_organisational_units_are_answered_with_none(client, version):
    """The project has no organisational units: Kolada's OU routes answer its empty shape."""
    routes = [*OU_ROUTES]
    if version == "v3":
        routes += ["oudata?kpi_id=BF0003&ou_id=V15E144001301&year=2024", "oudata/?ou_id=X"]
    for route in routes:
        answer = client.get(f"/api/{version}/{route}")
        assert answer.status_code == 200, route
        assert answer.get_json() == {"values": [], "count": 0}, route
        assert answer.headers["ETag"] and answer.headers["Access-Control-Allow-Origin"] == "*"


def test_kpi_flags_are_as_each_version_has_them(client):
    v3 = client.get("/api/v3/kpi").get_json()["values"]
    v2 = client.get("/api/v2/kpi").get_json()["values"]
    assert [k["id"] for k in v3] == [k["id"] for k in v2] == ALL
    for kpi in v3:
        assert kpi["is_divided_by_gender"] is False and kpi["has_ou_data"] is False
    for kpi in v2:  # v2: the integer 0, never a boolean
        assert type(kpi["is_divided_by_gender"]) is int and kpi["is_divided_by_gender"] == 0
        assert kpi["has_ou_data"] is False
    for kpi in v3 + v2:
        assert "auspices" in kpi and "auspice" not in kpi


def test_kolada_filters_are_honoured(client, demo_warehouse):
    every = client.get("/api/v2/kpi").get_json()["values"]
    word = "utvecklingsmedel"
    by_description = client.get(f"/api/v2/kpi?description={word.upper()}").get_json()["values"]
    assert by_description == [k for k in every if word in k["description"].casefold()]
    assert 0 < len(by_description) < len(ALL)
    area = every[-1]["operating_area"]
    by_area = client.get("/api/v2/kpi", query_string={"operating_area": area[2:]}).get_json()
    assert [k["id"] for k in by_area["values"]] == [
        k["id"] for k in every if k["operating_area"] == area
    ]
    both = client.get(
        "/api/v3/kpi", query_string={"operating_area": area, "title": "per invånare"}
    ).get_json()["values"]
    assert [k["id"] for k in both] == ALL[-4:]
    ids = client.get("/api/v3/kpi?id=BF0019,BF0003").get_json()["values"]
    assert [k["id"] for k in ids] == ["BF0003", "BF0019"]
    assert client.get("/api/v3/kpi?title=&description=").get_json()["count"] == len(ALL)
    assert client.get("/api/v3/municipality?id=0180&type=").get_json()["values"] == [
        {"id": "0180", "title": "Stockholm", "type": "K"}
    ]
    assert client.get("/api/v3/kpi_groups?id=BFG03").get_json()["values"][0]["id"] == "BFG03"
    # from_date on metadata: all of the version built that day or later, else nothing
    built = data.meta(data.Warehouse(demo_warehouse)).built_at.date()
    assert client.get(f"/api/v3/kpi?from_date={built}").get_json()["count"] == len(ALL)
    later = built + dt.timedelta(days=1)
    for route in ("kpi", "kpi_groups", "municipality", "municipality_groups"):
        assert client.get(f"/api/v3/{route}?from_date={later}").get_json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/kpi?descripton=utveckling",
        "/api/v3/kpi?municipality=0180",
        "/api/v3/kpi_groups?operating_area=x",
        "/api/v3/municipality?kpi_id=BF0003",
        "/api/v3/municipality_groups?type=K",
        "/api/v3/ou?kpi=BF0003",
        "/api/v3/data?ou_id=X&kpi_id=BF0003",
        "/api/v3/data/kpi/BF0003/year/2024?title=x",
        "/api/v2/oudata/kpi/BF0003/year/2024?municipality_id=0180",
        "/api/v3/oudata?municipality=0180",
    ],
)
def test_an_unknown_filter_is_400_not_ignored(client, url):
    answer = client.get(url)
    assert answer.status_code == 400, url
    body = answer.get_json()
    assert body["status"] == 400 and "okänd parameter" in body["error"]


def test_one_part_and_open_data_queries(client):
    """``data/kpi/<ids>`` is every value of the KPIs; a v3 query without kpi_id and
    municipality_id is every value (of the years given)."""

    def objects(url):
        return as_values([o for p in walk(client, url) for o in p["values"]])

    one = objects("/api/v3/data/kpi/BF0003,BF0015")
    assert one == objects("/api/v3/data?kpi_id=BF0003,BF0015") and one
    assert objects("/api/v2/data/kpi/BF0015") == {k: v for k, v in one.items() if k[0] == "BF0015"}
    year = objects("/api/v3/data?year=2024")
    assert year == objects(f"/api/v3/data/kpi/{','.join(ALL)}/year/2024")
    assert objects("/api/v3/data?kpi_id=&municipality_id=,&year=2024") == year


def test_links_are_percent_encoded(client):
    url = "/api/v3/data/kpi/BF0003/municipality/0114,Ö%25,0180/year/2023,2024?per_page=1"
    first = client.get(url).get_json()
    link = first["next_url"]
    assert link.isascii() and "/municipality/0114,%C3%96%25,0180/year/2023,2024?" in link
    second = client.get(link).get_json()
    assert second["count"] == 1 and second["values"] != first["values"]
    assert second["previous_url"].startswith(link.split("?")[0])


def test_methods_a_route_lacks_are_405_with_allow(served):
    for method in ("TRACE", "POST", "PUT", "DELETE", "PATCH"):
        for path in ("/api/v3/kpi", "/api/v2/data/kpi/BF0003/year/2024", "/api/openapi.json"):
            answer = requests.request(method, served.url + path, timeout=10)
            assert answer.status_code == 405, (method, path)
            assert set(answer.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
            assert answer.json()["status"] == 405


def test_a_304_keeps_its_validators_and_openapi_has_an_etag(served):
    url = served.url + "/api/v3/kpi"
    first = requests.get(url, timeout=10)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304
    assert again.headers["ETag"] == etag and again.headers["Last-Modified"] == modified
    spec = requests.get(served.url + "/api/openapi.json", timeout=10)
    assert spec.status_code == 200 and spec.headers["ETag"]
    cached = requests.get(
        served.url + "/api/openapi.json",
        headers={"If-None-Match": spec.headers["ETag"]},
        timeout=10,
    )
    assert cached.status_code == 304 and cached.content == b""
    other = requests.get(
        served.url + "/api/openapi.json", headers={"If-None-Match": '"x"'}, timeout=10
    )
    assert other.status_code == 200 and other.json() == spec.json()


# --- the description -----------------------------------------------------------------------------


def test_openapi_describes_every_route(app, client):
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200
    spec = json.loads(answer.get_data(as_text=True))
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": "http://localhost"}]
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.server.url_map.iter_rules()
        if rule.rule.startswith(("/api/v3/", "/api/v2/")) and "<path:" not in rule.rule
    } - {"/api/v3/", "/api/v2/"}
    assert routes and set(spec["paths"]) == routes
    for path, item in spec["paths"].items():
        operation = item["get"]
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
        assert {"page", "per_page"} <= {p["name"] for p in operation["parameters"]}
        for ref in re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(item)):
            assert ref in spec["components"]["schemas"], (path, ref)
    schemas = spec["components"]["schemas"]
    assert "next_url" in schemas["DataListv3"]["properties"]
    assert "next_page" in schemas["DataListv2"]["properties"]
    assert "/api/v3/data" in spec["paths"] and "/api/v2/data" not in spec["paths"]


def test_every_police_region_and_group_has_an_id(expected):
    refs = reference_municipalities()
    assert {m["police_region"] for m in refs} == set(catalogue.POLICE_REGION_IDS)
    assert {v: k for k, v in POLICE_REGIONS.items()} == catalogue.POLICE_REGION_IDS
    assert len([g for g in expected.groups if g.startswith("GL")]) == 21
    assert len([g for g in expected.groups if g.startswith("GK")]) == 9
    assert sorted(
        c for g, (_, ms) in expected.groups.items() if g.startswith("GK") for c in ms
    ) == (sorted(m["municipality_code"] for m in refs))
    counted = defaultdict(int)
    for gid, (_, codes) in expected.groups.items():
        counted[gid[:2]] += len(codes)
    assert counted == {"GL": 290, "GP": 290, "GK": 290}
