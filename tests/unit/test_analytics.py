"""Cohort analytics on a small synthetic cohort whose answers are known, checked by hand.

The expected numbers are worked out in the tests with explicit arithmetic (means, deviations,
sums of products), never by calling the code under test a second way.
"""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from course import analytics as a
from course.events import (
    ANSWERED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    REGISTERED,
    Event,
    course_activity,
    knowledge_test_activity,
    question_activity,
    quiz_activity,
    section_activity,
    survey_activity,
)
from course.schema import Course

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def opt(oid: str) -> dict:
    return {"id": oid, "text": f"Option {oid}", "feedback": f"About {oid}."}


def q(qid: str, qtype: str, objective: str, reference: str | None = None, **kw) -> dict:
    base = {"id": qid, "type": qtype, "prompt": f"Prompt {qid}?", "explanation": "Because.", "objective": objective}
    if reference:
        base["reference"] = reference
    return base | kw


def module(mid: str, quiz: str, refs: tuple[str, ...] = ()) -> dict:
    return {
        "id": mid,
        "title": mid.capitalize(),
        "summary": "Summary.",
        "estimated_minutes": 20,
        "objectives": [{"id": f"{mid}-obj", "text": "Know it."}],
        "sections": [
            {"id": "one", "heading": "One", "body": "Body."},
            {"id": "two", "heading": "Two", "body": "Body.", "references": list(refs)},
        ],
        "takeaways": ["Take this away."],
        "references": [{"id": r, "citation": f"Cite {r}."} for r in refs],
        "quiz": quiz,
    }


@pytest.fixture(scope="module")
def course() -> Course:
    tracks = [
        {
            "id": track,
            "title": track.capitalize(),
            "description": "A track.",
            "audience": track,
            "modules": ["alpha", "beta"],
            "pass_mark": 75,
            "sequencing": "free",
        }
        for track in ("staff", "public")
    ]
    alpha = {
        "id": "alpha",
        "kind": "quiz",
        "title": "Alpha quiz",
        "questions": [
            q("a-q1", "single", "alpha-obj", "ref-a", options=[opt("a"), opt("b"), opt("c")], answer="a"),
            q("a-q2", "true_false", "alpha-obj", answer=True, feedback_true="Yes.", feedback_false="No."),
            {
                "id": "a-case",
                "type": "scenario",
                "title": "A case",
                "case": "Someone asks.",
                "questions": [
                    q("a-q3", "multiple", "alpha-obj", options=[opt("a"), opt("b"), opt("c")], answer=["a", "b"]),
                    q("a-q4", "ordering", "beta-obj", options=[opt("x"), opt("y"), opt("z")], answer=["x", "y", "z"]),
                ],
            },
        ],
    }
    beta = {
        "id": "beta",
        "kind": "quiz",
        "title": "Beta quiz",
        "questions": [q("b-q1", "true_false", "beta-obj", answer=False, feedback_true="No.", feedback_false="Yes.")],
    }
    pre = {
        "id": "pre",
        "kind": "quiz",
        "title": "Pre",
        "questions": [q("pre-q1", "true_false", "alpha-obj", answer=True, feedback_true="Y.", feedback_false="N.")],
    }
    post = {
        "id": "post",
        "kind": "quiz",
        "title": "Post",
        "questions": [q("post-q1", "true_false", "alpha-obj", answer=True, feedback_true="Y.", feedback_false="N.")],
    }
    survey = {
        "id": "views",
        "kind": "survey",
        "title": "Views",
        "intro": "Say what you think.",
        "scale": {"min": 1, "max": 5, "labels": ["1", "2", "3", "4", "5"]},
        "items": [
            {"id": "v1", "text": "Good.", "theme": "Treatment"},
            {"id": "v2", "text": "Bad.", "theme": "Treatment", "reverse": True},
            {"id": "v3", "text": "Fine.", "theme": "People"},
        ],
    }
    return Course.model_validate(
        {
            "settings": {
                "id": "mini",
                "title": "Mini course",
                "version": "1",
                "description": "A test course.",
                "notice": "Education only.",
                "modules": ["alpha", "beta"],
                "tracks": tracks,
                "pre_test": "pre",
                "post_test": "post",
                "attitude_survey": "views",
            },
            "modules": [module("alpha", "alpha", ("ref-a",)), module("beta", "beta")],
            "quizzes": {"alpha": alpha, "beta": beta, "pre": pre, "post": post},
            "surveys": {"views": survey},
        }
    )


