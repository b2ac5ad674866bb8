"""What the browser tests share: the served app, the console log, page helpers, mart reads.

``Server`` (from ``dashboard.bench``) runs ``python -m dashboard`` as a user would (gunicorn, two
workers, a free port on 127.0.0.1) over one warehouse directory. ``BrowserLog`` collects a page's
console errors, uncaught exceptions and failed requests. ``open_page`` and ``choose`` wait for Dash
the way a reader does: until the heading is there and no component waits for a callback.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# The served app and the Chromium set-up are the benchmark's: one way to start and drive them.
from dashboard.bench import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    choose,
    click_map,
    open_page,
    show,
    wait_settled,
)

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "VIEWPORT",
    "BrowserLog",
    "Server",
    "choose",
    "click_map",
    "copy_warehouse",
    "marts",
    "open_page",
    "show",
    "wait_settled",
]

VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class BrowserLog:
    """Console errors, uncaught exceptions and failed requests (HTTP errors too) of one page."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("requestfailed", self._request_failed)
        page.on(
            "response",
            lambda res: (
                self.failed_requests.append(f"{res.request.method} {res.url}: {res.status}")
                if res.status >= 400
                else None
            ),
        )

    def _request_failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request because the test moved to the next page
        # before it finished (seen in CI: the lazily fetched favicon, the map library's blob:
        # worker scripts). That is the page being left, not a failure; a server error still shows
        # as an HTTP status above, and a refused or broken connection as its own net:: error.
        if request.failure == "net::ERR_ABORTED":
            return
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.failed_requests == [], self.failed_requests


def marts(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows from the published warehouse, read the way the app reads it (read-only)."""
    con = duckdb.connect(str(warehouse / "current.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def copy_warehouse(source: Path, target: Path) -> Path:
    """A private copy of a warehouse directory (``current.duckdb`` stays a relative link)."""
    shutil.copytree(source, target, symlinks=True)
    return target
