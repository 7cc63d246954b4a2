"""Check-ins: reverse-scored survey items, theme means, pre/post knowledge gain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from course.events import ANSWERED, COMPLETED, Event, knowledge_test_activity, question_activity, survey_activity
from course.progress import check_ins, likert_value, survey_theme_means

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def ev(n, verb, activity, **kw):
    return Event(learner_id="L", verb=verb, activity=activity, timestamp=T0 + timedelta(minutes=n), **kw)


def test_reverse_scored_items_count_the_other_way():
    assert likert_value(True, 5, 1, 5) == 1
    assert likert_value(True, 2, 1, 5) == 4
    assert likert_value(False, 2, 1, 5) == 2


def test_theme_means_use_reverse_scoring(real_course):
    survey = real_course.surveys[real_course.settings.attitude_survey]
    # Agree strongly with everything: positive items score 5, reverse items score 1.
    means = survey_theme_means(survey, {i.id: 5 for i in survey.items})
    for theme, mean in means.items():
        items = [i for i in survey.items if i.theme == theme]
        expected = sum(1 if i.reverse else 5 for i in items) / len(items)
        assert mean == expected


def test_survey_has_enough_items_marked_and_explains_itself(real_course):
    survey = real_course.surveys[real_course.settings.attitude_survey]
    assert len(survey.items) >= 10
    assert any(i.reverse for i in survey.items) and not all(i.reverse for i in survey.items)
    assert "not a validated scale" in survey.intro
    assert survey.scale.min == 1 and survey.scale.max == 5


def test_pre_and_post_tests_measure_the_same_objectives_with_different_items(real_course):
    s = real_course.settings
    pre, post = real_course.quizzes[s.pre_test], real_course.quizzes[s.post_test]
    pre_obj = sorted(q.objective for _, q in pre.items())
    post_obj = sorted(q.objective for _, q in post.items())
    assert pre_obj == post_obj and len(pre_obj) >= 10
    assert not {q.prompt for _, q in pre.items()} & {q.prompt for _, q in post.items()}


def test_gain_is_post_minus_pre(real_course):
    s = real_course.settings
    events = [
        ev(0, COMPLETED, knowledge_test_activity(s.pre_test), score=7, max_score=14),
        ev(1, COMPLETED, knowledge_test_activity(s.post_test), score=12, max_score=14),
    ]
    c = check_ins(real_course, events)
    assert round(c.pre_percent) == 50 and round(c.post_percent) == 86 and round(c.gain) == 36


def test_survey_counts_only_when_completed(real_course):
    survey = real_course.surveys[real_course.settings.attitude_survey]
    first = survey.items[0]
    answered = [
        ev(0, ANSWERED, question_activity(first.id), response=4, context={"survey": survey.id, "phase": "start"})
    ]
    assert check_ins(real_course, answered).survey_start is None
    done = answered + [ev(1, COMPLETED, survey_activity(survey.id), context={"phase": "start"})]
    assert check_ins(real_course, done).survey_start == {first.theme: float(likert_value(first.reverse, 4, 1, 5))}
