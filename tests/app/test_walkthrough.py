"""AppTest walks the course as a learner does: Home -> track -> module -> quiz -> My progress."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from course import loader
from course.events import quiz_activity
from course.schema import Course
from course.ui.pages.quiz import QUIZ_INSTRUCTIONS

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture
def app() -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def texts(at: AppTest) -> str:
    parts = [
        e.value for kind in ("markdown", "caption", "success", "error", "warning", "info") for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


STATUS_STARTS = ("Answer every question", "Your answers from before", "Passed.", "Not passed yet.")


def status(at: AppTest) -> str:
    """The quiz page's status message (a role=status alert that a screen reader announces)."""
    alerts = [a.value for kind in ("info", "success", "error") for a in getattr(at, kind)]
    found = [a for a in alerts if a.startswith(STATUS_STARTS)]
    assert found, f"no quiz status among {alerts}"
    return found[0]


def button(at: AppTest, label_start: str):
    found = [b for b in at.button if b.label.startswith(label_start)]
    assert found, f"no button starting {label_start!r}; have {[b.label for b in at.button]}"
    return found[0]


def choose_track(at: AppTest, title: str) -> AppTest:
    at.radio[0].set_value(title)
    return button(at, "Start the course").click().run()


def answer(at: AppTest, course: Course, module_id: str, track: str, wrong: dict[str, str] | None = None) -> AppTest:
    """Fill in the quiz form: every answer right except those in `wrong`."""
    quiz = course.quizzes[course.module(module_id).quiz]
    wrong = wrong or {}
    prefix = f"q-{quiz.id}-{track}-{at.session_state[f'attempt-{quiz.id}-{track}']}"
    for _, q in quiz.items(track):
        fill(at, f"{prefix}-{q.id}", q, wrong.get(q.id))
    return button(at, "Submit answers").click().run()


def fill(at: AppTest, key: str, q, choice=None) -> None:
    """Answer one question's widgets: its key, or `choice` for a single/true-false question."""
    if q.type in ("single", "true_false"):
        at.radio(key=key).set_value(q.answer if choice is None else choice)
    elif q.type == "multiple":
        for o in q.options:
            at.checkbox(key=f"{key}-{o.id}").set_value(o.id in q.answer)
    else:
        for pos, oid in enumerate(q.answer, start=1):
            at.selectbox(key=f"{key}-{oid}").set_value(pos)


def submit_refresher(at: AppTest, course, module_id: str, track: str) -> AppTest:
    """On the Refresh page: answer every question of the set drawn (from `module_id`'s quiz,
    `track`'s items) correctly, and submit."""
    attempt, qids = at.session_state["refresher-set"]
    quiz = course.quizzes[course.module(module_id).quiz]
    by_id = {q.id: q for _, q in quiz.items(track)}
    for qid in qids:
        fill(at, f"q-{quiz.id}-refresh-{attempt}-{qid}", by_id[qid])
    return button(at, "Submit answers").click().run()


def test_new_learner_first_chooses_a_track(app):
    assert app.title[0].value == "Ketamine therapy in mental health care"
    assert app.header[0].value == "Choose how you want to take the course"
    assert "Education, not medical advice" in texts(app)


def menu(at: AppTest) -> list[str]:
    """The sidebar menu's module entries as this run drew them: the titles of the visible
    module pages Streamlit registered (`st.navigation`), in order."""
    from course.ui import nav

    built = at.session_state[nav.PAGES_KEY]
    visible = {p.url_path for key, p in built.items() if key.startswith("module:") and p.visibility == "visible"}
    return [info["page_name"] for info in at._registered_pages.values() if info.get("url_pathname") in visible]


@pytest.mark.parametrize("track_id", ["public", "staff"])
def test_the_menu_lists_the_chosen_tracks_modules_on_the_first_page_after_start(app, real_course, track_id):
    # Used to keep the menu from before the choice (every module, in course order) until the
    # next click: a public learner saw the staff-only Onboarding module listed, and numbers
    # that were not the track's.
    track = real_course.track(track_id)
    at = choose_track(app, track.title)
    assert at.header[0].value == f"Your course: {track.title}"
    assert menu(at) == [f"{n}. {real_course.module(mid).title}" for n, mid in enumerate(track.modules, start=1)]
    if track_id == "public":
        assert not any("Onboarding" in entry for entry in menu(at))
    # The focus still goes to "Your course: ...", which replaced the form and its button.
    from tests.app.test_check_ins import focus_targets

    assert focus_targets(at) == ["h2"]


def test_starting_without_choosing_a_track_says_what_to_do(app):
    button(app, "Start the course").click().run()
    assert "Choose one of the tracks above" in texts(app)


