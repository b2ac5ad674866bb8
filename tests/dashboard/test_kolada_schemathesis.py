"""The API's description and the served app agree: schemathesis (pinned) over /api/openapi.json.

Runs schemathesis's own command, as an analyst or CI would, against the app served by gunicorn
(dashboard.serving.cluster.Server over the demo warehouse), with every check it has: no 5xx, every status
and body as the description says, what the description allows accepted and what it forbids
refused (the pair that found a year "0" refused and ``data?kpi_id=&municipality_id=`` refused
while the description allowed both), a method a route lacks answered 405 with ``Allow``. The run
is bounded (a few examples per operation, a fixed seed, so a failure can be replayed with the
same command); raising ``BF_SCHEMATHESIS_EXAMPLES`` makes a deeper run of the same test.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dashboard.serving.cluster import Server

EXAMPLES = os.environ.get("BF_SCHEMATHESIS_EXAMPLES", "5")
SEED = os.environ.get("BF_SCHEMATHESIS_SEED", "2026")


@pytest.fixture(scope="module")
def served(demo_warehouse, tmp_path_factory):
    server = Server(demo_warehouse, tmp_path_factory.mktemp("schemathesis") / "server.log")
    server.start()
    yield server
    server.stop()


def test_schemathesis_finds_nothing(served, tmp_path):
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{served.url}/api/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "2",
        "--request-timeout",
        "20",
        "--generation-database",
        "none",
        "--no-color",
    ]
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    assert "No issues found" in out, out[-6000:]
    # every operation the description names was tested (42: v3 and v2)
    assert "Tested: 42" in out, out[-3000:]
