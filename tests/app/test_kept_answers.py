"""Quiz answers are kept as they are chosen: leaving the page, reloading or another device
loses none of them (a form sent nothing until Submit, so they used to be lost)."""

from __future__ import annotations

import streamlit as st

from course.events import quiz_activity
from course.records import open_store
from course.ui import kept
from course.ui.kept import NOT_SAVED
from course.ui.pages.quiz import QUIZ_INSTRUCTIONS, restored_message
from tests.app.test_records_ui import new_app
from tests.app.test_walkthrough import answer, button, choose_track, fill, go, open_quiz, status, texts


def start_quiz(real_course, track: str = "staff", title: str = "Clinic staff onboarding"):
    at = choose_track(new_app(), title)
    first = real_course.track(track).modules[0]
    at = open_quiz(button(at, "Start: ").click().run())
    quiz = real_course.quizzes[real_course.module(first).quiz]
    return at, first, quiz


def choose(at, quiz, track: str, questions, attempt: int = 1):
    """Answer questions one by one, as a learner clicking does: each choice is its own run."""
    for q in questions:
        fill(at, f"q-{quiz.id}-{track}-{attempt}-{q.id}", q)
        at.run()
    return at


def values(at, quiz, track: str, q, attempt: int = 1):
    key = f"q-{quiz.id}-{track}-{attempt}-{q.id}"
    if q.type in ("single", "true_false"):
        return at.radio(key=key).value
    if q.type == "multiple":
        return sorted(o.id for o in q.options if at.checkbox(key=f"{key}-{o.id}").value)
    return [
        next(o.id for o in q.options if at.selectbox(key=f"{key}-{o.id}").value == p)
        for p in range(1, len(q.options) + 1)
    ]


def right(q):
    return sorted(q.answer) if q.type == "multiple" else q.answer


def test_answers_chosen_come_back_after_leaving_the_quiz_and_returning(real_course, isolated_store):
    at, first, quiz = start_quiz(real_course)
    assert status(at) == QUIZ_INSTRUCTIONS
    questions = [q for _, q in quiz.items("staff")]
    # One of each kind the quiz has, so every widget's answer is kept and filled back in.
    picked = list({q.type: q for q in questions}.values())
    at = choose(at, quiz, "staff", picked)

    at = go(at, first)  # the module page: the quiz's widgets are gone from the session
    assert at.title[0].value == real_course.module(first).title
    at = go(at, f"{first}-quiz")
    assert status(at) == restored_message(len(picked), len(questions))
    for q in picked:
        assert values(at, quiz, "staff", q) == right(q), q.id
    untouched = next(q for q in questions if q not in picked and q.type in ("single", "true_false"))
    assert values(at, quiz, "staff", untouched) is None


def test_answers_come_back_on_another_device_and_submitting_there_passes(real_course, isolated_store):
    at, first, quiz = start_quiz(real_course)
    questions = [q for _, q in quiz.items("staff")]
    at = choose(at, quiz, "staff", questions[:3])
    code = at.session_state["learner"].resume_code

    other = go(new_app(resume=code), f"{first}-quiz")  # a new session, as a phone opening the link
    assert status(other) == restored_message(3, len(questions))
    assert [values(other, quiz, "staff", q) for q in questions[:3]] == [right(q) for q in questions[:3]]
    for q in questions[3:]:
        fill(other, f"q-{quiz.id}-staff-1-{q.id}", q)
    other = button(other, "Submit answers").click().run()
    assert status(other).startswith("Passed.")


def test_submitting_forgets_the_kept_answers_and_the_next_attempt_starts_empty(real_course, isolated_store):
    at, first, quiz = start_quiz(real_course)
    questions = [q for _, q in quiz.items("staff")]
    at = choose(at, quiz, "staff", questions[:2])
    learner = at.session_state["learner"].learner_id
    db = open_store(isolated_store)
    assert set(db.drafts(learner, quiz_activity(quiz.id), "staff", 1)) == {q.id for q in questions[:2]}

    at = answer(at, real_course, first, "staff")
    assert status(at).startswith("Passed.")
    assert db.drafts(learner, quiz_activity(quiz.id), "staff", 1) == {}

    retry = button(at, "Try again").click().run()
    assert "attempt 2" in texts(retry) and status(retry) == QUIZ_INSTRUCTIONS
    assert all(values(retry, quiz, "staff", q, attempt=2) is None for q in questions if q.type == "single")
    # Leaving and coming back to attempt 2 fills in attempt 2's answers, not attempt 1's.
    retry = choose(retry, quiz, "staff", questions[:1], attempt=2)
    back = go(go(retry, first), f"{first}-quiz")
    assert status(back) == restored_message(1, len(questions))


