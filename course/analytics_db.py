"""The trainer dashboard's figures, aggregated in the database instead of over Event objects.

`course.analytics` works on a list of events, so the dashboard used to load every event of the
selection (600,000 for 20,000 learners) into Python on each refresh. The functions here give
the same results (the same dataclasses, every number identical: tests/unit/test_analytics_db.py
runs both on the same data) from SQLAlchemy Core queries that run on SQLite and PostgreSQL:

- GROUP BY and window functions for what needs one row per learner or per module (each
  learner's track, the funnel's distinct-learner counts, last activity, completion);
- narrow fetches of only the rows one figure reads (one quiz's attempts or answers, the
  check-ins), fed to the same arithmetic as `course.analytics` (`item_stats`, `paired_change`,
  `check_ins`), so the statistics themselves are not written twice.

A `Selection` is the dashboard's filter: a cohort (or all), and a period [since, until).
Small-group suppression is applied exactly as in `course.analytics`. Nothing here imports
streamlit; docs/analytics.md describes the methods and how fresh the figures are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa

from course import analytics, analytics_learners, analytics_summary
from course import events as ids  # activity ids are made and read only there
from course.analytics import Change, Distribution, FunnelStep, ItemStats, Stuck
from course.analytics_learners import StuckList
from course.events import ANSWERED, COMPLETED, FAILED, PASSED, REFRESHER, Event
from course.records import Store
from course.records.event_store import _load
from course.records.event_store import event_from_row as _row_event
from course.records.tables import events_table
from course.schema import Course

ev = events_table.c
ATTEMPT_VERBS = (PASSED, FAILED)
CHUNK = 500  # learner ids per IN list: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class Selection:
    """The events a dashboard view covers: one cohort (None: every cohort) in [since, until)."""

    cohort: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def where(self, table: sa.FromClause = events_table, *more: Any) -> sa.ColumnElement[bool]:
        c = table.c
        conds = list(more)
        if self.cohort is not None:
            conds.append(c.cohort == self.cohort)
        if self.since is not None:
            conds.append(c.timestamp >= self.since)
        if self.until is not None:
            conds.append(c.timestamp < self.until)
        return sa.and_(sa.true(), *conds)


# --------------------------------------------------------------------------- freshness


@dataclass(frozen=True)
class Newest:
    """The newest event stored (any selection): `seq` changes whenever an event arrives, so
    figures keyed on it are recomputed as soon as there is something new."""

    seq: int
    timestamp: datetime | None


def newest(store: Store) -> Newest:
    """The highest event number and its time: one index look-up, cheap enough for every render."""
    top = sa.select(sa.func.max(ev.seq)).scalar_subquery()
    rows = store.query_rows(sa.select(ev.seq, ev.timestamp).where(ev.seq == top))
    return Newest(rows[0].seq, rows[0].timestamp) if rows else Newest(0, None)


# --------------------------------------------------------------------------- per-learner figures
# From the derived per-learner summary (course.analytics_learners): one row per learner
# instead of every event. `learners` (one `learners(...)` read) saves a read when a caller
# asks for several figures of one selection, as the dashboard does.


def learners(store: Store, selection: Selection) -> analytics_learners.Learners:
    """Every learner with events in the selection -> their facts there (one summary read)."""
    return analytics_learners.read(store, selection)


def last_activity(
    store: Store, selection: Selection, learners: analytics_learners.Learners | None = None
) -> dict[str, datetime]:
    """Each learner in the selection -> the time of their latest event."""
    return analytics_learners.last_activity(analytics_learners.read(store, selection) if learners is None else learners)


def learner_tracks(
    store: Store, selection: Selection, learners: analytics_learners.Learners | None = None
) -> dict[str, str | None]:
    """As `analytics.learner_tracks` on the selection's events."""
    return analytics_learners.learner_tracks(
        analytics_learners.read(store, selection) if learners is None else learners
    )


def funnel(
    store: Store,
    course: Course,
    selection: Selection,
    track: str,
    learners: analytics_learners.Learners | None = None,
) -> list[FunnelStep]:
    """As `analytics.funnel`, counted over the learners' summary rows."""
    return analytics_learners.funnel(
        course, analytics_learners.read(store, selection) if learners is None else learners, track
    )


def score_distribution(
    store: Store,
    selection: Selection,
    quiz_id: str,
    which: Literal["best", "latest"] = "best",
    track: str | None = None,
    learners: analytics_learners.Learners | None = None,
) -> Distribution:
    """As `analytics.score_distribution`: each learner's best or latest percent (on `track`
    when given), from the learners' summary rows."""
    if which not in ("best", "latest"):
        raise ValueError("which must be 'best' or 'latest'")
    return analytics_learners.score_distribution(
        analytics_learners.read(store, selection) if learners is None else learners, quiz_id, which, track
    )


