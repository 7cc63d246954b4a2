"""Every question type looks and reads the same on the quiz page in Chromium (issue 22): the
same two lines in the same styles over its choices, named by them for a screen reader, and
no accessibility violations at 1280 and at 320 CSS pixels."""

from __future__ import annotations

import pytest

from course.questions import TYPES
from tests.browser.a11y import audit
from tests.browser.conftest import first_quiz_on_the_public_track

pytestmark = pytest.mark.browser

LAYOUT_JS = """() => [...document.querySelectorAll('[class*="st-key-qitem-"], [class*="st-key-qgroup-"]')].map(q => {
  const one = [...q.classList].some(c => c.startsWith('st-key-qitem-'));
  const legend = one ? q.querySelector('[data-testid=stWidgetLabel] [data-testid=stMarkdownContainer]')
                     : q.querySelector('[data-testid=stMarkdownContainer]');
  const lines = [...legend.querySelectorAll('p')];
  const look = p => { const s = getComputedStyle(p); return [s.fontSize, s.fontWeight, s.fontStyle].join(' '); };
  const named = one ? q.querySelector('[role=radiogroup]') : q;
  const by = named.getAttribute('aria-labelledby');
  return {one, lines: lines.map(p => p.innerText.trim()), looks: lines.map(look),
          name: by ? document.getElementById(by)?.innerText : named.getAttribute('aria-label')};
})"""


@pytest.mark.parametrize("width", [1280, 320])
def test_every_question_type_has_the_same_layout_and_no_violations(browser, course_server, real_course, width):
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    first_quiz_on_the_public_track(page, course_server, real_course)
    quiz = real_course.quizzes[real_course.modules[0].quiz]
    questions = [q for _, q in quiz.items("public")]
    assert {q.type for q in questions} == set(TYPES), "the first quiz has every type"
    page.wait_for_function(f"() => ({LAYOUT_JS})().every(q => q.name)", timeout=10000)
    drawn = page.evaluate(LAYOUT_JS)
    assert len(drawn) == len(questions)
    for n, (q, d) in enumerate(zip(questions, drawn, strict=True), start=1):
        assert d["lines"][0].startswith(f"Question {n}. ") and d["lines"][1:] == [q.instruction], d
        assert d["name"].split() == " ".join(d["lines"]).split(), "named by the lines it shows"
        assert d["one"] == (q.widget().kind == "choose_one")
    assert len({tuple(d["looks"]) for d in drawn}) == 1, "one style for every type: " + str(
        {q.type: d["looks"] for q, d in zip(questions, drawn, strict=True)}
    )
    problems = audit(page, f"quiz at {width} px")
    assert not problems, "\n".join(problems)


def test_the_start_check_and_survey_share_the_layout_and_have_no_violations(page, course_server, real_course):
    from tests.browser.a11y import click
    from tests.browser.conftest import start

    start(page, course_server, "Community and self-paced learning")
    click(page, "button", "Take the start check")
    page.wait_for_function(f"() => ({LAYOUT_JS})().every(q => q.name)", timeout=10000)
    drawn = page.evaluate(LAYOUT_JS)
    pre = real_course.quizzes[real_course.settings.pre_test]
    survey = real_course.surveys[real_course.settings.attitude_survey]
    assert len(drawn) == len(pre.items("public")) + len(survey.items)
    assert all(len(d["lines"]) == 2 and d["name"].split() == " ".join(d["lines"]).split() for d in drawn)
    assert len({tuple(d["looks"]) for d in drawn}) == 1, "questions and statements look alike"
    problems = audit(page, "start check and survey")
    assert not problems, "\n".join(problems)