def ev(learner: str, minutes: float, verb: str, activity: str, **kw) -> Event:
    kw.setdefault("cohort", "KX7-P2M")
    return Event(learner_id=learner, verb=verb, activity=activity, timestamp=T0 + timedelta(minutes=minutes), **kw)


# First-attempt answers of six learners to the alpha quiz, and whether each was right.
#            a-q1 (single)  a-q2 (t/f)  a-q3 (multiple)    a-q4 (ordering)
ANSWERS = {
    "L1": (("a", 1), (True, 1), (["a", "b"], 1), (["x", "y", "z"], 1)),  # total 4
    "L2": (("a", 1), (True, 1), (["b", "a"], 1), (["y", "x", "z"], 0)),  # total 3
    "L3": (("a", 1), (False, 0), (["a", "b"], 1), (["x", "z", "y"], 0)),  # total 2
    "L4": (("a", 1), (True, 1), (["a", "c"], 0), (["z", "y", "x"], 0)),  # total 2
    "L5": (("b", 0), (False, 0), (["a", "b"], 1), (["x", "y", "z"], 1)),  # total 2
    "L6": (("a", 1), (False, 0), (["c"], 0), (["y", "z", "x"], 0)),  # total 1
}
QIDS = ("a-q1", "a-q2", "a-q3", "a-q4")


def quiz_attempt(learner: str, minutes: float, attempt: int, answers, track: str = "staff") -> list[Event]:
    out = []
    for qid, (response, right) in zip(QIDS, answers, strict=True):
        out.append(
            ev(
                learner,
                minutes,
                ANSWERED,
                question_activity(qid),
                track=track,
                attempt=attempt,
                score=float(right),
                max_score=1.0,
                success=bool(right),
                response=response,
            )
        )
    score = sum(right for _, right in answers)
    verb = PASSED if score * 100 >= 75 * 4 else FAILED
    out.append(
        ev(learner, minutes, verb, quiz_activity("alpha"), track=track, attempt=attempt, score=score, max_score=4.0)
    )
    return out


@pytest.fixture(scope="module")
def cohort() -> list[Event]:
    events = []
    for n, (learner, answers) in enumerate(ANSWERS.items()):
        events.append(ev(learner, n, REGISTERED, course_activity(), track="staff"))
        events += quiz_attempt(learner, 10 + n, 1, answers)
    # Later attempts must not change the item statistics, which use first attempts only.
    events += quiz_attempt("L2", 100, 2, ANSWERS["L1"])
    events += quiz_attempt("L6", 100, 2, ANSWERS["L5"])
    return events


# --------------------------------------------------------------------------- item analysis


def stats_for(course, events, qid):
    return next(i for i in a.item_analysis(course, events, "alpha") if i.question_id == qid)


def test_item_analysis_lists_every_gradable_question_including_scenario_parts(course, cohort):
    items = a.item_analysis(course, cohort, "alpha")
    assert [i.question_id for i in items] == list(QIDS)
    assert [i.scenario_id for i in items] == [None, None, "a-case", "a-case"]
    assert all(i.n == 6 for i in items)


def test_facility_is_the_mean_first_attempt_score(course, cohort):
    # a-q1: 5 of 6 right; a-q2: 3 of 6; a-q3: 4 of 6; a-q4: 2 of 6 (second attempts ignored).
    assert [stats_for(course, cohort, qid).facility for qid in QIDS] == pytest.approx([5 / 6, 3 / 6, 4 / 6, 2 / 6])


def test_discrimination_is_the_item_rest_correlation_worked_by_hand(course, cohort):
    # a-q1: item x = 1,1,1,1,0,1; rest (total minus item) y = 3,2,1,1,2,0.
    # mean x = 5/6, mean y = 9/6 = 1.5.
    # Sxy = (1/6)(1.5 + 0.5 - 0.5 - 0.5 - 1.5) + (-5/6)(0.5) = -1/12 - 5/12 = -0.5
    # Sxx = 5 * (1/6)^2 + (5/6)^2 = 30/36 = 5/6;  Syy = 2.25 + 4 * 0.25 + 2.25 = 5.5
    expected_q1 = -0.5 / math.sqrt((5 / 6) * 5.5)
    assert stats_for(course, cohort, "a-q1").discrimination == pytest.approx(expected_q1)
    assert round(expected_q1, 4) == -0.2335
    # a-q2: x = 1,1,0,1,0,0; y = 3,2,2,1,2,1; mean x = 0.5, mean y = 11/6.
    # Sxy = 0.5 * (7/6 + 1/6 - 1/6 - 5/6 - 1/6 + 5/6) = 0.5;  Sxx = 6 * 0.25 = 1.5
    # Syy = (49 + 1 + 1 + 25 + 1 + 25) / 36 = 17/6
    expected_q2 = 0.5 / math.sqrt(1.5 * 17 / 6)
    assert stats_for(course, cohort, "a-q2").discrimination == pytest.approx(expected_q2)
    assert round(expected_q2, 4) == 0.2425


