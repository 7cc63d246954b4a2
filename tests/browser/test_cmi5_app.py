"""A cmi5 launch of the running app, in Chromium, against Ralph (issue 20): the test plays the
LMS (launch URL, fetch endpoint, LaunchData) in front of a real LRS; the learner passes the
module's quiz and presses Finish; Ralph holds initialized, the course's own statements,
passed, completed and terminated, in the cmi5 order and with the cmi5 context."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from course.devserver import Server
from course.lms import cmi5
from tests.browser.a11y import answer_quiz
from tests.browser.conftest import wait_ready
from tests.lms.conftest import RALPH_PYTHON, Ralph
from tests.lms.test_cmi5 import ACTIVITY, ACTOR, FakeLms


@pytest.fixture
def lrs(tmp_path):
    if not RALPH_PYTHON.exists():
        pytest.skip("Ralph is not installed: run scripts/test.sh, which makes .venv-ralph")
    ralph = Ralph(tmp_path / "ralph")
    ralph.start()
    lms = FakeLms(ralph.endpoint)
    yield ralph, lms
    lms.server.shutdown()
    ralph.stop()


def _verb(s: dict) -> str:
    return s["verb"]["id"].rsplit("/", 1)[-1]


def test_a_cmi5_launch_of_the_app_sends_the_required_statements(browser, lrs, tmp_path, real_course):
    ralph, lms = lrs
    server = Server(
        {
            "COURSE_DB_URL": f"sqlite:///{tmp_path / 'course.sqlite'}",
            "COURSE_CERT_SECRET": "cmi5-app-secret-0123456789",
        },
        tmp_path / "server.log",
    )
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.goto(f"{server.url}/api/course/cmi5/launch?{urlencode(lms.query())}")
        wait_ready(page)
        module = real_course.module("history")
        page.get_by_role("heading", name=module.title).first.wait_for()
        assert [_verb(s) for s in ralph.statements()] == ["initialized"]

        while page.get_by_role("button", name="Take the quiz").count() == 0:
            page.get_by_role("button", name="Next:").first.click()
            wait_ready(page)
        page.get_by_role("button", name="Take the quiz").click()
        wait_ready(page)
        answer_quiz(page, real_course.quizzes[module.quiz], "staff")
        page.get_by_role("button", name="Finish this lesson").click()
        wait_ready(page)
        page.get_by_text("This lesson is finished").wait_for()
        context.close()
    finally:
        server.stop()

    stored = sorted(ralph.statements(), key=lambda s: s["stored"])
    verbs = [_verb(s) for s in stored]
    assert verbs[0] == "initialized" and verbs[-1] == "terminated"
    defined = [
        s
        for s in stored
        if any(a["id"] == cmi5.CMI5_CATEGORY for a in s["context"].get("contextActivities", {}).get("category", []))
    ]
    assert [_verb(s) for s in defined] == ["initialized", "passed", "completed", "terminated"]
    assert {"answered", "experienced"} <= set(verbs)  # the course's own statements, as allowed ones
    for s in stored:
        assert s["actor"]["account"] == ACTOR["account"]
        assert s["context"]["registration"] == lms.registration
        assert s["context"]["extensions"][cmi5.SESSION_EXT] == lms.session_id
    assert all(s["object"]["id"] == ACTIVITY for s in defined)
    passed = defined[1]
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] >= 0.8
    assert len({s["id"] for s in stored}) == len(stored)