def test_an_answer_that_no_longer_fits_its_question_is_left_for_the_learner(real_course, isolated_store):
    # The course was edited after the answer was kept: an option gone, a position out of range.
    at, first, quiz = start_quiz(real_course)
    questions = [q for _, q in quiz.items("staff")]
    single = next(q for q in questions if q.type == "single")
    flag = next(q for q in questions if q.type == "true_false")
    learner = at.session_state["learner"].learner_id
    db = open_store(isolated_store)
    db.save_draft(learner, quiz_activity(quiz.id), "staff", 1, single.id, "an-option-since-removed")
    db.save_draft(learner, quiz_activity(quiz.id), "staff", 1, flag.id, "yes")
    db.save_draft(learner, quiz_activity(quiz.id), "staff", 1, "a-question-since-removed", "a")

    at = go(go(at, first), f"{first}-quiz")
    assert not at.exception
    assert status(at) == QUIZ_INSTRUCTIONS, "nothing fitted, so nothing is said to be filled in"
    assert values(at, quiz, "staff", single) is None and values(at, quiz, "staff", flag) is None


def test_an_answer_that_cannot_be_saved_says_so_and_is_saved_when_the_database_is_back(
    real_course, isolated_store, monkeypatch
):
    at, first, quiz = start_quiz(real_course)
    questions = [q for _, q in quiz.items("staff")]
    learner = at.session_state["learner"].learner_id
    monkeypatch.setenv("COURSE_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    st.cache_resource.clear()
    at = choose(at, quiz, "staff", questions[:1])
    assert NOT_SAVED in [w.value for w in at.warning]
    assert values(at, quiz, "staff", questions[0]) == right(questions[0])
    # Leaving the page during the outage: the answer waits in the session and comes back.
    at = go(go(at, first), f"{first}-quiz")
    assert values(at, quiz, "staff", questions[0]) == right(questions[0])

    monkeypatch.setenv("COURSE_DB_URL", isolated_store)  # the database is back
    st.cache_resource.clear()
    at = choose(at, quiz, "staff", questions[1:2])  # the next answer writes both
    assert NOT_SAVED not in [w.value for w in at.warning]
    kept = open_store(isolated_store).drafts(learner, quiz_activity(quiz.id), "staff", 1)
    assert set(kept) == {q.id for q in questions[:2]}


def test_check_in_answers_come_back_after_leaving_and_are_forgotten_once_submitted(real_course, isolated_store):
    at = choose_track(new_app(), "Community and self-paced learning")
    at = button(at, "Take the start check").click().run()
    pre = real_course.quizzes[real_course.settings.pre_test]
    items = [q for _, q in pre.items("public")]
    survey = real_course.surveys[real_course.settings.attitude_survey]
    statement = f"survey-{survey.id}-start-{survey.items[0].id}"
    fill(at, f"q-{pre.id}-1-{items[0].id}", items[0])
    at.run()
    at.radio(key=statement).set_value(2)
    at.run()

    at = go(go(at, "progress"), "start-check")
    assert restored_message(1, len(items), "Submit knowledge check") in texts(at)
    assert restored_message(1, len(survey.items), "Submit survey", "statements") in texts(at)
    first = items[0]
    if first.type in ("single", "true_false"):
        assert at.radio(key=f"q-{pre.id}-1-{first.id}").value == first.answer
    assert at.radio(key=statement).value == 2

    for q in items:
        fill(at, f"q-{pre.id}-1-{q.id}", q)
    at = button(at, "Submit knowledge check").click().run()
    learner = at.session_state["learner"].learner_id
    db = open_store(isolated_store)
    assert db.drafts(learner, f"test/{pre.id}", "public", 1) == {}
    assert db.drafts(learner, f"survey/{survey.id}/start", "public", 1) == {survey.items[0].id: 2}


def test_the_browser_copy_of_unsaved_answers_is_kept_by_a_script_file_from_this_server(isolated_store):
    """Issue 18: the component that hands the browser's copy over was given its script inline,
    which Streamlit loads from a blob: URL that the course's Content-Security-Policy refuses, so
    the copy was never read back. Its script is a file now, which Streamlit serves from this
    server (the policy's 'self')."""
    at = new_app()  # a new session: the component asks the browser for its copy
    (component,) = at.get("bidi_component")
    assert component.proto.component_name == kept.COMPONENT
    assert component.proto.js_content == ""
    assert component.proto.js_source_path == kept.COMPONENT_JS
    assert (kept.ASSETS / kept.COMPONENT_JS).is_file()
