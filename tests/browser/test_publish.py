"""A warehouse version published while the app runs reaches the readers without a restart.

The test has its own server over a private copy of the demo warehouse, so the session's server
and the other tests keep reading the version they expect. It publishes a second version with the
real pipeline (one more report) and reloads the page: both workers must show the new figures.
"""

from __future__ import annotations

import json

import pytest
from browser_support import Server, copy_warehouse, marts, open_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def private_server(demo_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    srv = Server(copy_warehouse(demo_warehouse, root / "warehouse"), root / "server.log").start()
    try:
        yield srv
    finally:
        srv.stop()


def new_report(demo_inbox, code: str, year: int) -> dict:
    """A valid report of ``year`` for ``code``: another municipality's, re-addressed.

    Without ``submitted_at`` it counts as submitted when received, so it is the current one.
    """
    template = sorted(demo_inbox.glob(f"rapport_*_{year}.json"))[0]
    report = json.loads(template.read_text(encoding="utf-8"))
    report["municipality_code"] = code
    report.pop("submitted_at", None)
    report["funded_projects"] = []  # their grant ids belong to the other municipality
    return report


def test_a_new_version_is_picked_up_without_a_restart(
    private_server, demo_inbox, page, browser_log, tmp_path
):
    from pipelines.ingest import ingest

    wh = private_server.warehouse
    ((version, year),) = marts(wh, "select version, last_year from meta")
    ((code, name),) = marts(
        wh,
        "select municipality_code, municipality_name from mart_municipality_year"
        " where year = ? and not has_report order by municipality_code limit 1",
        [year],
    )
    ((reported, total),) = marts(
        wh,
        "select reported, municipalities from mart_region_year where level = 'nation' and year = ?",
        [year],
    )
    not_reported = f"Kommunen har inte rapporterat för {year}."
    open_page(page, private_server.url + f"/kommun?kod={code}&year={year}")
    assert not_reported in page.inner_text("#_pages_content")
    open_page(page, private_server.url + "/")
    assert page.inner_text("#kpi-value-has_report") == f"{reported} av {total}"
    assert f"version {version}," in page.inner_text("#footer-text")
    pid = private_server.process.pid

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / f"rapport_{code}_{year}.json"
    path.write_text(json.dumps(new_report(demo_inbox, code, year), ensure_ascii=False), "utf-8")
    result = ingest([path], wh, inbox)
    assert [f["status"] for f in result.files] == ["loaded"]
    assert result.version == version + 1
    assert marts(
        wh, "select reported from mart_region_year where level = 'nation' and year = ?", [year]
    ) == [(reported + 1,)]

    # Each load may be answered by either of the two workers: all must have switched.
    for _ in range(4):
        open_page(page, private_server.url + "/")
        assert page.inner_text("#kpi-value-has_report") == f"{reported + 1} av {total}"
        assert f"version {version + 1}," in page.inner_text("#footer-text")
    open_page(page, private_server.url + f"/kommun?kod={code}&year={year}")
    assert page.inner_text("#mu-title") == f"{name} ({code})"
    assert not_reported not in page.inner_text("#_pages_content")
    assert private_server.process.poll() is None and private_server.process.pid == pid
    browser_log.assert_clean()
