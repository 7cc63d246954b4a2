"""Progress is a pure projection of events: status, unlocks, resume point, per-track scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from course.events import (
    EXPERIENCED,
    FAILED,
    PASSED,
    REGISTERED,
    Event,
    MemoryEventLog,
    course_activity,
    quiz_activity,
    section_activity,
)
from course.progress import IN_PROGRESS, LOCKED, NEEDS_RETRY, NOT_STARTED, OVERVIEW, PASSED_STATUS, QUIZ, project
from course.schema import Course

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def ev(n: int, verb: str, activity: str, **kw) -> Event:
    return Event(learner_id="L", verb=verb, activity=activity, timestamp=T0 + timedelta(minutes=n), **kw)


def read_every_section(course: Course, module_id: str) -> list[Event]:
    """What the staff track's completion rule asks besides the quiz: every section opened
    (before the learner's other events, at minute 0)."""
    return [ev(0, EXPERIENCED, section_activity(module_id, s.id)) for s in course.module(module_id).sections]


@pytest.fixture
def two_module_course(real_course) -> Course:
    """The real History module plus a renamed copy, so sequencing has something to unlock."""
    history = real_course.module("history")
    second = history.model_copy(update={"id": "second", "title": "Second module", "quiz": "second"})
    quiz2 = real_course.quizzes["history"].model_copy(update={"id": "second"})
    tracks = [t.model_copy(update={"modules": ["history", "second"]}) for t in real_course.settings.tracks]
    settings = real_course.settings.model_copy(update={"modules": ["history", "second"], "tracks": tracks})
    return Course(
        settings=settings,
        modules=(history, second),
        quizzes={"history": real_course.quizzes["history"], "second": quiz2},
        surveys={},
    )


def test_no_track_chosen_means_no_modules(two_module_course):
    assert project(two_module_course, []).modules == ()


def test_sequential_track_locks_the_next_module_and_says_why(two_module_course):
    p = project(two_module_course, [ev(0, REGISTERED, course_activity(), track="staff")])
    first, second = p.modules
    assert first.status == NOT_STARTED and first.resume_step == OVERVIEW
    assert second.status == LOCKED
    assert (
        second.locked_reason()
        == "This module opens when you pass the quiz for “History: from anaesthetic to antidepressant”."
    )


def test_passing_the_quiz_unlocks_the_next_module(two_module_course):
    events = [
        ev(0, REGISTERED, course_activity(), track="staff"),
        *read_every_section(two_module_course, "history"),
        ev(1, FAILED, quiz_activity("history"), track="staff", score=5, max_score=13),
        ev(2, PASSED, quiz_activity("history"), track="staff", score=12, max_score=13),
    ]
    first, second = project(two_module_course, events).modules
    assert first.status == PASSED_STATUS and first.attempts == 2
    assert round(first.best_percent) == 92 and round(first.latest_percent) == 92
    assert second.status == NOT_STARTED


@pytest.mark.parametrize(
    ("verb", "score", "status", "resume_step"),
    [
        (FAILED, 5, NEEDS_RETRY, QUIZ),  # a failed attempt resumes at the quiz, to retry
        (PASSED, 12, PASSED_STATUS, OVERVIEW),  # "Review" of a passed module opens its text
    ],
)
def test_after_a_quiz_attempt_the_module_resumes_where_it_should(two_module_course, verb, score, status, resume_step):
    events = [
        ev(0, REGISTERED, course_activity(), track="staff"),
        *read_every_section(two_module_course, "history"),
        ev(1, verb, quiz_activity("history"), track="staff", score=score, max_score=13),
    ]
    first = project(two_module_course, events).modules[0]
    assert first.status == status and first.resume_step == resume_step


def test_resume_goes_to_the_last_section_opened(two_module_course):
    events = [
        ev(0, REGISTERED, course_activity(), track="public"),
        ev(1, EXPERIENCED, section_activity("history", "origins")),
        ev(2, EXPERIENCED, section_activity("history", "essential-medicine")),
    ]
    first = project(two_module_course, events).modules[0]
    assert first.status == IN_PROGRESS and first.resume_step == "essential-medicine" and first.sections_seen == 2


def test_free_track_opens_every_module(two_module_course):
    p = project(two_module_course, [ev(0, REGISTERED, course_activity(), track="public")])
    assert [m.status for m in p.modules] == [NOT_STARTED, NOT_STARTED]


def test_results_on_another_track_do_not_count(two_module_course):
    events = [
        ev(0, REGISTERED, course_activity(), track="public"),
        ev(1, PASSED, quiz_activity("history"), track="public", score=8, max_score=11),
        ev(2, REGISTERED, course_activity(), track="staff"),
    ]
    p = project(two_module_course, events)
    assert p.track == "staff" and p.modules[0].status == NOT_STARTED and p.modules[1].status == LOCKED
    assert project(two_module_course, events, track="public").modules[0].status == PASSED_STATUS


def test_everything_passed_is_complete(two_module_course):
    read = [e for m in ("history", "second") for e in read_every_section(two_module_course, m)]
    events = [ev(0, REGISTERED, course_activity(), track="staff"), *read] + [
        ev(i + 1, PASSED, quiz_activity(q), track="staff", score=13, max_score=13)
        for i, q in enumerate(["history", "second"])
    ]
    p = project(two_module_course, events)
    assert p.complete and p.fraction == 1.0 and p.next_module() is None


def test_the_log_stores_a_retried_event_once():
    log = MemoryEventLog()
    e = ev(0, REGISTERED, course_activity(), track="staff")
    log.append(e)
    log.append(e)
    assert log.events("L") == [e]


def test_unknown_verbs_are_refused():
    with pytest.raises(ValueError, match="unknown verb"):
        Event(learner_id="L", verb="liked", activity=course_activity())
