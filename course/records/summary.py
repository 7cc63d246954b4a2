"""The store's side of the dashboard's derived summaries (tables in `course.records.tables`):
marking learners whose events changed, in the same transaction as the change, and writing the
rows that `course.analytics_summary` (item analysis, m011) and `course.analytics_learners`
(one row per learner, m012) work out.

The store does not know which question belongs to which quiz (that is course content), so it
does not compute the rows itself: `append_many` marks the learner in `analytics_pending` (their
answers) and `analytics_learner_pending` (any event) in the transaction that stores them, and
the dashboard's next read brings the marked learners' rows up to date before it uses any
(`course.analytics_summary.refresh`, `course.analytics_learners.refresh`). A learner erased with
`delete_learner` loses their rows and marks in the transaction that erases them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from course.events import ANSWERED, QUESTION, activity_prefix
from course.records import clock
from course.records.core import StoreCore
from course.records.tables import (
    events_table,
    learner_pending_table,
    learner_summary_table,
    quiz_first_table,
    summary_pending_table,
    summary_state_table,
)

SUMMARY = "quiz_first"  # the analytics_state row of the item-analysis summary
LEARNERS = "learner"  # the analytics_state row of the per-learner summary
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


# The columns the per-learner summary is computed from, in the order the rows are read.
LEARNER_COLUMNS = (
    ev.learner_id,
    ev.verb,
    ev.activity,
    ev.track,
    ev.cohort,
    ev.score,
    ev.max_score,
    ev.timestamp,
    ev.seq,
)


def _is_answer(verb: str, activity: str) -> bool:
    return verb == ANSWERED and activity.startswith(_QUESTIONS)


# Stores whose database has each summary's tables (m011, m012). `open_store` migrates before
# any write, so only a Store made directly on an older schema (a migration test's) lacks them;
# that is checked, each time, until they are there.
_READY: dict[str, weakref.WeakSet[StoreCore]] = {}


def _ready(store: StoreCore, conn: Connection, table: sa.Table = summary_pending_table) -> bool:
    ready = _READY.setdefault(table.name, weakref.WeakSet())
    if store in ready:
        return True
    if not sa.inspect(conn).has_table(table.name):
        return False
    ready.add(store)
    return True


def _mark(store: StoreCore, conn: Connection, table: sa.Table, learners: list[str]) -> None:
    if not learners or not _ready(store, conn, table):
        return
    stmt = store._insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=["learner_id"], set_={"version": table.c.version + 1})
    conn.execute(stmt, [{"learner_id": lid, "version": 1} for lid in learners])


def mark_pending(store: StoreCore, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Mark the learners among `rows` (about to be stored on `conn`) as needing their summary
    rows worked out again: every one for the per-learner summary, those with answers for the
    item-analysis summary. One upsert per learner and summary: the row's version goes up."""
    _mark(
        store,
        conn,
        summary_pending_table,
        sorted({r["learner_id"] for r in rows if _is_answer(r["verb"], r["activity"])}),
    )
    _mark(store, conn, learner_pending_table, sorted({r["learner_id"] for r in rows}))


def forget_learner(store: StoreCore, conn: Connection, learner_id: str) -> None:
    """Delete a learner's summary rows and marks (their erasure, in its transaction)."""
    if _ready(store, conn):
        conn.execute(sa.delete(quiz_first_table).where(quiz_first_table.c.learner_id == learner_id))
        conn.execute(sa.delete(summary_pending_table).where(summary_pending_table.c.learner_id == learner_id))
    if _ready(store, conn, learner_pending_table):
        conn.execute(sa.delete(learner_summary_table).where(learner_summary_table.c.learner_id == learner_id))
        conn.execute(sa.delete(learner_pending_table).where(learner_pending_table.c.learner_id == learner_id))


Compute = Callable[[Iterable[sa.Row]], Iterator[dict[str, Any]]]


@dataclass(frozen=True)
class _Kind:
    """One derived summary: its rows, its marks, its analytics_state row and the event rows
    (ordered by learner, then time and arrival) its rows are worked out from."""

    name: str
    table: sa.Table
    pending: sa.Table
    columns: tuple[sa.ColumnElement[Any], ...]
    answers_only: bool

    def source(self, learners: Sequence[str] | None) -> sa.Select:
        query = sa.select(*self.columns)
        if self.answers_only:
            query = query.where(ev.verb == ANSWERED, sa.func.substr(ev.activity, 1, len(_QUESTIONS)) == _QUESTIONS)
        if learners is not None:
            query = query.where(ev.learner_id.in_(learners))
        return query.order_by(ev.learner_id, ev.timestamp, ev.seq)


QUIZ_FIRST = _Kind(SUMMARY, quiz_first_table, summary_pending_table, ANSWER_COLUMNS, True)
PER_LEARNER = _Kind(LEARNERS, learner_summary_table, learner_pending_table, LEARNER_COLUMNS, False)


