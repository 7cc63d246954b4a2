"""The base of `Store`: its engine, the guarded read and write connections every query uses, the
ping, and running the migrations.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from course.records import clock
from course.records.engine import _UNBOUNDED, Timeouts, _Health, _keep_open, _make_engine, _SqliteFiles, _translate
from course.records.errors import StoreUnavailable
from course.records.migrations import _PG_MIGRATION_LOCK, MIGRATIONS
from course.records.tables import schema_migrations_table


class StoreCore:
    """The connection to one database and the plumbing every query goes through: each call
    guarded (refused at once while an outage rests, driver errors turned into
    `StoreUnavailable`), SQLite writes queued on one lock, and the migrations. The mixins in
    this package add the queries; `course.records.store.Store` puts them together."""

    def __init__(self, url: str, timeouts: Timeouts | None = None):
        self.url = url
        self.timeouts = timeouts or Timeouts()
        self.engine = _make_engine(url, self.timeouts)
        self.dialect = self.engine.dialect.name
        self.health = _Health(self.engine.url.render_as_string(hide_password=True))
        database = self.engine.url.database or ""
        self._files = (
            _SqliteFiles(Path(database))
            if self.dialect == "sqlite" and database and database != ":memory:" and not database.startswith("file:")
            else None
        )
        if self._files is not None:
            _SQLITE_STORES.add(self)
        # SQLite has one writer at a time. Threads of this process queue here, and the next
        # one starts as soon as a write commits. Without it they wait in SQLite's busy
        # handler, which sleeps in steps of up to 100 ms (docs/performance.md, finding 5).
        # Other processes sharing the file still meet busy_timeout.
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else None

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        if self._files is not None and not self._files.safe_to_close():
            _keep_open(self.engine)  # closing would crash the process (see _SqliteFiles)
            return
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- plumbing

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        """One call to the database: refused at once during an outage's rest, its files
        checked first (SQLite), driver errors turned into StoreUnavailable, and the outage
        begun or ended for the log."""
        trying = self.health.admit()
        failure: StoreUnavailable | None = None
        try:
            with _translate():
                if self._files is not None:
                    self._files.check(self.engine)
                yield
        except StoreUnavailable as exc:
            failure = exc
            raise
        finally:
            self.health.done(trying, failure)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._guarded(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._guarded(), self._write_turn(), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def _write_turn(self) -> Iterator[None]:
        if self._write_lock is None:
            yield
            return
        # A write of this process that hangs (another process holds the file's lock) holds
        # the others up no longer than the statement timeout each.
        if not self._write_lock.acquire(timeout=self.timeouts.statement):
            raise StoreUnavailable(
                f"the learning records database is busy: another write has waited over {self.timeouts.statement:g} s"
            )
        try:
            yield
        finally:
            self._write_lock.release()

    @contextmanager
    def _unbounded(self) -> Iterator[None]:
        """Lift the client-side statement limit in this thread (migrations, ANALYZE)."""
        before = getattr(_UNBOUNDED, "on", False)
        _UNBOUNDED.on = True
        try:
            yield
        finally:
            _UNBOUNDED.on = before

    def _insert(self, table: sa.Table) -> Any:
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self._read() as conn:
                conn.execute(sa.select(1)).scalar_one()
            return True
        except (StoreUnavailable, sa_exc.SQLAlchemyError):
            return False

    # ---------------------------------------------------------------- migrations

    def applied_migrations(self) -> list[int]:
        with self._read() as conn:
            return sorted(self._applied(conn))

    @staticmethod
    def _applied(conn: Connection) -> set[int]:
        if not sa.inspect(conn).has_table("schema_migrations"):
            return set()
        return set(conn.execute(sa.select(schema_migrations_table.c.version)).scalars())

    def migrate(self) -> list[int]:
        """Apply every migration not yet recorded; return the versions this call applied.

        Each migration runs in its own transaction together with its schema_migrations row.
        Two processes starting at once are serialised (a PostgreSQL advisory lock; SQLite's
        BEGIN IMMEDIATE), and the loser re-checks and skips. Should a race slip past the lock
        anyway (a migration from a tool that does not take it), the error is caught and the
        version re-checked before anything is raised.
        """
        applied_now: list[int] = []
        with self._read() as conn:
            applied = self._applied(conn)
        for version, migration in MIGRATIONS:
            if version in applied:
                continue
            for attempt in range(3):
                try:
                    with self._unbounded(), self._write() as conn:
                        if self.dialect == "postgresql":
                            # A migration (an index on a large table, say) takes as long as it
                            # needs, and waits for another server's migration to finish.
                            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
                            conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
                            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
                        schema_migrations_table.create(conn, checkfirst=True)
                        if version in self._applied(conn):
                            break
                        migration(conn)
                        conn.execute(sa.insert(schema_migrations_table).values(version=version, applied_at=clock.now()))
                    applied_now.append(version)
                    break
                except (StoreUnavailable, sa_exc.DBAPIError):
                    try:
                        with self._read() as conn:
                            if version in self._applied(conn):
                                break
                    except StoreUnavailable:
                        pass
                    if attempt == 2:
                        raise
        return applied_now

    def optimize(self) -> None:
        """Refresh the query planner's statistics (after a bulk import, say)."""
        with self._unbounded(), self._write() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("ANALYZE")
            else:
                conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
                for table in ("events", "learners", "cohorts", "certificates"):
                    conn.exec_driver_sql(f"ANALYZE {table}")


def _inserted(conn: Connection, insert: Any) -> bool:
    """Run an insert-or-ignore; True if it wrote its row. (SQLAlchemy reports an INSERT's
    rowcount only when asked to keep it.)"""
    return conn.execute(insert, execution_options={"preserve_rowcount": True}).rowcount == 1


# SQLite stores of this process, checked once more as it exits (see _keep_open).
_SQLITE_STORES: weakref.WeakSet[StoreCore] = weakref.WeakSet()


@atexit.register
def _keep_unsafe_connections_open_at_exit() -> None:
    for store in list(_SQLITE_STORES):
        if store._files is not None and not store._files.safe_to_close():
            _keep_open(store.engine)
