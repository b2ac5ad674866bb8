"""Who is asking: sign-in and sign-out, sessions that expire, personal access tokens.

Flask-Login keeps the signed-in account in Flask's signed session cookie, with the id of a
session record the server keeps (``signins``, a file shared by every worker and server); Flask-WTF
gives the sign-in form its CSRF token. A script signs in with ``Authorization: Bearer <token>``
instead (``users token NAME``).

A session is what its record says: it ends at sign-out (the record is deleted, so a copy of the
cookie opens nothing afterwards), after 30 minutes without a request or 8 hours after sign-in
(the record's two timestamps; the cookie's own expiry is only the browser's side of it), and when
its account is removed or its password changed. What a signed-in account may do is ``access``'s
business, not this module's.

Failed sign-ins are throttled in three ways (numbers below, reasons in the README): per account
and address tightly (refused), per address (refused), per account from browsers that have not
signed in to it (slowed to one checked attempt a minute, never locked). A browser that signed in
to the account before carries a device cookie (sent to ``/logga-in`` only) and is judged by its
own failures alone, so failing on purpose against an account does not keep its owner out.

The session key comes from ``BF_SECRET_KEY`` or, when unset, from a file beside the accounts
file (made once, readable by the owner only), so every worker and every server sharing that
directory agrees on it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import flask
import flask_login
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from dashboard.i18n import Lang, lang_or_default, t
from dashboard.security import audit, signins
from dashboard.security.users import Account, UserStore, users_file_from_env

IDLE = timedelta(minutes=30)
MAX_AGE = timedelta(hours=8)
# The session record's last-request time is written at most this often, not per request.
TOUCH_EVERY = 30
# Failed sign-ins (successes do not count): see the README's "Sign-in" for what each means.
LIMITS = signins.Limits(
    window=15 * 60,
    per_pair=5,
    per_address=20,
    per_account=20,
    interval=60,
    device_life=90 * 24 * 3600,
    device_failures=5,
)
DEVICE_COOKIE = "bf_device"
STORE_KEY = "bf_users"
SIGNINS_KEY = "bf_signins"
AUDIT_KEY = "bf_audit"


class SignedIn(flask_login.UserMixin):
    def __init__(self, account: Account, by_token: bool = False) -> None:
        self.account = account
        self.by_token = by_token

    def get_id(self) -> str:
        return self.account.name


class LoginForm(FlaskForm):
    namn = StringField(validators=[DataRequired(), Length(max=64)])
    losenord = PasswordField(validators=[DataRequired(), Length(max=1024)])


def store() -> UserStore:
    return flask.current_app.extensions[STORE_KEY]


def signin_store() -> signins.SignIns:
    return flask.current_app.extensions[SIGNINS_KEY]


def audit_path() -> Path:
    return flask.current_app.extensions[AUDIT_KEY]


def current_account() -> Account | None:
    """The account behind this request (session or token), or None for the public."""
    if not flask.has_request_context():
        return None
    user = flask_login.current_user
    return user.account if user and user.is_authenticated else None


def signed_in_by_token() -> bool:
    user = flask_login.current_user
    return bool(user and user.is_authenticated and getattr(user, "by_token", False))


def _fingerprint(account: Account) -> str:
    """Changes when the password does, which ends the account's sessions."""
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


def secret_key(users_file: Path) -> str:
    from_env = os.environ.get("BF_SECRET_KEY")
    if from_env:
        return from_env
    path = users_file.parent / ".secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


def _address() -> str:
    """The client's address (behind trusted proxies, theirs); an IPv6 client by its /64, the
    block one host usually holds, so that it cannot count afresh from each of its addresses."""
    raw = flask.request.remote_addr or "-"
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _attempted_name() -> str:
    """The account name a sign-in form was posted for (what the throttling counts per)."""
    return (flask.request.form.get("namn") or "").strip().lower()[:64]


