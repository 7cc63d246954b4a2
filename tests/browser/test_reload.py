"""A reload (or a phone reloading a tab it put to sleep) keeps the learner and their place;
"Forget me on this browser" and deleting one's records end that."""

from __future__ import annotations

import pytest

from tests.browser.a11y import click
from tests.browser.conftest import first_quiz_on_the_public_track, start, wait_ready

pytestmark = pytest.mark.browser

TRACK_FORM = "Choose how you want to take the course"


def main_text(page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def reload(page) -> None:
    page.reload()
    wait_ready(page)


def test_a_reload_keeps_the_learner_and_their_place(page, course_server, real_course):
    first = real_course.modules[0]
    start(page, course_server, "Community and self-paced learning")
    click(page, "button", f"Start: {first.title}")
    click(page, "button", "Next:")
    part = page.locator("h2").first.inner_text()
    assert part == first.sections[0].heading

    reload(page)
    assert page.locator("h1").first.inner_text() == first.title
    assert page.locator("h2").first.inner_text() == part  # the same part, as the same learner
    assert "Choose how you want to take the course first" not in main_text(page)
    click(page, "link", "My progress", exact=True)
    assert "Community and self-paced learning" in main_text(page)
    assert "1 of" in page.get_by_role("table").first.inner_text()  # the section read before the reload

    # Another browser (a new context has no cookies) is someone else.
    other = page.context.browser.new_context().new_page()
    other.goto(course_server.url)
    wait_ready(other)
    assert TRACK_FORM in main_text(other)
    other.context.close()


def test_forget_me_and_deleting_records_end_it(page, course_server, real_course):
    start(page, course_server, "Community and self-paced learning")
    page.get_by_text("Save your place: your private resume link").click()
    wait_ready(page)  # under load a click that lands while the page is still settling can be lost
    forget = page.get_by_role("button", name="Forget me on this browser")
    forget.wait_for()
    link = page.locator("[data-testid=stCode]").inner_text().strip()
    forget.click()
    page.get_by_text(TRACK_FORM).wait_for()
    wait_ready(page)
    assert "This browser no longer holds your progress" in main_text(page)
    reload(page)
    assert TRACK_FORM in main_text(page)  # the cookie is gone, not just this tab's session

    page.goto(link)  # the resume link still opens the learner, and the browser holds them again
    wait_ready(page)
    assert "Welcome back" in main_text(page)
    reload(page)
    assert "Your course: Community and self-paced learning" in main_text(page)

    click(page, "link", "My progress", exact=True)
    page.get_by_text("Delete my records").first.click()  # the expander, then its button
    page.get_by_text("I understand: delete all my records").click()
    wait_ready(page)  # the tick's run ends before the button is pressed, as a learner's would
    click(page, "button", "Delete my records")
    assert TRACK_FORM in main_text(page)  # deleted: this tab starts afresh, before any reload
    reload(page)
    assert TRACK_FORM in main_text(page)


def test_a_wrong_or_cut_off_resume_link_keeps_the_learner_this_browser_holds(page, course_server):
    # The link skipped the browser's cookie and then cleared it: a learner who followed a
    # mistyped link lost their way back to their progress unless they had saved their link.
    start(page, course_server, "Community and self-paced learning")
    page.goto(f"{course_server.url}/?resume=cut-off-link-that-is-not-valid")
    wait_ready(page)
    text = main_text(page)
    assert "That resume link is not valid." in text and "carrying on with the progress" in text
    assert "Your course: Community and self-paced learning" in text and TRACK_FORM not in text
    reload(page)
    assert "Your course: Community and self-paced learning" in main_text(page)


def test_quiz_answers_chosen_before_a_reload_are_filled_back_in(page, course_server, real_course):
    # A quiz was a form: nothing reached the server until Submit, so a reload, a phone dropping
    # the tab or a visit to another page lost every answer chosen.
    first_quiz_on_the_public_track(page, course_server, real_course)
    quiz = real_course.quizzes[real_course.modules[0].quiz]
    radios = [q for _, q in quiz.items("public") if q.type in ("single", "true_false")][:2]
    groups = page.locator("[data-testid=stMain] [data-testid=stRadio]")
    picked = []
    for i, q in enumerate(radios):
        text = next(o.text for o in q.options if o.id == q.answer) if q.type == "single" else str(q.answer)
        groups.nth(i).get_by_text(text, exact=True).click()
        wait_ready(page)
        picked.append(text)

    reload(page)
    assert f"Your answers from before are back: 2 of {len(quiz.items('public'))} questions" in main_text(page)
    for i, text in enumerate(picked):
        chosen = groups.nth(i).locator("input[type=radio]:checked")
        assert chosen.count() == 1
        assert groups.nth(i).locator("label", has=page.locator("input:checked")).inner_text().strip() == text


def test_a_reload_after_going_back_from_a_scenario_ending_shows_the_step_gone_back_to(page, course_server, real_course):
    # Used to show the ending again: "Go back" was kept only in the session a reload ends.
    scenario = real_course.scenarios["friend-starting-treatment"]
    start(page, course_server, "Community and self-paced learning")
    page.goto(f"{course_server.url}/{scenario.module}?step=scenario:{scenario.id}")
    wait_ready(page)
    step, n = scenario.step(scenario.start), 1
    while True:
        choice = step.choices[0]
        click(page, "button", choice.text)
        click(page, "button", "Continue")
        if scenario.ending(choice.next) is not None:
            break
        step, n = scenario.step(choice.next), n + 1
    assert page.locator("h3").first.inner_text() == f"Ending: {scenario.ending(choice.next).title}"
    click(page, "button", "Go back and try the other choice")
    assert page.locator("h3").first.inner_text() == f"Step {n}: what is happening"

    reload(page)
    assert page.locator("h3").first.inner_text() == f"Step {n}: what is happening"
    assert page.get_by_role("button", name=step.choices[-1].text).count() == 1