def test_attempt_numbers_restarting_in_a_new_session_still_find_the_first_attempt(course, cohort):
    # The quiz page numbers attempts per browser session, so a second visit can be attempt 1 again.
    renumbered = [e for e in cohort if not (e.learner_id == "L2" and e.attempt == 2)]
    renumbered += quiz_attempt("L2", 100, 1, ANSWERS["L1"])
    assert [stats_for(course, renumbered, qid).facility for qid in QIDS] == pytest.approx([5 / 6, 3 / 6, 4 / 6, 2 / 6])


def test_negative_discrimination_is_flagged_and_small_samples_are_uncertain(course, cohort):
    q1 = stats_for(course, cohort, "a-q1")
    assert q1.flags == (a.NEGATIVE_DISCRIMINATION,)
    assert q1.uncertain  # 6 < 20 answers
    assert stats_for(course, cohort, "a-q2").flags == ()


def test_option_counts_per_question_type(course, cohort):
    assert stats_for(course, cohort, "a-q1").option_counts == {"a": 5, "b": 1, "c": 0}
    assert stats_for(course, cohort, "a-q2").option_counts == {"true": 3, "false": 3}
    # Multiple select counts every option a learner ticked: a by 5, b by 4, c by 2.
    assert stats_for(course, cohort, "a-q3").option_counts == {"a": 5, "b": 4, "c": 2}
    q4 = stats_for(course, cohort, "a-q4")
    assert q4.option_counts == {"correct order": 2, "other order": 4}
    assert q4.first_position == {"x": 3, "y": 2, "z": 1}
    assert q4.answer_key == ("correct order",)
    assert stats_for(course, cohort, "a-q3").answer_key == ("a", "b")


def test_each_question_links_to_the_section_it_tests(course, cohort):
    sections = {i.question_id: i.section for i in a.item_analysis(course, cohort, "alpha")}
    assert sections["a-q1"] == ("alpha", "two")  # section two cites ref-a
    assert sections["a-q2"] == ("alpha", "one")  # no reference: the module's first section
    assert sections["a-q4"] == ("beta", "one")  # its objective belongs to module beta


def test_too_easy_and_too_hard_flags_and_undefined_discrimination(course):
    easy = []
    for n in range(5):
        easy += quiz_attempt(f"E{n}", n, 1, (("a", 1), (False, 0), (["a", "b"], 1), (["x", "y", "z"], 1)))
    items = {i.question_id: i for i in a.item_analysis(course, easy, "alpha")}
    assert items["a-q1"].facility == 1.0 and items["a-q1"].flags == (a.TOO_EASY,)
    assert items["a-q2"].facility == 0.0 and items["a-q2"].flags == (a.TOO_HARD,)
    # Nobody differs on either item: a correlation is undefined, not zero.
    assert items["a-q1"].discrimination is None


def test_item_statistics_over_four_learners_are_hidden_and_over_five_shown(course, cohort):
    four = [e for e in cohort if e.learner_id in ("L1", "L2", "L3", "L4")]
    for item in a.item_analysis(course, four, "alpha"):
        assert item.suppressed == a.SUPPRESSED_REASON
        assert item.n is None and item.facility is None and item.discrimination is None
        assert item.option_counts is None and item.flags == ()
    five = [e for e in cohort if e.learner_id != "L6"]
    assert all(i.suppressed is None and i.n == 5 for i in a.item_analysis(course, five, "alpha"))


