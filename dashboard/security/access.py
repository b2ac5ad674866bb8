"""The one place where every request's access is decided, and every rule about who may see what.

Who the caller is comes from ``auth`` (a signed-in session or a personal access token); what they
may do is decided here, on the server, for every request: pages, Dash callbacks (downloads are
callbacks), the upload API and static files. Links the caller may not use are also left out of
the menu, but that is a courtesy: hiding a link protects nothing.

Levels of need, from open to closed:

- ``OPEN``: anyone, always (the sign-in page, scripts and styles, the health check).
- ``PUBLISHED``: the published statistics. Anyone while ``BF_PUBLIC`` is on (the default: open
  public-sector statistics); with ``BF_PUBLIC=0`` a signed-in account of any role.
- ``UPLOADER``: a municipal reporter (``kommun``) or a coordinator: sending files.
- ``COORDINATOR``: the coordinator only (the audit log).

A request's path is looked up in ``POLICY`` (plus the pages' paths); a path that matches no
rule is refused (deny by default), so a new route is closed until someone adds it here. A Dash
callback is judged by the page that owns it (the module that registered it), and the page
router's callback by the page it is asked to render; a body that names no callback of this app
is a bad request (400), never a crash.

Inside a page, what a role sees is decided by the ``can_*`` functions below: the contents of
rejected files and who sent what (``submission_scope``), uploads, registers and the audit log.

Every response also gets its security headers here, the Content-Security-Policy among them:
scripts only from this origin plus the hashes of the few inline scripts Dash writes itself (no
inline code of our own: clientside functions live in ``assets/app.js``); inline styles, which
Dash, Bootstrap and plotly set; images from here, ``data:`` URLs (Bootstrap's select arrow) and
``blob:`` (plotly's picture of the map for print); web workers from ``blob:``, which is how the
map library starts its worker; and requests only back to this origin. Nothing may frame the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import dash
import flask
from markupsafe import escape

from dashboard.security import audit, auth, callback_body
from dashboard.security.users import Account

OPEN = "open"
PUBLISHED = "published"
SIGNED_IN = "signed_in"
UPLOADER = "uploader"
COORDINATOR = "coordinator"
CALLBACK = "callback"  # decided per callback by the page that owns it

UPLOAD_ROLES = frozenset({"kommun", "coordinator"})


@dataclass(frozen=True)
class Rule:
    """``path`` is a prefix when it ends in "/" and ``exact`` is false, else an exact path."""

    path: str
    methods: frozenset[str]
    need: str = PUBLISHED
    exact: bool = False


READ = frozenset({"GET", "HEAD"})
POST = frozenset({"POST"})
FORM = frozenset({"GET", "HEAD", "POST"})

POLICY: tuple[Rule, ...] = (
    Rule("/_dash-update-component", POST, CALLBACK, exact=True),
    Rule("/_dash-layout", READ, PUBLISHED, exact=True),
    Rule("/_dash-dependencies", READ, PUBLISHED, exact=True),
    Rule("/_dash-component-suites/", READ, OPEN),
    Rule("/_reload-hash", READ, OPEN, exact=True),
    Rule("/_favicon.ico", READ, OPEN, exact=True),
    Rule("/assets/", READ, OPEN),
    Rule("/geo/", READ, PUBLISHED),
    Rule("/healthz", READ, OPEN, exact=True),
    Rule("/logga-in", FORM, OPEN, exact=True),
    Rule("/logga-ut", FORM, OPEN, exact=True),
    Rule("/api/inlamning", FORM, UPLOADER, exact=True),
    Rule("/api/inlamning/", READ, UPLOADER),
    Rule("/api/v3/", READ, PUBLISHED),
    Rule("/api/v2/", READ, PUBLISHED),
    Rule("/api/openapi.json", READ, OPEN, exact=True),
    Rule("/data/", READ, PUBLISHED),
)

# Pages that are not published statistics; every other registered page is PUBLISHED.
PAGE_NEEDS: dict[str, str] = {
    "/inlamning": UPLOADER,
    "/logg": COORDINATOR,
}

# Rules matched through Dash's catch-all route are only the pages' own paths: under a static
# prefix the catch-all would answer the app's index page for any path (``/geo/../../x``).
_CATCH_ALL = "/<path:path>"


def page_rules(paths: list[str]) -> tuple[Rule, ...]:
    return tuple(Rule(p, READ, PAGE_NEEDS.get(p, PUBLISHED), exact=True) for p in paths)


def find_rule(path: str, rules: tuple[Rule, ...]) -> Rule | None:
    """The rule for ``path``: a prefix rule (ending in /) or an exact path."""
    for rule in rules:
        if path == rule.path:
            return rule
        if not rule.exact and rule.path.endswith("/") and path.startswith(rule.path):
            return rule
    return None


# who may do what ---------------------------------------------------------------------------


def is_public() -> bool:
    """Whether the published statistics are open to everyone (``BF_PUBLIC``, on by default)."""
    return bool(flask.current_app.config.get("BF_PUBLIC", True))


def satisfies(need: str, user: Account | None, public: bool) -> bool:
    if need == OPEN:
        return True
    if need == PUBLISHED:
        return public or user is not None
    if user is None:
        return False
    if need == SIGNED_IN:
        return True
    if need == UPLOADER:
        return user.role in UPLOAD_ROLES
    if need == COORDINATOR:
        return user.role == "coordinator"
    return False


def may(need: str) -> bool:
    """Whether the current caller meets ``need`` (for views deciding what to render)."""
    return satisfies(need, auth.current_account(), is_public())


def submission_scope(user: Account | None) -> str | None:
    """Whose received files, and the reasons rejected ones were rejected, the caller may see:
    ``"*"`` for all (viewer, coordinator), a municipality code for a municipal reporter's own,
    None for nobody (the public). The reasons quote the files' contents."""
    if user is None:
        return None
    if user.role in ("viewer", "coordinator"):
        return "*"
    return user.kommun


