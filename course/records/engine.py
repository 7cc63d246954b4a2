"""Which database, and how the store talks to it: the URL policy (argument, else COURSE_DB_URL,
else data/course.sqlite; plain postgresql:// means psycopg 3), the timeouts, and turning every
driver failure into `StoreUnavailable` (an outage, never a crash; docs/reliability.md): the
watchdog that cuts off a statement that hangs, the checks of a SQLite file that may be replaced,
read-only or damaged, and the health record that logs one line when an outage begins and one
when it ends.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url

from course import settings
from course.records.errors import StoreSlow, StoreUnavailable

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file is course/records/engine.py)
DB_URL_ENV = settings.DB_URL.name
DEFAULT_SQLITE_PATH = ROOT / "data" / "course.sqlite"

# How long the store waits for the database before it calls it an outage (docs/reliability.md).
# Each is a setting; these are the defaults. A learner who clicks while the database hangs is
# told within a few seconds, and their answer waits in the tab, instead of a spinner that never
# ends. Writers of one process queue on the store's own lock (below), so SQLite's busy timeout
# is only met by another process's write: a `python -m course` command, a second server.
CONNECT_TIMEOUT_ENV = settings.DB_CONNECT_TIMEOUT.name
STATEMENT_TIMEOUT_ENV = settings.DB_STATEMENT_TIMEOUT.name
PG_CONNECT_TIMEOUT_S = settings.DB_CONNECT_TIMEOUT.number()
STATEMENT_TIMEOUT_S = settings.DB_STATEMENT_TIMEOUT.number()
SQLITE_BUSY_TIMEOUT_MS = 5_000
# A PostgreSQL server that stops answering altogether (its processes frozen, its host gone
# without a reset) cannot cancel its own statement: the client gives up this much later.
CLIENT_GRACE_S = 1.0
# After a call finds the database down, other calls fail at once for this long, so that one
# frozen database does not hold every learner's click for a whole timeout; then one call tries.
RETRY_AFTER_S = 2.0

_log = logging.getLogger("course.records")


def resolve_url(url: str | None = None) -> str:
    """The database URL: the argument, else COURSE_DB_URL, else the default SQLite file."""
    url = url or (settings.environ(DB_URL_ENV) or "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    parsed = make_url(url)
    # Plain postgresql:// (as hosting providers hand it out) means psycopg 3 here.
    if parsed.drivername in ("postgres", "postgresql"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


URL_EXAMPLES = "use sqlite:///path/to/course.sqlite or postgresql://user:password@host/dbname"


def describe_url(url: str) -> str:
    """A database URL for a message: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa_exc.ArgumentError, ValueError):  # not parseable: hide what looks like one
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


@dataclass(frozen=True)
class Timeouts:
    """How long the store waits for the database, in seconds (None: the default).

    `connect_s` bounds opening a PostgreSQL connection. `statement_s` bounds one statement:
    PostgreSQL's own `statement_timeout` and `lock_timeout`, a client-side limit a little
    longer for a server that does not answer at all, and SQLite's busy timeout (a write waiting
    for another process's write)."""

    connect_s: float | None = None
    statement_s: float | None = None

    @property
    def connect(self) -> float:
        return float(PG_CONNECT_TIMEOUT_S) if self.connect_s is None else self.connect_s

    @property
    def statement(self) -> float:
        return STATEMENT_TIMEOUT_S if self.statement_s is None else self.statement_s

    @property
    def busy_ms(self) -> int:
        # Read when a connection opens, so the module default can be changed (tests do).
        return SQLITE_BUSY_TIMEOUT_MS if self.statement_s is None else round(self.statement_s * 1000)

    @classmethod
    def from_settings(cls, get: Callable[[str], str | None] = settings.environ) -> Timeouts:
        """Read COURSE_DB_CONNECT_TIMEOUT and COURSE_DB_STATEMENT_TIMEOUT through `get` (the
        environment by default; the app passes its own settings reader). A value that is not
        a number of seconds from 0.1 to 3600 is logged once and the default used instead."""
        found: dict[str, float | None] = {}
        for field, name in (("connect_s", CONNECT_TIMEOUT_ENV), ("statement_s", STATEMENT_TIMEOUT_ENV)):
            raw = (get(name) or "").strip()
            found[field] = None
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if 0.1 <= value <= 3600:
                found[field] = value
            else:
                _log_once(f"{name} {raw!r} is not a number of seconds from 0.1 to 3600; using the default")
        return cls(**found)


