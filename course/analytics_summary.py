"""The dashboard's item analysis from a derived summary: one row per learner and quiz.

Item analysis (facility, discrimination, option counts) reads each learner's answers in their
first attempt at a quiz. Worked out from the events, that is every answer to the quiz ever
stored (260,000 rows for 20,000 learners) on every refresh. The summary keeps, per learner and
quiz, what `analytics.first_attempt_answers` picks from all of the learner's events, plus the
time of the first and last answer it looked at and the cohort they were made in
(`course.records.tables.quiz_first_table`).

- Kept current: `append_many` marks a learner whose answers it stores, in the same
  transaction; `refresh` (run before every read) works the marked learners' rows out again
  from their own answers. A learner erased loses their rows in the erasing transaction.
- Rebuildable: `rebuild` (`python -m course analytics-rebuild`) works every row out from the
  events, for the course content whose fingerprint it records; a read under other content
  (a question moved to another quiz) rebuilds first, so the rows never follow an old course.
- Exact for any selection: a learner whose answers to the quiz all lie in the selection's
  period and cohort gets their row as it is; one with none there is left out; one with some
  (a period starting in the middle of their quiz, say) is worked out from the events in the
  selection, as before. Learners come in the order of their first answer counted, as the
  event path gives them, so `analytics.item_stats` sums in the same order: same floats.

Nothing here imports streamlit; docs/analytics.md describes how fresh the figures are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any, NamedTuple, Protocol

import sqlalchemy as sa

from course import analytics
from course.events import ANSWERED, question_activity, question_of
from course.records import Store
from course.records.event_store import _load
from course.records.summary import ANSWER_COLUMNS
from course.records.tables import events_table, quiz_first_table
from course.schema import Course


class Selection(Protocol):
    """A dashboard selection (`course.analytics_db.Selection`; named here without importing it,
    which imports this module)."""

    @property
    def cohort(self) -> str | None: ...
    @property
    def since(self) -> datetime | None: ...
    @property
    def until(self) -> datetime | None: ...
    def where(self, table: sa.FromClause, *more: Any) -> sa.ColumnElement[bool]: ...


ev = events_table.c
CHUNK = 500  # learner ids per IN list
FORMAT = 2  # of the rows: part of the fingerprint, so rows written another way are rebuilt


class Answer(NamedTuple):
    """One answer as item statistics read it (score, max score, success, response). A named
    tuple: 260,000 are made for one quiz at 20,000 learners, and a tuple is the cheapest to make."""

    score: float | None
    max_score: float | None
    success: bool | None
    response: Any


@dataclass(frozen=True)
class QuizMap:
    """Which question belongs to which quiz, and which quizzes are the pre/post tests."""

    quizzes: dict[str, tuple[str, ...]]  # quiz id -> its question ids
    tests: frozenset[str]

    @property
    def fingerprint(self) -> str:
        text = json.dumps([FORMAT, sorted(self.quizzes.items()), sorted(self.tests)], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def by_question(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for quiz_id, questions in sorted(self.quizzes.items()):
            for qid in questions:
                out.setdefault(qid, []).append(quiz_id)
        return out


def quiz_map(course: Course) -> QuizMap:
    """The course's quizzes and their questions (every track's), as item analysis reads them."""
    quizzes = {qid: tuple(dict.fromkeys(q.id for _, q in quiz.items())) for qid, quiz in course.quizzes.items()}
    return QuizMap(quizzes, frozenset(q for q in quizzes if analytics._is_test(course, q)))


class _Acc:
    """One learner's first attempt at one quiz while their answers are read, oldest first."""

    __slots__ = ("answers", "cohorts", "first_at", "first_seq", "key", "last_at")

    def __init__(self, key: Any, first_at: datetime, first_seq: int, cohort: str | None) -> None:
        self.key = key
        self.answers: dict[str, list[Any]] = {}
        self.first_at = first_at
        self.first_seq = first_seq
        self.last_at = first_at
        self.cohorts = {cohort}


