"""cmi5 against a real LRS (Ralph): the test plays the LMS (the launch, the fetch endpoint and
the LaunchData state document, which Ralph does not serve) and passes statements on to Ralph;
the statements Ralph stores are checked against the cmi5 rules for an AU."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.parse
import urllib.request
import uuid

import pytest

from course import xapi
from course.events import ANSWERED, Event
from course.lms import cmi5
from tests.lms.conftest import RALPH_PASSWORD, RALPH_USER

SECRET = b"cmi5-test-secret"
ACTIVITY = "https://course.example.org/activities/module/history"
PUBLISHER = "https://lms.example.org/course/ketamine/staff"
ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "staff-0042"}}


class FakeLms:
    """The LMS side of a cmi5 launch: fetch URL, LaunchData, and the LRS endpoint in front of Ralph."""

    def __init__(self, ralph_endpoint: str, lrs_status: int | None = None):
        self.ralph = ralph_endpoint
        self.lrs_status = lrs_status  # answer statements with this instead of passing them on
        self.fetched = 0
        self.session_id = str(uuid.uuid4())
        self.registration = str(uuid.uuid4())
        self.token = base64.b64encode(f"{RALPH_USER}:{RALPH_PASSWORD}".encode()).decode()
        lms = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body: bytes, kind="application/json"):
                self.send_response(status)
                self.send_header("content-type", kind)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.path == "/fetch":
                    lms.fetched += 1
                    if lms.fetched > 1:
                        return self._send(200, b'{"error-code":"1","error-text":"already in use"}')
                    return self._send(200, json.dumps({"auth-token": lms.token}).encode())
                if self.path == "/xAPI/statements":
                    if self.headers.get("authorization") != f"Basic {lms.token}":
                        return self._send(401, b'{"detail":"bad token"}')
                    if lms.lrs_status:
                        return self._send(lms.lrs_status, b'{"detail":"refused"}')
                    req = urllib.request.Request(lms.ralph + "statements", data=body, method="POST")
                    for h in ("authorization", "content-type", "x-experience-api-version"):
                        req.add_header(h, self.headers[h])
                    try:
                        with urllib.request.urlopen(req, timeout=10) as resp:
                            return self._send(resp.status, resp.read())
                    except urllib.error.HTTPError as exc:
                        return self._send(exc.code, exc.read())
                self._send(404, b"{}")

            def do_GET(self):  # noqa: N802
                parts = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path == "/xAPI/activities/state" and q.get("stateId") == "LMS.LaunchData":
                    assert q["registration"] == lms.registration and q["activityId"] == ACTIVITY
                    assert json.loads(q["agent"]) == ACTOR
                    data = {
                        "contextTemplate": {
                            "contextActivities": {"grouping": [{"id": PUBLISHER, "objectType": "Activity"}]},
                            "extensions": {cmi5.SESSION_EXT: lms.session_id},
                        },
                        "launchMode": "Normal",
                        "moveOn": "CompletedAndPassed",
                        "masteryScore": 0.8,
                        "returnURL": "https://lms.example.org/return",
                    }
                    return self._send(200, json.dumps(data).encode())
                self._send(404, b"{}")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def query(self, **override) -> dict[str, str]:
        q = {
            "module": "history",
            "track": "staff",
            "endpoint": self.base + "/xAPI/",
            "fetch": self.base + "/fetch",
            "actor": json.dumps(ACTOR),
            "registration": self.registration,
            "activityId": ACTIVITY,
        }
        q.update(override)
        return q


@pytest.fixture
def lms(ralph):
    fake = FakeLms(ralph.endpoint)
    yield fake
    fake.server.shutdown()


def _cmi5_defined(s: dict) -> bool:
    cats = [a["id"] for a in s.get("context", {}).get("contextActivities", {}).get("category", [])]
    return cmi5.CMI5_CATEGORY in cats


def test_a_cmi5_session_records_what_the_spec_requires(lms, ralph, real_course):
    launch = cmi5.parse_launch(real_course, lms.query())
    # the route hands the launch on as a signed token; the page reads it back
    launch = cmi5.read_session_token(cmi5.session_token(launch, SECRET), SECRET)
    client, session = cmi5.start(launch)
    answered = Event(
        learner_id="l1",
        verb=ANSWERED,
        activity="question/hist-1",
        track="staff",
        response="b",
        success=True,
        context={"quiz": "history"},
    )
    course_statement = xapi.statement(answered, "https://course.example.org", real_course)
    client.send([session.allowed(course_statement)])
    client.send([session.statement("passed", score_scaled=0.9), session.statement("completed")])
    client.send([session.statement("terminated")])
    # a resend after a lost answer stores nothing twice
    client.send([session.statement("terminated")])

    stored = sorted(ralph.statements(), key=lambda s: s["stored"])
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in stored]
    assert verbs == ["initialized", "answered", "passed", "completed", "terminated"]
    for s in stored:
        assert s["actor"]["account"] == ACTOR["account"]
        assert s["context"]["registration"] == lms.registration
        assert s["context"]["extensions"][cmi5.SESSION_EXT] == lms.session_id
        assert {"id": PUBLISHER, "objectType": "Activity"} in s["context"]["contextActivities"]["grouping"]
    defined = [s for s in stored if _cmi5_defined(s)]
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in defined] == ["initialized", "passed", "completed", "terminated"]
    assert all(s["object"]["id"] == ACTIVITY for s in defined)
    passed = defined[1]
    assert passed["result"]["success"] is True
    assert passed["result"]["score"]["scaled"] >= 0.8
    assert passed["context"]["extensions"][cmi5.MASTERY_EXT] == 0.8
    assert "duration" in passed["result"]
    moveon = [a["id"] for a in passed["context"]["contextActivities"]["category"]]
    assert cmi5.MOVEON_CATEGORY in moveon
    assert defined[2]["result"]["completion"] is True and "duration" in defined[2]["result"]
    assert "duration" in defined[3]["result"]
    allowed = [s for s in stored if not _cmi5_defined(s)]
    assert len(allowed) == 1 and allowed[0]["object"]["id"].endswith("/activities/question/hist-1")


def test_a_failed_quiz_is_failed_without_moveon(lms, ralph, real_course):
    client, session = cmi5.start(cmi5.parse_launch(real_course, lms.query()))
    client.send([session.statement("failed", score_scaled=0.4)])
    failed = [s for s in ralph.statements() if s["verb"]["id"].endswith("/failed")]
    assert failed[0]["result"]["success"] is False
    cats = [a["id"] for a in failed[0]["context"]["contextActivities"]["category"]]
    assert cats == [cmi5.CMI5_CATEGORY]


def test_the_auth_token_is_fetched_once(lms, real_course):
    launch = cmi5.parse_launch(real_course, lms.query())
    cmi5.start(launch)
    with pytest.raises(cmi5.Cmi5Error, match="already used"):
        cmi5.start(launch)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"module": "nope"}, "module ('nope')"),
        ({"endpoint": ""}, "no endpoint parameter"),
        ({"fetch": "ftp://x"}, "fetch"),
        ({"actor": "{not json"}, "actor parameter is not JSON"),
        ({"actor": json.dumps({"mbox": "mailto:a@b"})}, "account"),
        ({"registration": "123"}, "not a UUID"),
    ],
)
def test_a_malformed_launch_says_what_is_wrong(real_course, override, message):
    base = {
        "module": "history",
        "track": "staff",
        "endpoint": "https://lrs.example.org/xAPI/",
        "fetch": "https://lms.example.org/fetch",
        "actor": json.dumps(ACTOR),
        "registration": str(uuid.uuid4()),
        "activityId": ACTIVITY,
    }
    with pytest.raises(cmi5.Cmi5Error) as err:
        cmi5.parse_launch(real_course, {**base, **override})
    assert message in str(err.value)


def test_a_forged_session_token_is_refused(real_course):
    launch = cmi5.Launch(
        "https://lrs.example.org/", "https://lms.example.org/f", ACTOR, str(uuid.uuid4()), ACTIVITY, "history", "staff"
    )
    token = cmi5.session_token(launch, SECRET)
    with pytest.raises(cmi5.Cmi5Error, match="not one the course made"):
        cmi5.read_session_token(token, b"another secret")
    with pytest.raises(cmi5.Cmi5Error, match="expired"):
        cmi5.read_session_token(cmi5.session_token(launch, SECRET, now=0), SECRET)


@pytest.mark.parametrize("status", [400, 500])
def test_an_lrs_refusing_statements_is_reported(ralph, real_course, status):
    fake = FakeLms(ralph.endpoint, lrs_status=status)
    try:
        with pytest.raises(cmi5.Cmi5Error, match=f"HTTP {status}"):
            cmi5.start(cmi5.parse_launch(real_course, fake.query()))
    finally:
        fake.server.shutdown()
