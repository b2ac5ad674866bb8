"""The reference deployment, on one machine: haproxy in front of several app servers.

``python -m dashboard.serving.cluster --servers 2 --api-servers 1 --port 8050`` (``make
serve-cluster``) starts copies of the app (``python -m dashboard``: gunicorn, on free ports), all
reading the same warehouse directory, accounts file, audit log and upload directory, and haproxy
(Debian's package) on ``--port`` in front of them, with the config from
``deploy/haproxy.cfg.template``: the open data (``/api/v3/``, ``/api/v2/``, ``/data/``) goes to a
pool of its own, so that its many cheap reads never wait behind the dashboard's heavy callbacks in
one worker. It runs until interrupted and stops them all. The app trusts one proxy hop
(``BF_TRUSTED_PROXIES=1``), so the sign-in throttling sees the reader's address, not haproxy's.

``Cluster`` is the same as a context manager, for the tests and the load test; ``Server`` is one
of its app servers (``python -m dashboard`` on a free port), which the tests and the benchmark
also start alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.serving.compression import COPY_HEADER, PLOTLY_PATH

ROOT = Path(__file__).resolve().parents[2]
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends
TEMPLATE = ROOT / "deploy" / "haproxy.cfg.template"


# -- one app server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


@dataclass
class Server:
    """``python -m dashboard`` over one warehouse directory, on a free port of 127.0.0.1."""

    warehouse: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    env: dict[str, str] | None = None  # extra environment for the server (accounts, uploads)
    # a lower CPU priority for the server's processes (see Cluster's dashboard_nice)
    nice: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        env = {
            **os.environ,
            **(self.env or {}),
            "WAREHOUSE_DIR": str(self.warehouse),
            "PORT": str(self.port),
        }
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            ["nice", "-n", str(self.nice), sys.executable, "-m", "dashboard"]
            if self.nice
            else [sys.executable, "-m", "dashboard"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
            try:
                if http_get(self.url + "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout} s:\n{self.log_tail()}")

    def wait_for_brotli(self, timeout: float = 120) -> None:
        """Wait for the brotli copies (made in the background on a machine's first start)."""
        deadline = time.monotonic() + timeout
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        while time.monotonic() < deadline:
            # Each worker answers for itself: ask a few times in a row.
            answers = [http_get(self.url + PLOTLY_PATH, headers)[1] for _ in range(4)]
            # on-the-fly brotli says "br" too: wait for the stored quality-11 copy
            if all(h.get(COPY_HEADER) for h in answers):
                return
            time.sleep(1)
        raise RuntimeError("the brotli copy of plotly.js was not ready in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # SIGTERM is gunicorn's graceful shutdown of the master and its workers.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


# -- haproxy in front of several -----------------------------------------------------------------


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if not found:
        raise RuntimeError("haproxy is not installed: run `make setup-haproxy` (Debian's package)")
    return found


def haproxy_config(port: int, backends: list[int], api_backends: list[int] | None = None) -> str:
    """The config for the dashboard's servers and (when any) the open data's own pool; without
    an API pool the open data goes to the dashboard's servers."""
    servers = "\n".join(
        f"    server app{i} 127.0.0.1:{p} check cookie app{i}" for i, p in enumerate(backends, 1)
    )
    api = api_backends or backends
    api_servers = "\n".join(f"    server api{i} 127.0.0.1:{p} check" for i, p in enumerate(api, 1))
    return TEMPLATE.read_text("utf-8").format(
        n=len(backends) + len(api_backends or []),
        bind=f"127.0.0.1:{port}",
        servers=servers,
        api_servers=api_servers,
    )


class Cluster:
    """N app servers over one warehouse directory behind haproxy on ``port``."""

    def __init__(
        self,
        warehouse: Path,
        work: Path,
        *,
        servers: int = 2,
        port: int | None = None,
        env: dict[str, str] | None = None,
        workers: int = 2,
        api_servers: int = 0,
        dashboard_nice: int = 0,
        api_workers: int | None = None,
    ) -> None:
        self.warehouse = Path(warehouse)
        self.work = Path(work)
        self.port = port or free_port()
        self.env = {**(env or {}), "BF_TRUSTED_PROXIES": "1", "WEB_CONCURRENCY": str(workers)}
        # On one machine the open data's pool gets the CPU first when both pools want it
        # (``dashboard_nice`` lowers the dashboard pool's priority): its answers take a
        # millisecond or two and are read by scripts in bulk, while a dashboard callback takes
        # tens of milliseconds of a person's wait either way. Separate machines need no nice.
        self.servers = [
            Server(self.warehouse, self.work / f"app{i}.log", env=self.env, nice=dashboard_nice)
            for i in range(1, servers + 1)
        ]
        # the open data's own pool (the same app): see deploy/haproxy.cfg.template
        api_env = {**self.env, "WEB_CONCURRENCY": str(api_workers or workers)}
        self.api_servers = [
            Server(self.warehouse, self.work / f"api{i}.log", env=api_env)
            for i in range(1, api_servers + 1)
        ]
        self.haproxy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Cluster:
        self.work.mkdir(parents=True, exist_ok=True)
        try:
            for server in self.servers + self.api_servers:
                server.start(timeout)
            config = self.work / "haproxy.cfg"
            text = haproxy_config(
                self.port, [s.port for s in self.servers], [s.port for s in self.api_servers]
            )
            config.write_text(text, "utf-8")
            self._log = (self.work / "haproxy.log").open("wb")
            self.haproxy = subprocess.Popen(
                [haproxy_binary(), "-W", "-db", "-f", str(config)],
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
            self._wait(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.haproxy.poll() is not None:
                raise RuntimeError(
                    "haproxy exited: " + (self.work / "haproxy.log").read_text(errors="replace")
                )
            try:
                if http_get(self.url + "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"haproxy did not answer on {self.url} within {timeout} s")

    def stop(self) -> None:
        if self.haproxy is not None and self.haproxy.poll() is None:
            self.haproxy.send_signal(signal.SIGTERM)
            try:
                self.haproxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.haproxy.kill()
                self.haproxy.wait()
        if getattr(self, "_log", None):
            self._log.close()
        for server in self.servers + self.api_servers:
            server.stop()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=2, help="app servers (default 2)")
    parser.add_argument(
        "--api-servers", type=int, default=1, help="servers for the open data (default 1)"
    )
    parser.add_argument(
        "--dashboard-nice",
        type=int,
        default=0,
        help="lower the dashboard servers' CPU priority by this much (nice), so that on one "
        "machine the open data is served first (default 0)",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8050))
    parser.add_argument(
        "--warehouse", type=Path, default=Path(os.environ.get("WAREHOUSE_DIR") or "data/warehouse")
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bf-cluster-"))
    cluster = Cluster(
        args.warehouse.resolve(),
        work,
        servers=args.servers,
        port=args.port,
        api_servers=args.api_servers,
        dashboard_nice=args.dashboard_nice,
    )
    cluster.start()
    ports = ", ".join(str(s.port) for s in cluster.servers)
    print(
        f"haproxy on {cluster.url} in front of {args.servers} app servers (ports {ports}) and "
        f"{args.api_servers} for the open data, "
        f"warehouse {args.warehouse}; logs in {work}. Ctrl-C stops them all.",
        flush=True,
    )
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
