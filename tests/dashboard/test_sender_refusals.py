"""What a reader may see of a file refused for who sent it, and of rejected files' names.

A municipal account's report naming another municipality is refused (``wrong_municipality``):
it says nothing about the municipality it names. That municipality's public status, the chase
list and the public ``mart_reporting_status`` must not change, nor show the sender's file name;
the file counts for its sender, on the lists only the roles see (the file list, the sender's
Kommun history). The public "warnings by municipality" table, on the page and downloaded, counts
rejected files but names none, for the public and for a viewer alike.

The warehouse is ingested from a handful of files by the real pipeline, with the senders an
upload gives it. What each municipality's public status must be is recomputed from the list of
input files below (who sent which file naming whom, whether its content is valid), not read
from the marts; every request goes through the app (Flask's test client: the access hook,
Dash's dispatch and the page's own checks).
"""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sign_in import sign_in
from test_access_matrix import find_node

from dashboard import fmt
from dashboard.app import create_app
from dashboard.i18n import t
from dashboard.security.users import UserStore
from pipelines.ingest import ingest
from pipelines.uploads import Sender
from tests.conftest import FIXTURES, query

PASSWORD = "ett-langt-losenord"
YEAR = 2024  # report_valid.json's reporting year, sent in time (February 2025)
SV = "sv"
FALSE_NAME = "Kommun_0180_har_inte_rapporterat_FALSK.json"
REGISTER = (
    "grant_id;decision_date;funding_year;municipality_code;county_code;project_title;category;"
    "amount_applied_sek;amount_granted_sek;amount_paid_sek\n"
    "BRA-2024-0007;2024-02-01;2024;0114;01;Trygg skolväg;school;300000;250000;\n"
)


@dataclass(frozen=True)
class Sent:
    name: str
    names: str | None  # the municipality the content names (None: a register)
    sender: str | None  # the sending account's municipality; None for a coordinator
    valid: bool  # the content would load from an account allowed to send it
    warned: bool  # the content carries a warning (an unknown field, an empty paid amount)

    @property
    def allowed(self) -> bool:
        if self.names is None:  # a register: coordinators only
            return self.sender is None
        return self.sender is None or self.sender == self.names


# Every file given to ingest, in order: the test's own account of what was sent.
SENT = (
    Sent("vasby_2024.json", "0114", "0114", valid=True, warned=True),
    Sent(FALSE_NAME, "0180", "0114", valid=True, warned=True),
    Sent("malmo_avvisad.json", "1280", None, valid=False, warned=True),
    Sent("bidrag.csv", None, "0114", valid=True, warned=True),
)


def expected_status(code: str) -> tuple[str, int, str | None]:
    """A municipality's public status for YEAR from the inputs: (status, files counted, last
    file's name). Only the files its sender was allowed to send count for the municipality."""
    counted = [s for s in SENT if s.names == code and s.allowed]
    if any(s.valid for s in counted):
        status = "on_time"  # report_valid.json is sent before 31 March
    elif counted:
        status = "rejected"
    else:
        status = "missing"
    return status, len(counted), counted[-1].name if counted else None


def _write(folder: Path, sent: Sent, report: dict) -> Path:
    path = folder / sent.name
    if sent.names is None:
        path.write_text(REGISTER, encoding="utf-8")
        return path
    content = {**report, "municipality_code": sent.names, "extra_note": "okänt fält"}
    if not sent.valid:
        content["schema_version"] = "9"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    report = json.loads((FIXTURES / "report_valid.json").read_text(encoding="utf-8"))
    assert (report["municipality_code"], report["reporting_year"]) == ("0114", YEAR)
    root = tmp_path_factory.mktemp("sender_refusals")
    inbox = root / "inbox"
    inbox.mkdir()
    paths = [_write(inbox, s, report) for s in SENT]
    senders = {
        p: Sender(f"konto-{s.sender}", s.sender, False)
        for p, s in zip(paths, SENT, strict=True)
        if s.sender is not None
    }
    ingest(paths, root / "warehouse", inbox, senders=senders)
    return root / "warehouse"


@pytest.fixture(scope="module")
def app(warehouse, tmp_path_factory):
    state = tmp_path_factory.mktemp("sender_refusals_state")
    store = UserStore(state / "users.toml")
    store.add("granskare", "viewer", PASSWORD)
    store.add("vasby", "kommun", PASSWORD, "0114")
    store.add("stockholm", "kommun", PASSWORD, "0180")
    return create_app(
        warehouse,
        public=True,
        users_file=state / "users.toml",
        audit_file=state / "audit.log",
        upload_dir=state / "uploads",
    )


def client_for(app, who: str):
    client = app.server.test_client()
    if who != "anonymous":
        assert sign_in(client, who, PASSWORD).status_code == 302
    return client


# -- the page and its downloads, as the browser asks for them -----------------------------------


