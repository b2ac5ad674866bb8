"""The one place where every request's access is decided.

A Flask ``before_request`` hook looks the request's path up in ``POLICY``, a table of path
prefixes with the methods they allow and the role they need. Today every page is public to read;
sign-in with roles (and uploads) will add roles to this table and a user lookup to ``role_of``,
without touching the pages. A path that matches no rule is refused (deny by default), so a new
route is private until someone adds it here.
"""

from __future__ import annotations

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


def install(server: flask.Flask, page_paths: list[str]) -> None:
    """Register the hook on the Flask server with the policy plus the pages' paths."""
    rules = POLICY + page_rules(page_paths)

    @server.before_request
    def check_access():
        rule = find_rule(flask.request.path, rules)
        if rule is None:
            flask.abort(404)
        if not allowed(rule, flask.request.method, role_of(flask.request)):
            flask.abort(405 if rule.role == PUBLIC else 403)
        return None

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
