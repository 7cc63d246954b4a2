"""The store's side of the dashboard's derived item-analysis summary (tables in
`course.records.tables`, m011): marking learners whose answers changed, in the same
transaction as the change, and writing the rows that `course.analytics_summary` works out.

The store does not know which question belongs to which quiz (that is course content), so it
does not compute the rows itself: `append_many` marks the learner in `analytics_pending` in the
transaction that stores their answers, and the dashboard's next read brings the marked
learners' rows up to date before it uses any (`course.analytics_summary.refresh`). A learner
erased with `delete_learner` loses their rows and mark in the transaction that erases them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from course.events import ANSWERED, QUESTION, activity_prefix
from course.records import clock
from course.records.core import StoreCore
from course.records.tables import events_table, quiz_first_table, summary_pending_table, summary_state_table

SUMMARY = "quiz_first"  # the analytics_state row of the item-analysis summary
_PG_SUMMARY_LOCK = 0x73756D6D  # serialises summary writers on PostgreSQL (any constant will do)
ev = events_table.c
_QUESTIONS = activity_prefix(QUESTION)  # every answer to a quiz question

# The answer columns the summary is computed from, in the order the rows are read.
ANSWER_COLUMNS = (
    ev.learner_id,
    ev.activity,
    ev.track,
    ev.attempt,
    ev.score,
    ev.max_score,
    ev.success,
    ev.response,
    ev.context,
    ev.cohort,
    ev.timestamp,
    ev.seq,
)


def _is_answer(verb: str, activity: str) -> bool:
    return verb == ANSWERED and activity.startswith(_QUESTIONS)


# Stores whose database has the summary tables (m011). `open_store` migrates before any write,
# so only a Store made directly on an older schema (a migration test's) lacks them; that is
# checked, each time, until they are there.
_READY: weakref.WeakSet[StoreCore] = weakref.WeakSet()


def _ready(store: StoreCore, conn: Connection) -> bool:
    if store in _READY:
        return True
    if not sa.inspect(conn).has_table(summary_pending_table.name):
        return False
    _READY.add(store)
    return True


def mark_pending(store: StoreCore, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Mark the learners with answers among `rows` (about to be stored on `conn`) as needing
    their summary rows worked out again. One upsert per learner: the row's version goes up."""
    learners = sorted({r["learner_id"] for r in rows if _is_answer(r["verb"], r["activity"])})
    if not learners or not _ready(store, conn):
        return
    table = summary_pending_table
    stmt = store._insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=["learner_id"], set_={"version": table.c.version + 1})
    conn.execute(stmt, [{"learner_id": lid, "version": 1} for lid in learners])


def forget_learner(store: StoreCore, conn: Connection, learner_id: str) -> None:
    """Delete a learner's summary rows and mark (their erasure, in its transaction)."""
    if not _ready(store, conn):
        return
    conn.execute(sa.delete(quiz_first_table).where(quiz_first_table.c.learner_id == learner_id))
    conn.execute(sa.delete(summary_pending_table).where(summary_pending_table.c.learner_id == learner_id))


Compute = Callable[[Iterable[sa.Row]], Iterator[dict[str, Any]]]


class SummaryStore(StoreCore):
    """Reading and writing the summary tables (the arithmetic is in course.analytics_summary)."""

    def summary_fingerprint(self) -> str | None:
        """The content fingerprint the summary was built for; None if it was never built."""
        query = sa.select(summary_state_table.c.fingerprint).where(summary_state_table.c.name == SUMMARY)
        with self._read() as conn:
            return conn.execute(query).scalar_one_or_none()

    def summary_pending(self) -> list[tuple[str, int]]:
        """(learner, version) of every learner marked since their rows were worked out."""
        t = summary_pending_table.c
        with self._read() as conn:
            return [(r.learner_id, r.version) for r in conn.execute(sa.select(t.learner_id, t.version))]

    def _lock_summary(self, conn: Connection) -> None:
        # Two dashboards refreshing the same learner at once would both insert their rows.
        if self.dialect == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_SUMMARY_LOCK)))

    @staticmethod
    def _answers_query(learners: Sequence[str] | None) -> sa.Select:
        query = sa.select(*ANSWER_COLUMNS).where(
            ev.verb == ANSWERED, sa.func.substr(ev.activity, 1, len(_QUESTIONS)) == _QUESTIONS
        )
        if learners is not None:
            query = query.where(ev.learner_id.in_(learners))
        return query.order_by(ev.learner_id, ev.timestamp, ev.seq)

    def summary_update(self, pending: Sequence[tuple[str, int]], compute: Compute) -> None:
        """Work out the rows of the `pending` learners again from their answers (`compute`
        turns one learner's answer rows, oldest first, into rows) and clear their marks,
        unless a write marked them again meanwhile (then the next read does them again)."""
        learners = [lid for lid, _ in pending]
        t = summary_pending_table.c
        with self._write() as conn:
            self._lock_summary(conn)
            for start in range(0, len(learners), 500):
                chunk = learners[start : start + 500]
                rows = list(compute(conn.execute(self._answers_query(chunk))))
                conn.execute(sa.delete(quiz_first_table).where(quiz_first_table.c.learner_id.in_(chunk)))
                if rows:
                    conn.execute(sa.insert(quiz_first_table), rows)
            for lid, version in pending:
                conn.execute(sa.delete(summary_pending_table).where(t.learner_id == lid, t.version == version))

    def summary_rebuild(self, fingerprint: str, compute: Compute) -> int:
        """Rebuild the whole summary from the events for the content `fingerprint` names, in
        one transaction; returns the number of rows written."""
        written = 0
        with self._unbounded(), self._write() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
            self._lock_summary(conn)
            t = summary_pending_table.c
            # Marks read before the events: every answer they stand for is in the read below.
            pending = [(r.learner_id, r.version) for r in conn.execute(sa.select(t.learner_id, t.version))]
            conn.execute(sa.delete(quiz_first_table))
            result = conn.execute(self._answers_query(None), execution_options={"yield_per": 5000})
            batch: list[dict[str, Any]] = []
            for row in compute(result):
                batch.append(row)
                if len(batch) >= 2000:
                    conn.execute(sa.insert(quiz_first_table), batch)
                    written += len(batch)
                    batch = []
            if batch:
                conn.execute(sa.insert(quiz_first_table), batch)
                written += len(batch)
            for lid, version in pending:
                conn.execute(sa.delete(summary_pending_table).where(t.learner_id == lid, t.version == version))
            state = summary_state_table
            conn.execute(sa.delete(state).where(state.c.name == SUMMARY))
            conn.execute(sa.insert(state).values(name=SUMMARY, fingerprint=fingerprint, built_at=clock.now()))
        return written
