"""The course's own HTTP layer around Streamlit (served as `st.App`, see streamlit_app.py).

Streamlit's server cannot add response headers, so the course wraps it in an ASGI app
(`streamlit.web.server.starlette.App`) with:

- `SecurityHeaders`, a middleware that, on every HTTP response, sends a
  Content-Security-Policy (its `frame-ancestors` from `COURSE_FRAME_ANCESTORS`),
  X-Content-Type-Options, Referrer-Policy and Permissions-Policy, and HSTS when the
  request came over TLS (directly, or through a proxy named in `COURSE_TRUSTED_PROXIES`
  that says so in X-Forwarded-Proto). It also works out who is connecting: the client
  address Streamlit gives the script (`st.context.ip_address`) is the one this middleware
  settles, believing X-Forwarded-For only from a trusted proxy.
- `POST /api/course/cookie`: the page asks, with a short-lived token signed by this server
  (`cookie_token`), for a cookie to be set or cleared, and the answer carries Set-Cookie:
  so the course's cookies are HttpOnly (a script on the page cannot read or copy them),
  `SameSite=Strict`, and `Secure` when served over TLS. The script reads them back through
  `st.context.cookies`, which sees what the browser sent when the tab connected.
- the room poll's voter cookie, set on the join page's own response (see `VOTER_COOKIE`).
- `PageLanguage`, a middleware that rewrites the served page's `<html lang>` (Streamlit pins
  it to "en") to the language the page will show: `?lang=`, the course's language cookie,
  Accept-Language, else English.
- beside it, the learning-platform launch routes (SCORM 1.2 and cmi5; course/ui/lms_routes.py).

The cookie tokens are signed in course/ui/signing.py, which the pages use too: this module
imports the UI modules only for their inline scripts, and none of them imports it.

Nothing here renders a page; the engine is not involved.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course import settings
from course.trainer_auth import LOOPBACK, Network, client_address, parse_proxies, trusted_peer
from course.ui.signing import COOKIES, read_cookie_token

# Re-exported: the cookie route's tokens, where tests and operators' scripts found them before.
from course.ui.signing import TOKEN_SECONDS as TOKEN_SECONDS
from course.ui.signing import cookie_token as cookie_token
from course.ui.signing import signing_base as signing_base

if TYPE_CHECKING:  # for the annotations only: starlette is imported where a route or response is made
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAME_ANCESTORS_SETTING = settings.FRAME_ANCESTORS.name
TRUSTED_PROXIES_SETTING = settings.TRUSTED_PROXIES.name
COOKIE_ROUTE = "/api/course/cookie"
# A random id per browser for room polls: one answer per browser per poll, kept across
# reloads. Set by the join page's response itself (no script needed), for 12 hours.
VOTER_COOKIE = "ketamine_course_voter"
VOTER_MAX_AGE = 12 * 3600

_log = logging.getLogger(__name__)
_FRAME_SOURCE = re.compile(r"^('self'|'none'|https?://[A-Za-z0-9.*-]+(:\d+)?|[A-Za-z0-9.*-]+(:\d+)?)$")


def _setting(name: str) -> str | None:
    from course.ui import state  # here, not at import: state imports streamlit's caches

    return state.setting(name)


# --------------------------------------------------------------------------- settings


def frame_ancestors(value: str | None) -> str:
    """The CSP `frame-ancestors` sources from `COURSE_FRAME_ANCESTORS`: "'self'" by default
    (only the course itself may frame its pages), or a space- or comma-separated list of
    sites such as `https://lms.example.org`. Raises ValueError naming a source that is not
    one."""
    if value is None or not value.strip():
        return "'self'"
    items = [item for item in re.split(r"[\s,]+", value.strip()) if item]
    for item in items:
        if item in ("self", "none"):
            raise ValueError(f"{item!r} needs its quotes: write '{item}'")
        if not _FRAME_SOURCE.match(item):
            raise ValueError(f"{item!r} is not a site (such as https://lms.example.org) or 'self'")
    if "'none'" in items and len(items) > 1:
        raise ValueError("'none' cannot be combined with other sites")
    return " ".join(items)


@functools.lru_cache(maxsize=8)
def _checked_frame_ancestors(value: str | None) -> str:
    try:
        return frame_ancestors(value)
    except ValueError as exc:
        _log.error("%s cannot be used (%s): only the course itself may frame its pages", FRAME_ANCESTORS_SETTING, exc)
        return "'self'"


@functools.lru_cache(maxsize=8)
def _checked_proxies(value: str | None) -> tuple[Network, ...]:
    try:
        return parse_proxies(LOOPBACK if value is None else value)
    except ValueError as exc:
        _log.error("%s cannot be used (%s): no proxy is trusted until it is fixed", TRUSTED_PROXIES_SETTING, exc)
        return ()


def current_frame_ancestors() -> str:
    """The `frame-ancestors` sources in force (also the LMS origins that may launch the course)."""
    return _checked_frame_ancestors(_setting(FRAME_ANCESTORS_SETTING))


def trusted_proxies() -> tuple[Network, ...]:
    return _checked_proxies(_setting(TRUSTED_PROXIES_SETTING))


# --------------------------------------------------------------------------- the policy


def _script_bodies(html: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)


def inline_scripts() -> list[str]:
    """Every inline script the course's pages run, exactly as the browser will hash it:
    Streamlit's own index.html, and the course's scripts (each a constant body that reads its
    parameters from its own data- attributes). The policy allows exactly these."""
    from course.ui import common, display, kept, language, lms_launch, nav, question_widgets

    bodies = []
    index = Path(str(__import__("streamlit").__file__)).parent / "static" / "index.html"
    try:
        bodies += _script_bodies(index.read_text(encoding="utf-8"))
    except OSError:  # an unusual install: Streamlit's own page script is reported, not fatal
        _log.warning("cannot read %s to allow its inline script", index)
    for html in (
        common.COOKIE_SCRIPT,
        display._DECORATIVE_ICONS,
        kept.STEP_SCRIPT,
        nav.FOCUS_SCRIPT,
        question_widgets.groups_html("x"),
        lms_launch.REPORT_SCRIPT,
        language.LANG_SCRIPT,
    ):
        bodies += _script_bodies(html)
    return bodies


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


@functools.lru_cache(maxsize=8)
def content_security_policy(ancestors: str) -> str:
    scripts = " ".join(dict.fromkeys(_hash(b) for b in inline_scripts()))
    return "; ".join(
        [
            "default-src 'self'",
            # Streamlit's bundle and the course's few inline scripts, by hash: nothing else runs.
            f"script-src 'self' {scripts}",
            # Streamlit's styling is injected at run time (emotion) and the course adds <style>
            # elements for display settings: inline styles must be allowed.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",  # the page's fetches and its websocket, to this server only
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "magnetometer=(), gyroscope=(), accelerometer=()"
)
HSTS = "max-age=31536000"


def security_headers(https: bool) -> list[tuple[bytes, bytes]]:
    """The headers every response carries (HSTS only over TLS: a browser told so over plain
    HTTP would ignore it, and a local http:// server must stay reachable)."""
    policy = content_security_policy(_checked_frame_ancestors(_setting(FRAME_ANCESTORS_SETTING)))
    headers = [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    ]
    if https:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


# --------------------------------------------------------------------------- cookies


def cookie_header(name: str, value: str | None, *, https: bool, max_age: int | None = None) -> str:
    """A Set-Cookie value: HttpOnly, SameSite=Strict (Lax for the voter, whose first visit
    often comes from a link in a chat or a QR code), path /, Secure over TLS."""
    same_site = "Lax" if name == VOTER_COOKIE else "Strict"
    parts = [f"{name}={value or ''}", "Path=/", "HttpOnly", f"SameSite={same_site}"]
    if value is None:
        parts.append("Max-Age=0")
    elif max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if https:
        parts.append("Secure")
    return "; ".join(parts)


async def cookie_route(request: Request) -> Response:
    """POST /api/course/cookie with a token as the body: answers 204 with the Set-Cookie the
    token names, or 400. Same-origin only (the Origin header, when sent, must be this host)."""
    from starlette.responses import Response

    origin = request.headers.get("origin")
    host = request.headers.get("host")
    site = request.headers.get("sec-fetch-site")
    if (origin is not None and (host is None or origin.split("://", 1)[-1] != host)) or site not in (
        None,
        "same-origin",
    ):
        return Response("cross-site request refused\n", status_code=403, media_type="text/plain")
    body = (await request.body())[:4096].decode("ascii", "replace").strip()
    parsed = read_cookie_token(body)
    if parsed is None:
        return Response("not a valid cookie token\n", status_code=400, media_type="text/plain")
    name, value = parsed
    response = Response(status_code=204)
    response.headers.append(
        "set-cookie", cookie_header(name, value, https=request.url.scheme == "https", max_age=COOKIES[name])
    )
    response.headers["cache-control"] = "no-store"
    return response


# --------------------------------------------------------------------------- middleware


def _header(scope: Scope, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", ()) if k == name]
    return b", ".join(values).decode("latin1") if values else None


def resolve(scope: Scope, proxies: tuple[Network, ...]) -> None:
    """Settle the scope's client address and scheme: from X-Forwarded-For and -Proto only
    when the connection comes from a trusted proxy."""
    client = scope.get("client")
    peer = client[0] if client else None
    if peer is None:
        return
    if not trusted_peer(peer, proxies):
        return
    real = client_address(peer, _header(scope, b"x-forwarded-for"), proxies)
    if real != peer:
        scope["client"] = (real, 0)
    proto = (_header(scope, b"x-forwarded-proto") or "").split(",")[0].strip().lower()
    if proto in ("http", "https"):
        scope["scheme"] = proto if scope["type"] == "http" else proto.replace("http", "ws")


def _has_cookie(scope: Scope, name: str) -> bool:
    cookies = _header(scope, b"cookie") or ""
    return any(part.strip().startswith(name + "=") for part in cookies.split(";"))


class SecurityHeaders:
    """Pure ASGI middleware (websockets pass through untouched but for the client address)."""

    def __init__(self, app: ASGIApp, join_paths: Iterable[str] = ("/join",)) -> None:
        self.app = app
        self.join_paths = tuple(join_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        resolve(scope, trusted_proxies())
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)
        https = scope.get("scheme") == "https"
        path = scope.get("path", "")
        voter = (
            scope.get("method") == "GET"
            and path.rstrip("/").endswith(self.join_paths)
            and not _has_cookie(scope, VOTER_COOKIE)
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in security_headers(https) if k not in present]
                if voter and message.get("status") == 200:
                    value = secrets.token_urlsafe(24)
                    headers.append(
                        (b"set-cookie", cookie_header(VOTER_COOKIE, value, https=https, max_age=VOTER_MAX_AGE).encode())
                    )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --------------------------------------------------------------------------- the page's language

LANG_COOKIE = "ketamine_course_lang"  # course/ui/language.py sets it when the learner chooses
STREAMLIT_PAGE = b'<div id="root">'  # in Streamlit's index.html, the page every address serves
_HTML_LANG = re.compile(rb"<html(\s[^>]*?)?\slang=\"[^\"]*\"", re.I)


def page_language(scope: Scope) -> str:
    """The language a page request is served in: the address's `?lang=`, then the course's
    language cookie, then the browser's Accept-Language, else English (the same order the
    running page uses, course/ui/language.py)."""
    from urllib.parse import parse_qs

    from course.i18n import DEFAULT, from_accept_language, supported

    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    cookies = _header(scope, b"cookie") or ""
    cookie = next(
        (v for k, _, v in (part.strip().partition("=") for part in cookies.split(";")) if k == LANG_COOKIE), None
    )
    return (
        supported((query.get("lang") or [None])[-1])
        or supported(cookie)
        or from_accept_language(_header(scope, b"accept-language"))
        or DEFAULT
    )


def set_html_lang(body: bytes, lang: str) -> bytes:
    """`body` (an HTML page) with its `<html lang>` saying `lang`."""
    return _HTML_LANG.sub(
        lambda m: m.group(0)[: m.group(0).rfind(b'lang="')] + b'lang="' + lang.encode() + b'"', body, 1
    )


class PageLanguage:
    """Pure ASGI middleware: the page Streamlit serves (its index.html, for every page's
    address) says `<html lang="en">` whatever the page shows (streamlit/streamlit#15726); this
    rewrites it per request (`page_language`), so a screen reader starts the page in the right
    language (WCAG 3.1.1). Only that page is touched (an HTML response holding Streamlit's
    `<div id="root">`; other HTML says its own language); it is small and read whole. The
    answer depends on the request, so it carries no validator a cache could answer with another
    request's copy (no ETag, no Last-Modified) and says what it varies by."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        lang = page_language(scope)
        if b"text/html" in (_header(scope, b"accept") or "").encode("latin1"):
            # A browser opening a page: never a 304, since the copy it holds (from before these
            # responses carried no validator) may be in another language. Other requests (the
            # script bundle, images) keep their caching.
            headers = [(k, v) for k, v in scope.get("headers", ()) if k not in (b"if-none-match", b"if-modified-since")]
            scope = {**scope, "headers": headers}
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_in_language(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if not content_type.startswith(b"text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if scope.get("method") == "GET" and STREAMLIT_PAGE not in body:
                # Another HTML answer (an LMS route's error page, a downloaded pack): it says
                # its own language, which is not the learner's choice. Passed on as it was.
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            if scope.get("method") == "GET":
                body = set_html_lang(body, lang)
            get = scope.get("method") == "GET"
            drop = {b"etag", b"last-modified", b"vary", b"content-language"} | ({b"content-length"} if get else set())
            original = start.get("headers", [])
            headers = [(k, v) for k, v in original if k.lower() not in drop]
            if get:
                headers.append((b"content-length", str(len(body)).encode()))
            vary = [v.decode("latin1") for k, v in original if k.lower() == b"vary"]
            headers += [
                (b"content-language", lang.encode()),
                (b"vary", ", ".join([*vary, "Accept-Language", "Cookie"]).encode("latin1")),
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body if get else b""})

        await self.app(scope, receive, send_in_language)


def quiet_uvicorn_proxy_headers() -> None:
    """uvicorn believes X-Forwarded-For from 127.0.0.1 on its own (FORWARDED_ALLOW_IPS), before
    the course's middleware sees the request: the address it saw would be lost. Its proxy
    handling is turned off for this process, so `COURSE_TRUSTED_PROXIES` alone decides. Called
    when uvicorn imports streamlit_app, which is before it wraps the app."""
    try:
        import uvicorn.config
    except ImportError:
        return
    if getattr(uvicorn.config, "ProxyHeadersMiddleware", None) is None:
        _log.warning("uvicorn has changed: its own X-Forwarded-For handling stays on (trusting 127.0.0.1)")
        return
    config: Any = uvicorn.config  # a module attribute replaced on purpose: not a type to check
    config.ProxyHeadersMiddleware = lambda app, trusted_hosts=None: app


def routes() -> list:
    """This layer's own routes (the app adds the learning-platform routes beside them, see
    streamlit_app.py: they use this module, so this module does not import them)."""
    from starlette.routing import Route

    return [Route(COOKIE_ROUTE, cookie_route, methods=["POST"])]
