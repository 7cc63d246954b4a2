"""The learning-event store: SQLAlchemy Core over SQLite (default) or PostgreSQL.

This is the only module in the project that speaks SQL. It holds:

- `events`: the append-only learning record. Every `course.events.Event` is one row; the
  client generates `event_id`, and inserts are insert-or-ignore on it, so a retried write
  (a double click, a reconnect, a `PendingWriter` flush) is stored exactly once.
- `learners`: pseudonymous identities. A learner resumes on another device with a resume
  code; only the code's SHA-256 is stored. OIDC sign-ins map `auth_subject` to a learner.
  Cohort membership is the `learners.cohort` column: a learner belongs to at most one
  cohort at a time, and joining another replaces it. Events also carry the cohort they were
  made in, so a trainer's report keeps history even after a learner moves on.
- `cohorts`: trainer-created groups with a short code to share (`KX7-P2M`).
- `certificates`: issued certificates with their HMAC signature (see `course.certificates`).
- `presentations`, `polls`, `poll_answers`: live presenter-mode rooms (m004). A room code
  works until the presenter ends it or it expires; poll answers are keyed by a random
  per-browser token, never a learner id or name, only counts per option are read back, and
  a room's answers are deleted once it has ended or expired.
- `schema_migrations`: which of the ordered `MIGRATIONS` have run.

`open_store()` picks the database from its argument, else `COURSE_DB_URL`, else the SQLite
file `data/course.sqlite` under the repository root, and migrates it. When the database
cannot be reached every method raises `StoreUnavailable`; `PendingWriter` keeps a
learner's new events in memory until it is back, so answers are never lost or doubled.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url

from course.events import FAILED, PASSED, Event
from course.typed import clean_code, clean_name, code_candidates

ROOT = Path(__file__).resolve().parent.parent
DB_URL_ENV = "COURSE_DB_URL"
DEFAULT_SQLITE_PATH = ROOT / "data" / "course.sqlite"

# How long a SQLite writer waits for another writer before giving up (the app has many
# short writes from many tabs; waiting is better than failing a learner's answer).
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5
# Events per INSERT batch in append_many (keeps statements well under driver limits).
BATCH_SIZE = 1_000

# Cohort codes and certificate ids use letters and digits that cannot be misread for one
# another when read aloud or copied from paper: no 0/O, 1/I/L.
UNAMBIGUOUS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_COHORT_CODE = re.compile(rf"^[{UNAMBIGUOUS}]{{3}}-[{UNAMBIGUOUS}]{{3}}$")
# secrets.token_urlsafe(24): 24 random bytes (192 bits) as 32 base64url characters.
RESUME_CODE_BYTES = 24
_RESUME_CODE = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_DISPLAY_NAME = 100
MAX_COHORT_NAME = 200


class StoreUnavailable(Exception):
    """The records database cannot be reached (down, unreachable, locked, unwritable).

    The UI tells the learner plainly and keeps their answers pending; nothing is lost."""


class StoreMisconfigured(StoreUnavailable):
    """The database URL is wrong (not a URL, another kind of database, a bad port, a file that
    is not a database): the message says what, and retrying will not help."""


# --------------------------------------------------------------------------- types and tables


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware datetime stored in UTC and read back as UTC.

    PostgreSQL keeps `timestamptz`; SQLite has no time zone type, so the UTC wall time is
    stored as ISO text, which also sorts in time order. A naive datetime is taken as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _seq_type() -> sa.types.TypeEngine:
    # BIGINT identity on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


metadata = sa.MetaData()

# The tables as queries see them. A change here needs a new migration below (m001 is frozen).
events_table = sa.Table(
    "events",
    metadata,
    # seq breaks timestamp ties in arrival order (two tabs can write in the same microsecond).
    sa.Column("seq", _seq_type(), primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(128), nullable=False, unique=True),
    sa.Column("learner_id", sa.String(128), nullable=False),
    sa.Column("verb", sa.String(32), nullable=False),
    sa.Column("activity", sa.String(512), nullable=False),
    sa.Column("track", sa.String(64)),
    sa.Column("cohort", sa.String(64)),
    sa.Column("attempt", sa.Integer),
    sa.Column("score", sa.Double),
    sa.Column("max_score", sa.Double),
    sa.Column("success", sa.Boolean),
    sa.Column("response", sa.Text),  # JSON
    sa.Column("duration_s", sa.Double),
    sa.Column("context", sa.Text),  # JSON
    sa.Column("timestamp", UTCDateTime, nullable=False),
)

learners_table = sa.Table(
    "learners",
    metadata,
    sa.Column("learner_id", sa.String(128), primary_key=True),
    sa.Column("resume_code_hash", sa.String(64), unique=True),
    sa.Column("auth_subject", sa.String(255), unique=True),
    sa.Column("display_name", sa.String(MAX_DISPLAY_NAME)),
    sa.Column("cohort", sa.String(16)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("preferences", sa.Text),  # JSON display settings (m003)
)

cohorts_table = sa.Table(
    "cohorts",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("track", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(255), nullable=False),
)

certificates_table = sa.Table(
    "certificates",
    metadata,
    sa.Column("certificate_id", sa.String(32), primary_key=True),
    sa.Column("learner_id", sa.String(128), nullable=False),
    sa.Column("display_name", sa.String(MAX_DISPLAY_NAME), nullable=False),
    sa.Column("course_title", sa.String(300), nullable=False),
    sa.Column("course_version", sa.String(64), nullable=False),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("score_percent", sa.Double, nullable=False),
    sa.Column("signature", sa.String(64), nullable=False),
)

presentations_table = sa.Table(
    "presentations",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("module_id", sa.String(64), nullable=False),
    sa.Column("audience", sa.String(8), nullable=False),
    sa.Column("slide", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String(255), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("ended_at", UTCDateTime),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

polls_table = sa.Table(
    "polls",
    metadata,
    sa.Column("poll_id", sa.String(32), primary_key=True),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("question_id", sa.String(128), nullable=False),
    sa.Column("opened_at", UTCDateTime, nullable=False),
    sa.Column("revealed", sa.Boolean, nullable=False),
    sa.Column("closed_at", UTCDateTime),
)

poll_answers_table = sa.Table(
    "poll_answers",
    metadata,
    sa.Column("poll_id", sa.String(32), nullable=False),
    sa.Column("participant", sa.String(64), nullable=False),
    sa.Column("option_id", sa.String(128), nullable=False),
    sa.Column("answered_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("poll_id", "participant", name="uq_poll_answers_participant"),
)

# Answers chosen but not yet submitted (m005): one row per learner, activity, track and item,
# so two tabs answering different questions do not overwrite each other. A draft belongs to one
# attempt; a draft for an earlier attempt is stale and ignored. Submitting deletes the drafts.
drafts_table = sa.Table(
    "answer_drafts",
    metadata,
    sa.Column("learner_id", sa.String(128), primary_key=True),
    sa.Column("activity", sa.String(512), primary_key=True),
    sa.Column("track", sa.String(64), primary_key=True),
    sa.Column("item", sa.String(128), primary_key=True),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),  # JSON
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

schema_migrations_table = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

# The indexes behind the three hot reads: one learner's history (every page render), a
# cohort's quiz results (the trainer dashboard; learner_id makes it index-only), and one
# activity across everyone (item statistics). Exposed so bench/ can measure without them.
INDEXES = (
    sa.Index("ix_events_learner_time", events_table.c.learner_id, events_table.c.timestamp),
    sa.Index(
        "ix_events_cohort_verb_activity",
        events_table.c.cohort,
        events_table.c.verb,
        events_table.c.activity,
        events_table.c.learner_id,
    ),
    sa.Index("ix_events_activity_verb", events_table.c.activity, events_table.c.verb),
    sa.Index("ix_learners_cohort", learners_table.c.cohort),
    sa.Index("ix_certificates_learner", certificates_table.c.learner_id),
)


# --------------------------------------------------------------------------- migrations


def m001_initial(conn: Connection) -> None:
    """The first schema. Frozen: later changes are new migrations, never edits here."""
    meta = sa.MetaData()
    sa.Table(
        "events",
        meta,
        sa.Column("seq", _seq_type(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(128), nullable=False, unique=True),
        sa.Column("learner_id", sa.String(128), nullable=False),
        sa.Column("verb", sa.String(32), nullable=False),
        sa.Column("activity", sa.String(512), nullable=False),
        sa.Column("track", sa.String(64)),
        sa.Column("cohort", sa.String(64)),
        sa.Column("attempt", sa.Integer),
        sa.Column("score", sa.Double),
        sa.Column("max_score", sa.Double),
        sa.Column("success", sa.Boolean),
        sa.Column("response", sa.Text),
        sa.Column("duration_s", sa.Double),
        sa.Column("context", sa.Text),
        sa.Column("timestamp", UTCDateTime, nullable=False),
    )
    sa.Table(
        "learners",
        meta,
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("resume_code_hash", sa.String(64), unique=True),
        sa.Column("auth_subject", sa.String(255), unique=True),
        sa.Column("display_name", sa.String(MAX_DISPLAY_NAME)),
        sa.Column("cohort", sa.String(16)),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "cohorts",
        meta,
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("track", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
    )
    sa.Table(
        "certificates",
        meta,
        sa.Column("certificate_id", sa.String(32), primary_key=True),
        sa.Column("learner_id", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(MAX_DISPLAY_NAME), nullable=False),
        sa.Column("course_title", sa.String(300), nullable=False),
        sa.Column("course_version", sa.String(64), nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("score_percent", sa.Double, nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
    )
    meta.create_all(conn)


def m002_indexes(conn: Connection) -> None:
    for index in INDEXES:
        index.create(conn)


def m003_preferences(conn: Connection) -> None:
    """Learner display settings (larger text, contrast, motion, font), kept with their record."""
    conn.execute(sa.text("ALTER TABLE learners ADD COLUMN preferences TEXT"))


def m004_presentations(conn: Connection) -> None:
    """Presenter mode: rooms, their polls, and one anonymous answer per participant per poll."""
    meta = sa.MetaData()
    sa.Table(
        "presentations",
        meta,
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("module_id", sa.String(64), nullable=False),
        sa.Column("audience", sa.String(8), nullable=False),
        sa.Column("slide", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )
    polls = sa.Table(
        "polls",
        meta,
        sa.Column("poll_id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("closed_at", UTCDateTime),
    )
    sa.Table(
        "poll_answers",
        meta,
        sa.Column("poll_id", sa.String(32), nullable=False),
        sa.Column("participant", sa.String(64), nullable=False),
        sa.Column("option_id", sa.String(128), nullable=False),
        sa.Column("answered_at", UTCDateTime, nullable=False),
        # One answer per participant per poll; answering again replaces it. The constraint's
        # index also serves the tally (poll_id leads it).
        sa.UniqueConstraint("poll_id", "participant", name="uq_poll_answers_participant"),
    )
    sa.Index("ix_polls_code_opened", polls.c.code, polls.c.opened_at)
    meta.create_all(conn)


def m005_answer_drafts(conn: Connection) -> None:
    """Quiz and check-in answers kept as they are chosen, before the learner submits."""
    meta = sa.MetaData()
    sa.Table(
        "answer_drafts",
        meta,
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("activity", sa.String(512), primary_key=True),
        sa.Column("track", sa.String(64), primary_key=True),
        sa.Column("item", sa.String(128), primary_key=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    meta.create_all(conn)


Migration = Callable[[Connection], None]
# Ordered; a version is never reused or renumbered once released.
# The trainer dashboard's aggregates (course.analytics_db), found needed with EXPLAIN QUERY PLAN
# on 900,000 events: each learner's latest registration (their track) and their quiz passes
# and fails are read from this index alone, without touching the table (in SQLite every index
# also holds the row's seq). Last activity already had one: ix_events_learner_time. A plain timestamp index was tried and made
# things worse: the dashboard's 90-day period covers nearly every row, and the planner then
# looked each one up through the index instead of scanning.
ANALYTICS_INDEXES = (
    sa.Index(
        "ix_events_verb_learner_time",
        events_table.c.verb,
        events_table.c.learner_id,
        events_table.c.timestamp,
        events_table.c.track,
        events_table.c.cohort,
    ),
)


def m006_analytics_indexes(conn: Connection) -> None:
    for index in ANALYTICS_INDEXES:
        index.create(conn)


MIGRATIONS: tuple[tuple[int, Migration], ...] = (
    (1, m001_initial),
    (2, m002_indexes),
    (3, m003_preferences),
    (4, m004_presentations),
    (5, m005_answer_drafts),
    (6, m006_analytics_indexes),
)

# Any constant will do: it only has to be the same in every process migrating this database.
_PG_MIGRATION_LOCK = 0x636F7572


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Learner:
    learner_id: str
    display_name: str | None
    cohort: str | None
    created_at: datetime
    has_resume_code: bool
    auth_subject: str | None


@dataclass(frozen=True)
class Cohort:
    code: str
    name: str
    track: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class CertificateRecord:
    """A certificates row as stored; `course.certificates` signs and verifies it."""

    certificate_id: str
    learner_id: str
    display_name: str
    course_title: str
    course_version: str
    issued_at: datetime
    score_percent: float
    signature: str


@dataclass(frozen=True)
class QuizSummary:
    """How many learners of a cohort attempted, and passed, one quiz."""

    activity: str
    learners_attempted: int
    learners_passed: int


@dataclass(frozen=True)
class Presentation:
    """A live presenter-mode room: which module's deck, for whom, and the slide on screen."""

    code: str
    module_id: str
    audience: str  # "staff" | "public"
    slide: int  # 1-based
    created_by: str
    started_at: datetime
    ended_at: datetime | None
    expires_at: datetime


