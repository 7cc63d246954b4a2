"""A reload during a PostgreSQL outage, in Chromium (issue 18, defect 1): the page says the
learner's record cannot be read, offers no track form, and once the database is back the
same learner carries on with every answer chosen, including the one marked "Not saved yet"
(kept in the browser's localStorage across the reload).

The browser honours the course's Content-Security-Policy (no bypass, unlike the other browser
tests' contexts): the browser's copy is made and handed back by scripts the policy allows, and
no violation is reported while the learner answers during the outage.

The outage is real: the server reaches PostgreSQL through a relay in this process that the
test cuts (see tests/faults/test_outage_identity.py)."""

from __future__ import annotations

import os
import urllib.request
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema, DropSchema

from course.devserver import Server
from course.events import quiz_activity
from course.records import RETRY_AFTER_S, learners_table, open_store
from course.ui.kept import BROWSER_KEY, NOT_SAVED
from tests.browser.conftest import first_quiz_on_the_public_track, wait_ready
from tests.faults.test_outage_identity import Relay

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def relayed_server(tmp_path):
    server_url = os.environ.get("COURSE_TEST_PG_URL", "").strip()
    if not server_url:
        message = "COURSE_TEST_PG_URL is not set: start scripts/pg.sh and set it to run this test"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server_url)
    with admin.begin() as conn:
        conn.execute(CreateSchema(schema))
    parsed = make_url(server_url)
    relay = Relay(parsed.host or "127.0.0.1", parsed.port or 5432)
    url = (
        parsed.set(host="127.0.0.1", port=relay.port)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    server = Server(
        {"COURSE_DB_URL": url, "COURSE_CERT_SECRET": "browser-test-secret-0123456789abcdef"}, tmp_path / "server.log"
    )
    try:
        yield server, relay, url
    finally:
        server.stop()
        relay.cut()
        with admin.begin() as conn:
            conn.execute(DropSchema(schema, cascade=True))
        admin.dispose()


def main_text(page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


@pytest.fixture
def page(browser):
    """A page that honours the policy, with the browser's console messages in `page.console`."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=False)
    page = context.new_page()
    page.console = []
    page.on("console", lambda m: page.console.append(m.text))
    yield page
    context.close()


def policy_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


def stored(page) -> str:
    """The browser's copy of unsaved answers ("" when there is none). `evaluate`, not
    `wait_for_function`: Playwright runs the latter's predicate with eval, which the policy
    forbids."""
    return page.evaluate(f"window.localStorage.getItem({BROWSER_KEY!r})") or ""


def test_a_reload_during_an_outage_keeps_the_learner_and_the_answer_not_saved_yet(page, relayed_server, real_course):
    server, relay, url = relayed_server
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(server.url, timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in policy and "blob:" not in policy.split("script-src")[1].split(";")[0]
    first_quiz_on_the_public_track(page, server, real_course)
    quiz = real_course.quizzes[real_course.modules[0].quiz]
    radios = [q for _, q in quiz.items("public") if q.type in ("single", "true_false")][:2]
    groups = page.locator("[data-testid=stMain] [data-testid=stRadio]")

    def pick(i: int) -> None:
        q = radios[i]
        text = next(o.text for o in q.options if o.id == q.answer) if q.type == "single" else str(q.answer)
        groups.nth(i).get_by_text(text, exact=True).click()
        wait_ready(page)

    pick(0)  # saved
    relay.cut()  # the database goes away
    pick(1)
    assert NOT_SAVED in main_text(page)
    assert radios[1].id in stored(page)
    assert policy_violations(page.console) == [], "answering during the outage broke no rule of the policy"

    page.reload()
    wait_ready(page)
    shown = main_text(page)
    assert "We can't read your course record right now" in shown and "Nothing is lost." in shown
    assert "Choose how you want to take the course" not in shown
    assert page.get_by_role("button", name="Start the course").count() == 0

    relay.restore()  # the database is back
    # The server's store turns calls away for RETRY_AFTER_S after its last failure (the reload's
    # reads, moments ago), then tries again: a click sooner would still find the notice.
    page.wait_for_timeout(RETRY_AFTER_S * 1000)
    page.get_by_role("button", name="Try again").click()
    wait_ready(page)
    assert f"Your answers from before are back: 2 of {len(quiz.items('public'))} questions" in main_text(page)
    for i in range(2):
        assert groups.nth(i).locator("input[type=radio]:checked").count() == 1
    # Saved now, so the browser's copy is emptied: a later reload cannot bring back an old answer.
    for _ in range(50):
        if not stored(page):
            break
        page.wait_for_timeout(200)
    assert stored(page) == ""
    assert policy_violations(page.console) == []
    db = open_store(url)
    try:
        with db._read() as conn:
            learners = conn.execute(sa.select(learners_table.c.learner_id)).scalars().all()
        assert len(learners) == 1, "the outage made no second learner"
        assert set(db.drafts(learners[0], quiz_activity(quiz.id), "public", 1)) == {q.id for q in radios}
    finally:
        db.close()
