"""The course's HTTP routes for learning platforms (registered in course/ui/web.py):

- `POST /api/course/lms/launch`: a SCORM 1.2 launch page (served by the LMS, on the LMS's
  origin) sends the LMS's learner (student id and name), the module and the saved location;
  the answer is the course address to frame, carrying a short-lived signed launch token
  (course/lms/launch.py). Only origins in `COURSE_FRAME_ANCESTORS` are answered: the same
  sites alone may frame the course.
- `GET /api/course/cmi5/launch`: an LMS launching a cmi5 AU. The server fetches the auth
  token from the LMS's `fetch` URL, keeps the cmi5 session, and sends the learner on to the
  module with a signed token naming that session (course/lms/cmi5.py).

Nothing here renders a page or writes a learner's record: the page does, once it has checked
the token, so a forged or expired launch leaves no trace.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from course.lms import launch as lms_launch
from course.lms.package import LAUNCH_ROUTE

if TYPE_CHECKING:  # for the annotations only: starlette is imported where a response is made
    from starlette.requests import Request
    from starlette.responses import Response

_log = logging.getLogger(__name__)
CMI5_ROUTE = "/api/course/cmi5/launch"
MAX_BODY = 4096


def allowed_origin(origin: str | None, ancestors: str) -> bool:
    """Whether a page on `origin` may launch (and so frame) the course: it matches a site in
    the `frame-ancestors` sources. `'self'` is left to the browser (a same-origin page needs
    no launch token dance but may use it), a host without a scheme matches http and https,
    `*.example.org` matches its subdomains."""
    if not origin or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    for source in ancestors.split():
        if source.startswith("'"):
            continue
        scheme, _, hostport = source.rpartition("://")
        if scheme and scheme != parts.scheme:
            continue
        host, _, want_port = hostport.partition(":")
        default = 443 if parts.scheme == "https" else 80
        if (int(want_port) if want_port else default) != (port or default):
            continue
        if host.startswith("*."):
            if parts.hostname.endswith(host[1:]):
                return True
        elif host.lower() == parts.hostname.lower():
            return True
    return False


def _json(body: dict[str, Any], status: int, origin: str | None = None) -> Response:
    from starlette.responses import Response

    response = Response(json.dumps(body), status_code=status, media_type="application/json")
    if origin:  # the launch page may read the answer (an error too, so it can show it)
        response.headers["access-control-allow-origin"] = origin
        response.headers["vary"] = "Origin"
    response.headers["cache-control"] = "no-store"
    return response


def _secret() -> bytes:
    from course.ui import signing

    return signing.signing_base()


async def scorm_launch(request: Request) -> Response:
    """POST /api/course/lms/launch: JSON {student_id, student_name, module, track, location}."""
    from course.ui import state, web

    origin = request.headers.get("origin")
    ancestors = web.current_frame_ancestors()
    if origin is None or not allowed_origin(origin, ancestors):  # said here too so origin is a str below
        _log.warning("LMS launch refused from origin %r (not in COURSE_FRAME_ANCESTORS)", origin)
        return _json(
            {
                "error": f"This learning platform ({origin or 'unknown origin'}) is not allowed to show the course. "
                "Ask the course's administrator to add it to COURSE_FRAME_ANCESTORS."
            },
            403,
            origin if origin and origin != "null" else None,
        )
    raw = (await request.body())[: MAX_BODY + 1]
    try:
        if len(raw) > MAX_BODY:
            raise ValueError("too long")
        body = json.loads(raw.decode("utf-8"))
        if not isinstance(body, dict):
            raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError):
        return _json({"error": "The launch request was not understood (it must be a JSON object)."}, 400, origin)
    course = state.loaded().course
    if course is None:
        return _json({"error": "The course is not available right now: its content has problems."}, 503, origin)
    track, module = body.get("track"), body.get("module")
    tracks = {t.id: t for t in course.settings.tracks}
    if track not in tracks or module not in tracks[track].modules:
        return _json(
            {
                "error": f"This package names a module ({module!r}) or track ({track!r}) the course does not have. "
                "Export the package again and upload it."
            },
            400,
            origin,
        )
    try:
        launch = lms_launch.new_launch(
            body.get("student_id"), body.get("student_name"), origin, module, track, body.get("location")
        )
    except lms_launch.LaunchError as exc:
        return _json({"error": str(exc)}, 400, origin)
    token = lms_launch.sign(launch, _secret())
    return _json({"path": launch_path(launch, token)}, 200, origin)


def launch_path(launch: lms_launch.Launch, token: str) -> str:
    """The course address a launch opens: the module's page at the saved step (its quiz page
    for "quiz"), with the token. Relative to the course's own address."""
    if launch.location == "quiz":
        return f"/{launch.module}-quiz?" + urlencode({"lms": token})
    query = {"lms": token}
    if launch.location:
        query["step"] = launch.location
    return f"/{launch.module}?" + urlencode(query)


async def cmi5_launch(request: Request) -> Response:
    """GET /api/course/cmi5/launch?module=&track=&endpoint=&fetch=&actor=&registration=&activityId="""
    from starlette.responses import HTMLResponse, RedirectResponse

    from course.lms import cmi5
    from course.ui import state

    course = state.loaded().course
    try:
        if course is None:
            raise cmi5.Cmi5Error("The course is not available right now: its content has problems.")
        session = cmi5.parse_launch(course, dict(request.query_params))
    except cmi5.Cmi5Error as exc:
        return HTMLResponse(cmi5.error_page(str(exc)), status_code=exc.status)
    token = cmi5.session_token(session, _secret())
    return RedirectResponse(f"/{session.module}?" + urlencode({"cmi5": token}), status_code=303)


def routes() -> list:
    from starlette.routing import Route

    return [
        Route(LAUNCH_ROUTE, scorm_launch, methods=["POST"]),
        Route(CMI5_ROUTE, cmi5_launch, methods=["GET"]),
    ]