class SummaryStore(StoreCore):
    """Reading and writing the summary tables (the arithmetic is in course.analytics_summary
    and course.analytics_learners)."""

    def summary_fingerprint(self, kind: _Kind = QUIZ_FIRST) -> str | None:
        """The content fingerprint the summary was built for; None if it was never built."""
        query = sa.select(summary_state_table.c.fingerprint).where(summary_state_table.c.name == kind.name)
        with self._read() as conn:
            return conn.execute(query).scalar_one_or_none()

    def summary_pending(self, kind: _Kind = QUIZ_FIRST) -> list[tuple[str, int]]:
        """(learner, version) of every learner marked since their rows were worked out."""
        t = kind.pending.c
        with self._read() as conn:
            return [(r.learner_id, r.version) for r in conn.execute(sa.select(t.learner_id, t.version))]

    def _lock_summary(self, conn: Connection, kind: _Kind) -> None:
        # Two dashboards refreshing the same learner at once would both insert their rows.
        if self.dialect == "postgresql":
            lock = _PG_SUMMARY_LOCK + (kind is PER_LEARNER)
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(lock)))

    @staticmethod
    def _clear_marks(conn: Connection, kind: _Kind, pending: Sequence[tuple[str, int]]) -> None:
        """Clear the marks read as `pending`, unless a write marked a learner again meanwhile.
        One statement for all of them (a rebuild clears every learner's)."""
        if not pending:
            return
        t = kind.pending.c
        clear = sa.delete(kind.pending).where(t.learner_id == sa.bindparam("lid"), t.version == sa.bindparam("v"))
        conn.execute(clear, [{"lid": lid, "v": version} for lid, version in pending])

    def summary_update(self, pending: Sequence[tuple[str, int]], compute: Compute, kind: _Kind = QUIZ_FIRST) -> None:
        """Work out the rows of the `pending` learners again from their events (`compute`
        turns one learner's rows, oldest first, into summary rows) and clear their marks,
        unless a write marked them again meanwhile (then the next read does them again)."""
        learners = [lid for lid, _ in pending]
        with self._write() as conn:
            self._lock_summary(conn, kind)
            for start in range(0, len(learners), 500):
                chunk = learners[start : start + 500]
                rows = list(compute(conn.execute(kind.source(chunk))))
                conn.execute(sa.delete(kind.table).where(kind.table.c.learner_id.in_(chunk)))
                if rows:
                    conn.execute(sa.insert(kind.table), rows)
            self._clear_marks(conn, kind, pending)

    def summary_rebuild(self, fingerprint: str, compute: Compute, kind: _Kind = QUIZ_FIRST) -> int:
        """Rebuild the whole summary from the events for the content `fingerprint` names, in
        one transaction; returns the number of rows written."""
        written = 0
        with self._unbounded(), self._write() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
            self._lock_summary(conn, kind)
            t = kind.pending.c
            # Marks read before the events: every event they stand for is in the read below.
            pending = [(r.learner_id, r.version) for r in conn.execute(sa.select(t.learner_id, t.version))]
            conn.execute(sa.delete(kind.table))
            result = conn.execute(kind.source(None), execution_options={"yield_per": 5000})
            batch: list[dict[str, Any]] = []
            for row in compute(result):
                batch.append(row)
                if len(batch) >= 2000:
                    conn.execute(sa.insert(kind.table), batch)
                    written += len(batch)
                    batch = []
            if batch:
                conn.execute(sa.insert(kind.table), batch)
                written += len(batch)
            self._clear_marks(conn, kind, pending)
            state = summary_state_table
            conn.execute(sa.delete(state).where(state.c.name == kind.name))
            conn.execute(sa.insert(state).values(name=kind.name, fingerprint=fingerprint, built_at=clock.now()))
        self._settle(kind.table)
        return written

    def _settle(self, table: sa.Table) -> None:
        """After a rebuild wrote every row anew: the planner's statistics for the table, and on
        PostgreSQL a VACUUM, which marks the new rows visible to all. Without it the first
        dashboard after a rebuild read 100,000 rows that each still had to be checked against
        the transaction log, and wrote every page back while reading (bench/dashboard_bench.py
        measures right after a rebuild: docs/performance.md has the figures)."""
        if self.dialect == "sqlite":
            with self._unbounded(), self._write() as conn:
                conn.exec_driver_sql(f"ANALYZE {table.name}")
            return
        # VACUUM cannot run inside a transaction block.
        with self._unbounded(), self._guarded(), self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")  # this connection, until returned
            conn.exec_driver_sql("SET statement_timeout = 0")
            try:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table.name}")
            finally:  # back to the limit the connection was opened with, for the pool
                conn.exec_driver_sql("RESET statement_timeout")
