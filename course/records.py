"""The learning-event store: SQLAlchemy Core over SQLite (default) or PostgreSQL.

This is the only module in the project that speaks SQL (but for course/lms/outbox.py, which
keeps the queries of its own `lrs_outbox` table next to the forwarder). It holds:

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
  per-browser token, never a learner id or name, only counts per option are read back (and
  to one browser, its own answer), and a room's answers are deleted once it has ended or expired.
- `trainer_sessions`: trainer sign-ins kept by a browser (m007), by the hash of the random id
  in the trainer's cookie; signing out deletes the row, so every copy of the cookie stops working.
- `lrs_outbox`: xAPI statements waiting for, or sent to, the LRS the course forwards to
  (m009); its queries live with the forwarder in course/lms/outbox.py.
- `schema_migrations`: which of the ordered `MIGRATIONS` have run.

A quiz result (`passed`/`failed`) is recorded once per learner, quiz, track and attempt
number (a unique index, m006): a second tab submitting the same attempt gets `AttemptTaken`,
and records its result under `next_attempt` instead.

`open_store()` picks the database from its argument, else `COURSE_DB_URL`, else the SQLite
file `data/course.sqlite` under the repository root, and migrates it. When the database
cannot be reached, answers too slowly (`Timeouts`: COURSE_DB_CONNECT_TIMEOUT and
COURSE_DB_STATEMENT_TIMEOUT) or its files cannot be used (read-only, missing, damaged, a full
disk), every method raises `StoreUnavailable`: an outage, never a crash (docs/reliability.md).
The store logs one line when an outage begins and one when it ends. `PendingWriter` keeps a
learner's new events in memory until it is back, so answers are never lost or doubled.
"""

from __future__ import annotations

import atexit
import ctypes
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import socket
import threading
import time
import uuid
import weakref
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

# How long the store waits for the database before it calls it an outage (docs/reliability.md).
# Each is a setting; these are the defaults. A learner who clicks while the database hangs is
# told within a few seconds, and their answer waits in the tab, instead of a spinner that never
# ends. Writers of one process queue on the store's own lock (below), so SQLite's busy timeout
# is only met by another process's write: a `python -m course` command, a second server.
CONNECT_TIMEOUT_ENV = "COURSE_DB_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_ENV = "COURSE_DB_STATEMENT_TIMEOUT"
PG_CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_S = 5.0
SQLITE_BUSY_TIMEOUT_MS = 5_000
# A PostgreSQL server that stops answering altogether (its processes frozen, its host gone
# without a reset) cannot cancel its own statement: the client gives up this much later.
CLIENT_GRACE_S = 1.0
# After a call finds the database down, other calls fail at once for this long, so that one
# frozen database does not hold every learner's click for a whole timeout; then one call tries.
RETRY_AFTER_S = 2.0
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

