"""Trainers' counts of the choices learners take in a scenario, against hand-computed values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from course.events import Event, scenario_choice, scenario_completed
from course.scenario_analytics import SUPPRESSED_NOTE, paths_csv, scenario_paths
from course.schema import BranchingScenario
from tests import small_course

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def scenario() -> BranchingScenario:
    return BranchingScenario.model_validate(small_course.SCENARIO)


def played(scenario: BranchingScenario, learner: str, path: list[str], start: int) -> list[Event]:
    """The events a learner's play-through writes, as the scenario page writes them."""
    out = []
    here = scenario.step(scenario.start)
    for i, cid in enumerate(path):
        t = T0 + timedelta(minutes=start + i)
        out.append(
            Event(learner, **scenario_choice(scenario.id, "basics", here.id, path[: i + 1], "staff"), timestamp=t)
        )
        choice = next(c for c in here.choices if c.id == cid)
        ending = scenario.ending(choice.next)
        if ending is not None:
            fields = scenario_completed(scenario.id, "basics", ending.id, ending.rating, path[: i + 1], "staff")
            out.append(Event(learner, **fields, timestamp=t))
        else:
            here = scenario.step(choice.next)
    return out


def room(scenario) -> list[Event]:
    # L1-L5 take the safe path; L6 leaves Sam alone; L7 rushes Sam home, then plays again and
    # leaves Sam alone. By hand:
    #   arrival: 7 learners; stay 6 (L1-L5, L7); leave 2 (L6, L7)
    #   calm:    6 learners; explain 5; rush 1
    #   endings: 7 learners; safe-calm 5; alone 2 (L6, L7); rushed 1
    events = []
    for n in range(1, 6):
        events += played(scenario, f"L{n}", ["stay", "explain"], n * 10)
    events += played(scenario, "L6", ["leave"], 60)
    events += played(scenario, "L7", ["stay", "rush"], 70)
    events += played(scenario, "L7", ["leave"], 80)
    return events


def test_each_choice_and_ending_counts_distinct_learners(scenario):
    report = scenario_paths(scenario, room(scenario))
    arrival, calm = report.steps
    assert (arrival.learners, arrival.suppressed) == (7, None)
    assert [(cid, n) for cid, _, _, n in arrival.choices] == [("stay", 6), ("leave", 2)]
    assert calm.learners == 6
    assert [(cid, n) for cid, _, _, n in calm.choices] == [("explain", 5), ("rush", 1)]
    assert report.endings.learners == 7
    assert [(eid, rating, n) for eid, _, rating, n in report.endings.endings] == [
        ("safe-calm", "safe", 5),
        ("alone", "unsafe", 2),
        ("rushed", "acceptable", 1),
    ]


def test_a_step_fewer_than_five_learners_reached_shows_no_numbers(scenario):
    events = []
    for n in range(1, 5):
        events += played(scenario, f"L{n}", ["stay", "explain"], n * 10)
    events += played(scenario, "L5", ["leave"], 50)
    arrival, calm = scenario_paths(scenario, events).steps
    assert arrival.learners == 5 and [n for *_, n in arrival.choices] == [4, 1]
    assert calm.learners is None and [n for *_, n in calm.choices] == [None, None]
    assert calm.suppressed == SUPPRESSED_NOTE


def test_the_csv_has_a_row_per_choice_and_ending_and_leaves_hidden_numbers_empty(scenario):
    events = room(scenario)
    text = paths_csv([scenario_paths(scenario, events)])
    rows = text.splitlines()
    assert rows[0] == "scenario,kind,step,option,text,leads_to,rating,learners,of_learners,note"
    assert "sam-gets-up,choice,arrival,leave,Leave Sam alone to rest,alone,,2,7," in rows
    assert "sam-gets-up,ending,,rushed,Sam was rushed,,acceptable,1,7," in rows
    few = paths_csv([scenario_paths(scenario, events[:4])])
    assert (
        f'sam-gets-up,choice,arrival,stay,Sit with Sam and speak in a calm voice,calm,,,,"{SUPPRESSED_NOTE}"'
        in few.splitlines()
    )


def test_inline_checks_report_the_share_right_at_the_first_answer(tmp_path):
    from course.events import check_answered
    from course.loader import load_course
    from course.scenario_analytics import check_stats

    course = load_course(small_course.write(tmp_path, small_course.with_scenario()))
    events = []
    # By hand: five learners; L1-L3 right first time, L4 and L5 wrong then right: 3 of 5 = 0.6.
    for n, answers in enumerate([["a"], ["a"], ["a"], ["b", "a"], ["b", "a"]], start=1):
        for k, option in enumerate(answers):
            fields = check_answered("basics", "care", "care-check", option, option == "a", "public")
            events.append(Event(f"L{n}", **fields, timestamp=T0 + timedelta(minutes=10 * n + k)))
    (stats,) = check_stats(course, events)
    assert (stats.check_id, stats.learners, stats.first_right) == ("care-check", 5, 0.6)
    (few,) = check_stats(course, events[:4])
    assert few.learners is None and few.first_right is None and few.suppressed
