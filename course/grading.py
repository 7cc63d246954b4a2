"""Pure scoring of quiz answers and pass/fail against a track's pass mark.

A response is what the learner chose, in plain data, so it can be stored as an event and
graded again later without any UI:
- single: an option id; multiple: a list of option ids; true_false: a bool;
- ordering: a list of option ids in the order the learner put them.
How each type grades is in its module in course/questions/; this module adds up a quiz.
Each gradable question is worth one point and is right only when wholly right; partial
answers earn feedback on every option chosen, not partial points, which keeps the pass
mark meaning "this many questions answered correctly".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from course.questions import OptionFeedback, QuestionResult, Response
from course.schema import Gradable, Quiz

# Where they were defined before the question types had their own package: pages and tests
# import them from here.
__all__ = [
    "OptionFeedback",
    "QuestionResult",
    "QuizResult",
    "Response",
    "grade_question",
    "grade_quiz",
    "is_answered",
    "passes",
    "unanswered",
]


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
    """Whether `response` is a complete answer to `question` (its type decides)."""
    return response is not None and question.is_answered(response)


def grade_question(question: Gradable, response: Response) -> QuestionResult:
    return question.grade(response)


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