_LOGGED: set[str] = set()


def _log_once(message: str) -> None:
    if message not in _LOGGED:
        _LOGGED.add(message)
        _log.error(message)


# SQLite result codes (the low byte of an extended code) that mean the file cannot be used
# right now: permission, busy, locked, read-only, I/O error, corrupt, full, cannot open,
# protocol, not a database. Each is an outage for the app, never a crash.
_SQLITE_OUTAGE_CODES = frozenset({3, 5, 6, 8, 10, 11, 13, 14, 15, 26})
SQLITE_NOTADB = 26


def _sqlite_code(exc: BaseException | None) -> int | None:
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


_TIMED_OUT = threading.local()  # seconds, when this thread's last statement was cut off


class _NoAnswer(Exception):
    """The pool's check of a connection got no answer in time: the server hangs. Not a driver
    error, so SQLAlchemy does not open a new connection to the same hung server first (which
    would double the learner's wait); the connection is discarded all the same."""

    def __init__(self, seconds: float):
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


@contextmanager
def _translate() -> Iterator[None]:
    """Turn 'cannot reach or use the database' driver errors into StoreUnavailable."""
    _TIMED_OUT.seconds = None
    try:
        yield
    except _NoAnswer as exc:
        raise StoreUnavailable(f"the learning records database did not answer within {exc.seconds:g} s") from exc
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        if getattr(exc.orig, "sqlstate", None) == "57014" and not getattr(_TIMED_OUT, "seconds", None):
            raise StoreSlow(
                f"the learning records database cancelled a request that took too long: {exc.orig}"
            ) from exc
        waited = getattr(_TIMED_OUT, "seconds", None)
        if waited:
            raise StoreUnavailable(
                f"the learning records database did not answer within {waited:g} s ({exc.orig})"
            ) from exc
        raise StoreUnavailable(f"the learning records database cannot be reached: {exc.orig}") from exc
    except sa_exc.DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreUnavailable(f"the learning records database connection was lost: {exc.orig}") from exc
        if type(exc) is sa_exc.DatabaseError and _sqlite_code(exc) in _SQLITE_OUTAGE_CODES:
            # A damaged file ("database disk image is malformed"): no retry mends it, but the
            # learners' work waits in their tabs while the operator restores a backup.
            raise StoreUnavailable(f"the learning records database file is damaged: {exc.orig}") from exc
        raise


class _Watchdog:
    """Cuts off a PostgreSQL connection whose statement has waited past its deadline.

    A server whose processes are frozen (or a host gone without a reset) accepts the request
    at the TCP level and never answers: its own statement_timeout cannot fire, and psycopg
    waits on the socket for ever. Shutting the socket down makes that wait end with a
    disconnect error, which SQLAlchemy handles as for any lost connection (the connection is
    discarded), so the learner gets the outage notice instead of a spinner. One thread per
    process, started on first use; it sleeps until the earliest deadline."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._watched: dict[int, list[Any]] = {}  # id -> [deadline, socket fd, cut]
        self._wake_at = float("inf")
        self._thread: threading.Thread | None = None

    @contextmanager
    def watch(self, fd: int, seconds: float) -> Iterator[list[Any]]:
        entry = [time.monotonic() + seconds, fd, False]
        key = id(entry)
        with self._cond:
            self._watched[key] = entry
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="course-db-watchdog", daemon=True)
                self._thread.start()
            if entry[0] < self._wake_at:
                self._cond.notify()
        try:
            yield entry
        finally:
            with self._cond:  # under the lock: the fd is never cut after its call returned
                del self._watched[key]

    def _run(self) -> None:
        with self._cond:
            while True:
                at = time.monotonic()
                for entry in self._watched.values():
                    if not entry[2] and entry[0] <= at:
                        entry[2] = True
                        _shut(entry[1])
                waiting = [e[0] for e in self._watched.values() if not e[2]]
                self._wake_at = min(waiting, default=float("inf"))
                self._cond.wait(None if not waiting else max(0.0, self._wake_at - at))


def _shut(fd: int) -> None:
    """Shut a socket down for both directions through a copy of its descriptor (the driver
    keeps its own, and notices the end of the connection on its next read)."""
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


_WATCHDOG = _Watchdog()
_KEPT_OPEN: list[Engine] = []  # SQLite engines whose files could not be written when closed


def _keep_open(engine: Engine) -> None:
    """Never close this engine's pooled SQLite connections, not even when the process ends.

    Closing a WAL connection writes to the memory-mapped -shm file, which SIGBUS-kills the
    process while the file is immutable (see _SqliteFiles); a server stopped then would end
    with "Bus error" instead of exiting. Each connection gets one reference more than anything
    will ever release, so Python never frees it and SQLite never closes it: the operating system
    lets go of the files when the process ends, and nothing is lost, as every transaction
    committed or rolled back already."""
    _KEPT_OPEN.append(engine)
    idle = getattr(engine.pool, "_pool", None)  # a QueuePool's connections not in use
    for record in list(idle.queue) if idle is not None else []:
        if record.dbapi_connection is not None:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(record.dbapi_connection))


_UNBOUNDED = threading.local()  # set while a migration runs: it may take as long as it needs


def _pg_socket(target: Any) -> int | None:
    """The socket of the psycopg connection behind a cursor, a connection or a pool's proxy."""
    for attr in ("dbapi_connection", "connection"):
        inner = getattr(target, attr, None)
        if inner is not None and hasattr(inner, "pgconn"):
            target = inner
            break
    pgconn = getattr(target, "pgconn", None)
    try:
        return None if pgconn is None else int(pgconn.socket)
    except Exception:  # closed already: nothing to wait for
        return None


