"""Short-lived tokens this server signs: the page asks for a cookie with one (course/ui/web.py
sets it), and a learning platform's launch carries one (course/ui/lms_launch.py).

Below the HTTP layer and the pages alike: both import this, and it imports neither.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time

# Cookies the route may set, and how long each lives (None: a session cookie, dropped when
# the browser closes). Anything else is refused: a signed token cannot be turned into a
# cookie this list does not name.
COOKIES: dict[str, int | None] = {
    "ketamine_course_resume": None,
    "ketamine_course_trainer": None,
    "ketamine_course_lang": None,  # the learner's chosen language (course/ui/language.py)
}
TOKEN_SECONDS = 120  # a page's cookie token is used within moments of being drawn


_PROCESS_KEY = secrets.token_bytes(32)


def signing_base() -> bytes:
    """What the server's short-lived tokens (cookies, LMS launches) are signed under: the
    certificate secret, which every replica shares, else this process's own key (a page's
    request reaches the replica that drew it)."""
    from course.ui import state

    try:
        secret = state.cert_secret()
    except Exception:  # no secret can be read: the process key still works on one server
        secret = None
    return secret or _PROCESS_KEY


def _cookie_key() -> bytes:
    """The key cookie tokens are signed with, derived from `signing_base`."""
    return hmac.new(signing_base(), b"course cookie tokens", hashlib.sha256).digest()


def cookie_token(name: str, value: str | None, now: float | None = None) -> str:
    """A token the page sends to the cookie route to have `name` set to `value` (None: cleared)."""
    body = json.dumps([name, value, int((now or time.time()) + TOKEN_SECONDS)], separators=(",", ":"))
    data = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    mac = hmac.new(_cookie_key(), data.encode(), hashlib.sha256).hexdigest()
    return f"{data}.{mac}"


def read_cookie_token(token: str, now: float | None = None) -> tuple[str, str | None] | None:
    """(name, value) from a token this server signed that has not expired, else None."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 4096:
        return None
    data, mac = token.split(".")
    if not hmac.compare_digest(hmac.new(_cookie_key(), data.encode(), hashlib.sha256).hexdigest(), mac):
        return None
    try:
        name, value, expires = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (ValueError, TypeError):
        return None
    if name not in COOKIES or expires < (now or time.time()):
        return None
    if value is not None and (not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9._-]{1,512}", value)):
        return None
    return name, value


__all__ = ["COOKIES", "TOKEN_SECONDS", "cookie_token", "read_cookie_token", "signing_base"]
