"""The one place where every request's access is decided.

A Flask ``before_request`` hook looks the request's path up in ``POLICY``, a table of path
prefixes with the methods they allow and the role they need. Today every page is public to read;
sign-in with roles (and uploads) will add roles to this table and a user lookup to ``role_of``,
without touching the pages. A path that matches no rule is refused (deny by default), so a new
route is private until someone adds it here.

Every response also gets its security headers here, the Content-Security-Policy among them:
scripts only from this origin plus the hashes of the few inline scripts Dash writes itself (no
inline code of our own: clientside functions live in ``assets/app.js``); inline styles, which
Dash, Bootstrap and plotly set; images from here or ``data:`` URLs (Bootstrap's select arrow);
web workers from ``blob:``, which is how the map library starts its worker; and requests only back
to this origin (the GeoJSON, callbacks). Nothing may frame the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flask

PUBLIC = "public"


@dataclass(frozen=True)
class Rule:
    """``path`` is a prefix when it ends in "/" and ``exact`` is false, else an exact path."""

    path: str
    methods: frozenset[str]
    role: str = PUBLIC
    exact: bool = False


READ = frozenset({"GET", "HEAD"})
# Dash posts callbacks; the callbacks read the warehouse only.
CALLBACK = frozenset({"POST"})

POLICY: tuple[Rule, ...] = (
    Rule("/_dash-update-component", CALLBACK),
    Rule("/_dash-layout", READ),
    Rule("/_dash-dependencies", READ),
    Rule("/_dash-component-suites/", READ),
    Rule("/_reload-hash", READ),
    Rule("/_favicon.ico", READ),
    Rule("/assets/", READ),
    Rule("/geo/", READ),
    Rule("/healthz", READ),
)


def page_rules(paths: list[str]) -> tuple[Rule, ...]:
    """Public-read rules for the registered pages (exact paths)."""
    return tuple(Rule(p, READ, exact=True) for p in paths)


def find_rule(path: str, rules: tuple[Rule, ...]) -> Rule | None:
    """The rule for ``path``: a prefix rule (ending in /) or an exact path."""
    for rule in rules:
        if path == rule.path:
            return rule
        if not rule.exact and rule.path.endswith("/") and path.startswith(rule.path):
            return rule
    return None


def role_of(_request: flask.Request) -> str:
    """The caller's role. Until sign-in exists everyone is the public."""
    return PUBLIC


def allowed(rule: Rule | None, method: str, role: str) -> bool:
    if rule is None:
        return False
    if method not in rule.methods:
        return False
    return rule.role == PUBLIC or rule.role == role


def content_security_policy(script_hashes: list[str]) -> str:
    """The CSP header value; ``script_hashes`` from ``Dash.csp_hashes()``."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        # blob: for plotly's own picture of a chart (Plotly.toImage: the map's print picture)
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "worker-src": ["blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sidan finns inte – Brottsförebyggande arbete</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="not-found">
<h1>Sidan finns inte</h1>
<p>Adressen leder inte till någon sida här. <a href="/">Till översikten</a></p>
<p lang="en">Page not found. <a href="/">Go to the overview</a></p>
</main></body></html>
"""


def not_found(_error) -> flask.Response:
    """A page a reader can act on, in Swedish first, instead of Flask's bare English one."""
    return flask.Response(NOT_FOUND_PAGE, status=404, mimetype="text/html")


def install(
    server: flask.Flask,
    page_paths: list[str],
    script_hashes: Callable[[], list[str]] | None = None,
) -> None:
    """Register the hooks on the Flask server with the policy plus the pages' paths.

    ``script_hashes`` gives the CSP hashes of Dash's inline scripts. It is asked per response,
    not once at start: Dash adds inline scripts (the page title's clientside callback) only while
    it sets itself up on the first request.
    """
    rules = POLICY + page_rules(page_paths)

    @server.before_request
    def check_access():
        rule = find_rule(flask.request.path, rules)
        if rule is None:
            flask.abort(404)
        if not allowed(rule, flask.request.method, role_of(flask.request)):
            flask.abort(405 if rule.role == PUBLIC else 403)
        return None

    server.register_error_handler(404, not_found)

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # A CSP governs documents (and the workers they start), not scripts or JSON: it goes on
        # the HTML pages only, which saves its 400 bytes on every other response.
        if script_hashes is not None and response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy", content_security_policy(script_hashes())
            )
        return response
