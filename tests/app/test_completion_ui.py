"""The staff track's completion rule in the app: a quiz opened by its address before the
module's sections are read says what is left (with links) instead of opening, and a learner
whose records show every quiz passed but sections unread is offered no certificate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from course.events import EXPERIENCED, PASSED, Event, quiz_activity
from course.records import open_store
from tests.app.test_walkthrough import APP, button, choose_track, go, open_quiz, texts
from tests.completing import rule_done


@pytest.fixture
def home() -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def test_a_staff_quiz_opened_by_its_address_with_nothing_read_is_refused_and_says_what_is_left(home, real_course):
    first = real_course.track_modules("staff")[0]
    at = go(choose_track(home, "Clinic staff onboarding"), f"{first.id}-quiz")
    shown = texts(at)
    assert not any(b.label == "Submit answers" for b in at.button)
    assert f"0 of {len(first.sections)} sections read" in shown
    links = [b.label for b in at.button if b.key and b.key.startswith("left-")]
    assert links == [f"Read the section: {s.heading}" for s in first.sections]
    # the notice and the crisis services stand on this page as on every page
    assert "Education, not medical advice." in shown and "988 Suicide & Crisis Lifeline" in shown
    at = button(at, f"Read the section: {first.sections[1].heading}").click().run()
    assert any(h.value == first.sections[1].heading for h in at.header)


def test_once_every_section_is_read_the_staff_quiz_opens(home, real_course):
    first = real_course.track_modules("staff")[0]
    at = open_quiz(button(choose_track(home, "Clinic staff onboarding"), "Start: ").click().run())
    assert at.title[0].value == real_course.quizzes[first.quiz].title
    assert any(b.label == "Submit answers" for b in at.button)


def test_the_public_quiz_opens_by_its_address_with_nothing_read(home, real_course):
    first = real_course.track_modules("public")[0]
    at = go(choose_track(home, "Community and self-paced learning"), f"{first.id}-quiz")
    assert any(b.label == "Submit answers" for b in at.button)


def test_no_certificate_for_passed_quizzes_while_sections_are_unread(home, real_course, isolated_store):
    at = choose_track(home, "Clinic staff onboarding")
    learner = at.session_state["learner"].learner_id
    store = open_store(isolated_store)
    now = datetime.now(UTC)
    store.append_many(
        Event(learner, PASSED, quiz_activity(m.quiz), track="staff", score=9, max_score=10, timestamp=now)
        for m in real_course.track_modules("staff")
    )
    store.append_many(e for e in rule_done(real_course, learner, "staff", now) if e.verb != EXPERIENCED)
    at = button(at, "View my progress").click().run()
    assert not any(b.label == "Issue my certificate" for b in at.button)
    assert (
        "Complete every module on this track to earn a certificate your employer can verify. In each module, "
        "read every section, play each practice scenario to an ending, then pass its quiz." in texts(at)
    )
