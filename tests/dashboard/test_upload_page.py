"""Lämna filer (/inlamning) drawn for each role, through the real sign-in form and page router.

The page is drawn by Dash's page router callback, in the request of the signed-in account: a
municipal reporter sees whom it reports for, a coordinator also the audit log, and an account
without the right to send files gets no page at all (the router callback is refused).
"""

from __future__ import annotations

import json

import pytest
from sign_in import sign_in

from dashboard.app import create_app
from dashboard.security import audit
from dashboard.security.users import UserStore

ROUTER = ".._pages_content.children..._pages_store.data.."
PASSWORD = "ett-langt-losenord"


@pytest.fixture(scope="module")
def served(tiny_warehouse, geo_dir, tmp_path_factory):
    state = tmp_path_factory.mktemp("upload_page")
    store = UserStore(state / "users.toml")
    store.add("rapportor", "kommun", PASSWORD, "0114")
    store.add("samordnare", "coordinator", PASSWORD)
    store.add("granskare", "viewer", PASSWORD)
    app = create_app(
        tiny_warehouse,
        geo_dir,
        users_file=state / "users.toml",
        audit_file=state / "audit.log",
        upload_dir=state / "uploads",
    )
    return app, state


def _signed_in(app, name: str):
    client = app.server.test_client()
    assert sign_in(client, name, PASSWORD).status_code == 302
    return client


def _draw(client, path: str = "/inlamning", lang: str = "sv"):
    body = {
        "output": ROUTER,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
            {"id": "lang", "property": "value", "value": lang},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body)


def test_a_municipal_reporter_sees_the_form_for_its_own_municipality(served):
    app, _ = served
    answer = _draw(_signed_in(app, "rapportor"))
    assert answer.status_code == 200
    text = json.dumps(answer.get_json(), ensure_ascii=False)
    assert "Du lämnar årsrapporter för Upplands Väsby (0114)" in text
    assert '"id": "up-form"' in text and '"data-csrf"' in text
    assert "Granskningslogg" not in text
    assert "Dina inlämningar" in text


def test_the_coordinator_also_sees_the_audit_log_with_its_sign_in(served):
    app, state = served
    answer = _draw(_signed_in(app, "samordnare"), lang="en")
    assert answer.status_code == 200
    text = json.dumps(answer.get_json(), ensure_ascii=False)
    assert "You can send annual reports for every municipality and grant registers" in text
    assert "Audit log" in text and "All uploads" in text
    signed_in = [e for e in audit.latest(state / "audit.log") if e["event"] == "sign_in"]
    assert any(e["user"] == "samordnare" for e in signed_in)


def test_a_viewer_and_the_public_get_no_upload_page(served):
    app, _ = served
    assert _draw(_signed_in(app, "granskare")).status_code == 403
    assert _draw(app.server.test_client()).status_code == 401
    # ... while the published pages are drawn for both
    assert _draw(_signed_in(app, "granskare"), "/").status_code == 200
    assert _draw(app.server.test_client(), "/").status_code == 200


def test_the_menu_offers_send_files_only_to_those_who_may(served):
    app, _ = served
    shell = next(k for k in app.callback_map if "nav-links.children" in k)
    spec = app.callback_map[shell]

    def menu(client) -> str:
        values = {"lang.value": "sv", "_pages_location.pathname": "/"}
        body = {
            "output": shell,
            "outputs": [
                {"id": o.split(".")[0], "property": o.split(".")[1]}
                for o in shell.strip(".").split("...")
            ],
            "inputs": [
                {**i, "value": values.get(f"{i['id']}.{i['property']}", "")} for i in spec["inputs"]
            ],
            "changedPropIds": ["lang.value"],
            "state": [],
        }
        answer = client.post("/_dash-update-component", json=body)
        assert answer.status_code == 200
        return json.dumps(answer.get_json(), ensure_ascii=False)

    assert "/inlamning" in menu(_signed_in(app, "rapportor"))
    assert "Logga ut (rapportor)" in menu(_signed_in(app, "rapportor"))
    public = menu(app.server.test_client())
    assert "/inlamning" not in public and "Logga in" in public
    assert "/inlamning" not in menu(_signed_in(app, "granskare"))
