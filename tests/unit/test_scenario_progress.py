"""A track's completion rule (course.yaml `completion:`): the quiz opens once the module's
scenarios (or sections) are done, and a module counts as passed only then; tracks that say
nothing keep the quiz as the whole rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from course.events import PASSED, REGISTERED, Event, scenario_completed, section_activity
from course.loader import load_course
from course.progress import IN_PROGRESS, PASSED_STATUS, check_ins, project
from tests import small_course

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def course_with(tmp_path, staff_rule=None):
    data = small_course.with_scenario()
    if staff_rule is not None:
        data["modules/course.yaml"]["tracks"][0]["completion"] = staff_rule
    return load_course(small_course.write(tmp_path, data))


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def registered(track: str) -> list[Event]:
    return [Event("L", REGISTERED, "course", track=track, timestamp=at(0))]


def passed_quiz(track: str) -> Event:
    return Event("L", PASSED, "quiz/basics", track=track, score=9, max_score=10, timestamp=at(5))


def played(track: str) -> Event:
    fields = scenario_completed("sam-gets-up", "basics", "alone", "unsafe", ["leave"], track)
    return Event("L", **fields, timestamp=at(3))


def test_without_a_rule_the_quiz_is_open_and_passing_it_passes_the_module(tmp_path):
    course = course_with(tmp_path)
    mp = project(course, [*registered("staff"), passed_quiz("staff")]).module("basics")
    assert mp.quiz_open and mp.status == PASSED_STATUS
    assert (mp.scenarios_done, mp.scenarios_total) == (0, 1)


def test_with_scenarios_all_the_quiz_waits_for_each_scenario_and_says_which(tmp_path):
    course = course_with(tmp_path, {"scenarios": "all"})
    mp = project(course, registered("staff")).module("basics")
    assert mp.quiz_waits_for == (("scenario", "sam-gets-up", "Sam gets up too soon"),)
    assert not mp.quiz_open
    mp = project(course, [*registered("staff"), played("staff")]).module("basics")
    assert mp.quiz_open and mp.status == IN_PROGRESS and mp.scenarios_done == 1


def test_a_quiz_passed_before_the_scenarios_are_played_does_not_pass_the_module(tmp_path):
    course = course_with(tmp_path, {"scenarios": "all"})
    progress = project(course, [*registered("staff"), passed_quiz("staff")])
    assert progress.module("basics").status != PASSED_STATUS and not progress.complete
    progress = project(course, [*registered("staff"), played("staff"), passed_quiz("staff")])
    assert progress.module("basics").status == PASSED_STATUS and progress.complete


def test_any_ending_completes_a_scenario_even_an_unsafe_one(tmp_path):
    # Practice is the point: the rule asks that the scenario be played through, not won.
    course = course_with(tmp_path, {"scenarios": "all"})
    assert project(course, [*registered("staff"), played("staff")]).module("basics").quiz_open


def test_with_sections_all_the_quiz_waits_for_the_sections_not_yet_read(tmp_path):
    course = course_with(tmp_path, {"sections": "all"})
    seen = [
        Event("L", "experienced", section_activity("basics", s), track="staff", timestamp=at(1))
        for s in ("start", "mood", "care")
    ]
    mp = project(course, [*registered("staff"), *seen]).module("basics")
    assert mp.quiz_waits_for == (("section", "risks", "Risks"),)


def test_the_rule_is_per_track_so_the_public_track_keeps_its_free_order(tmp_path):
    course = course_with(tmp_path, {"scenarios": "all"})
    mp = project(course, [*registered("public"), passed_quiz("public")]).module("basics")
    assert mp.quiz_open and mp.status == PASSED_STATUS


def test_a_scenario_choice_is_not_read_as_a_survey_answer_in_a_course_without_a_survey(tmp_path):
    # The small course has no attitude survey: an answer event without a survey in its context
    # was read as one (and its choice id as a number), which stopped the home page.
    course = course_with(tmp_path)
    choice = Event("L", "answered", "scenario-step/sam-gets-up/arrival", response="stay", context={"path": ["stay"]})
    assert check_ins(course, [choice]).survey_start is None