def _first_attempts(rows: Iterable[Any], index: dict[str, list[str]], tests: frozenset[str]) -> dict[str, _Acc]:
    """Quiz id -> the first attempt in one learner's answer rows (oldest first): the same
    choices as `analytics_db.first_attempt_answers` (and so `analytics.first_attempt_answers`)."""
    accs: dict[str, _Acc] = {}
    for r in rows:
        qid = question_of(r.activity) or ""  # the rows are answers to questions only
        quizzes = index.get(qid)
        if not quizzes:
            continue
        ctx: Any = None
        for quiz_id in quizzes:
            test = quiz_id in tests
            if r.context is None:
                if test:
                    continue
                key: Any = (r.track, r.attempt)
            else:
                if ctx is None:
                    ctx = _load(r.context) or {}
                if test:
                    if ctx.get("test") != quiz_id:
                        continue
                    key = "test"
                elif "test" in ctx or "survey" in ctx:
                    continue
                else:
                    key = (r.track, r.attempt)
            acc = accs.get(quiz_id)
            if acc is None:
                acc = accs[quiz_id] = _Acc(key, r.timestamp, r.seq, r.cohort)
            else:
                acc.last_at = r.timestamp  # rows come oldest first
                acc.cohorts.add(r.cohort)
            if acc.key == key and qid not in acc.answers:
                acc.answers[qid] = [r.score, r.max_score, r.success, _load(r.response)]
    return accs


