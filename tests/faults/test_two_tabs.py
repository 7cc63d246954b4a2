"""Two tabs of one learner (issue 18, defect 8): each is told what the other did, answers
chosen in one are not called missing in the other, and two submissions of one attempt are
recorded as two attempts, each numbered once.

Driven through AppTest: two sessions of the same learner (the second opened with the
learner's resume link, as a second tab that connected after the first was saved)."""

from __future__ import annotations

import pytest
import streamlit as st

from course.events import FAILED, PASSED, quiz_activity
from course.records import open_store
from tests.app.test_kept_answers import choose, start_quiz
from tests.app.test_records_ui import new_app
from tests.app.test_walkthrough import button, fill, go, status, texts


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'course.sqlite'}"
    monkeypatch.setenv("COURSE_DB_URL", url)
    monkeypatch.setenv("COURSE_CERT_SECRET", "test-secret-for-certificates-0123456789")
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def two_tabs(real_course):
    a, first, quiz = start_quiz(real_course)
    questions = [q for _, q in quiz.items("staff")]
    a = choose(a, quiz, "staff", questions[:1])  # the first answer saves the learner
    b = go(new_app(resume=a.session_state["learner"].resume_code), f"{first}-quiz")
    return a, b, quiz, questions


def results(url: str, learner_id: str, quiz) -> list[tuple[int, str]]:
    return [
        (e.attempt, e.verb)
        for e in open_store(url).events(learner_id)
        if e.activity == quiz_activity(quiz.id) and e.verb in (PASSED, FAILED)
    ]


def test_submitting_in_one_tab_includes_the_answers_chosen_in_the_other(real_course, isolated_store):
    a, b, quiz, questions = two_tabs(real_course)
    half = len(questions) // 2
    a = choose(a, quiz, "staff", questions[1:half])
    b = choose(b, quiz, "staff", questions[half:])  # the rest, in the other tab

    a = button(a, "Submit answers").click().run()
    assert not any("Still to answer" in m for m in texts(a).splitlines())
    assert status(a).startswith("Passed.")
    assert f"{len(questions) - half} answers you chose in another tab were included." in texts(a)


def test_a_tab_whose_attempt_was_submitted_in_the_other_is_told_so(real_course, isolated_store):
    a, b, quiz, questions = two_tabs(real_course)
    for q in questions[1:]:
        fill(a, f"q-{quiz.id}-staff-1-{q.id}", q)
    a = button(a, "Submit answers").click().run()
    assert status(a).startswith("Passed.")

    b.run()  # the other tab draws its page again
    assert "This quiz was submitted in another tab: attempt 1, 100%, passed. This is attempt 2" in texts(b)
    assert "attempt 2" in texts(b)


def test_both_tabs_submitting_one_attempt_record_two_attempts_each_numbered_once(real_course, isolated_store):
    a, b, quiz, questions = two_tabs(real_course)
    learner_id = a.session_state["learner"].learner_id
    for tab in (a, b):
        for q in questions:
            fill(tab, f"q-{quiz.id}-staff-1-{q.id}", q)
    a = button(a, "Submit answers").click().run()
    b = button(b, "Submit answers").click().run()  # its button still says attempt 1
    assert status(a).startswith("Passed.") and status(b).startswith("Passed.")
    assert results(isolated_store, learner_id, quiz) == [(1, PASSED), (2, PASSED)]
    told = texts(b)
    assert "This quiz was also submitted in another tab: attempt 1, 100%, passed." in told
    assert "Your answers here are recorded as attempt 2." in told


def test_a_result_kept_in_a_tab_through_an_outage_is_numbered_after_the_other_tabs(
    real_course, isolated_store, monkeypatch
):
    from tests.app.test_outage_identity import Outage

    outage = Outage(monkeypatch)
    a, b, quiz, questions = two_tabs(real_course)
    learner_id = a.session_state["learner"].learner_id
    for tab in (a, b):
        for q in questions:
            fill(tab, f"q-{quiz.id}-staff-1-{q.id}", q)
    outage.start()
    a = button(a, "Submit answers").click().run()  # waits in tab A
    assert not a.exception and status(a).startswith("Passed.")
    outage.end()
    b = button(b, "Submit answers").click().run()  # tab B's attempt 1 reaches the store first
    a.run()  # tab A's next run writes what waited
    assert not a.exception
    assert not a.session_state["learner"].writer.pending
    # Tab A's answers are older, so its result comes first in time, numbered after B's.
    assert sorted(results(isolated_store, learner_id, quiz)) == [(1, PASSED), (2, PASSED)]