@dataclass(frozen=True)
class Poll:
    """One quiz question put to the room. Answers are read back only as counts per option."""

    poll_id: str
    code: str
    question_id: str
    opened_at: datetime
    revealed: bool
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoomEnded(LookupError):
    """The room code is unknown, ended or expired, so it cannot take a new poll."""


# --------------------------------------------------------------------------- helpers


def now() -> datetime:
    return datetime.now(UTC)


def resolve_url(url: str | None = None) -> str:
    """The database URL: the argument, else COURSE_DB_URL, else the default SQLite file."""
    url = url or os.environ.get(DB_URL_ENV, "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    parsed = make_url(url)
    # Plain postgresql:// (as hosting providers hand it out) means psycopg 3 here.
    if parsed.drivername in ("postgres", "postgresql"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def hash_resume_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def grouped_code(
    code: object, sizes: tuple[int, ...], pattern: re.Pattern[str], *, max_len: int = 32, separators: str = r"[\s-]"
) -> str | None:
    """The canonical form of a code made of dash-separated groups of `sizes`, from what a
    person typed (any case, the groups split by `separators` or not at all), if it matches
    `pattern`; else None."""
    if not isinstance(code, str):
        return None
    code = clean_code(code)  # full-width letters, any dash, invisible characters

    def whole(text: str) -> str | None:
        if len(text) > max_len:
            return None
        letters = re.sub(separators, "", text).upper()
        if len(letters) != sum(sizes):
            return None
        starts = [sum(sizes[:i]) for i in range(len(sizes))]
        candidate = "-".join(letters[at : at + n] for at, n in zip(starts, sizes, strict=True))
        return candidate if pattern.match(candidate) else None

    found = whole(code)
    if found is not None:
        return found
    # Pasted with words around it ("Cohort code: 89J-59W (staff)"): the one code-shaped word.
    inside = {c for c in map(whole, code_candidates(code, sizes)) if c is not None}
    return inside.pop() if len(inside) == 1 else None


def normalize_cohort_code(code: object) -> str | None:
    """`kx7 p2m`, `KX7P2M` and `KX7-P2M` all name the same cohort; anything else is None."""
    return grouped_code(code, (3, 3), _COHORT_CODE)


def normalize_room_code(code: object) -> str | None:
    """Room codes have the cohort codes' shape and alphabet: `qx4 7kd` -> `QX4-7KD`."""
    return normalize_cohort_code(code)


def _new_code() -> str:
    return "-".join("".join(secrets.choice(UNAMBIGUOUS) for _ in range(3)) for _ in range(2))


def _live(row: Any, at: datetime) -> bool:
    """A room works until it is ended or its expiry time passes."""
    return row is not None and row.ended_at is None and row.expires_at > at


def _clean_name(name: str | None) -> str | None:
    if name is None:
        return None
    name = clean_name(str(name))[:MAX_DISPLAY_NAME]
    return name or None


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


def _row_event(row: sa.Row) -> Event:
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


def _inserted(conn: Connection, insert: Any) -> bool:
    """Run an insert-or-ignore; True if it wrote its row. (SQLAlchemy reports an INSERT's
    rowcount only when asked to keep it.)"""
    return conn.execute(insert, execution_options={"preserve_rowcount": True}).rowcount == 1


@contextmanager
def _translate() -> Iterator[None]:
    """Turn 'cannot reach the database' driver errors into StoreUnavailable."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        raise StoreUnavailable(f"the learning records database cannot be reached: {exc.orig}") from exc
    except sa_exc.DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreUnavailable(f"the learning records database connection was lost: {exc.orig}") from exc
        raise


def _make_engine(url: str) -> Engine:
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
                cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                # WAL: readers never block the writer, so a dashboard does not stall answers.
                cursor.execute("PRAGMA journal_mode = WAL")
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
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


# --------------------------------------------------------------------------- the store


class Store:
    """Learning events, learners, cohorts and certificates in one database.

    Implements `course.events.EventLog`. Safe to share across threads (one per process,
    cached by the UI). Every method raises `StoreUnavailable` when the database cannot be
    reached. Constructing a Store does not connect (it only creates a SQLite file's folder,
    raising StoreUnavailable if it cannot); `open_store()` also migrates.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = _make_engine(url)
        self.dialect = self.engine.dialect.name
        # SQLite has one writer at a time. Threads of this process queue here, and the next
        # one starts as soon as a write commits. Without it they wait in SQLite's busy
        # handler, which sleeps in steps of up to 100 ms (docs/performance.md, finding 5).
        # Other processes sharing the file still meet busy_timeout.
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else contextlib.nullcontext()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- plumbing

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with _translate(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._write_lock, _translate(), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

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
                    with self._write() as conn:
                        if self.dialect == "postgresql":
                            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
                        schema_migrations_table.create(conn, checkfirst=True)
                        if version in self._applied(conn):
                            break
                        migration(conn)
                        conn.execute(sa.insert(schema_migrations_table).values(version=version, applied_at=now()))
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
        with self._write() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("ANALYZE")
            else:
                for table in ("events", "learners", "cohorts", "certificates"):
                    conn.exec_driver_sql(f"ANALYZE {table}")

    # ---------------------------------------------------------------- events (EventLog)

    def append(self, event: Event) -> None:
        """Store one event; a repeat of an event_id already stored is ignored."""
        self.append_many([event])

    def append_many(self, events: Iterable[Event]) -> None:
        """Store events in one transaction (all or none); repeats of stored ids are ignored."""
        rows = [_event_row(e) for e in events]
        if not rows:
            return
        stmt = self._insert(events_table).on_conflict_do_nothing(index_elements=["event_id"])
        with self._write() as conn:
            for start in range(0, len(rows), BATCH_SIZE):
                conn.execute(stmt, rows[start : start + BATCH_SIZE])

    def events(self, learner_id: str) -> list[Event]:
        """Every event of one learner, oldest first (ties in the order they were stored)."""
        query = (
            sa.select(events_table)
            .where(events_table.c.learner_id == learner_id)
            .order_by(events_table.c.timestamp, events_table.c.seq)
        )
        with self._read() as conn:
            return [_row_event(r) for r in conn.execute(query)]

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
            return [_row_event(r) for r in conn.execute(query)]

    def events_between(self, since: datetime | None = None, until: datetime | None = None) -> list[Event]:
        """Every learner's events in a period, oldest first (trainer views across cohorts)."""
        query = sa.select(events_table)
        if since is not None:
            query = query.where(events_table.c.timestamp >= since)
        if until is not None:
            query = query.where(events_table.c.timestamp < until)
        query = query.order_by(events_table.c.timestamp, events_table.c.seq)
        with self._read() as conn:
            return [_row_event(r) for r in conn.execute(query)]

    def query_rows(self, statement: sa.Executable) -> list[sa.Row]:
        """Every row of one read-only SQLAlchemy Core statement (course.analytics_db builds
        them, so the dashboard's aggregates run in the database)."""
        with self._read() as conn:
            return conn.execute(statement).all()

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
            yield _row_event(row)

    def cohorts(self) -> list[Cohort]:
        """Every cohort, newest first."""
        c = cohorts_table.c
        with self._read() as conn:
            rows = conn.execute(sa.select(cohorts_table).order_by(c.created_at.desc(), c.code))
            return [
                Cohort(code=r.code, name=r.name, track=r.track, created_at=r.created_at, created_by=r.created_by)
                for r in rows
            ]

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

    def delete_learner(self, learner_id: str) -> int:
        """Erase a learner at their request: events, answers not yet submitted, certificates and
        identity. Returns the number of events deleted. Their certificates stop verifying, by
        design."""
        with self._write() as conn:
            deleted = conn.execute(sa.delete(events_table).where(events_table.c.learner_id == learner_id)).rowcount
            conn.execute(sa.delete(drafts_table).where(drafts_table.c.learner_id == learner_id))
            conn.execute(sa.delete(certificates_table).where(certificates_table.c.learner_id == learner_id))
            conn.execute(sa.delete(learners_table).where(learners_table.c.learner_id == learner_id))
        return deleted

    # ---------------------------------------------------------------- answers not yet submitted

    def save_draft(self, learner_id: str, activity: str, track: str, attempt: int, item: str, answer: Any) -> None:
        """Keep one answer as it is chosen, before the learner submits (replacing the one kept
        for that item; an answer for another attempt replaces it too). `answer` must be JSON."""
        values = dict(
            learner_id=learner_id,
            activity=activity,
            track=track,
            item=item,
            attempt=attempt,
            answer=_dump(answer) or "null",
            updated_at=now(),
        )
        for name in ("learner_id", "activity", "track", "item"):
            limit = drafts_table.c[name].type.length  # checked here so SQLite and PostgreSQL agree
            if not isinstance(values[name], str) or not values[name] or len(values[name]) > limit:
                raise ValueError(f"{name} must be a non-empty string of at most {limit} characters")
        c = drafts_table.c
        insert = self._insert(drafts_table).values(**values)
        upsert = insert.on_conflict_do_update(
            index_elements=[c.learner_id, c.activity, c.track, c.item],
            set_=dict(
                attempt=insert.excluded.attempt, answer=insert.excluded.answer, updated_at=insert.excluded.updated_at
            ),
        )
        with self._write() as conn:
            conn.execute(upsert)

    def drafts(self, learner_id: str, activity: str, track: str, attempt: int) -> dict[str, Any]:
        """The answers kept for one attempt, by item ({} when none). Answers kept for another
        attempt are not returned: that attempt was submitted, or this one is newer."""
        c = drafts_table.c
        query = sa.select(c.item, c.answer).where(
            c.learner_id == learner_id, c.activity == activity, c.track == track, c.attempt == attempt
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        kept: dict[str, Any] = {}
        for row in rows:
            try:
                kept[row.item] = json.loads(row.answer)
            except ValueError:
                continue  # not written by save_draft; the learner answers that item again
        return kept

    def clear_drafts(self, learner_id: str, activity: str, track: str) -> int:
        """Forget the answers kept for an activity on a track (after it is submitted)."""
        c = drafts_table.c
        with self._write() as conn:
            return conn.execute(
                sa.delete(drafts_table).where(c.learner_id == learner_id, c.activity == activity, c.track == track)
            ).rowcount

    # ---------------------------------------------------------------- learners

    def create_learner(self, display_name: str | None = None, learner_id: str | None = None) -> tuple[str, str]:
        """A new learner and their resume code. Pass `learner_id` to keep the id of an
        anonymous session whose events are already recorded. The code is shown once: only
        its hash is stored."""
        learner_id = learner_id or uuid.uuid4().hex
        code = secrets.token_urlsafe(RESUME_CODE_BYTES)
        insert = (
            self._insert(learners_table)
            .values(
                learner_id=learner_id,
                resume_code_hash=hash_resume_code(code),
                display_name=_clean_name(display_name),
                created_at=now(),
            )
            .on_conflict_do_nothing(index_elements=["learner_id"])
        )
        with self._write() as conn:
            if not _inserted(conn, insert):
                raise ValueError(f"learner {learner_id!r} already exists")
        return learner_id, code

    def reset_resume_code(self, learner_id: str) -> str | None:
        """Replace a learner's resume code (the old one stops working); None if unknown."""
        code = secrets.token_urlsafe(RESUME_CODE_BYTES)
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table)
                .where(learners_table.c.learner_id == learner_id)
                .values(resume_code_hash=hash_resume_code(code))
            ).rowcount
        return code if updated else None

    def learner_for_resume_code(self, code: object) -> str | None:
        """The learner a resume code belongs to, or None.

        Malformed input (not a string, wrong length or alphabet, empty, huge) is None before
        any query; an unknown code is None too, so callers cannot tell the two apart."""
        if not isinstance(code, str) or len(code) > 256:
            return None
        code = code.strip()
        if not _RESUME_CODE.match(code):
            return None
        digest = hash_resume_code(code)
        query = sa.select(learners_table.c.learner_id, learners_table.c.resume_code_hash).where(
            learners_table.c.resume_code_hash == digest
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        if row is None or not hmac.compare_digest(row.resume_code_hash, digest):
            return None
        return row.learner_id

    def learner_for_subject(self, subject: str, display_name: str | None = None) -> str:
        """The learner for an OIDC identity, created on first sign-in.

        `subject` should be unique across providers, e.g. f"{issuer}|{sub}". An existing
        learner's display name is filled in only when they have none."""
        if not isinstance(subject, str) or not subject.strip() or len(subject) > 255:
            raise ValueError("subject must be a non-empty string of at most 255 characters")
        name = _clean_name(display_name)
        insert = (
            self._insert(learners_table)
            .values(learner_id=uuid.uuid4().hex, auth_subject=subject, display_name=name, created_at=now())
            .on_conflict_do_nothing(index_elements=["auth_subject"])
        )
        with self._write() as conn:
            conn.execute(insert)
            learner_id = conn.execute(
                sa.select(learners_table.c.learner_id).where(learners_table.c.auth_subject == subject)
            ).scalar_one()
            if name:
                conn.execute(
                    sa.update(learners_table)
                    .where(learners_table.c.learner_id == learner_id, learners_table.c.display_name.is_(None))
                    .values(display_name=name)
                )
        return learner_id

    def learner(self, learner_id: str) -> Learner | None:
        t = learners_table.c
        with self._read() as conn:
            row = conn.execute(sa.select(learners_table).where(t.learner_id == learner_id)).first()
        if row is None:
            return None
        return Learner(
            learner_id=row.learner_id,
            display_name=row.display_name,
            cohort=row.cohort,
            created_at=row.created_at,
            has_resume_code=row.resume_code_hash is not None,
            auth_subject=row.auth_subject,
        )

    def set_display_name(self, learner_id: str, display_name: str | None) -> bool:
        """Set (or, with None or blank, clear) the name; False if the learner is unknown."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table)
                .where(learners_table.c.learner_id == learner_id)
                .values(display_name=_clean_name(display_name))
            ).rowcount
        return bool(updated)

    def preferences(self, learner_id: str) -> dict[str, Any]:
        """The learner's saved display settings ({} when none or unknown)."""
        with self._read() as conn:
            raw = conn.execute(
                sa.select(learners_table.c.preferences).where(learners_table.c.learner_id == learner_id)
            ).scalar()
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def set_preferences(self, learner_id: str, preferences: dict[str, Any]) -> bool:
        """Save display settings; False if the learner is unknown."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table)
                .where(learners_table.c.learner_id == learner_id)
                .values(preferences=json.dumps(preferences, sort_keys=True))
            ).rowcount
        return bool(updated)

    # ---------------------------------------------------------------- cohorts

    def create_cohort(self, name: str, track: str, created_by: str) -> str:
        """Create a cohort and return its code, e.g. `KX7-P2M`."""
        name = clean_name(str(name))
        if not name:
            raise ValueError("a cohort needs a name")
        if len(name) > MAX_COHORT_NAME:
            raise ValueError(f"a cohort name has at most {MAX_COHORT_NAME} characters; this one has {len(name)}")
        created_by = " ".join(str(created_by).split())[:255]
        for _ in range(20):
            code = "-".join("".join(secrets.choice(UNAMBIGUOUS) for _ in range(3)) for _ in range(2))
            insert = (
                self._insert(cohorts_table)
                .values(code=code, name=name, track=track, created_at=now(), created_by=created_by)
                .on_conflict_do_nothing(index_elements=["code"])
            )
            with self._write() as conn:
                if _inserted(conn, insert):
                    return code
        raise RuntimeError("could not find a free cohort code")  # ~887 million codes: not expected

    def cohort(self, code: object) -> Cohort | None:
        normal = normalize_cohort_code(code)
        if normal is None:
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(cohorts_table).where(cohorts_table.c.code == normal)).first()
        return None if row is None else Cohort(row.code, row.name, row.track, row.created_at, row.created_by)

    def join_cohort(self, learner_id: str, code: object) -> Cohort | None:
        """Put a learner in a cohort (replacing any earlier one). None if no such cohort;
        KeyError if the learner has no learners row (create_learner first)."""
        found = self.cohort(code)
        if found is None:
            return None
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table).where(learners_table.c.learner_id == learner_id).values(cohort=found.code)
            ).rowcount
        if not updated:
            raise KeyError(learner_id)
        return found

    def leave_cohort(self, learner_id: str) -> None:
        with self._write() as conn:
            conn.execute(sa.update(learners_table).where(learners_table.c.learner_id == learner_id).values(cohort=None))

    def cohort_members(self, code: str) -> list[str]:
        with self._read() as conn:
            return list(
                conn.execute(
                    sa.select(learners_table.c.learner_id)
                    .where(learners_table.c.cohort == code)
                    .order_by(learners_table.c.created_at, learners_table.c.learner_id)
                ).scalars()
            )

    # ---------------------------------------------------------------- certificates

    def add_certificate(self, record: CertificateRecord) -> bool:
        """Store a certificate; False (nothing written) if its id is already taken."""
        insert = (
            self._insert(certificates_table)
            .values(**record.__dict__)
            .on_conflict_do_nothing(index_elements=["certificate_id"])
        )
        with self._write() as conn:
            return _inserted(conn, insert)

    def certificate_record(self, certificate_id: str) -> CertificateRecord | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(certificates_table).where(certificates_table.c.certificate_id == certificate_id)
            ).first()
        return None if row is None else CertificateRecord(**row._mapping)

    def certificates_for(self, learner_id: str) -> list[CertificateRecord]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(certificates_table)
                .where(certificates_table.c.learner_id == learner_id)
                .order_by(certificates_table.c.issued_at)
            )
            return [CertificateRecord(**r._mapping) for r in rows]

    # ---------------------------------------------------------------- presentations (presenter mode)

    def start_presentation(self, module_id: str, audience: str, created_by: str, ttl_hours: float = 12) -> str:
        """Open a room for presenting `module_id` to `audience` and return its code, e.g.
        `QX4-7KD`. The code stops working when the room is ended or after `ttl_hours`."""
        if audience not in ("staff", "public"):
            raise ValueError(f"audience must be staff or public, not {audience!r}")
        if not module_id or len(module_id) > 64:
            raise ValueError("module_id must be 1 to 64 characters")
        if ttl_hours <= 0:
            raise ValueError("ttl_hours must be positive")
        self.purge_finished_rooms()
        started = now()
        expires = started + timedelta(hours=ttl_hours)
        for _ in range(20):
            code = _new_code()
            insert = (
                self._insert(presentations_table)
                .values(
                    code=code,
                    module_id=module_id,
                    audience=audience,
                    slide=1,
                    created_by=str(created_by)[:255] or "trainer",
                    started_at=started,
                    ended_at=None,
                    expires_at=expires,
                )
                .on_conflict_do_nothing(index_elements=["code"])
            )
            with self._write() as conn:
                if _inserted(conn, insert):
                    return code
        raise RuntimeError("could not find a free room code")  # ~887 million codes: not expected

    def presentation(self, code: object) -> Presentation | None:
        """The live room with this code; None when unknown, malformed, ended or expired."""
        normal = normalize_room_code(code)
        if normal is None:
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(presentations_table).where(presentations_table.c.code == normal)).first()
        if not _live(row, now()):
            return None
        return Presentation(**row._mapping)

    def set_slide(self, code: object, n: int) -> bool:
        """Show slide `n` (1-based) in the room; False if the room is not live."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError("a slide number is a whole number from 1")
        normal = normalize_room_code(code)
        if normal is None:
            return False
        p = presentations_table.c
        with self._write() as conn:
            updated = conn.execute(
                sa.update(presentations_table)
                .where(p.code == normal, p.ended_at.is_(None), p.expires_at > now())
                .values(slide=n)
            ).rowcount
        return bool(updated)

    def end_presentation(self, code: object) -> bool:
        """End the room and close its polls: the code stops working at once, and the room's
        answers (each participant's token and choice) are deleted, as nothing reads them once
        the room is over. False if the room was unknown or already ended."""
        normal = normalize_room_code(code)
        if normal is None:
            return False
        at = now()
        with self._write() as conn:
            updated = conn.execute(
                sa.update(presentations_table)
                .where(presentations_table.c.code == normal, presentations_table.c.ended_at.is_(None))
                .values(ended_at=at)
            ).rowcount
            conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.code == normal, polls_table.c.closed_at.is_(None))
                .values(closed_at=at)
            )
            _delete_answers(conn, polls_table.c.code == normal)
        return bool(updated)

    def purge_finished_rooms(self) -> int:
        """Delete the answers of every room that has ended or expired; return how many were
        deleted. Ending a room deletes its own; this catches rooms left to expire, and runs
        whenever a room is started."""
        rooms = presentations_table.c
        finished = sa.select(rooms.code).where(sa.or_(rooms.ended_at.is_not(None), rooms.expires_at <= now()))
        with self._write() as conn:
            return _delete_answers(conn, polls_table.c.code.in_(finished))

    def open_poll(self, code: object, question_id: str) -> str:
        """Put a question to the room and return the poll's id. Any poll still open in the
        room closes first: the room answers one question at a time. Raises RoomEnded when
        the room is not live."""
        if not question_id or len(question_id) > 128:
            raise ValueError("question_id must be 1 to 128 characters")
        normal = normalize_room_code(code)
        if normal is None:
            raise RoomEnded(code)
        poll_id = uuid.uuid4().hex
        with self._write() as conn:
            room = conn.execute(
                sa.select(presentations_table).where(presentations_table.c.code == normal).with_for_update()
            ).first()
            at = now()
            if not _live(room, at):
                raise RoomEnded(normal)
            conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.code == normal, polls_table.c.closed_at.is_(None))
                .values(closed_at=at)
            )
            conn.execute(
                sa.insert(polls_table).values(
                    poll_id=poll_id, code=normal, question_id=question_id, opened_at=at, revealed=False, closed_at=None
                )
            )
        return poll_id

    def poll(self, poll_id: str) -> Poll | None:
        """A poll by id, open or closed; None if unknown."""
        with self._read() as conn:
            row = conn.execute(sa.select(polls_table).where(polls_table.c.poll_id == poll_id)).first()
        return None if row is None else Poll(**row._mapping)

    def current_poll(self, code: object) -> Poll | None:
        """The room's open poll, or None (no poll open, or the room is not live)."""
        normal = normalize_room_code(code)
        if normal is None:
            return None
        with self._read() as conn:
            room = conn.execute(sa.select(presentations_table).where(presentations_table.c.code == normal)).first()
            if not _live(room, now()):
                return None
            row = conn.execute(
                sa.select(polls_table)
                .where(polls_table.c.code == normal, polls_table.c.closed_at.is_(None))
                .order_by(polls_table.c.opened_at.desc())
                .limit(1)
            ).first()
        return None if row is None else Poll(**row._mapping)

    def answer_poll(self, poll_id: str, participant: str, option_id: str) -> bool:
        """Record a participant's answer, replacing any earlier one of theirs. False (nothing
        written) when the poll is unknown or closed, or its room has ended or expired.

        `participant` is a random per-browser token, never a learner id or a name."""
        if not participant or len(participant) > 64:
            raise ValueError("participant must be 1 to 64 characters")
        if not option_id or len(option_id) > 128:
            raise ValueError("option_id must be 1 to 128 characters")
        with self._write() as conn:
            # FOR UPDATE (PostgreSQL) waits for a close_poll in flight, so no answer lands
            # after the poll has closed; SQLite's BEGIN IMMEDIATE already serialises writers.
            poll = conn.execute(
                sa.select(polls_table).where(polls_table.c.poll_id == poll_id).with_for_update()
            ).first()
            if poll is None or poll.closed_at is not None:
                return False
            room = conn.execute(sa.select(presentations_table).where(presentations_table.c.code == poll.code)).first()
            at = now()
            if not _live(room, at):
                return False
            upsert = self._insert(poll_answers_table).values(
                poll_id=poll_id, participant=participant, option_id=option_id, answered_at=at
            )
            conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=["poll_id", "participant"],
                    set_={"option_id": upsert.excluded.option_id, "answered_at": upsert.excluded.answered_at},
                )
            )
        return True

    def reveal_poll(self, poll_id: str) -> bool:
        """Show the poll's results to the room; False if the poll is unknown or closed."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.poll_id == poll_id, polls_table.c.closed_at.is_(None))
                .values(revealed=True)
            ).rowcount
        return bool(updated)

    def close_poll(self, poll_id: str) -> bool:
        """Stop taking answers; False if the poll is unknown or already closed."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.poll_id == poll_id, polls_table.c.closed_at.is_(None))
                .values(closed_at=now())
            ).rowcount
        return bool(updated)

    def poll_tally(self, poll_id: str) -> dict[str, int]:
        """How many participants chose each option: counts only, never who chose what."""
        a = poll_answers_table.c
        query = (
            sa.select(a.option_id, sa.func.count().label("n"))
            .where(a.poll_id == poll_id)
            .group_by(a.option_id)
            .order_by(a.option_id)
        )
        with self._read() as conn:
            return {row.option_id: int(row.n) for row in conn.execute(query)}


