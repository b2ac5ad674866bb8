"""Who is asking: sign-in and sign-out, sessions that expire, personal access tokens.

Flask-Login keeps the signed-in account in Flask's signed session cookie; Flask-WTF gives the
sign-in form its CSRF token; Flask-Limiter throttles failed sign-ins per account and per address.
A script signs in with ``Authorization: Bearer <token>`` instead (``users token NAME``).

A session ends after 30 minutes without a request or 8 hours after sign-in, whichever comes
first, checked on the server from two timestamps in the session (the cookie's own expiry is only
the browser's side of it). Changing an account's password or removing it ends its sessions at
their next request. What a signed-in account may do is ``access``'s business, not this module's.

The session key comes from ``BF_SECRET_KEY`` or, when unset, from a file beside the accounts
file (made once, readable by the owner only), so every worker and every server sharing that
directory agrees on it. The limiter counts in memory per worker unless ``BF_LIMITER_STORAGE``
names a shared store (``redis://...``), which a cluster needs for one count across servers.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import flask
import flask_login
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from dashboard import audit
from dashboard.i18n import Lang, lang_or_default, t
from dashboard.users import Account, UserStore, users_file_from_env

IDLE = timedelta(minutes=30)
MAX_AGE = timedelta(hours=8)
# Failed sign-ins allowed before the form refuses for a while; successes do not count.
PER_ACCOUNT = "5 per 15 minutes"
PER_ADDRESS = "20 per 15 minutes"
STORE_KEY = "bf_users"
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
    return get_remote_address() or "-"


def _attempted_name() -> str:
    """The account name a sign-in form was posted for (what the throttling counts per)."""
    return (flask.request.form.get("namn") or "").strip().lower()[:64]


def _account_key() -> str:
    return "konto:" + _attempted_name()


def _failed(response: flask.Response) -> bool:
    return response.status_code == 401


def install(server: flask.Flask, users_file: Path | None = None, audit_file: Path | None = None):
    """Sessions, the sign-in and sign-out routes and the limiter, on ``server``."""
    users_file = Path(users_file or users_file_from_env())
    server.extensions[STORE_KEY] = UserStore(users_file)
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
        account = store().get(name)
        if account is None or flask.session.get("fp") != _fingerprint(account):
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
    def expire_session():
        """End a session that was idle too long or is too old; note the time of this request."""
        if "_user_id" not in flask.session:
            return None
        now = time.time()
        seen = flask.session.get("seen", 0)
        since = flask.session.get("since", 0)
        if now - seen > IDLE.total_seconds() or now - since > MAX_AGE.total_seconds():
            flask_login.logout_user()
            flask.session.clear()
            flask.g.bf_expired = True
            return None
        if now - seen > 30:  # the cookie is rewritten at most every 30 s, not per request
            flask.session["seen"] = int(now)
        return None

    limiter = Limiter(
        _address,
        app=server,
        storage_uri=os.environ.get("BF_LIMITER_STORAGE") or "memory://",
        default_limits=[],
        headers_enabled=False,
    )
    view = limiter.limit(PER_ACCOUNT, key_func=_account_key, deduct_when=_failed, methods=["POST"])(
        limiter.limit(PER_ADDRESS, key_func=_address, deduct_when=_failed, methods=["POST"])(
            sign_in
        )
    )
    server.add_url_rule("/logga-in", "logga_in", view, methods=["GET", "HEAD", "POST"])
    server.add_url_rule("/logga-ut", "logga_ut", sign_out, methods=["GET", "HEAD", "POST"])

    @server.errorhandler(429)
    def throttled(_error):
        audit.record(audit_path(), "sign_in_throttled", user=_attempted_name(), address=_address())
        return _render(LoginForm(), _lang(), error=t("login_throttled", _lang()), status=429)


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
    account = store().verify(form.namn.data, form.losenord.data)
    if account is None:
        audit.record(
            audit_path(), "sign_in_failed", user=form.namn.data.strip()[:64], address=_address()
        )
        return _render(form, lang, error=t("login_failed", lang), status=401)
    # A new session for the signed-in account: nothing from before sign-in carries over.
    flask.session.clear()
    flask_login.login_user(SignedIn(account))
    now = int(time.time())
    flask.session.update(since=now, seen=now, fp=_fingerprint(account))
    flask.session.permanent = True
    audit.record(audit_path(), "sign_in", user=account.name, role=account.role, address=_address())
    return flask.redirect(safe_next(flask.request.args.get("next")))


def sign_out():
    lang = _lang()
    form = FlaskForm()
    if flask.request.method == "POST" and form.validate():
        account = current_account()
        if account is not None:
            audit.record(audit_path(), "sign_out", user=account.name, address=_address())
        flask_login.logout_user()
        flask.session.clear()
        return flask.redirect("/")
    html = flask.render_template(
        "logout.html",
        form=form,
        lang=lang,
        t=lambda key, **kw: t(key, lang, **kw),
        account=current_account(),
    )
    return flask.Response(html, mimetype="text/html")
