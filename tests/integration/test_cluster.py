"""The reference deployment: two app servers behind haproxy over one warehouse directory.

While readers keep asking (with and without the load balancer's cookie), the real pipeline
publishes two new versions: no request fails, every response names the version that served it,
and no reader ever sees its version go backwards.
"""

from __future__ import annotations

import http.client
import threading
import time

import pytest

from dashboard.serving.cluster import Cluster, haproxy_binary
from tests.conftest import run_cli, write_json

pytestmark = pytest.mark.slow

PATHS = ("/healthz", "/data/manifest.json", "/", "/medel", "/_dash-layout")


@pytest.fixture
def cluster(tmp_path, valid_report):
    try:
        haproxy_binary()
    except RuntimeError as exc:
        pytest.fail(str(exc))  # make setup installs it: a missing haproxy is a set-up failure
    path = write_json(tmp_path / "first.json", valid_report)
    assert run_cli("ingest", str(path), "--warehouse", str(tmp_path / "wh")).returncode == 0
    env = {
        "BF_USERS_FILE": str(tmp_path / "users.toml"),
        "BF_AUDIT_LOG": str(tmp_path / "audit.log"),
        "BF_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    with Cluster(tmp_path / "wh", tmp_path / "cluster", servers=2, env=env, workers=1) as running:
        yield running, tmp_path


def _reader(port: int, sticky: bool, stop: threading.Event, seen: list, errors: list) -> None:
    cookie = None
    i = 0
    while not stop.is_set():
        path = PATHS[i % len(PATHS)]
        i += 1
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            con.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            answer = con.getresponse()
            answer.read()
            if answer.status != 200:
                errors.append((path, answer.status))
                continue
            if sticky and answer.getheader("Set-Cookie"):
                cookie = answer.getheader("Set-Cookie").split(";")[0]
            version = answer.getheader("X-Warehouse-Version")
            if version is None:
                errors.append((path, "no X-Warehouse-Version"))
            else:
                seen.append(int(version))
        except OSError as exc:
            errors.append((path, repr(exc)))
        finally:
            con.close()


def test_publishing_twice_behind_haproxy_fails_nothing_and_never_goes_back(cluster, valid_report):
    running, tmp_path = cluster
    stop = threading.Event()
    readers = []
    for n in range(6):
        seen: list[int] = []
        errors: list = []
        thread = threading.Thread(
            target=_reader, args=(running.port, n % 2 == 0, stop, seen, errors), daemon=True
        )
        readers.append((thread, seen, errors))
        thread.start()
    time.sleep(2)
    for year in (2023, 2022):
        path = write_json(tmp_path / f"r{year}.json", {**valid_report, "reporting_year": year})
        published = run_cli("ingest", str(path), "--warehouse", str(tmp_path / "wh"))
        assert published.returncode in (0, 1), published.stderr
        time.sleep(2)
    stop.set()
    for thread, _, _ in readers:
        thread.join(timeout=60)
    for _, seen, errors in readers:
        assert errors == []
        assert len(seen) > 10
        assert seen == sorted(seen), "a reader saw its version go backwards"
    every = {v for _, seen, _ in readers for v in seen}
    assert every == {1, 2, 3}, "both publishes were seen through the load balancer"
