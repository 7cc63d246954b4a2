"""cmi5: the course as an Assignable Unit (AU) an LMS launches, server to server.

The LMS opens `<course>/api/course/cmi5/launch?module=M&track=T` with the cmi5 launch
parameters `endpoint`, `fetch`, `actor`, `registration` and `activityId`. The route checks
them (`parse_launch`) and sends the browser on to the module with a signed token holding them
(`session_token`), so nobody can point the course at another LRS by editing the address.
The page then, on the server:

1. fetches the auth token once from `fetch` (`fetch_auth_token`; the LMS refuses a second
   fetch, so a reloaded launch must be opened again from the LMS),
2. reads the `LMS.LaunchData` state document (`Client.launch_data`): the context template,
   masteryScore, moveOn and returnURL,
3. sends the statements the cmi5 spec requires of an AU (`Session.statement`): initialized
   at launch; passed or failed when the module's quiz is submitted; completed when the
   module is done; terminated when the learner finishes. Each carries the context template
   (its session id extension and grouping), the registration and the cmi5 category; passed,
   failed and completed that satisfy moveOn carry the moveOn category too.
4. sends the course's own statements (course/xapi.py: answered, experienced ...) as cmi5
   "allowed" statements: the launch's actor, registration and context template, no cmi5
   category.

Statements go through `Client.send` with an id derived from the session, so resending after
a network error cannot record anything twice (the LRS refuses a second statement with the
same id, which counts as sent).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from course.schema import Course

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_EXT = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY_EXT = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
VERBS = {
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
}
XAPI_VERSION = "1.0.3"
TIMEOUT_S = 10
SESSION_TOKEN_SECONDS = 600


class Cmi5Error(Exception):
    """A cmi5 launch or exchange that went wrong; the message says what, for the learner."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Launch:
    endpoint: str
    fetch: str
    actor: dict[str, Any]
    registration: str
    activity_id: str
    module: str
    track: str