def _watch_calls(dialect: sa.Dialect, timeouts: Timeouts) -> None:
    """Put every call that waits for the PostgreSQL server under the watchdog: statements,
    commit, rollback, and the pool's ping of a connection before it lends it out (which comes
    before any event SQLAlchemy offers, hence methods of this engine's own dialect object)."""

    def watched(call: Callable[..., Any], seconds: float, ping: bool = False) -> Callable[..., Any]:
        def run(target: Any, *args: Any, **kwargs: Any) -> Any:
            fd = _pg_socket(target)
            if fd is None or getattr(_UNBOUNDED, "on", False):
                return call(target, *args, **kwargs)
            with _WATCHDOG.watch(fd, seconds) as entry:
                try:
                    return call(target, *args, **kwargs)
                except BaseException as exc:
                    if entry[2]:
                        _TIMED_OUT.seconds = seconds
                        if ping:
                            raise _NoAnswer(seconds) from exc
                    raise

        return run

    for name in ("do_execute", "do_executemany", "do_execute_no_params", "do_commit", "do_rollback"):
        setattr(dialect, name, watched(getattr(dialect, name), timeouts.statement + CLIENT_GRACE_S))
    dialect.do_ping = watched(dialect.do_ping, timeouts.connect, ping=True)  # type: ignore[method-assign]


