"""Spaced refreshers: which passed questions are due again, scheduled by FSRS.

Once a learner passes a module, every question of its quiz (on their track) enters their
review schedule. The schedule is not stored: it is replayed from the learner's own answer
events, oldest first, through the FSRS scheduler (`fsrs` package), with a right answer rated
Good and a wrong one Again, as FSRS's maintainers advise for quiz items. Quiz answers and
refresher answers both count; pre/post-test and survey answers do not (other questions).

The scheduler runs without learning steps and without fuzzing: a quiz answer is already a
considered recall, not a first look at a flash card, and the same history must always give
the same due dates (tests compare them with FSRS's own results).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

from course.analytics import MIN_GROUP, suppression_reason
from course.events import ANSWERED, COMPLETED, REFRESHER, Event, question_of, refresher_activity
from course.progress import PASSED_STATUS, project
from course.schema import Course, Gradable, Scenario

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
SET_SIZE = 5  # about five minutes: a question takes about a minute to read, answer and check
EXCLUDED_CONTEXTS = ("test", "survey")  # answers to check-in questions are not quiz recalls


@dataclass(frozen=True)
class Item:
    """One question in a learner's review schedule."""

    question: Gradable
    scenario: Scenario | None
    module_id: str
    quiz_id: str
    section_id: str | None
    due: datetime
    reviews: int

    @property
    def question_id(self) -> str:
        return self.question.id


def card_id(question_id: str) -> int:
    """A stable card id per question (FSRS only uses it to name the card)."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:6], "big")


def rating(correct: bool) -> Rating:
    return Rating.Good if correct else Rating.Again


def replay(question_id: str, answers: Iterable[tuple[datetime, bool]]) -> Card:
    """The FSRS card after the given (time, right?) answers, in time order."""
    card = Card(card_id=card_id(question_id))
    for at, correct in sorted(answers, key=lambda a: a[0]):
        card, _ = SCHEDULER.review_card(card, rating(correct), review_datetime=at.astimezone(UTC))
    return card


def answer_history(events: Iterable[Event]) -> dict[str, list[tuple[datetime, bool]]]:
    """question id -> (time, right?) of each quiz or refresher answer the learner gave."""
    out: dict[str, list[tuple[datetime, bool]]] = defaultdict(list)
    for e in events:
        question = question_of(e.activity)
        if e.verb != ANSWERED or question is None or e.success is None:
            continue
        if any(k in (e.context or {}) for k in EXCLUDED_CONTEXTS):
            continue
        at = e.timestamp if e.timestamp.tzinfo else e.timestamp.replace(tzinfo=UTC)
        out[question].append((at, bool(e.success)))
    return out


def schedule(course: Course, events: list[Event], track: str | None = None) -> list[Item]:
    """Every question of the learner's passed modules, soonest due first."""
    progress = project(course, events, track)
    if progress.track is None:
        return []
    history = answer_history(events)
    items = []
    for mp in progress.modules:
        if mp.status != PASSED_STATUS:
            continue
        module = course.module(mp.module_id)
        for scenario, q in course.quizzes[module.quiz].items(progress.track):
            answers = history.get(q.id, [])
            if not answers:
                continue  # a question added since the learner's attempts: learnt at their next one
            card = replay(q.id, answers)
            section = q.section or (scenario.section if scenario is not None else None)
            items.append(Item(q, scenario, module.id, module.quiz, section, card.due, len(answers)))
    items.sort(key=lambda i: (i.due, i.module_id, i.question_id))
    return items


def due(items: Iterable[Item], now: datetime) -> list[Item]:
    now = now.astimezone(UTC)
    return [i for i in items if i.due <= now]


def next_set(items: list[Item], now: datetime, fill: bool = False, size: int = SET_SIZE) -> list[Item]:
    """A refresher set: the most overdue questions, at most `size`. With `fill` (the
    certificate's renewal window is open), questions due soonest make up a short set, so a
    learner can always renew; otherwise only questions already due are asked."""
    chosen = due(items, now)[:size]
    if fill and len(chosen) < size:
        chosen += [i for i in items if i not in chosen][: size - len(chosen)]
    return chosen


def is_refresher_answer(event: Event) -> bool:
    return event.verb == ANSWERED and REFRESHER in (event.context or {})


def next_due(items: Iterable[Item], now: datetime) -> datetime | None:
    """When the next question falls due after `now` (None if none is scheduled)."""
    later = [i.due for i in items if i.due > now.astimezone(UTC)]
    return min(later) if later else None


@dataclass(frozen=True)
class Retention:
    """Refresher answers to one module's questions in one calendar month."""

    module_id: str
    month: str  # YYYY-MM, UTC
    learners: int | None  # these three are None (with `suppressed`) for fewer than MIN_GROUP learners
    answers: int | None
    right: int | None
    suppressed: str | None

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers and self.right is not None else None


def retention(course: Course, events: Iterable[Event], min_group: int = MIN_GROUP) -> list[Retention]:
    """Share of refresher answers right, by module and month, under the analytics privacy rule:
    a module-month answered by fewer than `min_group` learners shows no figures."""
    module_of = {q.id: m.id for m in course.modules for _, q in course.quizzes[m.quiz].items()}
    order = {m.id: n for n, m in enumerate(course.modules)}
    groups: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        module = module_of.get(question_of(e.activity) or "") if is_refresher_answer(e) else None
        if module is not None:
            at = e.timestamp if e.timestamp.tzinfo else e.timestamp.replace(tzinfo=UTC)
            groups[(module, f"{at.astimezone(UTC):%Y-%m}")].append(e)
    out = []
    for (module, month), evs in sorted(groups.items(), key=lambda kv: (kv[0][1], order[kv[0][0]])):
        learners = len({e.learner_id for e in evs})
        hidden = suppression_reason(learners, min_group)
        right = sum(bool(e.success) for e in evs)
        out.append(
            Retention(
                module,
                month,
                None if hidden else learners,
                None if hidden else len(evs),
                None if hidden else right,
                hidden,
            )
        )
    return out


def activity(
    events: Iterable[Event], min_group: int = MIN_GROUP
) -> list[tuple[str, int | None, int | None, str | None]]:
    """Refresher sets done per calendar month: (month, sets, learners, why hidden); sets and
    learners are None when fewer than `min_group` learners did one."""
    by_month: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.verb == COMPLETED and e.activity == refresher_activity():
            at = e.timestamp if e.timestamp.tzinfo else e.timestamp.replace(tzinfo=UTC)
            by_month[f"{at.astimezone(UTC):%Y-%m}"].append(e)
    out = []
    for month, evs in sorted(by_month.items()):
        learners = len({e.learner_id for e in evs})
        hidden = suppression_reason(learners, min_group)
        out.append((month, None if hidden else len(evs), None if hidden else learners, hidden))
    return out
