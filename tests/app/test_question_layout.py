"""One layout for every question type on every page that asks questions (issue 22): the
number and prompt, then what kind of answer is wanted, said once, then the choices. For a
one-answer question those lines are the radio group's label (its accessible name); for a
question answered with several widgets they are the legend naming its group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from course.questions import TYPES
from course.ui.question_widgets import question_legend
from course.ui.state import NOW_KEY
from tests.app.test_walkthrough import APP, answer, button, choose_track, go, open_quiz, texts


def assert_one_layout(at: AppTest, prefix: str, numbered: list) -> set[str]:
    """Every question `numbered` ((n, question) pairs) is drawn as the same two lines over its
    choices; returns the types seen."""
    labels = {r.key: r.label for r in at.radio}
    markdown = [m.value for m in at.markdown]
    for n, q in numbered:
        key = f"{prefix}-{q.id}"
        legend = question_legend(n, q)
        number_and_prompt, instruction = legend.split("\n\n")
        assert number_and_prompt.startswith(f"Question {n}. ") and "*" not in legend, legend
        assert legend.count(instruction) == 1, f"the instruction is said once: {legend!r}"
        assert instruction == q.instruction
        kind = q.widget().kind
        if kind == "choose_one":
            assert labels[key] == legend, "the radio group is named by the question and its instruction"
            assert legend not in markdown, "and not said a second time beside it"
        else:
            assert markdown.count(legend) == 1, f"question {n} has one legend"
            widgets = at.checkbox if kind == "tick_each" else at.selectbox
            assert {w.key for w in widgets if w.key.startswith(key + "-")} == {f"{key}-{o.id}" for o in q.options}
    return {q.type for _, q in numbered}


def test_the_quiz_draws_every_type_of_question_in_one_layout_and_gives_the_instructions_once(real_course):
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Community and self-paced learning")
    at = open_quiz(button(at, "Start: ").click().run())
    module = real_course.track("public").modules[0]
    quiz = real_course.quizzes[real_course.module(module).quiz]
    numbered = list(enumerate((q for _, q in quiz.items("public")), start=1))
    assert assert_one_layout(at, f"q-{quiz.id}-public-1", numbered) == set(TYPES)
    assert texts(at).count("Answer every question") == 1, "the page's instructions, once"


def test_the_knowledge_check_and_the_attitude_survey_draw_their_questions_in_the_same_layout(real_course):
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Community and self-paced learning")
    at = button(at, "Take the start check").click().run()
    pre = real_course.quizzes[real_course.settings.pre_test]
    numbered = list(enumerate((q for _, q in pre.items("public")), start=1))
    assert len(assert_one_layout(at, f"q-{pre.id}-1", numbered)) >= 2
    survey = real_course.surveys[real_course.settings.attitude_survey]
    for n, item in enumerate(survey.items, start=1):
        label = at.radio(key=f"survey-{survey.id}-start-{item.id}").label
        assert label == f"Statement {n}. {item.text}\n\nChoose one, from 1 (Strongly disagree) to 5 (Strongly agree)."


def test_the_refreshers_draw_their_questions_in_the_same_layout(real_course, isolated_store):
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Clinic staff onboarding")
    first = real_course.track("staff").modules[0]
    at = answer(open_quiz(button(at, "Start: ").click().run()), real_course, first, "staff")
    at.session_state[NOW_KEY] = datetime.now(UTC) + timedelta(days=200)
    at = go(at.run(), "refresh")
    attempt, qids = at.session_state["refresher-set"]
    quiz = real_course.quizzes[real_course.module(first).quiz]
    by_id = {q.id: q for _, q in quiz.items("staff")}
    numbered = [(n, by_id[qid]) for n, qid in enumerate(qids, start=1)]
    assert assert_one_layout(at, f"q-{quiz.id}-refresh-{attempt}", numbered)