def install(server: flask.Flask, users_file: Path | None = None, audit_file: Path | None = None):
    """Sessions, the sign-in and sign-out routes and the throttling, on ``server``."""
    users_file = Path(users_file or users_file_from_env())
    server.extensions[STORE_KEY] = UserStore(users_file)
    server.extensions[SIGNINS_KEY] = signins.SignIns(signins.beside(users_file))
    server.extensions[AUDIT_KEY] = Path(audit_file or audit.audit_file_from_env())
    server.config.update(
        SECRET_KEY=secret_key(users_file),
        SESSION_COOKIE_NAME="bf_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("BF_SECURE_COOKIES") == "1",
        PERMANENT_SESSION_LIFETIME=IDLE,
        WTF_CSRF_TIME_LIMIT=int(MAX_AGE.total_seconds()),
        # The sign-in form checks its own token; Dash's JSON callbacks need none (a cross-site
        # page cannot post JSON without CORS, and the cookie is SameSite=Lax).
        WTF_CSRF_CHECK_DEFAULT=False,
    )
    manager = flask_login.LoginManager(server)

    @manager.user_loader
    def load_user(name: str) -> SignedIn | None:
        record = flask.g.get("bf_session")
        account = store().get(name)
        if record is None or account is None or record.account != account.name:
            return None
        if record.fingerprint != _fingerprint(account):  # a new password: the session is over
            signin_store().end_session(flask.session.get("sid", ""))
            return None
        return SignedIn(account)

    @manager.request_loader
    def load_from_token(request: flask.Request) -> SignedIn | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        account = store().by_token(header[7:].strip())
        return SignedIn(account, by_token=True) if account else None

    @server.before_request
    def check_session():
        """A session is on only while its record is: no record (signed out, removed, never
        there) and the request is anonymous, with nothing refreshed; an expired one is ended."""
        if "_user_id" not in flask.session:
            return None
        sid = flask.session.get("sid")
        record = signin_store().session(sid) if isinstance(sid, str) and sid else None
        if record is None:
            _drop_session()
            return None
        now = time.time()
        if now - record.seen > IDLE.total_seconds() or now - record.since > MAX_AGE.total_seconds():
            signin_store().end_session(sid)
            _drop_session()
            flask.g.bf_expired = True
            return None
        if now - record.seen > TOUCH_EVERY:
            signin_store().touch(sid, now)
        flask.g.bf_session = record
        return None

    server.add_url_rule("/logga-in", "logga_in", sign_in, methods=["GET", "HEAD", "POST"])
    server.add_url_rule("/logga-ut", "logga_ut", sign_out, methods=["GET", "HEAD", "POST"])


def _drop_session() -> None:
    flask_login.logout_user()
    flask.session.clear()


def _lang() -> Lang:
    return lang_or_default(flask.request.args.get("lang"))


def _render(form: LoginForm, lang: Lang, *, error: str | None = None, status: int = 200):
    html = flask.render_template(
        "login.html",
        form=form,
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        error=error,
        expired=flask.g.get("bf_expired", False),
        next=safe_next(flask.request.args.get("next")),
        account=current_account(),
    )
    return flask.Response(html, status=status, mimetype="text/html")


def sign_in():
    lang = _lang()
    form = LoginForm()
    if flask.request.method != "POST":
        return _render(form, lang)
    if not form.validate():
        stale = "csrf_token" in form.errors
        return _render(
            form, lang, error=t("login_stale" if stale else "login_missing", lang), status=400
        )
    name = _attempted_name()
    device = flask.request.cookies.get(DEVICE_COOKIE)
    verdict = signin_store().admit(name, _address(), device, time.time(), LIMITS)
    if not verdict.allowed:
        return _throttled(form, lang, verdict)
    account = store().verify(form.namn.data, form.losenord.data)
    if account is None:
        audit.record(
            audit_path(),
            "sign_in_failed",
            user=form.namn.data.strip()[:64],
            address=_address(),
            known_browser=verdict.known_browser,
        )
        return _render(form, lang, error=t("login_failed", lang), status=401)
    now = time.time()
    sid, new_device = signin_store().succeeded(
        verdict,
        account.name,
        _fingerprint(account),
        device,  # whatever device cookie the browser had is replaced by the new one
        now,
        LIMITS,
        IDLE.total_seconds(),
        MAX_AGE.total_seconds(),
    )
    # A new session for the signed-in account: nothing from before sign-in carries over, and
    # the session this browser had (if any) ends on the server too.
    previous = flask.session.get("sid")
    if isinstance(previous, str) and previous:
        signin_store().end_session(previous)
    flask.session.clear()
    flask_login.login_user(SignedIn(account))
    flask.session["sid"] = sid
    flask.session.permanent = True
    audit.record(audit_path(), "sign_in", user=account.name, role=account.role, address=_address())
    response = flask.redirect(safe_next(flask.request.args.get("next")))
    # The browser is known to this account from now on (sent back to the sign-in form only).
    response.set_cookie(
        DEVICE_COOKIE,
        new_device,
        max_age=int(LIMITS.device_life),
        path="/logga-in",
        httponly=True,
        samesite="Strict",
        secure=flask.current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _throttled(form: LoginForm, lang: Lang, verdict: signins.Verdict) -> flask.Response:
    """429 with when to try again; the account's slowing says it is the account's."""
    audit.record(
        audit_path(),
        "sign_in_throttled",
        user=_attempted_name(),
        address=_address(),
        reason=verdict.reason,
        retry_after=verdict.retry_after,
    )
    if verdict.reason == "account":
        error = t("login_slowed", lang, seconds=verdict.retry_after)
    else:
        error = t("login_throttled", lang, minutes=max(1, -(-verdict.retry_after // 60)))
    response = _render(form, lang, error=error, status=429)
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def sign_out():
    lang = _lang()
    form = FlaskForm()
    if flask.request.method == "POST" and form.validate():
        account = current_account()
        if account is not None:
            audit.record(audit_path(), "sign_out", user=account.name, address=_address())
        sid = flask.session.get("sid")
        if isinstance(sid, str) and sid:
            signin_store().end_session(sid)  # a copy of the cookie opens nothing from now on
        _drop_session()
        return flask.redirect("/")
    html = flask.render_template(
        "logout.html",
        form=form,
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        account=current_account(),
    )
    return flask.Response(html, mimetype="text/html")