def stuck_learners(
    store: Store,
    course: Course,
    selection: Selection,
    now: datetime,
    inactive_days: int = 14,
    failed_twice: bool = True,
    learners: analytics_learners.Learners | None = None,
) -> list[Stuck]:
    """As `analytics.stuck_learners` over the selection, without loading any learner's
    history: completion and repeated fails are read from the learners' summary rows."""
    return analytics_learners.stuck_learners(
        course,
        analytics_learners.read(store, selection) if learners is None else learners,
        now,
        inactive_days,
        failed_twice,
    )


def stuck_list(
    store: Store,
    course: Course,
    selection: Selection,
    now: datetime,
    inactive_days: int = 14,
    shown: int = 100,
    learners: analytics_learners.Learners | None = None,
) -> StuckList:
    """`stuck_learners` as the dashboard shows it: how many, the first `shown`, and the whole
    list built only when asked for (the CSV)."""
    return analytics_learners.stuck_list(
        course,
        analytics_learners.read(store, selection) if learners is None else learners,
        now,
        inactive_days,
        shown=shown,
    )


# --------------------------------------------------------------------------- item analysis


@dataclass(frozen=True, slots=True)
class _Answer:
    score: float | None
    max_score: float | None
    success: bool | None
    response: Any


def first_attempt_answers(
    store: Store, course: Course, selection: Selection, quiz_id: str
) -> dict[str, dict[str, _Answer]]:
    """As `analytics.first_attempt_answers`, reading only the answers to this quiz's questions."""
    quiz = course.quizzes[quiz_id]
    qids = list(dict.fromkeys(q.id for _, q in quiz.items()))
    test = analytics._is_test(course, quiz_id)
    query = (
        sa.select(
            ev.learner_id,
            ev.activity,
            ev.track,
            ev.attempt,
            ev.score,
            ev.max_score,
            ev.success,
            ev.response,
            ev.context,
        )
        .where(
            selection.where(
                events_table, ev.verb == ANSWERED, ev.activity.in_([ids.question_activity(q) for q in qids])
            )
        )
        .order_by(ev.timestamp, ev.seq)
    )
    # Rows come oldest first, so the group a learner's first row opens is their earliest, and
    # the first row of a question within it is the first answer: the Event path's picks.
    first: dict[str, tuple[Any, dict[str, _Answer]]] = {}  # learner -> (group key, question -> answer)
    # A quiz's answers repeat a few texts ("b", ["a", "c"]) thousands of times: each is decoded
    # once. item_stats only reads them, so one decoded value can be shared.
    decoded: dict[str, Any] = {}

    def load(text: Any) -> Any:
        if text is None:
            return None
        value = decoded.get(text, decoded)
        if value is decoded:
            value = decoded[text] = _load(text)
        return value

    for rows in store.stream_batches(query, batch=5000):  # not all at once: most are kept anyway
        for learner, activity, track, attempt, score, max_score, success, response, context in rows:
            if context is None:
                if test:
                    continue
                key: Any = (track, attempt)
            else:
                ctx = _load(context) or {}
                if test:
                    if ctx.get("test") != quiz_id:
                        continue
                    key = "test"
                elif "test" in ctx or "survey" in ctx:
                    continue
                else:
                    key = (track, attempt)
            mine = first.get(learner)
            qid = ids.question_of(activity) or ""  # the query read answers to questions only
            if mine is None:
                first[learner] = (key, {qid: _Answer(score, max_score, success, load(response))})
            elif mine[0] == key and qid not in mine[1]:
                mine[1][qid] = _Answer(score, max_score, success, load(response))
    return {learner: answers for learner, (_, answers) in first.items()}


def item_analysis(store: Store, course: Course, selection: Selection, quiz_id: str) -> list[ItemStats]:
    """As `analytics.item_analysis` (the same arithmetic, `analytics.item_stats`), from the
    derived per-learner summary (`course.analytics_summary`), brought up to date first."""
    return analytics_summary.item_analysis(store, course, selection, quiz_id)


# --------------------------------------------------------------------------- paired change


def _check_in_events(store: Store, course: Course, selection: Selection) -> list:
    """Every event `progress.check_ins` reads (and a few it then ignores): the pre/post test and
    survey completions and the answers whose context names the attitude survey."""
    s = course.settings
    done = [ids.knowledge_test_activity(t) for t in (s.pre_test, s.post_test) if t]
    conds = [sa.and_(ev.verb == COMPLETED, ev.activity.in_(done))]
    if s.attitude_survey:
        named = json.dumps(s.attitude_survey, ensure_ascii=False)  # as records._dump writes it
        conds.append(sa.and_(ev.verb == COMPLETED, ev.activity == ids.survey_activity(s.attitude_survey)))
        survey = course.surveys.get(s.attitude_survey)
        if survey is not None:  # answers to anything but its items are never counted
            items = [ids.question_activity(i.id) for i in survey.items]
            conds.append(
                sa.and_(ev.verb == ANSWERED, ev.activity.in_(items), ev.context.contains(named, autoescape=True))
            )
    query = sa.select(events_table).where(selection.where(events_table, sa.or_(*conds))).order_by(ev.timestamp, ev.seq)
    return [_row_event(r) for r in store.query_rows(query)]