_log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The records database cannot be reached (down, unreachable, locked, unwritable).

    The UI tells the learner plainly and keeps their answers pending; nothing is lost."""


class AttemptTaken(ValueError):
    """A quiz result for an attempt number this learner already has a result for on that quiz
    and track (another tab submitted it first). Nothing of the write was stored; the caller
    records it again under `Store.next_attempt`."""

    def __init__(self, learner_id: str, activity: str, track: str | None, attempt: int):
        super().__init__(f"attempt {attempt} of {activity} on track {track} is already recorded for {learner_id}")
        self.learner_id, self.activity, self.track, self.attempt = learner_id, activity, track, attempt


class StoreSlow(StoreUnavailable):
    """One request took longer than the statement timeout and the server cancelled it: the
    database answers, so this is not an outage for everyone else (a large report, say)."""


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
    sa.Column("expires_at", UTCDateTime),  # m008_certificate_validity; None: never expires
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

# Trainer sign-ins kept by a browser (m007): the cookie holds a random session id, this table
# its SHA-256, so signing out (deleting the row) ends it for every copy of the cookie.
trainer_sessions_table = sa.Table(
    "trainer_sessions",
    metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),
    sa.Column("credential", sa.String(64), nullable=False),  # which passcode hash it was made under
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)

# Statements forwarded to an LRS (m008, course/lms/outbox.py): one row per event, its statement
# built once (so its id and body never change), sent when `sent_at` is set, retried from
# `next_try_at`, given up on (a 4xx the LRS will never accept) when `failed` is true.
lrs_outbox_table = sa.Table(
    "lrs_outbox",
    metadata,
    sa.Column("event_id", sa.String(128), primary_key=True),
    sa.Column("statement_id", sa.String(36), nullable=False, unique=True),
    sa.Column("statement", sa.Text, nullable=False),  # JSON
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_try_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("failed", sa.Boolean, nullable=False),
    sa.Column("last_error", sa.Text),
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

# A quiz's results (passed/failed) are numbered once per learner, quiz and track (m006): two
# tabs submitting the same attempt cannot both record it (issue 18, defect 8).
OUTCOME_VERBS = (PASSED, FAILED)
ATTEMPT_INDEX = "uq_events_outcome_attempt"


def _attempt_index(table: sa.Table) -> sa.Index:
    where = table.c.verb.in_(OUTCOME_VERBS)
    return sa.Index(
        ATTEMPT_INDEX,
        table.c.learner_id,
        table.c.activity,
        table.c.track,
        table.c.attempt,
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


_attempt_index(events_table)


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


def m006_attempt_numbers(conn: Connection) -> None:
    """Each quiz attempt number recorded once per learner, quiz and track. Results recorded
    twice under one number before this (two tabs submitting together) are renumbered first:
    the later one, with the answers stored in the same write just before it, becomes the
    learner's next attempt on that quiz, so both results stay on the record."""
    meta = sa.MetaData()
    events = sa.Table(
        "events",
        meta,
        sa.Column("seq", _seq_type(), primary_key=True),
        sa.Column("learner_id", sa.String(128)),
        sa.Column("verb", sa.String(32)),
        sa.Column("activity", sa.String(512)),
        sa.Column("track", sa.String(64)),
        sa.Column("attempt", sa.Integer),
    )
    c = events.c
    rows = conn.execute(
        sa.select(c.seq, c.learner_id, c.activity, c.track, c.attempt)
        .where(c.verb.in_(OUTCOME_VERBS), c.attempt.is_not(None))
        .order_by(c.learner_id, c.activity, c.track, c.attempt, c.seq)
    ).all()
    highest: dict[tuple, int] = {}
    for r in rows:
        key = (r.learner_id, r.activity, r.track)
        highest[key] = max(highest.get(key, 0), r.attempt)
    seen: set[tuple] = set()
    for r in rows:
        key = (r.learner_id, r.activity, r.track)
        if (*key, r.attempt) not in seen:
            seen.add((*key, r.attempt))
            continue
        highest[key] += 1
        moved = [r.seq]
        earlier = conn.execute(
            sa.select(c.seq, c.verb, c.track, c.attempt)
            .where(c.learner_id == r.learner_id, c.seq < r.seq)
            .order_by(c.seq.desc())
            .limit(1000)
        )
        for e in earlier:
            if (e.verb, e.track, e.attempt) != ("answered", r.track, r.attempt):
                break
            moved.append(e.seq)
        conn.execute(sa.update(events).where(c.seq.in_(moved)).values(attempt=highest[key]))
    _attempt_index(events).create(conn)