def _delete_answers(conn: Connection, polls_where: Any) -> int:
    """Delete the answers to the polls `polls_where` picks; return how many went."""
    polls = sa.select(polls_table.c.poll_id).where(polls_where)
    return conn.execute(sa.delete(poll_answers_table).where(poll_answers_table.c.poll_id.in_(polls))).rowcount


URL_EXAMPLES = "use sqlite:///path/to/course.sqlite or postgresql://user:password@host/dbname"


def open_store(url: str | None = None) -> Store:
    """Open (and migrate) the store at `url`, COURSE_DB_URL, or data/course.sqlite.

    Raises StoreUnavailable when the database cannot be reached; the UI can retry later.
    Raises StoreMisconfigured (a StoreUnavailable, so the UI keeps learners' work the same
    way) when the URL itself is wrong, which no retry mends."""
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
        store = Store(resolved)
    except (ImportError, ValueError, sa_exc.ArgumentError) as exc:  # e.g. a port that is not a number
        raise StoreMisconfigured(f"part of it is not valid ({exc}); {URL_EXAMPLES}") from exc
    try:
        store.migrate()
    except sa_exc.DatabaseError as exc:
        store.close()
        if parsed.get_backend_name() == "sqlite":  # e.g. "file is not a database"
            raise StoreMisconfigured(f"{parsed.database} is not a SQLite database ({exc.orig})") from exc
        raise
    except BaseException:
        store.close()
        raise
    return store


