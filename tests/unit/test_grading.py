"""Grading: every question type, partial answers, and the pass-mark boundary."""

from __future__ import annotations

import pytest

from course.grading import grade_question, grade_quiz, passes, unanswered
from course.schema import MultipleSelect, Ordering, SingleChoice, TrueFalse

OPTS = [
    {"id": "a", "text": "Alpha", "feedback": "A is right."},
    {"id": "b", "text": "Beta", "feedback": "B is wrong."},
    {"id": "c", "text": "Gamma", "feedback": "C is right too."},
]
COMMON = {"prompt": "P?", "explanation": "Because.", "objective": "obj"}


def single():
    return SingleChoice(id="s", type="single", options=OPTS, answer="a", **COMMON)


def test_wrong_single_choice_shows_the_feedback_of_the_option_chosen():
    r = grade_question(single(), "b")
    assert not r.correct
    chosen = [f for f in r.feedback if f.chosen]
    assert [(f.option_id, f.feedback) for f in chosen] == [("b", "B is wrong.")]
    assert r.correct_answer == "Alpha"


def test_right_single_choice_is_correct():
    assert grade_question(single(), "a").correct


def test_multiple_select_needs_exactly_the_key():
    q = MultipleSelect(id="m", type="multiple", options=OPTS, answer=["a", "c"], **COMMON)
    assert grade_question(q, ["c", "a"]).correct
    assert not grade_question(q, ["a"]).correct  # a missing correct option
    assert not grade_question(q, ["a", "b", "c"]).correct  # an extra wrong one


def test_true_false_feedback_follows_the_answer_given():
    q = TrueFalse(id="t", type="true_false", answer=False, feedback_true="No.", feedback_false="Yes.", **COMMON)
    r = grade_question(q, True)
    assert not r.correct
    assert [f.feedback for f in r.feedback if f.chosen] == ["No."]
    assert grade_question(q, False).correct


def test_ordering_is_right_only_in_the_exact_order():
    q = Ordering(id="o", type="ordering", options=OPTS, answer=["c", "a", "b"], **COMMON)
    assert grade_question(q, ["c", "a", "b"]).correct
    r = grade_question(q, ["a", "c", "b"])
    assert not r.correct
    assert [(f.option_id, f.correct) for f in r.feedback] == [("a", False), ("c", False), ("b", True)]


@pytest.mark.parametrize("response", [None, "", [], ["a", "a", "b"]])
def test_unanswered_or_incomplete_responses_score_zero(response):
    q = Ordering(id="o", type="ordering", options=OPTS, answer=["c", "a", "b"], **COMMON)
    r = grade_question(q, response)
    assert not r.correct and not r.answered


@pytest.mark.parametrize(
    ("score", "max_score", "mark", "expected"),
    [
        (8, 10, 80, True),
        (7, 10, 80, False),
        (11, 13, 80, True),
        (10, 13, 80, False),
        (7, 10, 70, True),
        (0, 0, 50, False),
    ],
)
def test_pass_mark_is_exact_at_the_boundary(score, max_score, mark, expected):
    assert passes(score, max_score, mark) is expected


def _all_right(quiz, track):
    out = {}
    for _, q in quiz.items(track):
        out[q.id] = q.answer if q.type != "multiple" else list(q.answer)
    return out


def test_real_quiz_all_right_passes_and_one_wrong_still_counts(real_course):
    quiz = real_course.quizzes["history"]
    responses = _all_right(quiz, "staff")
    result = grade_quiz(quiz, responses, 80, "staff")
    assert result.passed and result.score == result.max_score == len(quiz.items("staff"))
    responses["history-q01"] = "b"
    result = grade_quiz(quiz, responses, 80, "staff")
    assert result.score == result.max_score - 1


def test_public_track_does_not_see_staff_only_scenarios(real_course):
    quiz = real_course.quizzes["history"]
    staff_ids = {q.id for _, q in quiz.items("staff")}
    public_ids = {q.id for _, q in quiz.items("public")}
    assert public_ids < staff_ids
    assert "history-s01-q1" in staff_ids - public_ids


def test_unanswered_lists_question_numbers(real_course):
    quiz = real_course.quizzes["history"]
    responses = _all_right(quiz, "public")
    first, third = quiz.items("public")[0][1].id, quiz.items("public")[2][1].id
    del responses[first], responses[third]
    assert unanswered(quiz, responses, "public") == [1, 3]