def can_see_submissions(user: Account | None, municipality_code: str | None) -> bool:
    scope = submission_scope(user)
    return scope == "*" or (scope is not None and scope == municipality_code)


def can_upload(user: Account | None) -> bool:
    return user is not None and user.role in UPLOAD_ROLES


def can_read_audit(user: Account | None) -> bool:
    return user is not None and user.role == "coordinator"


# Marts that list received files and quote rejected ones (bulk downloads).
SUBMISSION_MARTS = frozenset({"mart_submissions", "mart_issues"})


def can_download_mart(user: Account | None, mart: str) -> bool:
    """Every mart is published data except those listing who sent what and why it was rejected,
    which need a viewer or coordinator (a municipal reporter sees its own on the pages)."""
    return mart not in SUBMISSION_MARTS or submission_scope(user) == "*"


def can_read_job(user: Account | None, job: dict) -> bool:
    """A coordinator reads every upload; anyone else only their own."""
    if user is None:
        return False
    return user.role == "coordinator" or job.get("user") == user.name


# callbacks -----------------------------------------------------------------------------------


class BadCallback(ValueError):
    """A callback request that names nothing this app can answer."""


def callback_need(body: object, callback_map: dict, page_paths: dict[str, str]) -> str:
    """The need of the callback a request body asks for (raises ``BadCallback``).

    ``page_paths`` maps a page module (``pages.funds``) to its path. Dash's page router is judged
    by the page it is asked to render; every other callback by the module that registered it.
    """
    if not isinstance(body, dict):
        raise BadCallback("the body is not a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise BadCallback("the body names no callback of this app")
    try:
        callback_body.check(body, callback_map[output])
    except callback_body.BadBody as exc:
        raise BadCallback(str(exc)) from None
    if "_pages_content.children" in output:
        pathname = _input_value(body.get("inputs", [])[:1], "_pages_location", "pathname")
        if not isinstance(pathname, str) or not pathname.startswith("/"):
            raise BadCallback("the page router needs a pathname")
        return PAGE_NEEDS.get("/" + pathname.strip("/"), PUBLISHED)
    function = callback_map[output].get("callback")
    module = getattr(getattr(function, "__wrapped__", function), "__module__", "") or ""
    path = page_paths.get(module)
    return PAGE_NEEDS.get(path, PUBLISHED) if path else PUBLISHED


def _input_value(inputs: list, component: str, prop: str) -> object:
    for item in inputs:
        if isinstance(item, dict) and item.get("id") == component and item.get("property") == prop:
            return item.get("value")
    return None


# responses -----------------------------------------------------------------------------------


MACHINE_SUFFIXES = (".json", ".csv", ".parquet", ".md")


def _wants_json() -> bool:
    """Scripts and callbacks get JSON (and a 401 rather than a redirect to the sign-in page)."""
    path = flask.request.path
    return (
        path.startswith(("/api/", "/_dash-"))
        or path.endswith(MACHINE_SUFFIXES)
        or flask.request.accept_mimetypes.best == "application/json"
    )


def refuse(status: int, message: str) -> flask.Response:
    """A refusal in the form the caller reads: JSON for scripts and callbacks, a page otherwise."""
    if _wants_json():
        response = flask.jsonify({"error": message, "status": status})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="bf", Session'
        return response
    return flask.Response(
        MESSAGE_PAGE.format(title=TITLES.get(status, "Fel"), message=escape(message)),
        status=status,
        mimetype="text/html",
    )


TITLES = {
    400: "Felaktig begäran",
    403: "Ingen behörighet",
    404: "Sidan finns inte",
    405: "Metoden är inte tillåten",
}

MESSAGE_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Brottsförebyggande arbete</title>
<link rel="stylesheet" href="/assets/00-bootstrap-5.3.8.min.css">
<link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="not-found container py-4">
<h1>{title}</h1>
<p>{message}</p>
<p><a href="/">Till översikten</a> · <a href="/logga-in">Logga in</a></p>
</main></body></html>
"""

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
    if _wants_json():
        return refuse(404, "okänd adress")
    return flask.Response(NOT_FOUND_PAGE, status=404, mimetype="text/html")


def content_security_policy(script_hashes: list[str]) -> str:
    """The CSP header value; ``script_hashes`` from ``Dash.csp_hashes()``."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
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


def _page_modules() -> dict[str, str]:
    return {module: page["path"] for module, page in dash.page_registry.items()}


def install(
    server: flask.Flask,
    page_paths: list[str],
    script_hashes: Callable[[], list[str]] | None = None,
    callback_map: Callable[[], dict] | None = None,
) -> None:
    """Register the hooks on the Flask server with the policy plus the pages' paths.

    ``script_hashes`` gives the CSP hashes of Dash's inline scripts and ``callback_map`` the
    app's callbacks; both are asked per request, not once at start: Dash fills them while it
    sets itself up on the first request.
    """
    rules = POLICY + page_rules(page_paths)

    @server.before_request
    def check_access():
        request = flask.request
        rule = find_rule(request.path, rules)
        if rule is None:
            return not_found(None)
        if request.method not in rule.methods:
            if request.method == "OPTIONS":
                return None  # Flask answers OPTIONS itself with the allowed methods
            return refuse(405, "metoden är inte tillåten här")
        if not rule.exact and getattr(request.url_rule, "rule", _CATCH_ALL) == _CATCH_ALL:
            return not_found(None)
        need = rule.need
        if need == CALLBACK:
            try:
                body = callback_body.parse(request.get_data(cache=True))
                need = callback_need(body, callback_map() if callback_map else {}, _page_modules())
            except (ValueError, BadCallback) as exc:
                return refuse(400, f"ogiltig begäran: {exc}")
        user = auth.current_account()
        if satisfies(need, user, is_public()):
            return None
        if request.method == "POST" and request.path.startswith("/api/inlamning"):
            # a refused attempt to send files is part of the record as much as a sent file
            audit.record(
                auth.audit_path(),
                "upload_refused",
                user=user.name if user else None,
                reason="not_signed_in" if user is None else "role",
                address=request.remote_addr,
            )
        if user is None:
            if request.method in READ and not _wants_json():
                target = request.full_path.rstrip("?")
                return flask.redirect("/logga-in?next=" + quote(target, safe="/?=&"))
            return refuse(401, "logga in först (eller ange en åtkomsttoken)")
        return refuse(403, "ditt konto har inte behörighet till detta")

    server.register_error_handler(404, not_found)

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype in ("text/html", "application/json") and auth.current_account():
            # Nothing a signed-in account was shown may be kept by a shared cache or browser.
            response.headers["Cache-Control"] = "private, no-store"
        # A CSP governs documents (and the workers they start), not scripts or JSON: it goes on
        # the HTML pages only, which saves its 400 bytes on every other response.
        if script_hashes is not None and response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy", content_security_policy(script_hashes())
            )
        return response