def _compute(qmap: QuizMap) -> Any:
    """The function the store calls with answer rows (ordered by learner, then time) to get
    summary rows."""
    index, tests = qmap.by_question(), qmap.tests

    def compute(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
        for learner, mine in groupby(rows, key=lambda r: r.learner_id):
            for quiz_id, acc in _first_attempts(mine, index, tests).items():
                mixed = len(acc.cohorts) > 1
                yield {
                    "learner_id": learner,
                    "quiz_id": quiz_id,
                    "first_at": acc.first_at,
                    "first_seq": acc.first_seq,
                    "last_at": acc.last_at,
                    "cohort": None if mixed else next(iter(acc.cohorts)),
                    "mixed": mixed,
                    "answers": _lines(acc.answers),
                }

    return compute


def rebuild(store: Store, course: Course) -> int:
    """Work every summary row out again from the events; returns how many rows there are."""
    qmap = quiz_map(course)
    return store.summary_rebuild(qmap.fingerprint, _compute(qmap))


def refresh(store: Store, course: Course) -> None:
    """Bring the summary up to date: rebuilt if it was built for other content (or never),
    else the rows of the learners marked since they were last worked out."""
    qmap = quiz_map(course)
    if store.summary_fingerprint() != qmap.fingerprint:
        store.summary_rebuild(qmap.fingerprint, _compute(qmap))
        return
    pending = store.summary_pending()
    if pending:
        store.summary_update(pending, _compute(qmap))


def _lines(answers: dict[str, list[Any]]) -> str:
    """A row's answers as text: one line per question, its id and its answer (score, max
    score, success, response) each as JSON, a tab between (JSON never holds a raw tab or
    newline). Lines, not one JSON object: a quiz's answers repeat a few texts ("[1.0,1.0,
    true,\"b\"]") thousands of times, and read line by line each distinct text is decoded once."""
    dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return "\n".join(f"{dump(qid)}\t{dump(a)}" for qid, a in answers.items())


def _answers(text: str, decoded: dict[str, Any]) -> dict[str, Answer]:
    """The answers of `_lines` text; `decoded` keeps every id and answer text decoded so far
    (shared by all the rows of one read; item statistics only read the answers)."""
    out: dict[str, Answer] = {}
    for line in text.split("\n"):
        qid_text, _, answer_text = line.partition("\t")
        qid = decoded.get(qid_text)
        if qid is None:
            qid = decoded[qid_text] = json.loads(qid_text)
        answer = decoded.get(answer_text)
        if answer is None:
            answer = decoded[answer_text] = Answer._make(json.loads(answer_text))
        out[qid] = answer
    return out


def first_attempt_answers(
    store: Store, course: Course, selection: Selection, quiz_id: str
) -> dict[str, dict[str, Answer]]:
    """As `analytics_db.first_attempt_answers`, from the summary (brought up to date first)."""
    refresh(store, course)
    t = quiz_first_table.c
    since, until, cohort = selection.since, selection.until, selection.cohort
    # Which rows the selection holds whole, and which not at all, decided in the query: the
    # times are then never turned into Python datetimes (that was a third of the read).
    none: list[sa.ColumnElement[bool]] = []
    inside: list[sa.ColumnElement[bool]] = []
    if until is not None:
        none.append(t.first_at >= until)  # none of their answers to it are in the period
        inside.append(t.last_at < until)
    if since is not None:
        none.append(t.last_at < since)
        inside.append(t.first_at >= since)
    if cohort is not None:  # all made in another cohort (or in none)
        none.append(sa.and_(sa.not_(t.mixed), sa.or_(t.cohort.is_(None), t.cohort != cohort)))
        inside.append(sa.not_(t.mixed))
    query = (
        sa.select(t.learner_id, sa.and_(sa.true(), *inside).label("inside"), t.answers)
        .where(t.quiz_id == quiz_id, sa.not_(sa.or_(sa.false(), *none)))
        .order_by(t.first_at, t.first_seq)
    )
    rows = store.query_rows(query)
    # Rows are unpacked by position throughout: cheaper than by name, 100,000 times over.
    partial = [lid for lid, inside, _ in rows if not inside]
    decoded: dict[str, Any] = {}
    if not partial:  # the usual case: every row as it is, in the order of the first answer
        # Learners who answered alike share one text, and then one (read-only) decoded row.
        same: dict[str, dict[str, Answer]] = {}
        out: dict[str, dict[str, Answer]] = {}
        for lid, _, text in rows:
            answers = same.get(text)
            if answers is None:
                answers = same[text] = _answers(text, decoded)
            out[lid] = answers
        return out
    # Some learners have only part of their answers in the selection: the rows held whole
    # and those learners worked out again are put in order of their first answer counted.
    keys = sa.select(t.learner_id, t.first_at, t.first_seq).where(t.quiz_id == quiz_id)
    key_of = {r.learner_id: (r.first_at, r.first_seq) for r in store.query_rows(keys)}
    found: list[tuple[datetime, int, str, dict[str, Answer]]] = [
        (*key_of[lid], lid, _answers(text, decoded)) for lid, inside, text in rows if inside
    ]
    # Only their answers in the selection count: worked out from those events.
    qmap = quiz_map(course)
    index = {qid: [quiz_id] for qid in qmap.quizzes[quiz_id]}
    for start in range(0, len(partial), CHUNK):
        query = (
            sa.select(*ANSWER_COLUMNS)
            .where(
                selection.where(
                    events_table,
                    ev.verb == ANSWERED,
                    ev.learner_id.in_(partial[start : start + CHUNK]),
                    ev.activity.in_([question_activity(q) for q in index]),
                )
            )
            .order_by(ev.learner_id, ev.timestamp, ev.seq)
        )
        for learner, mine in groupby(store.query_rows(query), key=lambda r: r.learner_id):
            acc = _first_attempts(mine, index, qmap.tests).get(quiz_id)
            if acc is not None:
                answers = {q: Answer._make(a) for q, a in acc.answers.items()}
                found.append((acc.first_at, acc.first_seq, learner, answers))
    found.sort(key=lambda f: (f[0], f[1]))
    return {lid: answers for _, _, lid, answers in found}


def item_analysis(store: Store, course: Course, selection: Selection, quiz_id: str) -> list[analytics.ItemStats]:
    """As `analytics.item_analysis` on the selection's events (the same `item_stats`)."""
    return analytics.item_stats(course, quiz_id, first_attempt_answers(store, course, selection, quiz_id))