def _http_url(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise Cmi5Error(f"The cmi5 launch has no {name} parameter: open the lesson again from your learning platform.")
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Cmi5Error(f"The cmi5 launch's {name} ({value!r}) is not an http(s) address.")
    return value


def parse_launch(course: Course, query: dict[str, str]) -> Launch:
    """The launch the LMS asked for, or Cmi5Error naming the parameter that is wrong."""
    tracks = {t.id: t for t in course.settings.tracks}
    track, module = query.get("track", ""), query.get("module", "")
    if track not in tracks or module not in tracks[track].modules:
        raise Cmi5Error(
            f"This AU names a module ({module!r}) or track ({track!r}) the course does not have: "
            "import the course structure (cmi5.xml) again."
        )
    endpoint = _http_url(query.get("endpoint"), "endpoint")
    fetch = _http_url(query.get("fetch"), "fetch")
    try:
        actor = json.loads(query.get("actor") or "")
    except ValueError:
        raise Cmi5Error("The cmi5 launch's actor parameter is not JSON.") from None
    account = actor.get("account") if isinstance(actor, dict) else None
    if not isinstance(account, dict) or not account.get("homePage") or not account.get("name"):
        raise Cmi5Error("The cmi5 launch's actor must be an Agent with an account (homePage and name).")
    registration = query.get("registration", "")
    try:
        uuid.UUID(registration)
    except ValueError:
        raise Cmi5Error(f"The cmi5 launch's registration ({registration!r}) is not a UUID.") from None
    activity_id = _http_url(query.get("activityId"), "activityId")
    return Launch(endpoint, fetch, actor, registration, activity_id, module, track)


def learner_subject(launch: Launch) -> str:
    """The course record's key for a cmi5 learner: the LMS account (homePage and name), hashed."""
    account = launch.actor["account"]
    digest = hashlib.sha256(f"{account['homePage'].lower()}\n{account['name']}".encode()).hexdigest()
    return f"cmi5:{digest}"


def _key(secret: bytes) -> bytes:
    return hmac.new(secret, b"course cmi5 launch tokens", hashlib.sha256).digest()


def session_token(launch: Launch, secret: bytes, now: float | None = None) -> str:
    fields = [
        launch.endpoint,
        launch.fetch,
        launch.actor,
        launch.registration,
        launch.activity_id,
        launch.module,
        launch.track,
        int((time.time() if now is None else now) + SESSION_TOKEN_SECONDS),
    ]
    data = base64.urlsafe_b64encode(json.dumps(fields, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{data}.{hmac.new(_key(secret), data.encode(), hashlib.sha256).hexdigest()}"


def read_session_token(token: object, secret: bytes, now: float | None = None) -> Launch:
    bad = Cmi5Error(
        "This cmi5 launch link is not one the course made: open the lesson again from your learning platform."
    )
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 8192:
        raise bad
    data, mac = token.split(".")
    if not hmac.compare_digest(hmac.new(_key(secret), data.encode(), hashlib.sha256).hexdigest(), mac):
        raise bad
    try:
        *fields, expires = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        launch = Launch(*fields)
    except (ValueError, TypeError):
        raise bad from None
    if expires < (time.time() if now is None else now):
        raise Cmi5Error("This cmi5 launch link has expired: open the lesson again from your learning platform.")
    return launch


# --------------------------------------------------------------------------- HTTP


def _request(method: str, url: str, *, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:  # noqa: S310 (http(s) checked above)
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()[:2000]
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Cmi5Error(f"{urllib.parse.urlsplit(url).netloc} cannot be reached ({reason}).", status=502) from None


def fetch_auth_token(fetch_url: str) -> str:
    """POST to the LMS's fetch URL: the auth token for the LRS, or Cmi5Error."""
    status, raw = _request("POST", fetch_url)
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = {}
    if status == 200 and isinstance(answer, dict) and isinstance(answer.get("auth-token"), str):
        return answer["auth-token"]
    code = answer.get("error-code") if isinstance(answer, dict) else None
    text = answer.get("error-text") if isinstance(answer, dict) else None
    if code == "1":
        raise Cmi5Error("This launch was already used: open the lesson again from your learning platform.", 409)
    raise Cmi5Error(
        f"The learning platform did not give the course its access token (HTTP {status}"
        + (f", error {code}: {text}" if code else "")
        + "): open the lesson again from your learning platform.",
        502,
    )


class Client:
    """The LRS a cmi5 launch named, with its auth token."""

    def __init__(self, endpoint: str, auth_token: str):
        self.endpoint = endpoint.rstrip("/") + "/"
        self.headers = {"Authorization": f"Basic {auth_token}", "X-Experience-API-Version": XAPI_VERSION}

    def launch_data(self, launch: Launch) -> dict[str, Any]:
        query = urllib.parse.urlencode(
            {
                "stateId": "LMS.LaunchData",
                "activityId": launch.activity_id,
                "agent": json.dumps(launch.actor),
                "registration": launch.registration,
            }
        )
        status, raw = _request("GET", f"{self.endpoint}activities/state?{query}", headers=self.headers)
        if status != 200:
            raise Cmi5Error(f"The learning record store did not give the launch data (HTTP {status}).", 502)
        try:
            data = json.loads(raw)
        except ValueError:
            raise Cmi5Error("The launch data the learning record store gave is not JSON.", 502) from None
        if not isinstance(data, dict) or not isinstance(data.get("contextTemplate"), dict):
            raise Cmi5Error("The launch data has no contextTemplate.", 502)
        return data

    def send(self, statements: list[dict[str, Any]]) -> None:
        """POST statements; a 409 (already stored under these ids) counts as sent. Cmi5Error
        on anything else, saying what the LRS answered."""
        if not statements:
            return
        status, raw = _request("POST", f"{self.endpoint}statements", body=statements, headers=self.headers)
        if status in (200, 204, 409):
            return
        raise Cmi5Error(
            f"The learning record store refused the course's statements (HTTP {status}: "
            f"{raw[:200].decode('utf-8', 'replace')}).",
            502,
        )


# --------------------------------------------------------------------------- statements


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Session:
    """One launched AU session: what was sent, so each required statement goes once."""

    launch: Launch
    launch_data: dict[str, Any]
    session_id: str
    started: float = field(default_factory=time.time)
    sent: set[str] = field(default_factory=set)  # cmi5-defined verbs sent this session
    forwarded: set[str] = field(default_factory=set)  # course event ids sent as allowed statements

    @property
    def mastery(self) -> float | None:
        value = self.launch_data.get("masteryScore")
        return float(value) if isinstance(value, int | float) else None

    def _context(self, categories: list[str]) -> dict[str, Any]:
        template = json.loads(json.dumps(self.launch_data["contextTemplate"]))
        template["registration"] = self.launch.registration
        activities = template.setdefault("contextActivities", {})
        if categories:
            activities.setdefault("category", []).extend({"id": c, "objectType": "Activity"} for c in categories)
        template.setdefault("extensions", {})[SESSION_EXT] = self.session_id
        return template

    def _id(self, name: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.launch.registration}/{self.session_id}/{name}"))

    def statement(self, verb: str, *, score_scaled: float | None = None) -> dict[str, Any]:
        """A cmi5-defined statement (initialized, passed, failed, completed, terminated)."""
        categories = [CMI5_CATEGORY]
        if verb in ("passed", "completed"):  # what satisfies moveOn (CompletedAndPassed); failed never does
            categories.append(MOVEON_CATEGORY)
        context = self._context(categories)
        result: dict[str, Any] = {}
        if verb in ("passed", "failed"):
            result["success"] = verb == "passed"
            if score_scaled is not None:
                result["score"] = {"scaled": round(max(0.0, min(1.0, score_scaled)), 4)}
            if self.mastery is not None:
                context["extensions"][MASTERY_EXT] = self.mastery
        if verb == "completed":
            result["completion"] = True
        if verb in ("completed", "terminated", "passed", "failed"):
            from course.xapi import iso_duration

            result["duration"] = iso_duration(time.time() - self.started) or "PT0S"
        out = {
            "id": self._id(verb),
            "actor": self.launch.actor,
            "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
            "object": {"objectType": "Activity", "id": self.launch.activity_id},
            "context": context,
            "timestamp": _now(),
            "version": XAPI_VERSION,
        }
        if result:
            out["result"] = result
        return out

    def allowed(self, statement: dict[str, Any]) -> dict[str, Any]:
        """One of the course's own statements as a cmi5 'allowed' statement for this session."""
        out = dict(statement)
        out["id"] = self._id("event/" + statement["id"])
        out["actor"] = self.launch.actor
        context = dict(statement.get("context") or {})
        template = self._context([])
        context["registration"] = self.launch.registration
        activities = dict(context.get("contextActivities") or {})
        grouping = list(activities.get("grouping") or [])
        grouping += [a for a in template.get("contextActivities", {}).get("grouping", []) if a not in grouping]
        if grouping:
            activities["grouping"] = grouping
        if activities:
            context["contextActivities"] = activities
        context["extensions"] = {**(context.get("extensions") or {}), **template["extensions"]}
        out["context"] = context
        return out


def start(launch: Launch) -> tuple[Client, Session]:
    """Fetch the auth token, read the launch data, send initialized: the AU session begins."""
    client = Client(launch.endpoint, fetch_auth_token(launch.fetch))
    session = Session(launch, client.launch_data(launch), str(uuid.uuid4()))
    template_session = session.launch_data["contextTemplate"].get("extensions", {}).get(SESSION_EXT)
    if isinstance(template_session, str) and template_session:
        session.session_id = template_session  # the LMS's own session id, where it gives one
    client.send([session.statement("initialized")])
    session.sent.add("initialized")
    return client, session


def error_page(message: str) -> str:
    """A plain page for a launch that cannot go on (the course's pages need a learner)."""
    from html import escape

    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cannot open the lesson</title></head>'
        f"<body><main><h1>Cannot open the lesson</h1><p>{escape(message)}</p>"
        "<p>Nothing was recorded. If this keeps happening, tell whoever runs your learning platform.</p>"
        "</main></body></html>"
    )
