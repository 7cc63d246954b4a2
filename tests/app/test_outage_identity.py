"""A learner whose record cannot be read during an outage keeps their identity (issue 18,
defects 1 and 5): a reload shows an outage notice instead of the track form, the browser's
note of the learner is left alone, and after recovery the same learner carries on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import streamlit as st

from course.events import FAILED, Event, quiz_activity
from course.records import Store, StoreUnavailable, open_store
from course.ui import identity, kept
from course.ui.pages.quiz import restored_message
from tests.app.test_records_ui import new_app, pass_first_quiz
from tests.app.test_walkthrough import choose_track, go, status, texts
from tests.completing import rule_done

DOWN = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"
CHOOSE_FIRST = "Choose how you want to take the course first"


@pytest.fixture
def cookies(monkeypatch):
    """The browser's cookies as a reloaded tab sends them, and every cookie the app sets."""
    jar: dict[str, str] = {}
    set_calls: list[tuple[str, str | None]] = []
    monkeypatch.setattr(identity, "browser_cookie", lambda name: jar.get(name))

    def record(name: str, value: str | None) -> None:
        set_calls.append((name, value))
        if value is None:
            jar.pop(name, None)
        else:
            jar[name] = value

    monkeypatch.setattr(identity, "set_browser_cookie", record)
    return jar, set_calls


class Outage:
    """The database stops answering after start-up: every store method raises
    StoreUnavailable, through the store objects already open (as the server's cached store and
    each session's writer hold them), until `end()`."""

    def __init__(self, monkeypatch):
        self.down = False
        for name in ("_read", "_write"):
            real = getattr(Store, name)

            def failing(store, *args, _real=real, **kwargs):
                if self.down:
                    raise StoreUnavailable("the learning records database cannot be reached: test outage")
                return _real(store, *args, **kwargs)

            monkeypatch.setattr(Store, name, failing)

    def start(self) -> None:
        self.down = True

    def end(self) -> None:
        self.down = False


@pytest.fixture
def outage(monkeypatch) -> Outage:
    return Outage(monkeypatch)


def test_a_reload_during_an_outage_keeps_the_learner_and_the_browsers_cookie(real_course, outage, cookies):
    jar, set_calls = cookies
    _, learner_id, code = pass_first_quiz(real_course)
    assert jar == {identity.COOKIE: code}
    set_calls.clear()

    outage.start()
    at = new_app()  # the reload: a new session, carrying the cookie
    assert not at.exception
    shown = texts(at)
    assert "We can't read your course record right now" in shown and "Nothing is lost." in shown
    assert not [h.value for h in at.header if h.value == "Choose how you want to take the course"]
    assert not [b for b in at.button if b.label == "Start the course"], "no form that would make a new learner"
    at = go(at, "progress")
    assert identity.UNREAD in texts(at) and CHOOSE_FIRST not in texts(at)
    at.run()
    assert set_calls == [], "the browser's note of the learner is not moved or cleared during the outage"

    outage.end()
    at = go(at, "")  # Home (the default page has no path of its own)
    assert at.session_state["learner"].learner_id == learner_id
    assert f"1 of {len(real_course.track('staff').modules)} modules passed" in at.get("progress")[0].proto.text
    assert identity.UNREAD not in texts(at)
    assert all(value == code for _, value in set_calls), set_calls


def test_a_resume_link_opened_during_an_outage_is_checked_once_the_database_is_back(
    real_course, isolated_store, monkeypatch, cookies
):
    jar, _ = cookies
    _, learner_id, code = pass_first_quiz(real_course)
    jar.clear()  # another device: no cookie, only the link
    # The server restarted during the outage: it has never reached the database.
    monkeypatch.setenv("COURSE_DB_URL", DOWN)
    st.cache_resource.clear()
    at = new_app(resume=code)
    assert identity.UNREAD in texts(at)
    assert not [b for b in at.button if b.label == "Start the course"]
    monkeypatch.setenv("COURSE_DB_URL", isolated_store)
    at.run()
    assert at.session_state["learner"].learner_id == learner_id
    assert jar == {identity.COOKIE: code}


def test_quiz_and_my_progress_show_the_result_during_an_outage_not_choose_a_track(real_course, outage, cookies):
    at, _, _ = pass_first_quiz(real_course)
    first = real_course.track("staff").modules[0]
    outage.start()
    at = go(at, "progress")
    assert not at.exception
    assert CHOOSE_FIRST not in texts(at)
    assert f"1 of {len(real_course.track('staff').modules)} modules passed" in at.get("progress")[0].proto.text
    assert "can't reach the course database" in texts(at)
    at = go(at, f"{first}-quiz")
    assert CHOOSE_FIRST not in texts(at)
    assert any(a.value.startswith("Passed.") for a in at.success), "the result on screen stays"


