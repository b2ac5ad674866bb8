"""Every XLSX the project writes holds text with characters an XLSX cannot hold.

A control character (U+0001) in a report's text, a sign-in name or an upload's file name made
the whole download fail (openpyxl's ``IllegalCharacterError``, a 500). Now such characters become
U+FFFD and the file opens; formula-like text is still neutralised. Over HTTP: a municipality's
promise and project downloads from a warehouse whose report text holds U+0001, and the
coordinator's audit-log download after a failed sign-in with such a name.
"""

from __future__ import annotations

import base64
import io
import shutil

import duckdb
import polars as pl
import pytest
from openpyxl import load_workbook
from sign_in import sign_in
from test_access_matrix import download_body

from dashboard import export
from dashboard.security.users import UserStore
from pipelines import xlsx_text
from pipelines.template import report_to_xlsx_bytes

PASSWORD = "ett-langt-losenord-for-xlsx"
HOSTILE = "Trygg\x01 skolväg\x0b\x1f\ufffe slut"


def _open(raw: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True))


def test_clean_replaces_what_xlsx_cannot_hold():
    assert xlsx_text.clean("a\x01b") == "a\ufffdb"
    assert xlsx_text.clean("rad\tett\nrad två\r") == "rad\tett\nrad två\r"  # these XML holds
    assert xlsx_text.clean(HOSTILE) == "Trygg\ufffd skolväg\ufffd\ufffd\ufffd slut"
    assert xlsx_text.clean("halv \ud800") == "halv \ufffd"  # a lone surrogate from JSON
    assert len(xlsx_text.clean("x" * 40_000)) == xlsx_text.EXCEL_MAX_CELL_CHARS


def test_cell_cleans_and_neutralises_and_keeps_numbers():
    assert xlsx_text.cell("=1+1\x01") == "'=1+1\ufffd"
    assert xlsx_text.cell("\x01=1") == "\ufffd=1"
    assert xlsx_text.cell(-3) == -3 and xlsx_text.cell(None) is None


def test_a_frame_with_control_characters_opens_as_xlsx():
    frame = pl.DataFrame({"Titel\x02": [HOSTILE, "=HYPERLINK(\x01)"], "Antal": [1, -2]})
    rows = _open(export.to_xlsx(frame))
    assert rows[0] == ("Titel\ufffd", "Antal")
    assert rows[1] == (xlsx_text.clean(HOSTILE), 1)
    assert rows[2] == ("'=HYPERLINK(\ufffd)", -2)


def test_a_report_xlsx_from_the_template_with_control_characters_opens(valid_report):
    valid_report["citizen_promises"][0]["title"] = HOSTILE + "\ud800"
    book = load_workbook(io.BytesIO(report_to_xlsx_bytes(valid_report)))
    texts = [c for ws in book for row in ws.iter_rows(values_only=True) for c in row]
    assert xlsx_text.clean(HOSTILE + "\ud800") in texts


# -- over HTTP --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tiny_warehouse, geo_dir, tmp_path_factory):
    """An app over a copy of the tiny warehouse whose promise and project titles hold U+0001."""
    from dashboard.app import create_app

    root = tmp_path_factory.mktemp("xlsx_text")
    shutil.copytree(tiny_warehouse, root / "warehouse", symlinks=True)
    con = duckdb.connect(str((root / "warehouse" / "current.duckdb").resolve()))
    try:
        con.execute("update mart_promises set title = title || chr(1) || ' ok'")
        con.execute("update mart_projects set title = chr(1) || title")
        promise = con.execute(
            "select p.municipality_code, p.year from mart_promises p join mart_projects j "
            "using (municipality_code, year) limit 1"
        ).fetchone()
    finally:
        con.close()
    store = UserStore(root / "users.toml")
    store.add("samordnare", "coordinator", PASSWORD)
    app = create_app(
        root / "warehouse",
        geo_dir,
        users_file=root / "users.toml",
        audit_file=root / "audit.log",
        upload_dir=root / "uploads",
    )
    return app, promise, store.new_token("samordnare")


def _download(client, body: dict) -> list[tuple]:
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    payload = answer.get_json()["response"]
    data = next(iter(payload.values()))["data"]
    assert data["filename"].endswith(".xlsx")
    return _open(base64.b64decode(data["content"]))


@pytest.mark.parametrize("table", ["promises", "projects"])
def test_promise_and_project_downloads_with_control_characters_open(site, table):
    app, (code, year), _ = site
    values = {"mu-state.data": {"code": code, "year": year}, "lang.value": "sv"}
    body = download_body(app, "municipality", table, values, fmt="xlsx")
    rows = _download(app.server.test_client(), body)
    texts = [c for row in rows[1:] for c in row if isinstance(c, str)]
    assert len(rows) > 1
    assert any("\ufffd" in c for c in texts), texts
    assert not any("\x01" in c for c in texts)


def test_the_audit_log_download_after_a_sign_in_named_with_a_control_character(site):
    app, _, _ = site
    anonymous = app.server.test_client()
    assert sign_in(anonymous, "a\x01b", "fel-losenord").status_code == 401
    coordinator = app.server.test_client()
    assert sign_in(coordinator, "samordnare", PASSWORD).status_code == 302
    values = {"lang.value": "sv"}
    rows = _download(coordinator, download_body(app, "upload", "audit", values, fmt="xlsx"))
    users = [row[2] for row in rows[1:]]
    assert "a\ufffdb" in users, users


def test_the_audit_log_download_after_an_upload_named_with_a_control_character(site):
    app, _, token = site
    body = (
        b"--B\r\n"
        b'Content-Disposition: form-data; name="fil"; filename="rapport\x01\x1f.json"\r\n\r\n'
        b"{}\r\n--B--\r\n"
    )
    answer = app.server.test_client().post(
        "/api/inlamning",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "multipart/form-data; boundary=B",
        },
    )
    assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
    coordinator = app.server.test_client()
    assert sign_in(coordinator, "samordnare", PASSWORD).status_code == 302
    rows = _download(
        coordinator, download_body(app, "upload", "audit", {"lang.value": "sv"}, fmt="xlsx")
    )
    details = " ".join(str(c) for row in rows[1:] for c in row if c)
    assert "rapport" in details and "\x01" not in details
