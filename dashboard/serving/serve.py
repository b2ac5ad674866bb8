"""Serving the app with gunicorn on 127.0.0.1:$PORT (``python -m dashboard`` or ``... serve``).

Reads ``WAREHOUSE_DIR`` (default ``data/warehouse``) and ``PORT`` (default 8050). Two workers
with four threads each suit a 2-core machine: DuckDB releases the GIL while it queries, and
each worker opens its own read-only connection after the fork (no preload). A thread that
waits for an upload job (``POST /api/inlamning?vanta=1``) is one readers cannot have, so
``dashboard/intake/upload.py`` lets at most half of a worker's threads wait, 10 s at most each.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from dashboard.data import warehouse_dir_from_env
from dashboard.serving.workers import THREADS


class DashboardServer(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Called in each worker (preload is off), so the app and its connection are per worker.
        from dashboard.app import create_app

        return create_app(warm_cache=True).server


def options() -> dict:
    port = int(os.environ.get("PORT") or 8050)
    return {
        "bind": f"127.0.0.1:{port}",
        "workers": int(os.environ.get("WEB_CONCURRENCY") or 2),
        "threads": THREADS,
        "worker_class": "gthread",
        "timeout": 60,
        "preload_app": False,
        "accesslog": "-",
        # gunicorn's usual line plus the time the request took in the server, in ms (%(M)s):
        # tells the server's own time apart from time spent waiting in front of it
        "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)s',
        "errorlog": "-",
    }


def main() -> None:
    opts = options()
    # the directory every worker will read (create_app makes the setting absolute the same way)
    warehouse = os.path.abspath(warehouse_dir_from_env())
    print(f"Serving the dashboard on http://{opts['bind']} (warehouse: {warehouse})")
    DashboardServer(opts).run()