def _deps(items: list[dict], values: dict) -> list:
    return [
        []
        if d["id"].startswith("{")
        else {
            "id": d["id"],
            "property": d["property"],
            "value": values.get(f"{d['id']}.{d['property']}"),
        }
        for d in items
    ]


def render(app, client, pathname: str, search: str = "") -> tuple[dict, str]:
    """The page router's answer for ``pathname``: the layout and its whole text."""
    answer = router_answer(app, client, pathname, search)
    return answer.get_json(), answer.get_data(as_text=True)


def router_answer(app, client, pathname: str, search: str = ""):
    """The page router's response for ``pathname``, as the browser asks for it."""
    key = next(k for k in app.callback_map if "_pages_content.children" in k)
    spec = app.callback_map[key]
    values = {
        "_pages_location.pathname": pathname,
        "_pages_location.search": search,
        "lang.value": SV,
    }
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in key[2:-2].split("...")
    ]
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": _deps(spec["inputs"], values),
        "state": _deps(spec.get("state", []), values),
        "changedPropIds": ["_pages_location.pathname"],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer


def download(app, client, table: str) -> list[dict]:
    """A click on ``table``'s CSV download on Datakvalitet: its rows, by header."""
    key = next(
        k
        for k in app.callback_map
        if k.startswith("{") and '"page":"dataquality"' in k.replace(" ", "")
    )
    spec = app.callback_map[key]
    state_values = {"dq-state.data": {"year": YEAR, "search": None}, "lang.value": SV}
    clicked = {"fmt": "csv", "page": "dataquality", "table": table, "type": "dl"}
    body = {
        "output": key,
        "outputs": {
            "id": {"page": "dataquality", "table": table, "type": "download"},
            "property": "data",
        },
        "inputs": [
            [
                {"id": {**clicked, "fmt": f}, "property": "n_clicks", "value": int(f == "csv")}
                for f in ("csv", "xlsx")
            ]
        ],
        "state": [
            {
                "id": d["id"],
                "property": d["property"],
                "value": state_values.get(f"{d['id']}.{d['property']}"),
            }
            for d in spec["state"]
        ],
        "changedPropIds": [
            json.dumps(clicked, sort_keys=True, separators=(",", ":")) + ".n_clicks"
        ],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    (by_id,) = answer.get_json()["response"].values()
    text = base64.b64decode(by_id["data"]["content"]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _text(node) -> str:
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    if isinstance(node, dict):
        return _text(node.get("props", {}).get("children"))
    return ""


def _kids(node: dict) -> list:
    children = node["props"].get("children")
    return children if isinstance(children, list) else [] if children is None else [children]


def page_rows(doc, page: str, name: str) -> list[dict] | None:
    """Every row of a rendered table (all its pages) by header, or None without the table."""
    table = find_node(doc, f"table-{page}-{name}")
    if table is None:
        return None
    (thead,) = [n for n in _kids(table) if isinstance(n, dict) and n["type"] == "Thead"]
    headers = [_text(th).strip() for th in _kids(_kids(thead)[0])]
    store = find_node(doc, {"type": "table-rows", "page": page, "table": name})
    if store is not None:  # a long table: every row travels in its store
        cells = [[_text(c) for c in row] for row in store["props"]["data"]["rows"]]
    else:
        body = find_node(table, {"type": "table-body", "page": page, "table": name})
        cells = [[_text(td) for td in _kids(tr)] for tr in _kids(body)]
    return [dict(zip(headers, row, strict=True)) for row in cells]


def _value(cell: str) -> str | None:
    """A cell's text, None for an empty cell (a dash on the page, nothing in a CSV)."""
    return None if cell in ("", fmt.MISSING) else cell


# -- the tests --------------------------------------------------------------------------------


def test_the_marts_count_a_refused_file_for_its_sender(warehouse):
    rows = {
        name: (code, refused, sender, status)
        for name, code, refused, sender, status in query(
            warehouse,
            "select file_name, municipality_code, refused_for_sender, sender_municipality_code,"
            " status from mart_submissions",
        )
    }
    assert set(rows) == {s.name for s in SENT}  # every file accounted for
    for s in SENT:
        code, refused, sender, status = rows[s.name]
        assert code == s.names  # the record says whom the file named
        assert refused is (not s.allowed), s
        # a refused report counts for its sender's municipality (a register's refusal names none)
        assert sender == (s.sender if not s.allowed and s.names else None)
        assert status == ("rejected" if not (s.allowed and s.valid) else "loaded")


@pytest.mark.parametrize("code", ["0114", "0180", "1280"])
def test_public_status_is_the_allowed_files_only(app, code):
    """The public bulk file of mart_reporting_status, fetched anonymously, against the inputs."""
    client = client_for(app, "anonymous")
    version = client.get("/data/manifest.json").get_json()["version"]
    answer = client.get(f"/data/{version}/mart_reporting_status.csv")
    assert answer.status_code == 200
    text = answer.get_data().decode("utf-8-sig")
    assert FALSE_NAME not in text
    rows = {
        r["municipality_code"]: r
        for r in csv.DictReader(io.StringIO(text), delimiter=";")
        if r["year"] == str(YEAR)
    }
    status, counted, last = expected_status(code)
    row = rows[code]
    assert (row["status"], int(row["files_received"]), row["last_file_name"] or None) == (
        status,
        counted,
        last,
    )


@pytest.mark.parametrize("who", ["anonymous", "granskare", "stockholm"])
def test_the_named_municipality_looks_untouched_on_the_page(app, who):
    client = client_for(app, who)
    doc, whole = render(app, client, "/datakvalitet", f"?year={YEAR}")
    assert FALSE_NAME not in whole or who == "granskare"  # a viewer sees it on the file list
    chase = {r[t("municipality_code", SV)]: r for r in page_rows(doc, "dataquality", "chase")}
    for code in ("0180", "1280"):
        status, _, last = expected_status(code)
        assert chase[code][t("dq_why", SV)] == t(f"dq_status_{status}", SV)
        assert _value(chase[code][t("dq_last_file", SV)]) == last
    assert "0114" not in chase  # its report arrived
    chase_download = {r[t("municipality_code", SV)]: r for r in download(app, client, "chase")}
    assert chase_download["0180"][t("dq_why", SV)] == t("dq_status_missing", SV)
    assert chase_download["0180"][t("dq_last_file", SV)] == ""
    # the named municipality's own history (for its account or a viewer) holds nothing of it
    _, kommun = render(app, client, "/kommun", "?kod=0180")
    assert FALSE_NAME not in kommun


@pytest.mark.parametrize("who", ["granskare", "vasby"])
def test_the_refusal_is_on_the_lists_of_those_allowed_with_its_reason(app, who):
    client = client_for(app, who)
    doc, _ = render(app, client, "/datakvalitet", f"?year={YEAR}")
    files = {r[t("dq_file", SV)]: r for r in page_rows(doc, "dataquality", "files")}
    assert files[FALSE_NAME][t("municipality", SV)] == "Stockholm"  # whom it named
    assert files[FALSE_NAME][t("dq_fate", SV)] == t("dq_file_rejected", SV)
    reasons = [
        r[t("dq_reason", SV)]
        for r in page_rows(doc, "dataquality", "reasons")
        if r[t("dq_file", SV)] == FALSE_NAME
    ]
    assert len(reasons) == 1 and "0180 (Stockholm)" in reasons[0]
    _, history = render(app, client, "/kommun", "?kod=0114")
    assert FALSE_NAME in history


@pytest.mark.parametrize("who", ["anonymous", "granskare"])
def test_warnings_by_municipality_count_rejected_files_but_name_none(app, who):
    """Recomputed from the inputs: per municipality the warned files counted for it (only those
    its sender could send), the ones not rejected by name, the rejected ones by number; a file
    refused for its sender (the register too) is in neither table."""
    client = client_for(app, who)
    doc, whole = render(app, client, "/datakvalitet", f"?year={YEAR}")
    counted = [s for s in SENT if s.allowed and s.warned and s.names is not None]
    expected = {
        code: (
            ", ".join(sorted(s.name for s in counted if s.names == code and s.valid)) or None,
            sum(1 for s in counted if s.names == code and not s.valid),
        )
        for code in {s.names for s in counted}
    }
    files_col, rejected_col = t("dqw_files", SV), t("dqw_rejected_files", SV)
    for rows in (
        page_rows(doc, "dataquality", "warnings_by_municipality"),
        download(app, client, "warnings_by_municipality"),
    ):
        got = {
            r[t("municipality_code", SV)]: (_value(r[files_col]), int(r[rejected_col]))
            for r in rows
        }
        assert got == expected
        text = json.dumps(rows, ensure_ascii=False)
        for s in SENT:
            if not (s.allowed and s.valid):
                assert s.name not in text, s.name
    # every counted report has the unknown field; the refused one's is not counted
    by_kind = {r[t("dqw_code", SV)]: r for r in download(app, client, "warnings_by_kind")}
    reports = [s for s in counted if s.names is not None]
    assert int(by_kind["unknown_field"][t("dqw_files", SV)]) == len(reports)
    assert "missing_paid_amount" not in by_kind  # the refused register's warning
    if who == "anonymous":
        for s in SENT:
            if not s.allowed:
                assert s.name not in whole, s.name


@pytest.mark.parametrize("who", ["granskare", "vasby"])
def test_what_a_signed_in_reader_is_shown_is_kept_by_no_cache(app, who):
    """The page and the Kommun history drawn for an account list its files: no cache keeps them,
    and the public's copy of the same callback is never handed to it (Vary)."""
    client = client_for(app, who)
    for path, search in (("/datakvalitet", f"?year={YEAR}"), ("/kommun", "?kod=0114")):
        answer = router_answer(app, client, path, search)
        assert answer.headers["Cache-Control"] == "private, no-store"
        vary = {v.strip().lower() for v in answer.headers.get("Vary", "").split(",")}
        assert {"authorization", "cookie"} <= vary