def m007_trainer_sessions(conn: Connection) -> None:
    """Trainer sign-ins as server-side sessions, so signing out revokes them (issue 18)."""
    meta = sa.MetaData()
    sessions = sa.Table(
        "trainer_sessions",
        meta,
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("credential", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )
    sa.Index("ix_trainer_sessions_expires", sessions.c.expires_at)
    meta.create_all(conn)


def m009_lrs_outbox(conn: Connection) -> None:
    """The durable outbox for statements forwarded to an LRS (issue 20)."""
    meta = sa.MetaData()
    outbox = sa.Table(
        "lrs_outbox",
        meta,
        sa.Column("event_id", sa.String(128), primary_key=True),
        sa.Column("statement_id", sa.String(36), nullable=False, unique=True),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_try_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("failed", sa.Boolean, nullable=False),
        sa.Column("last_error", sa.Text),
    )
    sa.Index("ix_lrs_outbox_due", outbox.c.sent_at, outbox.c.failed, outbox.c.next_try_at)
    meta.create_all(conn)


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def m008_certificate_validity(conn: Connection) -> None:
    """Certificates that expire: the expiry date set at issue (signed with the rest)."""
    conn.execute(sa.text("ALTER TABLE certificates ADD COLUMN expires_at " + _datetime_sql(conn)))


def _datetime_sql(conn: Connection) -> str:
    return "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"


Migration = Callable[[Connection], None]
# Ordered; a version is never reused or renumbered once released.
# The trainer dashboard's aggregates (course.analytics_db), found needed with EXPLAIN QUERY PLAN
# on 900,000 events: each learner's latest registration (their track) and their quiz passes
# and fails are read from this index alone, without touching the table (in SQLite every index
# also holds the row's seq). Last activity already had one: ix_events_learner_time. A plain
# timestamp index was tried and made things worse: the dashboard's 90-day period covers nearly every row, and the planner then
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


def m010_analytics_indexes(conn: Connection) -> None:
    for index in ANALYTICS_INDEXES:
        index.create(conn)


MIGRATIONS: tuple[tuple[int, Migration], ...] = (
    (1, m001_initial),
    (2, m002_indexes),
    (3, m003_preferences),
    (4, m004_presentations),
    (5, m005_answer_drafts),
    (6, m006_attempt_numbers),
    (7, m007_trainer_sessions),
    (8, m008_certificate_validity),
    (9, m009_lrs_outbox),
    (10, m010_analytics_indexes),
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
    expires_at: datetime | None = None


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


# --------------------------------------------------------------------------- faults and timeouts


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
    def from_settings(cls, get: Callable[[str], str | None] = os.environ.get) -> Timeouts:
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
_SQLITE_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


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


@atexit.register
def _keep_unsafe_connections_open_at_exit() -> None:
    for store in list(_SQLITE_STORES):
        if store._files is not None and not store._files.safe_to_close():
            _keep_open(store.engine)


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


# --------------------------------------------------------------------------- the store


class Store:
    """Learning events, learners, cohorts and certificates in one database.

    Implements `course.events.EventLog`. Safe to share across threads (one per process,
    cached by the UI). Every method raises `StoreUnavailable` when the database cannot be
    reached, answers too slowly (`Timeouts`), or its files cannot be used (read-only, missing,
    damaged, a full disk): an outage, never a crash. Constructing a Store does not connect (it
    only creates a SQLite file's folder, raising StoreUnavailable if it cannot); `open_store()`
    also migrates.
    """

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

    def __enter__(self) -> Store:
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
        with self._unbounded(), self._write() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("ANALYZE")
            else:
                conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
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
        try:
            with self._write() as conn:
                for start in range(0, len(rows), BATCH_SIZE):
                    conn.execute(stmt, rows[start : start + BATCH_SIZE])
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

    def all_certificates(self) -> list[CertificateRecord]:
        """Every certificate, oldest first (the trainers' renewal report)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(certificates_table).order_by(certificates_table.c.issued_at)).all()
            return [CertificateRecord(**r._mapping) for r in rows]

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

    # ---------------------------------------------------------------- trainer sessions

    def create_trainer_session(self, credential: str, lifetime: timedelta) -> str:
        """A new trainer sign-in lasting `lifetime`: returns its random id (for the browser's
        cookie); only the id's hash is stored. Sessions already expired are deleted here."""
        session_id = secrets.token_urlsafe(32)
        at = now()
        with self._write() as conn:
            conn.execute(sa.delete(trainer_sessions_table).where(trainer_sessions_table.c.expires_at <= at))
            conn.execute(
                sa.insert(trainer_sessions_table).values(
                    session_hash=_session_hash(session_id),
                    credential=credential[:64],
                    created_at=at,
                    expires_at=at + lifetime,
                )
            )
        return session_id

    def trainer_session_valid(self, session_id: object, credential: str) -> bool:
        """True for a session id that was made under `credential`, has not expired and has not
        been ended."""
        if not isinstance(session_id, str) or not 16 <= len(session_id) <= 128:
            return False
        with self._read() as conn:
            row = conn.execute(
                sa.select(trainer_sessions_table).where(
                    trainer_sessions_table.c.session_hash == _session_hash(session_id)
                )
            ).first()
        return row is not None and row.credential == credential[:64] and row.expires_at > now()

    def end_trainer_session(self, session_id: str) -> None:
        """Sign out: the session stops working for every browser holding its cookie."""
        with self._write() as conn:
            conn.execute(
                sa.delete(trainer_sessions_table).where(
                    trainer_sessions_table.c.session_hash == _session_hash(session_id)
                )
            )

    def poll_answer(self, poll_id: str, participant: str) -> str | None:
        """The option this participant chose in this poll, or None."""
        with self._read() as conn:
            return conn.execute(
                sa.select(poll_answers_table.c.option_id).where(
                    poll_answers_table.c.poll_id == poll_id, poll_answers_table.c.participant == participant
                )
            ).scalar_one_or_none()

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
        if _sqlite_code(exc.__cause__) == SQLITE_NOTADB:
            raise StoreMisconfigured(f"{parsed.database} is not a SQLite database ({exc.__cause__.orig})") from exc
        raise
    except BaseException:
        store.close()
        raise
    store.health.armed = True
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
    "AttemptTaken",
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
    "StoreSlow",
    "StoreUnavailable",
    "Timeouts",
    "normalize_cohort_code",
    "normalize_room_code",
    "open_store",
    "resolve_url",
)
