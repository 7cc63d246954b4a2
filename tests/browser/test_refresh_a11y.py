"""The Refresh page in Chromium (issue 21): due questions drawn with no accessibility violations,
and the due count on Home."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.a11y import audit, click
from tests.browser.conftest import start

pytestmark = pytest.mark.browser


def test_the_refresh_page_with_due_questions_has_no_violations(page, course_server, real_course):
    from course.events import ANSWERED, PASSED, Event
    from course.records import open_store

    start(page, course_server, "Clinic staff onboarding")
    page.get_by_text("Save your place: your private resume link").click()
    code = page.locator("[data-testid=stCode] code").first.inner_text().split("?resume=")[1].strip()
    module = real_course.track_modules("staff")[0]
    questions = [q for _, q in real_course.quizzes[module.quiz].items("staff")]
    long_ago = datetime.now(UTC) - timedelta(days=400)  # every answer is long due again
    store = open_store(course_server.db_url)
    try:
        learner = store.learner_for_resume_code(code)
        store.append_many(
            [
                *(
                    Event(learner, ANSWERED, f"question/{q.id}", track="staff", success=True, timestamp=long_ago)
                    for q in questions
                ),
                Event(learner, PASSED, f"quiz/{module.quiz}", track="staff", score=9, max_score=10, timestamp=long_ago),
            ]
        )
    finally:
        store.close()
    page.reload()
    click(page, "link", "Home", exact=True)
    assert "due for a refresher" in page.locator("[data-testid=stMain]").inner_text()
    click(page, "link", "Refresh", exact=True)
    assert page.get_by_role("heading", name="Refresh what you learnt").is_visible()
    problems = audit(page, "refresh: due questions")
    assert not problems, "\n".join(problems)