def knowledge_gain(store: Store, course: Course, selection: Selection) -> Change:
    """As `analytics.knowledge_gain`, from the check-in events only."""
    return analytics.knowledge_gain(course, _check_in_events(store, course, selection))


def attitude_change(store: Store, course: Course, selection: Selection) -> dict[str, Change]:
    """As `analytics.attitude_change`, from the check-in events only."""
    return analytics.attitude_change(course, _check_in_events(store, course, selection))


def changes(store: Store, course: Course, selection: Selection) -> tuple[Change, dict[str, Change]]:
    """Knowledge and attitude change from one read of the check-in events."""
    events = _check_in_events(store, course, selection)
    return analytics.knowledge_gain(course, events), analytics.attitude_change(course, events)


def changes_by_language(store: Store, course: Course, selection: Selection) -> list[analytics.LanguageResults]:
    """As `analytics.results_by_language`, from the check-in events only."""
    return analytics.results_by_language(course, _check_in_events(store, course, selection))


# --------------------------------------------------------------------------- scenarios, checks, refreshers


def _events_where(store: Store, selection: Selection, condition: sa.ColumnElement[bool]) -> list[Event]:
    """The selection's events matching `condition`, in the order the dashboard used to load
    them (time, then arrival), so the pure functions see them as before."""
    query = sa.select(events_table).where(selection.where(events_table, condition)).order_by(ev.timestamp, ev.seq)
    return [_row_event(r) for r in store.query_rows(query)]


def scenario_events(store: Store, course: Course, selection: Selection) -> list[Event]:
    """Every event `scenario_analytics.all_scenario_paths` and `check_stats` count: the choices
    at each scenario step, the scenario endings and the inline-check answers of this course.
    Named exactly (an index look-up by activity), not by prefix: the reports list only the
    course's own steps, choices, endings and checks, so nothing they show is left out."""
    steps = [ids.scenario_step_activity(sc.id, step.id) for sc in course.scenarios.values() for step in sc.steps]
    checks = [ids.check_activity(m.id, c.id) for m in course.modules for s in m.sections for c in s.checks]
    endings = [ids.scenario_activity(sc.id) for sc in course.scenarios.values()]
    named = steps + checks + endings
    if not named:
        return []
    # Looked up by activity, the period applied here: given the period too, SQLite's planner
    # skip-scanned the learner index over every event in it (1.1 s at 20,000 learners, with
    # no scenario played at all) instead of looking the few named activities up.
    found = _events_where(
        store, Selection(selection.cohort), sa.and_(ev.activity.in_(named), ev.verb.in_((ANSWERED, COMPLETED)))
    )
    ending_names = set(endings)
    return [
        e
        for e in analytics.filter_events(found, since=selection.since, until=selection.until)
        if (e.verb == COMPLETED) == (e.activity in ending_names)
    ]


def refresher_events(store: Store, course: Course, selection: Selection) -> list[Event]:
    """Every event `refresh.activity` and `refresh.retention` count: the refresher sets done
    and the refresher answers to this course's quiz questions (answers to anything else are
    never counted). A refresher answer has no attempt number and names the refresher in its
    context; quiz answers, by far the most rows, have an attempt number and are skipped."""
    questions = sorted({ids.question_activity(q.id) for m in course.modules for _, q in course.quizzes[m.quiz].items()})
    # The refresh page stores a set's answers in the same write as its completion, so only
    # learners with a completed set (an index look-up by activity) can have any: their own
    # events are then read by learner, never a scan of every quiz answer.
    has_done = sa.select(ev.learner_id).where(ev.activity == ids.refresher_activity(), ev.verb == COMPLETED)
    answers = sa.and_(
        ev.learner_id.in_(has_done),
        ev.verb == ANSWERED,
        ev.attempt.is_(None),
        ev.activity.in_(questions),
        ev.context.contains(json.dumps(REFRESHER), autoescape=True),
    )
    done = sa.and_(ev.activity == ids.refresher_activity(), ev.verb == COMPLETED)
    # Two reads, not one with OR: PostgreSQL's planner scanned all 4.6 million events for the
    # OR at 100,000 learners (EXPLAIN: Parallel Seq Scan, 1.2 s), each half alone is an index
    # look-up. The halves are disjoint (completed and answered): UNION ALL, in time order.
    halves = [sa.select(events_table).where(selection.where(events_table, done))]
    if questions:
        halves.append(sa.select(events_table).where(selection.where(events_table, answers)))
    both = sa.union_all(*halves).subquery()
    query = sa.select(both).order_by(both.c.timestamp, both.c.seq)
    found = [_row_event(r) for r in store.query_rows(query)]
    # The text search above may also match a context that only mentions the word: keep exactly
    # the events the pure functions would count.
    return [e for e in found if e.verb == COMPLETED or REFRESHER in (e.context or {})]


