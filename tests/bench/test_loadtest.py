"""Short real runs of the load test: the served app under a few clients with publishes mid-run.

One server: four browsers (two signed in: a viewer and a coordinator) for five seconds against
gunicorn with two workers, over two years of demo data; the publish starts after half a second
(and the run goes on until a second after it finished). The cluster: six clients (four browsers,
two API scripts) for eight seconds against two app servers behind haproxy, with two publishes.
Each report must have its shape, count no error, show every new version in answers given during
the run, and no client's version may go backwards.
"""

from __future__ import annotations

import pytest

from bench.loadtest import API, KINDS, UPLOADS, print_report, run_load_test

pytestmark = pytest.mark.slow

FIGURES = {"count", "rps", "p50", "p95", "p99", "max", "errors"}


def check_shape(report: dict) -> None:
    assert set(KINDS) <= set(report["kinds"])
    figures = [*report["kinds"].values(), report["overall"], *report["callbacks"].values()]
    for stats in [*figures, *report["api_routes"].values()]:
        assert set(stats) == FIGURES
    overall = report["overall"]
    assert overall["count"] == sum(k["count"] for k in report["kinds"].values())
    assert overall["p50"] <= overall["p95"] <= overall["p99"] <= overall["max"]


def check_versions(report: dict) -> None:
    """No error; every answer named its version, none went backwards; each publish was seen."""
    assert report["errors"] == {}, report["errors"]
    assert report["overall"]["errors"] == 0
    versions = report["versions"]
    assert versions["without_header"] == 0, versions["without_header_by_request"]
    assert versions["clients_backwards"] == 0, versions["backwards"]
    assert versions["answers"] == report["overall"]["count"]

    publishes = report["publishes"]
    assert len(publishes) == report["planned_publishes"]
    assert report["app_version_before"] == report["old_version"]
    previous = report["old_version"]
    for publish in publishes:
        assert publish["exit"] == 0, publish["stderr"]
        assert publish["old_version"] == previous
        assert publish["new_version"] == previous + 1
        assert set(publish["versions_before"]) <= {previous}
        # seen during the run, not before the publish began, and no answer after it was stale
        seen = publish["first_new_version_seen"]
        assert seen is not None and publish["started"] < seen < report["elapsed"]
        assert publish["answers_after"] > 0 and publish["stale_after"] == 0
        assert publish["early"] == 0
        assert publish["ok"]
        previous = publish["new_version"]
    assert versions["seen"] == list(range(report["old_version"], previous + 1))
    assert report["final_version"] == previous
    assert report["publish_ok"]


def test_short_run_with_a_publish(tmp_path, capsys):
    report = run_load_test(
        users=4,
        seconds=5,
        workers=2,
        publish_at=0.5,
        years=range(2024, 2026),
        work=tmp_path,
        # on a busy machine the publish may take longer than the run: go on until it is seen
        hold_after_publish=1.0,
    )

    assert report["users"] == 4 and report["signed_in"] == 2
    assert report["browsers"] == 4 and report["api_clients"] == 0
    check_shape(report)
    for kind in ("sign-in", "page GET", "shell callback", "router callback", "page callbacks"):
        assert report["kinds"][kind]["count"] > 0, kind
    assert report["kinds"][UPLOADS]["count"] > 0  # the coordinator asks for its uploads
    assert report["kinds"][API]["count"] == 0
    check_versions(report)
    assert len(report["publishes"]) == 1

    print_report(report)
    out = capsys.readouterr().out
    assert "overall" in out and "p95" in out
    publish = report["publishes"][0]
    assert f"version {publish['old_version']} -> {publish['new_version']}" in out
    assert "clients whose version went backwards: 0 of 4" in out
    assert "target (no error, p95 < 500 ms" in out and "met: " in out


def test_short_cluster_run_with_two_publishes(tmp_path, capsys):
    report = run_load_test(
        users=6,
        seconds=8,
        workers=1,
        api_clients=2,
        cluster=2,
        publishes=2,
        years=range(2024, 2026),
        work=tmp_path,
        hold_after_publish=1.0,
        alone_repeats=1,  # the API routes' times alone: once each is enough here
    )

    assert report["cluster"] == 2
    assert report["browsers"] == 4 and report["signed_in"] == 2 and report["api_clients"] == 2
    check_shape(report)
    for kind in ("page GET", "router callback", API):
        assert report["kinds"][kind]["count"] > 0, kind
    assert report["api_routes"] and all(s["count"] > 0 for s in report["api_routes"].values())
    assert report["api_alone"]["errors"] == [] and len(report["api_alone"]["p50"]) >= 8
    check_versions(report)
    assert len(report["publishes"]) == 2
    first, second = report["publishes"]
    assert first["finished"] <= second["started"]
    # both app servers answered, the API scripts too (they keep no BFSERVER cookie)
    assert len(report["per_server"]) == 2
    assert all(server.get("api", 0) > 0 for server in report["per_server"])

    print_report(report)
    out = capsys.readouterr().out
    assert "2 app servers behind haproxy" in out and "the API (Kolada) on its own: p95" in out
    assert "publish 2 of 2" in out and "clients whose version went backwards: 0 of 6" in out
    assert "target (no error, API p95 < 100 ms" in out and "met: " in out