def describe_url(url: str) -> str:
    """A database URL for a message: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa_exc.ArgumentError, ValueError):  # not parseable: hide what looks like one
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


# --------------------------------------------------------------------------- pending writes


class PendingWriter:
    """Keeps a learner's events safe while the database is down.

    `append` tries the store; if it is unavailable the event waits in memory (in order) and
    is written by the next `append` or `flush` once the store is back. Retrying is safe
    because the store ignores an event_id it already has, so nothing is dropped or doubled.
    Implements `EventLog`: `events()` merges stored and pending events, so progress still
    shows while the database is away.

    After a failure, `append` and `events` leave the store alone for `retry_after_s`
    seconds (an unreachable host can take seconds to time out, and a quiz submission is
    many events); `flush()` always tries. Pending events live in this process only: keep
    one writer per browser session and call `flush()` on each rerun.
    """

    def __init__(self, store: Any, retry_after_s: float = 2.0):
        self.store = store
        self.retry_after_s = retry_after_s
        self._pending: list[Event] = []
        self._lock = threading.Lock()
        self._down_until = 0.0

    @property
    def pending(self) -> tuple[Event, ...]:
        with self._lock:
            return tuple(self._pending)

    @property
    def available(self) -> bool:
        """False after the store last failed, until it next succeeds."""
        return self._down_until == 0.0

    def _resting(self) -> bool:
        return self._down_until > time.monotonic()

    def _failed(self) -> None:
        self._down_until = time.monotonic() + self.retry_after_s if self.retry_after_s > 0 else -1.0

    def append(self, event: Event) -> bool:
        """Record an event; True if it reached the store now, False if it is pending."""
        return self.append_many([event])

    def append_many(self, events: Iterable[Event]) -> bool:
        """Record events in order; True if all reached the store now."""
        with self._lock:
            ids = {p.event_id for p in self._pending}
            for event in events:
                if event.event_id not in ids:
                    ids.add(event.event_id)
                    self._pending.append(event)
            if not self._resting():
                self._flush_locked()
            return not self._pending

    def flush(self) -> int:
        """Write pending events in order, in one transaction; return how many were written.
        On a failure none are written and all stay pending, in order (a retry of events that
        did reach the database is ignored by the store, so nothing is doubled)."""
        with self._lock:
            return self._flush_locked()

    def _flush_locked(self) -> int:
        batch = list(self._pending)
        if batch:
            try:
                self.store.append_many(batch)
            except StoreUnavailable:
                self._failed()
                return 0
            del self._pending[: len(batch)]
        self._down_until = 0.0
        return len(batch)

    def events(self, learner_id: str) -> list[Event]:
        """Stored events plus this writer's pending ones for `learner_id`, oldest first;
        only the pending ones when the store is unreachable."""
        stored: list[Event] = []
        if not self._resting():
            try:
                stored = self.store.events(learner_id)
            except StoreUnavailable:
                self._failed()
        seen = {e.event_id for e in stored}
        extra = [e for e in self.pending if e.learner_id == learner_id and e.event_id not in seen]
        if not extra:
            return stored
        return sorted([*stored, *extra], key=lambda e: e.timestamp)


__all__: Sequence[str] = (
    "DB_URL_ENV",
    "INDEXES",
    "MIGRATIONS",
    "CertificateRecord",
    "Cohort",
    "Learner",
    "PendingWriter",
    "Poll",
    "Presentation",
    "QuizSummary",
    "RoomEnded",
    "Store",
    "StoreUnavailable",
    "normalize_cohort_code",
    "normalize_room_code",
    "open_store",
    "resolve_url",
)