# --------------------------------------------------------------------------- exports

EVENT_COLUMNS = [
    "event_id",
    "timestamp",
    "learner_id",
    "cohort",
    "track",
    "verb",
    "activity",
    "attempt",
    "score",
    "max_score",
    "success",
    "duration_s",
    "response",
    "context",
]


def event_count(store: Store, selection: Selection, learners: analytics_learners.Learners | None = None) -> int:
    """How many events an export of the selection holds (summed over the learners' summary
    rows: a count over millions of events took seconds)."""
    return analytics_learners.event_count(analytics_learners.read(store, selection) if learners is None else learners)


def _stream(store: Store, selection: Selection) -> Iterator[Any]:
    return store.stream_events(selection.cohort, selection.since, selection.until)


def events_csv_chunks(store: Store, selection: Selection, rows_per_chunk: int = 1000) -> Iterator[str]:
    """The selection's events as CSV (one row per event, oldest first, a header first), a
    chunk of rows at a time: memory stays at one database batch whatever the selection's size."""
    yield ",".join(EVENT_COLUMNS) + "\n"
    yield from events_csv_chunks_of(_stream(store, selection), rows_per_chunk)


def events_csv_chunks_of(events: Iterable[Any], rows_per_chunk: int = 1000) -> Iterator[str]:
    """CSV rows (no header) for `events`, `rows_per_chunk` rows to a chunk."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for n, e in enumerate(events, start=1):
        row = {
            **e.__dict__,
            "timestamp": analytics._utc(e.timestamp).isoformat(),
            "response": None if e.response is None else json.dumps(e.response, ensure_ascii=False),
            "context": None if e.context is None else json.dumps(e.context, ensure_ascii=False),
        }
        writer.writerow(["" if row[c] is None else row[c] for c in EVENT_COLUMNS])
        if n % rows_per_chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _xapi_text(events: list[Any], base: str, course: Course | None) -> list[str]:
    """Each event's statement as it appears inside the exported array (indent 2, nested)."""
    from course import xapi

    return ["\n  " + json.dumps(s, indent=2).replace("\n", "\n  ") for s in xapi.statements(events, base, course)]


def xapi_chunks(
    store: Store, selection: Selection, base: str, course: Course | None = None, per_chunk: int = 500
) -> Iterator[str]:
    """The selection's xAPI statements as one JSON array, `per_chunk` statements at a time:
    the same text as json.dumps(xapi.statements(...), indent=2), never all in memory."""
    yield "["
    batch: list[Any] = []
    first = True
    for e in _stream(store, selection):
        batch.append(e)
        if len(batch) >= per_chunk:
            yield ("" if first else ",") + ",".join(_xapi_text(batch, base, course))
            first, batch = False, []
    if batch:
        yield ("" if first else ",") + ",".join(_xapi_text(batch, base, course))
        first = False
    yield "]" if first else "\n]"


@dataclass(frozen=True)
class ExportSizes:
    """How big the selection's event exports are, before anyone downloads them. The event
    count is exact; the byte sizes are estimated from the first `sample` events' own rows."""

    events: int
    csv_bytes: int
    xapi_bytes: int


def export_sizes(
    store: Store,
    selection: Selection,
    base: str,
    course: Course | None = None,
    sample: int = 100,
    learners: analytics_learners.Learners | None = None,
) -> ExportSizes:
    """The event count (from the learners' summary rows) and each export's size, estimated
    from the first `sample` events written the way the export writes them."""
    total = event_count(store, selection, learners)
    # The sample in arrival order (the primary key): in time order it meant sorting the whole
    # selection for 100 rows, and any rows of it estimate the size as well.
    query = sa.select(events_table).where(selection.where()).order_by(ev.seq).limit(sample)
    head = [_row_event(r) for r in store.query_rows(query)]
    if not head:
        return ExportSizes(0, len(",".join(EVENT_COLUMNS)) + 1, 2)
    csv_rows = sum(len(c.encode()) for c in events_csv_chunks_of(head))
    statements = sum(len(t.encode()) + 1 for t in _xapi_text(head, base, course))  # each with its comma
    scale = total / len(head)
    return ExportSizes(total, round(csv_rows * scale), round(statements * scale) + 2)
