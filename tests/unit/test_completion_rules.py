"""The staff track's completion rule in course.yaml: every section read and every scenario
played before a module's quiz counts, so a staff learner cannot earn the certificate by
opening quiz pages by their address. The public track keeps its free order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from course import analytics
from course.events import EXPERIENCED, PASSED, REGISTERED, Event, course_activity, quiz_activity, section_activity
from course.progress import IN_PROGRESS, PASSED_STATUS, completion_steps, passed_modules, project
from tests.completing import rule_done

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def registered(learner: str, track: str) -> list[Event]:
    return [Event(learner, REGISTERED, course_activity(), track=track, timestamp=T0)]


def every_quiz_passed(course, learner: str, track: str) -> list[Event]:
    return [
        Event(
            learner,
            PASSED,
            quiz_activity(m.quiz),
            track=track,
            score=9,
            max_score=10,
            timestamp=T0 + timedelta(hours=1),
        )
        for m in course.track_modules(track)
    ]


def test_the_staff_track_asks_for_every_section_and_every_scenario(real_course):
    rule = real_course.track("staff").completion
    assert (rule.sections, rule.scenarios) == ("all", "all")
    rule = real_course.track("public").completion
    assert (rule.sections, rule.scenarios) == ("none", "none")


def test_a_staff_learner_with_every_quiz_passed_and_no_section_read_is_not_complete(real_course):
    staff = real_course.track_modules("staff")
    played_only = [e for e in rule_done(real_course, "L", "staff", T0) if e.verb != EXPERIENCED]
    progress = project(
        real_course, [*registered("L", "staff"), *played_only, *every_quiz_passed(real_course, "L", "staff")]
    )
    assert not progress.complete and progress.passed == 0
    first = progress.module(staff[0].id)
    assert [t for _, _, t in first.quiz_waits_for] == [s.heading for s in staff[0].sections]
    assert passed_modules(real_course, [*played_only, *every_quiz_passed(real_course, "L", "staff")], "staff") == set()


def test_with_every_section_read_and_every_scenario_played_the_passed_quizzes_complete_the_track(real_course):
    done = rule_done(real_course, "L", "staff", T0)
    progress = project(real_course, [*registered("L", "staff"), *done, *every_quiz_passed(real_course, "L", "staff")])
    assert progress.complete


def test_a_quiz_passed_before_the_rule_counts_once_the_sections_left_are_read(real_course):
    """Existing records: a learner who passed a quiz before sections were required keeps that
    pass; the module is "in progress" (not "quiz not yet passed") and resumes at the first
    section left to read, and it counts as passed once they are read, with no retake."""
    first = real_course.track_modules("staff")[0]
    before = [*registered("L", "staff"), every_quiz_passed(real_course, "L", "staff")[0]]
    mp = project(real_course, before).module(first.id)
    assert mp.status == IN_PROGRESS and mp.resume_step == first.sections[0].id
    read = [
        Event("L", EXPERIENCED, section_activity(first.id, s.id), track="staff", timestamp=T0 + timedelta(days=30))
        for s in first.sections
    ]
    mp = project(real_course, [*before, *read]).module(first.id)
    assert mp.status == PASSED_STATUS and mp.quiz_open


def test_the_public_track_keeps_its_free_order(real_course):
    progress = project(real_course, [*registered("L", "public"), *every_quiz_passed(real_course, "L", "public")])
    assert progress.complete


def test_the_funnel_counts_a_module_passed_only_when_the_rule_is_met(real_course):
    first = real_course.track_modules("staff")[0]
    events: list[Event] = []
    for n in range(6):
        learner = f"learner-{n}"
        events += registered(learner, "staff") + every_quiz_passed(real_course, learner, "staff")[:1]
        if n < 2:  # two of the six read every section and played every scenario
            events += rule_done(real_course, learner, "staff", T0)
    step = analytics.funnel(real_course, events, "staff")[0]
    assert step.module_id == first.id
    assert (step.attempted, step.passed) == (6, 2)


def test_the_rule_reads_as_words_for_the_pages_that_explain_it(real_course):
    assert completion_steps(real_course.track("staff")) == (
        "read every section, play each practice scenario to an ending, then pass its quiz"
    )
    assert completion_steps(real_course.track("public")) == "pass its quiz"


def test_what_is_left_is_counted_for_the_quiz_page(real_course):
    first = real_course.track_modules("staff")[0]
    seen = [Event("L", EXPERIENCED, section_activity(first.id, first.sections[0].id), track="staff", timestamp=T0)]
    mp = project(real_course, [*registered("L", "staff"), *seen]).module(first.id)
    assert mp.still_to_do() == f"1 of {len(first.sections)} sections read"