def test_pre_test_answers_are_analysed_apart_from_quiz_answers(course):
    events = []
    for n in range(5):
        right = n < 3
        events.append(
            ev(
                f"P{n}",
                n,
                ANSWERED,
                question_activity("pre-q1"),
                response=right,
                score=float(right),
                max_score=1.0,
                context={"test": "pre"},
            )
        )
    (item,) = a.item_analysis(course, events, "pre")
    assert item.n == 5 and item.facility == pytest.approx(3 / 5)
    assert item.option_counts == {"true": 3, "false": 2}


# --------------------------------------------------------------------------- suppression


def test_suppress_small_hides_a_group_of_four_and_keeps_a_group_of_five():
    groups = {"four": {"a", "b", "c", "d"}, "five": {"a", "b", "c", "d", "e"}}
    out = a.suppress_small(groups)
    assert out["four"] == a.Suppressed(a.SUPPRESSED_REASON)
    assert out["five"] == groups["five"]
    assert a.MIN_GROUP == 5


# --------------------------------------------------------------------------- funnel


def funnel_events() -> list[Event]:
    events = []
    for n in range(6):
        lid = f"F{n}"
        events.append(ev(lid, 0, REGISTERED, course_activity(), track="staff"))
        events.append(ev(lid, 1, EXPERIENCED, section_activity("alpha", "one"), track="staff"))
        events.append(
            ev(lid, 2, PASSED if n < 4 else FAILED, quiz_activity("alpha"), track="staff", score=3, max_score=4)
        )
        if n < 3:
            events.append(ev(lid, 3, EXPERIENCED, section_activity("beta", "two"), track="staff"))
        if n < 2:
            events.append(
                ev(lid, 4, PASSED if n < 1 else FAILED, quiz_activity("beta"), track="staff", score=1, max_score=1)
            )
    # Someone on the public track, and a staff learner who tried beta's quiz without opening it.
    events.append(ev("P0", 0, REGISTERED, course_activity(), track="public"))
    events.append(ev("P0", 1, PASSED, quiz_activity("alpha"), track="public", score=4, max_score=4))
    events.append(ev("F5", 5, FAILED, quiz_activity("beta"), track="staff", score=0, max_score=1))
    return events


def test_funnel_counts_started_attempted_passed_per_module_in_track_order(course):
    alpha, beta = a.funnel(course, funnel_events(), "staff")
    assert (alpha.module_id, alpha.learners, alpha.started, alpha.attempted, alpha.passed) == ("alpha", 6, 6, 6, 4)
    # F0-F2 opened beta; F5 attempted its quiz without opening a section, which also counts as starting.
    assert (beta.module_id, beta.learners, beta.started, beta.attempted, beta.passed) == ("beta", 6, 4, 3, 1)
    assert alpha.suppressed is None


def test_funnel_of_a_track_with_four_learners_is_hidden(course):
    events = [e for e in funnel_events() if e.learner_id in ("F0", "F1", "F2", "F3")]
    for step in a.funnel(course, events, "staff"):
        assert step.suppressed == a.SUPPRESSED_REASON
        assert (step.learners, step.started, step.attempted, step.passed) == (None, None, None, None)


# --------------------------------------------------------------------------- score distribution


def test_score_distribution_gives_each_learners_best_or_latest_percent(cohort):
    best = a.score_distribution(cohort, "alpha")
    # Totals out of 4: L1 4, L2 3 then 4, L3 2, L4 2, L5 2, L6 1 then 2.
    assert best.scores == (50.0, 50.0, 50.0, 50.0, 100.0, 100.0) and best.n == 6
    latest = a.score_distribution(cohort, "alpha", which="latest")
    assert latest.scores == (50.0, 50.0, 50.0, 50.0, 100.0, 100.0)
    first_six = [e for e in cohort if e.timestamp < T0 + timedelta(minutes=50)]
    assert a.score_distribution(first_six, "alpha", "latest").scores == (25.0, 50.0, 50.0, 50.0, 75.0, 100.0)


def test_score_distribution_of_four_learners_is_hidden(cohort):
    four = [e for e in cohort if e.learner_id in ("L1", "L2", "L3", "L4")]
    dist = a.score_distribution(four, "alpha")
    assert dist.scores == () and dist.n is None and dist.suppressed == a.SUPPRESSED_REASON


# --------------------------------------------------------------------------- stuck learners


