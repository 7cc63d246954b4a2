"""`Store`, the whole store put together from its parts (events, drafts, learners, cohorts and
certificates, rooms and polls, trainer sessions), and `open_store()`, which picks the database,
opens and migrates it, and says plainly what is wrong with a URL that cannot work.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from course.records.cohorts import Cohorts
from course.records.drafts import Drafts
from course.records.engine import SQLITE_NOTADB, URL_EXAMPLES, Timeouts, _sqlite_code, resolve_url
from course.records.errors import StoreMisconfigured, StoreUnavailable
from course.records.event_store import EventStore
from course.records.learners import Learners
from course.records.rooms import Rooms
from course.records.sessions import TrainerSessions
from course.records.summary import SummaryStore


class Store(EventStore, Drafts, Learners, Cohorts, Rooms, TrainerSessions, SummaryStore):
    """Learning events, learners, cohorts and certificates in one database.

    Implements `course.events.EventLog`. Safe to share across threads (one per process,
    cached by the UI). Every method raises `StoreUnavailable` when the database cannot be
    reached, answers too slowly (`Timeouts`), or its files cannot be used (read-only, missing,
    damaged, a full disk): an outage, never a crash. Constructing a Store does not connect (it
    only creates a SQLite file's folder, raising StoreUnavailable if it cannot); `open_store()`
    also migrates.
    """


def open_store(url: str | None = None, timeouts: Timeouts | None = None) -> Store:
    """Open (and migrate) the store at `url`, COURSE_DB_URL, or data/course.sqlite, with
    `timeouts` (default: read from COURSE_DB_CONNECT_TIMEOUT and COURSE_DB_STATEMENT_TIMEOUT).

    Raises StoreUnavailable when the database cannot be reached; the UI can retry later.
    Raises StoreMisconfigured (a StoreUnavailable, so the UI keeps learners' work the same
    way) when the URL itself is wrong, which no retry mends. Once open, the store logs each
    outage when it begins and when it ends (one line each)."""
    try:
        resolved = resolve_url(url)
        parsed = make_url(resolved)
    except (sa_exc.ArgumentError, ValueError) as exc:
        raise StoreMisconfigured(f"it is not a database URL; {URL_EXAMPLES}") from exc
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StoreMisconfigured(
            f"the course works with SQLite and PostgreSQL (psycopg) only, not {parsed.drivername!r}; {URL_EXAMPLES}"
        )
    try:
        store = Store(resolved, timeouts or Timeouts.from_settings())
    except (ImportError, ValueError, sa_exc.ArgumentError) as exc:  # e.g. a port that is not a number
        raise StoreMisconfigured(f"part of it is not valid ({exc}); {URL_EXAMPLES}") from exc
    try:
        store.migrate()
    except sa_exc.DatabaseError as exc:
        store.close()
        if parsed.get_backend_name() == "sqlite":  # e.g. "file is not a database"
            raise StoreMisconfigured(f"{parsed.database} is not a SQLite database ({exc.orig})") from exc
        raise
    except StoreUnavailable as exc:
        store.close()
        cause = exc.__cause__
        if _sqlite_code(cause) == SQLITE_NOTADB:
            raise StoreMisconfigured(
                f"{parsed.database} is not a SQLite database ({getattr(cause, 'orig', cause)})"
            ) from exc
        raise
    except BaseException:
        store.close()
        raise
    store.health.armed = True
    return store
