"""Pure scoring of quiz answers and pass/fail against a track's pass mark.

A response is what the learner chose, in plain data, so it can be stored as an event and
graded again later without any UI:
- single: an option id; multiple: a list of option ids; true_false: a bool;
- ordering: a list of option ids in the order the learner put them.
Each gradable question is worth one point and is right only when wholly right; partial
answers earn feedback on every option chosen, not partial points, which keeps the pass
mark meaning "this many questions answered correctly".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from course.schema import Gradable, Quiz

Response = str | bool | list[str] | None


@dataclass(frozen=True)
class OptionFeedback:
    option_id: str
    text: str
    feedback: str
    chosen: bool
    correct: bool  # whether choosing (or, for ordering, placing) it this way was right


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    correct: bool
    answered: bool
    feedback: tuple[OptionFeedback, ...]
    explanation: str
    correct_answer: str  # human-readable, for the learner after they submit


@dataclass(frozen=True)
class QuizResult:
    quiz_id: str
    results: tuple[QuestionResult, ...]
    score: int
    max_score: int
    pass_mark: int
    passed: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def is_answered(question: Gradable, response: Response) -> bool:
    if response is None:
        return False
    if question.type == "true_false":
        return isinstance(response, bool)
    if question.type == "single":
        return isinstance(response, str) and bool(response)
    if question.type == "multiple":
        return isinstance(response, list) and len(response) > 0
    # ordering: every option placed exactly once
    return isinstance(response, list) and sorted(response) == sorted(o.id for o in question.options)


def grade_question(question: Gradable, response: Response) -> QuestionResult:
    answered = is_answered(question, response)
    if question.type == "true_false":
        chosen = response if isinstance(response, bool) else None
        feedback = []
        for value, text in ((True, question.feedback_true), (False, question.feedback_false)):
            feedback.append(
                OptionFeedback(str(value).lower(), str(value), text, chosen is value, value is question.answer)
            )
        return QuestionResult(
            question.id,
            answered and chosen is question.answer,
            answered,
            tuple(feedback),
            question.explanation,
            "True" if question.answer else "False",
        )
    by_id = {o.id: o for o in question.options}
    if question.type == "single":
        chosen_ids = {response} if isinstance(response, str) else set()
        feedback = tuple(
            OptionFeedback(o.id, o.text, o.feedback, o.id in chosen_ids, o.id == question.answer)
            for o in question.options
        )
        return QuestionResult(
            question.id,
            answered and response == question.answer,
            answered,
            feedback,
            question.explanation,
            by_id[question.answer].text,
        )
    if question.type == "multiple":
        chosen_ids = set(response) if isinstance(response, list) else set()
        key = set(question.answer)
        feedback = tuple(
            OptionFeedback(o.id, o.text, o.feedback, o.id in chosen_ids, (o.id in key)) for o in question.options
        )
        return QuestionResult(
            question.id,
            answered and chosen_ids == key,
            answered,
            feedback,
            question.explanation,
            "; ".join(by_id[a].text for a in question.answer),
        )
    # ordering
    placed = list(response) if isinstance(response, list) else []
    position = {oid: i for i, oid in enumerate(placed)}
    feedback = tuple(
        OptionFeedback(
            o.id,
            o.text,
            o.feedback,
            o.id in position,
            position.get(o.id) == question.answer.index(o.id),
        )
        for o in sorted(question.options, key=lambda o: position.get(o.id, math.inf))
    )
    return QuestionResult(
        question.id,
        answered and placed == list(question.answer),
        answered,
        feedback,
        question.explanation,
        " → ".join(by_id[a].text for a in question.answer),
    )


def passes(score: int, max_score: int, pass_mark: int) -> bool:
    """Integer arithmetic, so 8/10 against 80% passes without float rounding surprises."""
    return max_score > 0 and score * 100 >= pass_mark * max_score


def grade_quiz(quiz: Quiz, responses: dict[str, Any], pass_mark: int, track: str | None = None) -> QuizResult:
    """Grade every question `track` sees; an unanswered question scores zero."""
    results = tuple(grade_question(q, responses.get(q.id)) for _, q in quiz.items(track))
    score = sum(r.correct for r in results)
    return QuizResult(quiz.id, results, score, len(results), pass_mark, passes(score, len(results), pass_mark))


def unanswered(quiz: Quiz, responses: dict[str, Any], track: str | None = None) -> list[int]:
    """1-based numbers of the questions still without a complete answer."""
    return [i for i, (_, q) in enumerate(quiz.items(track), start=1) if not is_answered(q, responses.get(q.id))]