def test_stuck_learners_are_idle_and_incomplete_or_failing_one_quiz_repeatedly(course):
    day = 24 * 60
    events = [
        # Idle for 29 days, not complete.
        ev("idle", 0, REGISTERED, course_activity(), track="public"),
        ev("idle", day, EXPERIENCED, section_activity("alpha", "one"), track="public"),
        # Idle just as long, but finished both modules: not stuck.
        ev("done", 0, REGISTERED, course_activity(), track="public"),
        ev("done", day, PASSED, quiz_activity("alpha"), track="public", score=4, max_score=4),
        ev("done", day, PASSED, quiz_activity("beta"), track="public", score=1, max_score=1),
        # Active, but failed alpha twice and never passed it.
        ev("fails", 28 * day, REGISTERED, course_activity(), track="public"),
        ev("fails", 28 * day + 5, FAILED, quiz_activity("alpha"), track="public", score=1, max_score=4),
        ev("fails", 29 * day, FAILED, quiz_activity("alpha"), track="public", score=2, max_score=4),
        # Failed twice, then passed: not stuck.
        ev("recovered", 28 * day, FAILED, quiz_activity("alpha"), track="public", score=1, max_score=4),
        ev("recovered", 28 * day + 1, FAILED, quiz_activity("alpha"), track="public", score=1, max_score=4),
        ev("recovered", 28 * day + 2, PASSED, quiz_activity("alpha"), track="public", score=4, max_score=4),
    ]
    now = T0 + timedelta(days=30)
    stuck = a.stuck_learners(course, events, now, inactive_days=14)
    assert [s.learner_id for s in stuck] == ["idle", "fails"]
    idle, fails = stuck
    assert idle.reason == "No activity for 29 days and the course is not complete"
    assert idle.last_activity == T0 + timedelta(days=1)
    assert fails.reason == "Failed the quiz for “Alpha” 2 times without passing"
    assert [s.learner_id for s in a.stuck_learners(course, events, now, failed_twice=False)] == ["idle"]
    # With a 30-day threshold nobody is idle long enough.
    assert [s.learner_id for s in a.stuck_learners(course, events, now, inactive_days=30)] == ["fails"]


# --------------------------------------------------------------------------- paired change and t


@pytest.mark.parametrize(("df", "t"), [(1, 12.706), (4, 2.776), (9, 2.262), (19, 2.093), (30, 2.042), (120, 1.980)])
def test_t_critical_values_match_the_published_table(df, t):
    assert round(a.t_quantile(0.975, df), 3) == t


def test_t_tends_to_the_normal_and_is_symmetric():
    assert a.t_quantile(0.975, 100_000) == pytest.approx(1.960, abs=1e-3)
    assert a.t_quantile(0.025, 4) == pytest.approx(-a.t_quantile(0.975, 4))
    assert a.t_cdf(0.0, 7) == pytest.approx(0.5)


def test_paired_change_mean_and_95_percent_interval_for_five_learners():
    before = {f"L{i}": 10.0 for i in range(5)}
    after = {f"L{i}": 10.0 + d for i, d in enumerate([1, 2, 3, 4, 5])}
    after["only-after"] = 99.0  # not paired: ignored
    c = a.paired_change(before, after)
    # Differences 1..5: mean 3; sd = sqrt(10 / 4) = sqrt(2.5); se = sqrt(2.5 / 5) = sqrt(0.5)
    # t(0.975, 4) = 2.776 -> half-width 2.776 * 0.70711 = 1.963
    assert c.n == 5 and c.mean == 3.0
    assert c.ci_low == pytest.approx(3 - 2.776 * math.sqrt(0.5), abs=1e-3)
    assert c.ci_high == pytest.approx(3 + 2.776 * math.sqrt(0.5), abs=1e-3)
    assert c.before_mean == 10.0 and c.after_mean == 13.0


def test_paired_change_uses_the_t_value_for_its_sample_size():
    # Ten learners, differences alternate 0 and 2: mean 1, sd = sqrt(10 / 9), se = sqrt(1 / 9) = 1/3.
    before = {f"L{i}": 0.0 for i in range(10)}
    after = {f"L{i}": float(2 * (i % 2)) for i in range(10)}
    c = a.paired_change(before, after)
    assert c.ci_high - c.mean == pytest.approx(2.262 / 3, abs=1e-3)
    # Twenty learners, same pattern: sd = sqrt(20 / 19), se = sqrt(1 / 19).
    before = {f"L{i}": 0.0 for i in range(20)}
    after = {f"L{i}": float(2 * (i % 2)) for i in range(20)}
    c = a.paired_change(before, after)
    assert c.ci_high - c.mean == pytest.approx(2.093 * math.sqrt(1 / 19), abs=1e-3)