def test_answers_the_browser_hands_back_are_kept_only_for_their_own_learner_and_an_open_attempt(
    real_course, isolated_store
):
    # The browser's copy of unsaved answers can hold a shared computer's previous learner's,
    # or answers for an attempt submitted since (in another tab): neither may be adopted.
    at = choose_track(new_app(), "Clinic staff onboarding")
    first = real_course.track("staff").modules[0]
    quiz = real_course.quizzes[real_course.module(first).quiz]
    questions = [q for _, q in quiz.items("staff") if q.type == "single"][:3]
    learner = at.session_state["learner"].learner_id
    db = open_store(isolated_store)
    # the module's sections read first, as the staff track's completion rule asks before its quiz
    db.append_many(e for e in rule_done(real_course, learner, "staff", datetime.now(UTC)) if f"/{first}/" in e.activity)
    db.append(Event(learner_id=learner, verb=FAILED, activity=quiz_activity(quiz.id), track="staff", attempt=1))

    def entry(q, attempt: int, who: str = learner) -> tuple[str, dict]:
        key = f"{kept.UNSAVED}q-{quiz.id}-staff-{attempt}-{q.id}"
        return key, dict(
            learner=who, activity=quiz_activity(quiz.id), track="staff", attempt=attempt, item=q.id, answer=q.answer
        )

    at.session_state[kept.HELD] = dict(
        [entry(questions[0], 2), entry(questions[1], 1), entry(questions[2], 2, who="someone-else")]
    )
    at = go(at, f"{first}-quiz")
    assert "attempt 2" in texts(at)
    assert status(at) == restored_message(1, len(quiz.items("staff")))
    assert at.radio(key=f"q-{quiz.id}-staff-2-{questions[0].id}").value == questions[0].answer
    assert db.drafts(learner, quiz_activity(quiz.id), "staff", 2) == {questions[0].id: questions[0].answer}
    assert db.drafts("someone-else", quiz_activity(quiz.id), "staff", 2) == {}


def test_a_new_visitor_during_an_outage_is_told_at_the_top_of_home(real_course, outage, cookies):
    # Defect 1 found Home showing the track form with no outage notice at all.
    new_app()  # the server has opened its store
    outage.start()
    at = new_app()
    assert not at.exception
    assert at.warning[0].value.startswith("We can't reach the course database right now.")
    assert at.header[0].value == "Choose how you want to take the course"  # nobody to wait for: a new learner


def test_display_settings_chosen_while_the_record_cannot_be_read_are_saved_to_it(
    real_course, isolated_store, outage, cookies
):
    _, learner_id, _ = pass_first_quiz(real_course)
    outage.start()
    at = go(new_app(), "settings")  # a reload during the outage, then Display settings
    next(t for t in at.toggle if t.label.startswith("High contrast")).set_value(True)
    at = at.button[[b.label for b in at.button].index("Save settings")].click().run()
    outage.end()
    at = go(at, "")
    assert at.session_state["learner"].learner_id == learner_id
    assert open_store(isolated_store).preferences(learner_id)["high_contrast"] is True


def test_a_reload_before_the_first_page_is_drawn_keeps_the_new_learner(
    real_course, isolated_store, monkeypatch, cookies
):
    """The run after Start the course can be slow (on a new server it waits for the warm-up's
    second phase, docs/performance.md). A learner who reloads during it used to come back as a
    new visitor: the browser was told which learner it holds only at the end of the run, which
    a reload cuts off. It is told as soon as the record is made."""
    from course.ui import router

    jar, _ = cookies
    at = new_app()
    real_after_navigation = router.after_navigation
    cut = {"next": True}

    def reloaded_before_drawing(url_path: str) -> None:
        if cut.pop("next", False):
            st.stop()  # the run ends here, as when the tab leaves: nothing after this is sent
        real_after_navigation(url_path)

    monkeypatch.setattr(router, "after_navigation", reloaded_before_drawing)
    at = choose_track(at, "Community and self-paced learning")
    assert not at.header or at.header[0].value != "Your course: Community and self-paced learning"  # not drawn
    learner = at.session_state["learner"]
    assert jar.get(identity.COOKIE) == learner.resume_code

    again = new_app()  # the reload: a new session, with the cookie the browser holds
    assert again.session_state["learner"].learner_id == learner.learner_id
    assert again.header[0].value == "Your course: Community and self-paced learning"