class _SqliteFiles:
    """Checks, before each use, that a SQLite database's files are still there and writable.

    In WAL mode SQLite maps the `-shm` file into memory and writes to it on every read and
    write, and on close. When the files are made immutable (`chattr +i`) the kernel refuses
    those writes with SIGBUS, which kills the whole server ("Fatal Python error: Bus error"),
    every session with it. No error code ever reaches Python, so the store looks first: a
    file that cannot be written is an outage, and SQLite is not touched until it can be.
    A database file deleted or moved away is an outage too (SQLite would otherwise go on
    reading the deleted file, or make an empty one); a file put back in its place (a restored
    backup) is used from then on."""

    def __init__(self, path: Path):
        self.path = path
        self.files = (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
        self.identity: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def check(self, engine: Engine) -> None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            if self.identity is None:
                return  # not made yet: the first connection makes it
            raise StoreUnavailable(
                f"the database file {self.path} is missing (deleted or moved); put it back or restore a "
                "backup (python -m course restore)"
            ) from None
        except OSError as exc:
            raise StoreUnavailable(f"the database file {self.path} cannot be reached: {exc.strerror}") from exc
        for file in self.files:
            if not os.access(file, os.W_OK) and os.path.lexists(file):
                raise StoreUnavailable(
                    f"the database file {file} is read-only (permissions, an immutable flag or a read-only "
                    "file system); writing to it could crash the server"
                )
        identity = (stat.st_dev, stat.st_ino)
        if identity != self.identity:
            with self._lock:
                if self.identity is not None and identity != self.identity:
                    # Another file is in its place. Connections to the old one go first: they
                    # would read the old file, and share its -shm by name with the new one.
                    _log.warning("the database file %s was replaced; using the new file from now on", self.path)
                    engine.dispose()
                self.identity = identity

    def safe_to_close(self) -> bool:
        """Closing a WAL connection writes to the -shm file, so it is left open while a file
        cannot be written (the operating system closes it when the process ends)."""
        return all(os.access(f, os.W_OK) or not os.path.lexists(f) for f in self.files)


class _Health:
    """Whether the database answered last time: one log line when an outage begins and one
    when it ends, and fail-fast calls in between.

    While the database is down, calls fail at once (StoreUnavailable) for `retry_s`, then one
    call at a time tries the database again; the others go on failing at once meanwhile. So a
    database that hangs costs one learner's click a timeout now and then, not every
    learner's every click. Off until `arm()` (open_store arms it once the store has opened):
    the caller of open_store reports a database that is down at start-up."""

    def __init__(self, where: str, retry_s: float = RETRY_AFTER_S):
        self.where = where
        self.retry_s = retry_s
        self.armed = False
        self.down_since: float | None = None
        self.reason = ""
        self._retry_at = 0.0
        self._trying = False
        self._lock = threading.Lock()

    def admit(self) -> bool:
        """Before a call: raise StoreUnavailable while resting; True if this call is the one
        that tries the database again."""
        if self.down_since is None or not self.armed:
            return False
        with self._lock:
            if self.down_since is None:
                return False
            if self._trying or time.monotonic() < self._retry_at:
                raise StoreUnavailable(f"{self.reason} (trying again in a moment)")
            self._trying = True
            return True

    def done(self, trying: bool, failure: StoreUnavailable | None) -> None:
        if not self.armed:
            return
        if isinstance(failure, StoreSlow):  # the server answered: neither down nor proven up
            if trying:
                with self._lock:
                    self._trying = False
            return
        if failure is None and self.down_since is None:
            return
        with self._lock:
            if trying:
                self._trying = False
            if failure is not None:
                self._retry_at = time.monotonic() + self.retry_s
                if self.down_since is None:
                    self.down_since = time.monotonic()
                    self.reason = str(failure)
                    _log.warning(
                        "outage: %s (%s); learners' work waits in their tabs and is saved when it is back",
                        self.reason,
                        self.where,
                    )
            elif self.down_since is not None:
                _log.warning(
                    "recovered: the learning records database (%s) answers again after %.0f s",
                    self.where,
                    time.monotonic() - self.down_since,
                )
                self.down_since = None


def _make_engine(url: str, timeouts: Timeouts) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(f"cannot create the folder for {database}: {exc}") from exc
        engine = sa.create_engine(parsed)

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's BEGIN (below) own transactions: pysqlite's implicit ones do
            # not cover DDL, and migrations must be all-or-nothing.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {timeouts.busy_ms}")
                # WAL: readers never block the writer, so a dashboard does not stall answers.
                # Its -shm file is memory-mapped: see _SqliteFiles for what that means.
                cursor.execute("PRAGMA journal_mode = WAL")
                # The database file itself is read with read(), never mapped (a build of SQLite
                # may map it by default): a mapped file cut short by another program would
                # SIGBUS-kill the server on the next read past its new end.
                cursor.execute("PRAGMA mmap_size = 0")
            finally:
                cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Writers take the lock up front (BEGIN IMMEDIATE) so busy_timeout applies; a
            # deferred read that later upgrades to a write can fail at once under WAL.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = max(2, int(-(-timeouts.connect // 1)))  # whole seconds, libpq's minimum 2
        # The server cancels a statement, or a wait for a lock, that takes longer; added to
        # any options the URL carries (a search_path, say), which connect_args would replace.
        ms = round(timeouts.statement * 1000)
        options = f"-c statement_timeout={ms} -c lock_timeout={ms}"
        connect_args["options"] = " ".join(filter(None, [str(parsed.query.get("options", "")), options]))
    engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    if parsed.get_backend_name() == "postgresql":
        _watch_calls(engine.dialect, timeouts)
    return engine