def test_paired_change_hides_four_learners_and_has_no_interval_for_one():
    four = {f"L{i}": 1.0 for i in range(4)}
    c = a.paired_change(four, {k: 2.0 for k in four})
    assert c.suppressed == a.SUPPRESSED_REASON
    assert (c.n, c.mean, c.ci_low, c.ci_high) == (None, None, None, None)
    one = a.paired_change({"L": 1.0}, {"L": 4.0}, min_group=1)
    assert one.n == 1 and one.mean == 3.0 and one.ci_low is None and one.ci_high is None


def test_knowledge_gain_pairs_pre_and_post_test_scores(course):
    events = []
    for n, (pre, post) in enumerate([(0, 1), (0, 1), (1, 1), (0, 0), (1, 1)]):
        lid = f"K{n}"
        events.append(
            ev(lid, 0, COMPLETED, knowledge_test_activity("pre"), score=pre, max_score=1, context={"test": "pre"})
        )
        events.append(
            ev(lid, 50, COMPLETED, knowledge_test_activity("post"), score=post, max_score=1, context={"test": "post"})
        )
    events.append(
        ev("pre-only", 0, COMPLETED, knowledge_test_activity("pre"), score=0, max_score=1, context={"test": "pre"})
    )
    gain = a.knowledge_gain(course, events)
    # Gains in percentage points: 100, 100, 0, 0, 0 -> mean 40.
    assert gain.n == 5 and gain.mean == pytest.approx(40.0)
    assert gain.before_mean == pytest.approx(40.0) and gain.after_mean == pytest.approx(80.0)
    # sd = sqrt((60² + 60² + 3 * 40²) / 4) = sqrt(3000); se = sqrt(600)
    assert gain.ci_low == pytest.approx(40 - 2.776 * math.sqrt(600), abs=0.05)


def survey_events(learner: str, minutes: float, phase: str, v1: int, v2: int, v3: int) -> list[Event]:
    out = []
    for item, value, theme in (("v1", v1, "Treatment"), ("v2", v2, "Treatment"), ("v3", v3, "People")):
        ctx = {"survey": "views", "phase": phase, "theme": theme}
        out.append(ev(learner, minutes, ANSWERED, question_activity(item), response=value, context=ctx))
    out.append(ev(learner, minutes, COMPLETED, survey_activity("views"), context={"phase": phase}))
    return out


def test_attitude_change_per_theme_reverse_scores_items(course):
    events = []
    for n in range(5):
        # Start: v1 = 2, v2 = 4 (reverse: 6 - 4 = 2) -> Treatment 2.0; People v3 = 3.
        events += survey_events(f"A{n}", 0, "start", 2, 4, 3)
        # End: v1 = 4, v2 = 2 (reverse: 4) -> Treatment 4.0; People v3 = 3 + n % 2.
        events += survey_events(f"A{n}", 60, "end", 4, 2, 3 + n % 2)
    changes = a.attitude_change(course, events)
    assert list(changes) == ["Treatment", "People"]
    treatment, people = changes["Treatment"], changes["People"]
    assert treatment.n == 5 and treatment.mean == pytest.approx(2.0)
    assert treatment.ci_low == pytest.approx(2.0) and treatment.ci_high == pytest.approx(2.0)  # no spread
    assert people.mean == pytest.approx(2 / 5)
    assert people.before_mean == pytest.approx(3.0) and people.after_mean == pytest.approx(3.4)


def test_attitude_change_hides_a_theme_answered_by_four(course):
    events = []
    for n in range(4):
        events += survey_events(f"A{n}", 0, "start", 2, 4, 3) + survey_events(f"A{n}", 60, "end", 4, 2, 3)
    assert all(c.suppressed for c in a.attitude_change(course, events).values())


def check_events(lid: str, pre: float, post: float, language: str | None) -> list[Event]:
    lang = {"language": language} if language else {}
    return [
        ev(lid, 0, COMPLETED, knowledge_test_activity("pre"), score=pre, max_score=1, context={"test": "pre", **lang}),
        ev(
            lid,
            50,
            COMPLETED,
            knowledge_test_activity("post"),
            score=post,
            max_score=1,
            context={"test": "post", **lang},
        ),
    ]


