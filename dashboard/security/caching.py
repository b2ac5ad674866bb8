"""What a shared cache (a proxy or CDN in front of the app) and the browser may keep.

Decided for every response, after the route has answered:

- An answer that depends on who asks carries ``Vary: Authorization, Cookie``: a route that needs
  an account (every published route too while ``BF_PUBLIC=0``), a Dash callback (a page's file
  list has each account's own rows), and what the route marks itself (``vary_on_account``: the
  bulk manifests list the files the caller may fetch).
- Whatever needed an account, answered to a signed-in caller (a session or a token), is
  ``Cache-Control: private, no-store`` (``keep_private``), whatever the route set before: a
  restricted bulk file was cached for a year as ``public`` before this.
- An answer that sets a cookie (a signed-in session's cookie is sent again with every answer)
  is never ``public``: a shared cache that kept it would hand the session to the next reader. It
  becomes ``private`` (the browser may still keep a static file; no one else may).

Published files that are the same for everyone (a public mart's bulk file while ``BF_PUBLIC`` is
on, the static assets) keep the long caching their routes give them.
"""

from __future__ import annotations

import flask

from dashboard.security import access, auth

ACCOUNT_HEADERS = ("Authorization", "Cookie")
PRIVATE = "private, no-store"


def vary_on_account(response: flask.Response) -> flask.Response:
    """Say that the answer depends on the caller's account (session cookie or token)."""
    for header in ACCOUNT_HEADERS:
        response.vary.add(header)
    return response


def keep_private(response: flask.Response) -> flask.Response:
    """Neither a shared cache nor the browser keeps this answer; it depends on the account."""
    response.headers["Cache-Control"] = PRIVATE
    response.headers.pop("Expires", None)
    return vary_on_account(response)


def needs_account(need: str, public: bool) -> bool:
    """Whether an answer under ``need`` depends on who asks: anything an anonymous caller may not
    have, and callbacks (judged per callback; their rows can be the account's own)."""
    return need == access.CALLBACK or not access.satisfies(need, None, public)


def without_public(cache_control: str | None) -> str:
    """``Cache-Control`` for an answer that sets a cookie: no shared cache may keep it."""
    kept = [
        d.strip()
        for d in (cache_control or "").split(",")
        if d.strip()
        and d.strip().lower() != "public"
        and not d.strip().lower().startswith("s-maxage")
    ]
    if not any(d.lower() in ("private", "no-store") for d in kept):
        kept.insert(0, "private")
    return ", ".join(kept)


class NoSharedCookies:
    """WSGI middleware: an answer with ``Set-Cookie`` is never ``public``. It sits outside Flask
    because the session cookie is written after every ``after_request`` hook has run."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if any(name.lower() == "set-cookie" for name, _ in headers):
                control = next((v for n, v in headers if n.lower() == "cache-control"), None)
                headers = [(n, v) for n, v in headers if n.lower() != "cache-control"]
                headers.append(("Cache-Control", without_public(control)))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def install(server: flask.Flask, page_paths: list[str]) -> None:
    """The cache rules above, on ``server`` (registered after ``access.install``, so they run
    before its own security headers, which only ever add ``private, no-store`` too)."""
    rules = access.POLICY + access.page_rules(page_paths)

    @server.after_request
    def cache_policy(response: flask.Response) -> flask.Response:
        rule = access.find_rule(flask.request.path, rules)
        if rule is None or not needs_account(rule.need, access.is_public()):
            return response
        if auth.current_account() is not None:
            return keep_private(response)
        return vary_on_account(response)

    server.wsgi_app = NoSharedCookies(server.wsgi_app)