def test_full_walk_through_the_staff_track(app, real_course):
    course = real_course
    first, second = course.track("staff").modules[:2]
    at = choose_track(app, "Clinic staff onboarding")
    assert at.header[0].value == "Your course: Clinic staff onboarding"
    # The second module is locked and says what opens it.
    assert f"This module opens when you pass the quiz for “{course.module(first).title}”." in texts(at)

    at = button(at, "Start: ").click().run()
    assert at.title[0].value == course.module(first).title
    assert at.header[0].value == "Overview"
    for section in course.module(first).sections:
        at = at.button(key="next").click().run()
        assert at.header[0].value == section.heading
    at = at.button(key="next").click().run()
    assert at.header[0].value == "Summary"
    at = at.button(key="to-quiz").click().run()
    quiz = course.quizzes[course.module(first).quiz]
    assert at.title[0].value == quiz.title
    assert status(at) == QUIZ_INSTRUCTIONS  # the live region is there first

    # One wrong answer: that option's own feedback is shown, and the quiz still passes.
    q1 = quiz.items("staff")[0][1]
    wrong_option = next(o for o in q1.options if o.id != q1.answer)
    at = answer(at, course, first, "staff", wrong={q1.id: wrong_option.id})
    page = texts(at)
    assert f"You chose “{wrong_option.text}”: {wrong_option.feedback}" in page
    assert "Incorrect" in page and q1.explanation in page
    citation = next(r.citation for r in course.module(first).references if r.id == q1.reference)
    assert f"**Source:** {citation}" in page
    assert status(at).startswith("Passed.")

    # Passing offers the next module and unlocks it on the course map.
    assert any(b.label == f"Next module: {course.module(second).title}" for b in at.button)
    at = button(at, "Course map").click().run()
    assert at.button(key=f"open-{second}").label == "Start module 2"
    assert f"pass the quiz for “{course.module(first).title}”" not in texts(at)

    # My progress shows the pass and the score.
    at = button(at, "View my progress").click().run()
    assert at.title[0].value == "My progress"
    table = at.table[0].value
    # Cells are shown as written: "1. History: …" was drawn as a numbered list inside its cell.
    from course.ui.common import escape_markdown

    assert table["Module"].iloc[0] == escape_markdown(f"1. {course.module(first).title}")
    assert escape_markdown("1. History") == r"1\. History"
    row = table.iloc[0]
    total = len(quiz.items("staff"))
    assert row["Status"] == "Passed"
    assert row["Best score"] == f"{100 * (total - 1) / total:.0f}%"
    staff_modules = len(course.track("staff").modules)
    assert at.get("progress")[0].proto.text.startswith(f"1 of {staff_modules} modules passed")
    # Seconds of reading round to no time at all: no chart saying "About 0 minutes in all".
    assert "minutes in all" not in texts(at) and "(0 min)" not in texts(at)


def test_next_module_button_opens_the_unlocked_module(app, real_course):
    first, second = real_course.track("staff").modules[:2]
    at = choose_track(app, "Clinic staff onboarding")
    at = button(at, "Start: ").click().run()
    at = at.button(key="next").click().run()  # read one section, then jump to the quiz
    at = open_quiz(at)
    at = answer(at, real_course, first, "staff")
    at = button(at, "Next module: ").click().run()
    assert at.title[0].value == real_course.module(second).title
    assert not at.warning, [w.value for w in at.warning]


def open_quiz(at: AppTest) -> AppTest:
    while not any(b.key == "to-quiz" for b in at.button):
        at = at.button(key="next").click().run()
    return at.button(key="to-quiz").click().run()


def test_failing_shows_retry_and_keeps_the_next_module_locked(app, real_course):
    course = real_course
    first = course.track("staff").modules[0]
    at = choose_track(app, "Clinic staff onboarding")
    at = open_quiz(button(at, "Start: ").click().run())
    quiz = course.quizzes[course.module(first).quiz]
    wrong = {}
    for _, q in quiz.items("staff")[:5]:
        if q.type == "single":
            wrong[q.id] = next(o.id for o in q.options if o.id != q.answer)
        elif q.type == "true_false":
            wrong[q.id] = not q.answer
    at = answer(at, course, first, "staff", wrong=wrong)
    assert status(at).startswith("Not passed yet.")
    assert not any(b.label.startswith("Next module") for b in at.button)
    retry = button(at, "Try again").click().run()
    assert any(b.label == "Submit answers" for b in retry.button)
    assert "attempt 2" in texts(retry)
    assert not retry.error  # a fresh attempt starts clean