def test_results_split_by_language_with_each_small_group_hidden(course):
    events = []
    for n in range(5):  # five English learners (older events carry no language): gain 100 points
        events += check_events(f"E{n}", 0, 1, None)
    for n in range(6):  # six Spanish learners: gain 0 or 100 points
        events += check_events(f"S{n}", 0, n % 2, "es")
    for n in range(2):  # two who read Portuguese: too few to show
        events += check_events(f"P{n}", 0, 1, "pt")
    split = a.results_by_language(course, events)
    assert [r.language for r in split] == ["en", "es", "pt"]
    english, spanish, few = split
    assert english.learners == 5 and english.knowledge.mean == pytest.approx(100.0)
    assert spanish.learners == 6 and spanish.knowledge.mean == pytest.approx(50.0)
    assert few.learners is None and few.knowledge.suppressed == a.SUPPRESSED_REASON
    assert all(c.suppressed for c in few.attitude.values())


def test_a_learner_counts_under_the_language_of_their_latest_check_in(course):
    mixed = check_events("M", 0, 1, None)
    mixed[-1] = ev(
        "M", 50, COMPLETED, knowledge_test_activity("post"), score=1, max_score=1, context={"language": "es"}
    )
    assert a.learner_language(mixed, course) == "es"
    assert a.learner_language(check_events("E", 0, 1, None), course) == "en"


# --------------------------------------------------------------------------- time per module


def test_time_per_module_counts_quiz_durations_and_capped_section_gaps(course):
    events = [
        ev("T", 0, EXPERIENCED, section_activity("alpha", "one"), track="staff"),
        ev("T", 3, EXPERIENCED, section_activity("alpha", "two"), track="staff"),
        # Submitted at 20 min after 4 minutes on the quiz: the quiz began at 16 min.
        ev("T", 20, ANSWERED, question_activity("a-q1"), track="staff", attempt=1, score=1, max_score=1),
        ev("T", 20, PASSED, quiz_activity("alpha"), track="staff", attempt=1, score=4, max_score=4, duration_s=240),
        # The latest view has no later action yet, so it does not count.
        ev("T", 60, EXPERIENCED, section_activity("beta", "one"), track="staff"),
    ]
    # Section one: 3 min; section two: 16 - 3 = 13 min, capped at 10; quiz: 4 min.
    assert a.time_per_module(course, events) == {"alpha": pytest.approx(3 + 10 + 4)}


def test_cohort_time_is_a_median_and_hidden_below_five_learners(course):
    events = []
    for n, minutes in enumerate([2, 4, 6, 8, 100]):
        events.append(
            ev(f"T{n}", 0, PASSED, quiz_activity("alpha"), track="staff", score=4, max_score=4, duration_s=minutes * 60)
        )
        if n > 0:  # only four learners spend time on beta
            events.append(
                ev(f"T{n}", 1, PASSED, quiz_activity("beta"), track="staff", score=1, max_score=1, duration_s=60)
            )
    alpha, beta = a.cohort_time_per_module(course, events)
    # 100 minutes is capped at 60; the median of 2, 4, 6, 8, 60 is 6.
    assert alpha.learners == 5 and alpha.median_minutes == pytest.approx(6.0)
    assert beta.suppressed == a.SUPPRESSED_REASON and beta.median_minutes is None


# --------------------------------------------------------------------------- filters


def test_filter_events_by_cohort_track_and_half_open_time_window():
    events = [
        ev("a", 0, REGISTERED, course_activity(), track="staff", cohort="ONE-AAA"),
        ev("b", 10, REGISTERED, course_activity(), track="public", cohort="ONE-AAA"),
        ev("c", 20, REGISTERED, course_activity(), track="staff", cohort="TWO-BBB"),
    ]
    assert [e.learner_id for e in a.filter_events(events, cohort="ONE-AAA")] == ["a", "b"]
    assert [e.learner_id for e in a.filter_events(events, track="staff")] == ["a", "c"]
    window = a.filter_events(events, since=T0 + timedelta(minutes=10), until=T0 + timedelta(minutes=20))
    assert [e.learner_id for e in window] == ["b"]  # since inclusive, until exclusive
    naive = a.filter_events(events, since=datetime(2026, 3, 2, 9, 10))
    assert [e.learner_id for e in naive] == ["b", "c"]


