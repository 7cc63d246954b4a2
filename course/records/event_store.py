"""The learning record: appending events (insert-or-ignore on the client's event id, so a retried
write is stored once; a quiz result's attempt number taken twice is `AttemptTaken`), reading a
learner's, a cohort's or a period's events, a cohort's quiz summary, and erasing a learner.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from course.events import FAILED, PASSED, Event
from course.records import summary
from course.records.core import StoreCore
from course.records.errors import AttemptTaken
from course.records.tables import OUTCOME_VERBS, certificates_table, drafts_table, events_table, learners_table

# Events per INSERT batch in append_many (keeps statements well under driver limits).
BATCH_SIZE = 1_000


@dataclass(frozen=True)
class QuizSummary:
    """How many learners of a cohort attempted, and passed, one quiz."""

    activity: str
    learners_attempted: int
    learners_passed: int


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


_LIMITS = {"event_id": 128, "learner_id": 128, "activity": 512, "track": 64, "cohort": 64}


def _event_row(event: Event) -> dict[str, Any]:
    # Checked here so SQLite (which ignores lengths) and PostgreSQL (which rejects) agree.
    for name, limit in _LIMITS.items():
        value = getattr(event, name)
        if value is not None and len(value) > limit:
            raise ValueError(f"event {name} is longer than {limit} characters")
    return {
        "event_id": event.event_id,
        "learner_id": event.learner_id,
        "verb": event.verb,
        "activity": event.activity,
        "track": event.track,
        "cohort": event.cohort,
        "attempt": event.attempt,
        "score": event.score,
        "max_score": event.max_score,
        "success": event.success,
        "response": _dump(event.response),
        "duration_s": event.duration_s,
        "context": _dump(event.context),
        "timestamp": event.timestamp,
    }


# Event's fields in their order, each stored in the column of the same name.
EVENT_FIELDS = (
    "learner_id",
    "verb",
    "activity",
    "track",
    "attempt",
    "score",
    "max_score",
    "success",
    "response",
    "duration_s",
    "cohort",
    "context",
    "timestamp",
    "event_id",
)


def event_from_row(row: sa.Row) -> Event:
    """An `events` row as the Event it stored (course/lms/outbox.py reads rows this way too)."""
    return Event(
        learner_id=row.learner_id,
        verb=row.verb,
        activity=row.activity,
        track=row.track,
        attempt=row.attempt,
        score=row.score,
        max_score=row.max_score,
        success=row.success,
        response=_load(row.response),
        duration_s=row.duration_s,
        cohort=row.cohort,
        context=_load(row.context),
        timestamp=row.timestamp,
        event_id=row.event_id,
    )


class EventStore(StoreCore):
    """Events: the `course.events.EventLog` half of the store."""

    def append(self, event: Event) -> None:
        """Store one event; a repeat of an event_id already stored is ignored."""
        self.append_many([event])

    def append_many(self, events: Iterable[Event]) -> None:
        """Store events in one transaction (all or none); repeats of stored ids are ignored."""
        rows = [_event_row(e) for e in events]
        if not rows:
            return
        stmt = self._insert(events_table).on_conflict_do_nothing(index_elements=["event_id"])
        try:
            with self._write() as conn:
                for start in range(0, len(rows), BATCH_SIZE):
                    conn.execute(stmt, rows[start : start + BATCH_SIZE])
                summary.mark_pending(self, conn, rows)  # the dashboard's summary: derived data
        except sa_exc.IntegrityError as exc:
            taken = self._taken_attempt(rows)
            if taken is None:
                raise
            raise taken from exc

    def _taken_attempt(self, rows: list[dict[str, Any]]) -> AttemptTaken | None:
        """Which quiz result in `rows` has an attempt number already recorded (by another
        write, or twice in these rows), if any."""
        c = events_table.c
        seen: set[tuple] = set()
        for row in rows:
            if row["verb"] not in OUTCOME_VERBS or row["attempt"] is None:
                continue
            key = (row["learner_id"], row["activity"], row["track"], row["attempt"])
            query = sa.select(c.event_id).where(
                c.learner_id == key[0],
                c.activity == key[1],
                c.track == key[2] if key[2] is not None else c.track.is_(None),
                c.attempt == key[3],
                c.verb.in_(OUTCOME_VERBS),
                c.event_id != row["event_id"],
            )
            with self._read() as conn:
                other = conn.execute(query.limit(1)).first()
            if other is not None or key in seen:
                return AttemptTaken(*key)
            seen.add(key)
        return None

    def next_attempt(self, learner_id: str, activity: str, track: str | None) -> int:
        """The attempt number after the highest result recorded for this quiz and track."""
        c = events_table.c
        query = sa.select(sa.func.max(c.attempt)).where(
            c.learner_id == learner_id,
            c.activity == activity,
            c.track == track if track is not None else c.track.is_(None),
            c.verb.in_(OUTCOME_VERBS),
        )
        with self._read() as conn:
            return (conn.execute(query).scalar_one() or 0) + 1

    def events(self, learner_id: str) -> list[Event]:
        """Every event of one learner, oldest first (ties in the order they were stored).

        Read on every script run of a learner's pages (course/learning.py), so it is the
        cheapest read that gives the same events: the statement built once per store, the
        columns in `Event`'s own order, each row unpacked by position (about half the time of
        building the query and reading each row's columns by name)."""
        with self._read() as conn:
            return [
                Event(lid, verb, act, track, att, score, top, ok, _load(resp), dur, cohort, _load(ctx), at, eid)
                for lid, verb, act, track, att, score, top, ok, resp, dur, cohort, ctx, at, eid in conn.execute(
                    self._learner_events, {"learner": learner_id}
                )
            ]

    @functools.cached_property
    def _learner_events(self) -> Any:
        """One learner's events, oldest first: the columns in the order of `Event`'s fields
        (tests/store checks they are the same as `event_from_row` reads)."""
        c = events_table.c
        columns = [getattr(c, name) for name in EVENT_FIELDS]
        return sa.select(*columns).where(c.learner_id == sa.bindparam("learner")).order_by(c.timestamp, c.seq)

    def events_for_cohort(
        self, cohort: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Event]:
        """Events made in `cohort`, oldest first; `since` is inclusive and `until` exclusive."""
        query = sa.select(events_table).where(events_table.c.cohort == cohort)
        if since is not None:
            query = query.where(events_table.c.timestamp >= since)
        if until is not None:
            query = query.where(events_table.c.timestamp < until)
        query = query.order_by(events_table.c.timestamp, events_table.c.seq)
        with self._read() as conn:
            return [event_from_row(r) for r in conn.execute(query)]

    def events_between(self, since: datetime | None = None, until: datetime | None = None) -> list[Event]:
        """Every learner's events in a period, oldest first (trainer views across cohorts)."""
        query = sa.select(events_table)
        if since is not None:
            query = query.where(events_table.c.timestamp >= since)
        if until is not None:
            query = query.where(events_table.c.timestamp < until)
        query = query.order_by(events_table.c.timestamp, events_table.c.seq)
        with self._read() as conn:
            return [event_from_row(r) for r in conn.execute(query)]

    def cohort_summary(self, cohort: str) -> list[QuizSummary]:
        """Per quiz: how many of the cohort's learners attempted it and how many passed.

        One GROUP BY over the (cohort, verb, activity, learner_id) index."""
        e = events_table.c
        passed = sa.case((e.verb == PASSED, e.learner_id))
        query = (
            sa.select(
                e.activity,
                sa.func.count(sa.distinct(e.learner_id)).label("attempted"),
                sa.func.count(sa.distinct(passed)).label("passed"),
            )
            .where(e.cohort == cohort, e.verb.in_([PASSED, FAILED]))
            .group_by(e.activity)
            .order_by(e.activity)
        )
        with self._read() as conn:
            return [QuizSummary(r.activity, r.attempted, r.passed) for r in conn.execute(query)]

    def query_rows(self, statement: sa.Executable) -> list[sa.Row]:
        """Every row of one read-only SQLAlchemy Core statement (course.analytics_db builds
        them, so the dashboard's aggregates run in the database)."""
        with self._read() as conn:
            return list(conn.execute(statement).all())

    def stream_rows(self, statement: sa.Executable, batch: int = BATCH_SIZE) -> Iterator[sa.Row]:
        """The rows of a read-only statement, fetched `batch` at a time (a server-side cursor
        on PostgreSQL), so an export of millions of events never holds them all at once."""
        with self._read() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(statement)
            yield from result

    def stream_batches(self, statement: sa.Executable, batch: int = BATCH_SIZE) -> Iterator[Sequence[sa.Row]]:
        """`stream_rows` a list of up to `batch` rows at a time (cheaper per row to consume)."""
        with self._read() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(statement)
            yield from result.partitions()

    def stream_events(
        self, cohort: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[Event]:
        """`events_for_cohort` (or, with no cohort, `events_between`) one batch at a time."""
        query = sa.select(events_table)
        if cohort is not None:
            query = query.where(events_table.c.cohort == cohort)
        if since is not None:
            query = query.where(events_table.c.timestamp >= since)
        if until is not None:
            query = query.where(events_table.c.timestamp < until)
        query = query.order_by(events_table.c.timestamp, events_table.c.seq)
        for row in self.stream_rows(query):
            yield event_from_row(row)

    def delete_learner(self, learner_id: str) -> int:
        """Erase a learner at their request: events, answers not yet submitted, certificates and
        identity. Returns the number of events deleted. Their certificates stop verifying, by
        design."""
        with self._write() as conn:
            deleted = conn.execute(sa.delete(events_table).where(events_table.c.learner_id == learner_id)).rowcount
            conn.execute(sa.delete(drafts_table).where(drafts_table.c.learner_id == learner_id))
            conn.execute(sa.delete(certificates_table).where(certificates_table.c.learner_id == learner_id))
            conn.execute(sa.delete(learners_table).where(learners_table.c.learner_id == learner_id))
            summary.forget_learner(self, conn, learner_id)
        return deleted
