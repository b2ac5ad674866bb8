"""Requests that answered 500 and now answer 4xx, sent anonymously over HTTP to a real app.

A callback body nested 100 000 levels deep (Python's JSON reader raised ``RecursionError``), a
municipality page's state whose code is an object or a list, a long table's rows in shapes the
pager never writes, and any path under ``/_dash-component-suites/`` that Dash did not list
(``../../etc/passwd`` included: Dash raised ``DependencyException``).
"""

from __future__ import annotations

import json

import pytest
from test_fuzz_http import _download, _paging

UPDATE = "/_dash-update-component"
CELLS = {"rows": [["a"]], "links": {}, "status": [], "numeric": [], "lang": "sv"}


@pytest.mark.parametrize("depth", [100_000, 1_000, 65])
def test_a_deeply_nested_callback_body_is_a_bad_request(client, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        answer = client.post(UPDATE, data=body, content_type="application/json")
        assert answer.status_code == 400, answer.get_data(as_text=True)[:200]
        assert "nested deeper than 64" in answer.get_json()["error"]


def test_a_body_nested_as_deep_as_a_real_one_still_reaches_the_app(client):
    # 60 levels of a value inside a well-formed body: parsed, then judged on its shape (400 for
    # a store of the wrong type), never refused for its depth alone
    deep = "[" * 60 + "]" * 60
    body = _paging(rows={"rows": [], "x": None}).copy()
    answer = client.post(UPDATE, json=body | {"junk": json.loads(deep)})
    assert answer.status_code == 400
    assert "nested" not in answer.get_json()["error"]


@pytest.mark.parametrize(
    "current",
    [
        {"code": {"a": 1}, "year": 2024},
        {"code": ["0180"], "year": 2024},
        {"code": "0180", "year": [2024]},
        {"code": "0180", "year": {"y": 1}},
    ],
)
def test_a_municipality_state_with_an_object_or_list_is_refused(client, current):
    body = _download("municipality", [("mu-state.data", current), ("lang.value", "sv")])
    answer = client.post(UPDATE, json=body)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:200]


def test_a_municipality_state_naming_no_known_code_downloads_nothing(client):
    body = _download("municipality", [("mu-state.data", {"code": "9999"}), ("lang.value", "sv")])
    answer = client.post(UPDATE, json=body)
    assert answer.status_code in (200, 204)
    assert b'"content"' not in answer.get_data()


@pytest.mark.parametrize(
    "rows",
    [
        CELLS | {"rows": "x"},
        CELLS | {"rows": [1, 2]},
        CELLS | {"rows": [[{"x": 1}]]},
        CELLS | {"rows": [["a", None]]},
        CELLS | {"links": {"0": 5}},
        CELLS | {"links": []},
        CELLS | {"links": {"0": [3]}},
        CELLS | {"status": 5},
        CELLS | {"numeric": ["0"]},
        CELLS | {"status": [True]},
        CELLS | {"lang": 5},
        CELLS | {"lang": "de"},
        {k: v for k, v in CELLS.items() if k != "lang"},
        {k: v for k, v in CELLS.items() if k != "status"},
        {"rows": [["a"]]},
        {},
    ],
)
def test_table_paging_with_malformed_rows_is_refused(client, rows):
    answer = client.post(UPDATE, json=_paging(rows=rows))
    assert answer.status_code == 400, answer.get_data(as_text=True)[:200]


def test_table_paging_with_the_rows_the_pager_writes_still_pages(client):
    cells = CELLS | {"rows": [[str(n)] for n in range(60)], "links": {"0": [None] * 60}}
    answer = client.post(UPDATE, json=_paging(start=25, rows=cells))
    assert answer.status_code == 200
    assert "51–60 av 60" in json.dumps(answer.get_json(), ensure_ascii=False)


SUITES = "/_dash-component-suites/"


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/passwd",
        "dash/../../etc/passwd",
        "dash/dcc/../../../../etc/passwd",
        "dash/%2e%2e/%2e%2e/etc/passwd",
        "..%2f..%2fetc%2fpasswd",
        "dash/x.js",
        "dash/deps/",
        "nope/x.js",
        "dash/dcc/dash_core_components.v9_9_9m1.css",
        "plotly/package_data/../../../../../etc/passwd",
        "dash_bootstrap_components/_components/%00.js",
    ],
)
def test_an_invalid_component_suite_path_is_not_found(client, path):
    answer = client.get(SUITES + path)
    assert answer.status_code == 404, answer.get_data(as_text=True)[:200]
    assert b"root:" not in answer.get_data()


def test_a_listed_component_suite_file_is_still_served(client):
    index = client.get("/").get_data(as_text=True)
    script = index.split(SUITES, 1)[1].split('"', 1)[0]
    assert client.get(SUITES + script).status_code == 200
