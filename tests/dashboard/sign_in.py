"""Signing in over HTTP as a browser does, for the tests that use Flask's test client: the
sign-in form's CSRF token taken from its page, then the form posted with it."""

from __future__ import annotations

import re
from urllib.parse import quote

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str = "/logga-in") -> str:
    """The CSRF token of the form on ``path`` (the session's; any form of it will do)."""
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token in the form of {path}"
    return found.group(1)


def sign_in(client, name: str, password: str, next_: str | None = None, token: str | None = None):
    """POST the sign-in form as a browser does: with the token from the form's page."""
    token = csrf_token(client) if token is None else token
    url = "/logga-in" + (f"?next={quote(next_, safe='')}" if next_ is not None else "")
    return client.post(url, data={"csrf_token": token, "namn": name, "losenord": password})
