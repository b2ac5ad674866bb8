"""A short real run of the load test: the served app under a few readers with a publish mid-run.

Four readers (two signed in: a viewer and a coordinator) for five seconds against gunicorn with
two workers, over two years of demo data; the publish starts after half a second (and the run
goes on until a second after it finished). The report must have its shape, count no error, and
show the new version in answers given during the run.
"""

from __future__ import annotations

import pytest

from dashboard.loadtest import KINDS, print_report, run_load_test

pytestmark = pytest.mark.slow

FIGURES = {"count", "rps", "p50", "p95", "p99", "max", "errors"}


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
    assert set(KINDS) <= set(report["kinds"])
    for figures in [*report["kinds"].values(), report["overall"], *report["callbacks"].values()]:
        assert set(figures) == FIGURES
    for kind in ("sign-in", "page GET", "shell callback", "router callback", "page callbacks"):
        assert report["kinds"][kind]["count"] > 0, kind
    assert report["kinds"]["api"]["count"] > 0  # the coordinator asks for its uploads
    overall = report["overall"]
    assert overall["count"] == sum(k["count"] for k in report["kinds"].values())
    assert overall["p50"] <= overall["p95"] <= overall["p99"] <= overall["max"]

    assert report["errors"] == {}, report["errors"]
    assert overall["errors"] == 0

    publish = report["publish"]
    assert publish["exit"] == 0, publish["stderr"]
    assert publish["new_version"] == publish["old_version"] + 1
    assert publish["app_version_before"] == publish["old_version"]
    assert set(publish["versions_before"]) <= {publish["old_version"]}
    # seen during the run, not only afterwards, and no answer after the publish was stale
    assert publish["first_new_version_seen"] is not None
    assert publish["finished"] <= publish["first_new_version_seen"] < report["elapsed"]
    assert publish["answers_after_publish"] > 0 and publish["stale_after_publish"] == 0
    assert report["final_version"] == publish["new_version"]
    assert publish["ok"]

    print_report(report)
    out = capsys.readouterr().out
    assert "overall" in out and "p95" in out
    assert f"version {publish['old_version']} -> {publish['new_version']}" in out
    assert "target (no error, p95 < 500 ms" in out and "met: " in out
