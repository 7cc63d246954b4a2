"""The staff quiz gate in Chromium (issue 22): a quiz opened by its address before the module's
sections are read says what is left, links each part, keeps the notice and crisis services,
and has no accessibility violations."""

from __future__ import annotations

import pytest

from tests.browser.a11y import audit, click
from tests.browser.conftest import start, wait_ready

pytestmark = pytest.mark.browser


def test_a_staff_quiz_opened_by_its_address_says_what_is_left_with_no_violations(page, course_server, real_course):
    first = real_course.track_modules("staff")[0]
    start(page, course_server, "Clinic staff onboarding")
    page.goto(f"{course_server.url}/{first.id}-quiz")  # as a bookmark or a shared link does
    wait_ready(page)
    main = page.locator("[data-testid=stMain]").inner_text()
    assert f"So far: 0 of {len(first.sections)} sections read." in main
    assert "Education, not medical advice." in main and "988 Suicide & Crisis Lifeline" in main
    assert page.get_by_role("button", name="Submit answers").count() == 0
    problems = audit(page, "staff quiz waiting for its sections")
    assert not problems, "\n".join(problems)
    click(page, "button", f"Read the section: {first.sections[1].heading}")
    assert page.locator("h2").first.inner_text() == first.sections[1].heading