# --------------------------------------------------------------------------- exports


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_tables_carry_the_numbers_and_never_a_suppressed_one(course, cohort):
    hidden_funnel = a.funnel(course, [e for e in funnel_events() if e.learner_id in ("F0", "F1", "F2")], "staff")
    items = a.item_analysis(course, cohort, "alpha")
    now = T0 + timedelta(days=30)
    stuck = a.stuck_learners(course, cohort, now)
    changes = {
        "Knowledge": a.paired_change({f"L{i}": 0.0 for i in range(5)}, {f"L{i}": float(i) for i in range(5)}),
        "Hidden theme": a.paired_change({"x": 1.0}, {"x": 2.0}),
    }
    tables = a.to_csv_tables(funnel=hidden_funnel, items=items, stuck=stuck, changes=changes)
    assert set(tables) == {"funnel", "items", "stuck", "changes"}

    funnel_rows = read_csv(tables["funnel"])
    assert funnel_rows[0]["module_id"] == "alpha"
    assert funnel_rows[0]["learners"] == funnel_rows[0]["passed"] == ""
    assert funnel_rows[0]["suppressed"] == a.SUPPRESSED_REASON

    item_rows = {r["question_id"]: r for r in read_csv(tables["items"])}
    assert item_rows["a-q1"]["n"] == "6" and item_rows["a-q1"]["facility"] == "0.833"
    assert item_rows["a-q1"]["discrimination"] == "-0.234"
    assert item_rows["a-q1"]["option_counts"] == "a=5; b=1; c=0"
    assert item_rows["a-q1"]["flags"] == "negative discrimination"
    assert item_rows["a-q1"]["section_id"] == "two"
    assert item_rows["a-q4"]["first_position"] == "x=3; y=2; z=1"

    stuck_rows = read_csv(tables["stuck"])
    assert list(stuck_rows[0]) == ["learner_id", "reason", "last_activity"]  # pseudonymous ids only
    assert {r["learner_id"] for r in stuck_rows} == set(ANSWERS)

    change_rows = {r["measure"]: r for r in read_csv(tables["changes"])}
    assert change_rows["Knowledge"]["n"] == "5" and change_rows["Knowledge"]["mean_change"] == "2.0"
    hidden = change_rows["Hidden theme"]
    assert hidden["n"] == hidden["mean_change"] == hidden["ci95_low"] == ""
    assert hidden["suppressed"] == a.SUPPRESSED_REASON


def test_csv_tables_only_include_the_tables_asked_for():
    assert a.to_csv_tables() == {}
    assert list(a.to_csv_tables(stuck=[])) == ["stuck"]
    assert a.to_csv_tables(stuck=[])["stuck"] == "learner_id,reason,last_activity\n"


def test_a_learner_on_a_track_the_course_no_longer_has_counts_as_not_complete(course):
    events = [ev("old", 0, REGISTERED, course_activity(), track="retired-track")]
    (stuck,) = a.stuck_learners(course, events, T0 + timedelta(days=20))
    assert stuck.learner_id == "old" and stuck.reason.startswith("No activity for 20 days")


def _textbook_pearson(xs, ys):
    """Pearson's r as analytics.pearson computed it before issue 26's last round: the sums as
    generator expressions, term by term in order."""
    n = len(xs)
    if n != len(ys) or n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def test_pearson_gives_the_same_bits_as_the_textbook_sums():
    # The discrimination index must not move by one bit when its loops change: item scores of
    # 0 and 1 against whole-number rests, fractions, constants, too few pairs.
    rng = random.Random(26)
    cases = [([1.0, 1.0, 1.0], [2.0, 1.0, 0.0]), ([1.0, 0.0], [1.0, 2.0])]
    for n in (3, 7, 50, 2000):
        xs = [float(rng.random() < 0.6) for _ in range(n)]
        cases.append((xs, [float(rng.randint(0, 12)) for _ in range(n)]))
        cases.append(([rng.random() for _ in range(n)], [rng.random() * 9 - 3 for _ in range(n)]))
        cases.append(([rng.choice((0.0, 1 / 3, 2 / 3, 1.0)) for _ in range(n)], [rng.random() for _ in range(n)]))
    for xs, ys in cases:
        got, want = a.pearson(xs, ys), _textbook_pearson(xs, ys)
        assert (got is None and want is None) or (got is not None and want is not None and got.hex() == want.hex())