def test_a_failed_quiz_keeps_the_next_module_locked(app, real_course):
    first, second = real_course.track("staff").modules[:2]
    at = open_quiz(button(choose_track(app, "Clinic staff onboarding"), "Start: ").click().run())
    quiz = real_course.quizzes[real_course.module(first).quiz]
    wrong = {q.id: not q.answer for _, q in quiz.items("staff") if q.type == "true_false"}
    wrong |= {
        q.id: next(o.id for o in q.options if o.id != q.answer) for _, q in quiz.items("staff") if q.type == "single"
    }
    at = answer(at, real_course, first, "staff", wrong=wrong)
    at = button(at, "Course map").click().run()
    assert f"This module opens when you pass the quiz for “{real_course.module(first).title}”." in texts(at)
    assert not any(b.key == f"open-{second}" for b in at.button)


def test_submitting_with_unanswered_questions_keeps_answers_and_lists_them(app, real_course):
    at = choose_track(app, "Community and self-paced learning")
    first = real_course.track("public").modules[0]
    at = open_quiz(button(at, "Start: ").click().run())
    quiz = real_course.quizzes[real_course.module(first).quiz]
    q1 = quiz.items("public")[0][1]
    key = f"q-{quiz.id}-public-1-{q1.id}"
    at.radio(key=key).set_value(q1.answer if q1.type != "multiple" else None)
    at = button(at, "Submit answers").click().run()
    assert at.error[0].value.startswith("Answer every question before you submit. Still to answer: questions 2,")
    assert status(at).startswith("Answer every question before you submit.")
    assert at.radio(key=key).value == q1.answer


def test_public_track_reads_plain_language_without_a_toggle(app, real_course):
    at = choose_track(app, "Community and self-paced learning")
    first = real_course.module(real_course.track("public").modules[0])
    at = button(at, "Start: ").click().run()
    at = at.button(key="next").click().run()
    assert not at.toggle
    body = texts(at)
    first_plain_sentence = first.sections[0].plain.split(".")[0]
    assert first_plain_sentence.split("[@")[0].strip() in body


def test_course_is_parsed_once_per_process(monkeypatch):
    st.cache_resource.clear()
    calls = []
    real = loader.load_course

    def counting(root=None):
        calls.append(root)
        return real(root)

    monkeypatch.setattr(loader, "load_course", counting)
    monkeypatch.setattr("course.ui.state.load_course", counting)
    at = AppTest.from_file(APP, default_timeout=60).run()
    choose_track(at, "Clinic staff onboarding")
    at.run()
    assert len(calls) == 1


def test_content_errors_show_a_readable_page_not_a_traceback(monkeypatch, course_copy):
    course_copy.replace("modules/01-history.yaml", "estimated_minutes: 20", "estimated_minutes: twenty")
    monkeypatch.setenv("COURSE_CONTENT_ROOT", str(course_copy.root))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "The course content has problems"
    assert "modules/01-history.yaml:6: estimated_minutes: expected a whole number, got 'twenty'" in at.text[0].value


def test_figure_charts_are_built_once_per_process(monkeypatch, real_course):
    from course import charts
    from course.ui import chart_view

    built = []
    real = charts.figure_chart
    monkeypatch.setattr(charts, "figure_chart", lambda f, scale=1.0: built.append(f.id) or real(f, scale))
    monkeypatch.setattr(chart_view, "_FIGURES", {})
    first = real_course.module(real_course.track("public").modules[0])
    figure_step = next(s for s in first.sections if s.figures)
    for _ in range(2):  # two learners open the same section
        at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Community and self-paced learning")
        at = button(at, "Start: ").click().run()
        while not any(h.value == figure_step.heading for h in at.header):
            at = at.button(key="next").click().run()
    assert built == [f.id for f in figure_step.figures]


def test_a_second_press_of_submit_on_its_way_is_not_graded_or_recorded_again(monkeypatch):
    # Two quick presses: the second reaches the server after the first was graded, while the
    # learner already sees their result. The attempt has its result, so nothing happens.
    from course.ui import state
    from course.ui.pages import quiz as quiz_page

    def must_not_be_called(*args, **kwargs):
        raise AssertionError("graded or recorded a second time")

    monkeypatch.setattr(quiz_page.st, "session_state", {"result-history-public": (1, object())})
    monkeypatch.setattr(state, "course", must_not_be_called)
    monkeypatch.setattr(state, "session", must_not_be_called)
    quiz_page._submit("history", 1, "public", 80)
    monkeypatch.setattr(quiz_page.st, "session_state", {"result-history-public": (1, object())})
    with pytest.raises(AssertionError, match="second time"):
        quiz_page._submit("history", 2, "public", 80)  # a new attempt is graded


def go(at: AppTest, url_path: str) -> AppTest:
    """Open a page by its address, as a sidebar link does. AppTest.switch_page() only knows
    file pages; the course's pages are functions, registered under their url_path."""
    at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path)
    return at.run()


def failing_answers(quiz, track: str) -> dict:
    wrong = {q.id: not q.answer for _, q in quiz.items(track) if q.type == "true_false"}
    wrong |= {
        q.id: next(o.id for o in q.options if o.id != q.answer) for _, q in quiz.items(track) if q.type == "single"
    }
    return wrong


def test_after_switching_track_the_quiz_is_a_fresh_one_for_the_new_track(app, real_course):
    # The tracks ask different questions: a staff result must not be drawn (or crash) on the public track.
    first = real_course.track("staff").modules[0]
    quiz = real_course.quizzes[real_course.module(first).quiz]
    at = open_quiz(button(choose_track(app, "Clinic staff onboarding"), "Start: ").click().run())
    at = answer(at, real_course, first, "staff", wrong=failing_answers(quiz, "staff"))
    assert status(at).startswith("Not passed yet.")
    at = go(at, "progress")
    switch = next(r for r in at.radio if r.label == "Switch to")
    switch.set_value("Community and self-paced learning")
    at = button(at, "Switch track").click().run()
    at = go(at, f"{first}-quiz")
    assert not at.exception, [e.value for e in at.exception]
    public = len(quiz.items("public"))
    assert f"{public} questions · pass mark 70%" in texts(at) and "attempt 1" in texts(at)
    assert status(at) == QUIZ_INSTRUCTIONS
    at = answer(at, real_course, first, "public")
    assert status(at).startswith(f"Passed. {public} of {public} correct")


def test_attempts_are_numbered_from_the_record_in_a_new_session(app, real_course):
    first = real_course.track("staff").modules[0]
    quiz = real_course.quizzes[real_course.module(first).quiz]
    at = open_quiz(button(choose_track(app, "Clinic staff onboarding"), "Start: ").click().run())
    at = answer(at, real_course, first, "staff", wrong=failing_answers(quiz, "staff"))
    code = at.session_state["learner"].resume_code
    assert code

    later = AppTest.from_file(APP, default_timeout=60)
    later.query_params["resume"] = code
    later = later.run()
    assert "Welcome back" in texts(later)
    later = go(later, f"{first}-quiz")
    assert "attempt 2" in texts(later)
    later = answer(later, real_course, first, "staff")
    assert status(later).startswith("Passed.")
    attempts = [e.attempt for e in later.session_state["learner"].events() if e.activity == quiz_activity(quiz.id)]
    assert attempts == [1, 2]


def test_the_unanswered_message_mentions_ordering_only_when_an_ordering_question_is_missing(app, real_course):
    first = real_course.track("public").modules[0]
    quiz = real_course.quizzes[real_course.module(first).quiz]
    at = open_quiz(button(choose_track(app, "Community and self-paced learning"), "Start: ").click().run())
    items = [q for _, q in quiz.items("public")]
    left = max(n for n, q in enumerate(items, start=1) if q.type != "ordering")
    for n, q in enumerate(items, start=1):
        if n != left:
            fill(at, f"q-{quiz.id}-public-1-{q.id}", q)
    at = button(at, "Submit answers").click().run()
    assert at.error[0].value == (
        f"Answer every question before you submit. Still to answer: question {left}. Your answers so far are kept."
    )


def test_a_link_to_a_part_that_does_not_exist_says_so_and_opens_the_overview(app, real_course):
    # A link made before a part was renamed used to open the overview without a word.
    at = choose_track(app, "Community and self-paced learning")
    first = real_course.modules[0]
    at.query_params["step"] = "*old*-part"
    at = go(at, first.id)
    said = [i.value for i in at.info if "no part called" in i.value]
    assert said == [
        "This module has no part called “\\*old\\*-part”: it may have been renamed since the link was made. "
        "Here is the module's overview; its parts follow with Next."
    ]
    assert any(h.value == "Overview" for h in at.header)
    assert at.query_params["step"] in ("overview", ["overview"])
    # A part that exists opens without the message.
    at.query_params["step"] = first.sections[0].id
    at = at.run()
    assert not [i for i in at.info if "no part called" in i.value]
    assert any(h.value == first.sections[0].heading for h in at.header)


def test_a_locked_module_and_its_quiz_still_carry_the_notice_and_the_crisis_services(app, real_course):
    """The not-medical-advice notice (with the crisis services) stands everywhere a learner looks:
    a locked module's page and its quiz's page returned before drawing it."""
    second = real_course.track("staff").modules[1]
    at = choose_track(app, "Clinic staff onboarding")
    for path in (second, f"{second}-quiz"):
        at = go(at, path)
        shown = texts(at)
        assert "This module opens when you pass the quiz for" in shown, path
        assert "Education, not medical advice." in shown, path
        assert "988 Suicide & Crisis Lifeline" in shown, path
