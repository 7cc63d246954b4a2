"""The learning-event store: SQLAlchemy Core over SQLite (default) or PostgreSQL.

This package is the only place in the project that speaks SQL (but for course/lms/outbox.py,
which keeps the queries of its own `lrs_outbox` table next to the forwarder). Its modules, by
concern:

- `tables`: the tables as queries see them, and their indexes. `migrations`: the frozen,
  ordered schema changes m001..m009 (`MIGRATIONS`), run by `Store.migrate`.
- `engine`: which database (`resolve_url`: the argument, else COURSE_DB_URL, else
  data/course.sqlite), the `Timeouts`, and every driver failure turned into `StoreUnavailable`
  (`errors`): an outage, never a crash (docs/reliability.md). `clock`: the store's `now()`.
- `codes`: cohort, room and resume codes and display names, normalised from what people type.
- `core`: `StoreCore`, the guarded connections every query goes through; the query mixins:
  `event_store` (the append-only `events`, insert-or-ignore on the client's event id, so a
  retried write is stored exactly once; a quiz result's attempt number is unique, m006, and a
  second tab submitting the same attempt gets `AttemptTaken`), `drafts` (answers not yet
  submitted), `learners` (pseudonymous identities, resume codes, OIDC subjects), `cohorts`
  (cohorts and certificates), `rooms` (presenter rooms and polls), `sessions` (trainer
  sign-ins); `store`: `Store`, all of them together, and `open_store()`.
- `pending`: `PendingWriter`, which keeps a learner's new events in memory while the database
  is down, so answers are never lost or doubled.

Import from `course.records`; the names below are the package's whole public surface.
"""

from __future__ import annotations

from course.records.clock import now
from course.records.codes import (
    MAX_COHORT_NAME,
    MAX_DISPLAY_NAME,
    UNAMBIGUOUS,
    grouped_code,
    normalize_cohort_code,
    normalize_room_code,
)
from course.records.cohorts import CertificateRecord, Cohort
from course.records.engine import (
    DB_URL_ENV,
    RETRY_AFTER_S,
    STATEMENT_TIMEOUT_S,
    URL_EXAMPLES,
    Timeouts,
    describe_url,
    resolve_url,
)
from course.records.errors import AttemptTaken, StoreMisconfigured, StoreSlow, StoreUnavailable
from course.records.event_store import QuizSummary, event_from_row
from course.records.migrations import MIGRATIONS
from course.records.pending import PendingWriter
from course.records.rooms import Poll, Presentation, RoomEnded
from course.records.store import Store, open_store
from course.records.tables import (
    INDEXES,
    OUTCOME_VERBS,
    certificates_table,
    events_table,
    learners_table,
    lrs_outbox_table,
    metadata,
    poll_answers_table,
    presentations_table,
    schema_migrations_table,
    trainer_sessions_table,
)

# Exactly the names used outside this package (tests/unit/test_architecture.py checks both ways).
__all__ = [
    "DB_URL_ENV",
    "INDEXES",
    "MAX_COHORT_NAME",
    "MAX_DISPLAY_NAME",
    "MIGRATIONS",
    "OUTCOME_VERBS",
    "RETRY_AFTER_S",
    "STATEMENT_TIMEOUT_S",
    "UNAMBIGUOUS",
    "URL_EXAMPLES",
    "AttemptTaken",
    "CertificateRecord",
    "Cohort",
    "PendingWriter",
    "Poll",
    "Presentation",
    "QuizSummary",
    "RoomEnded",
    "Store",
    "StoreMisconfigured",
    "StoreSlow",
    "StoreUnavailable",
    "Timeouts",
    "certificates_table",
    "describe_url",
    "event_from_row",
    "events_table",
    "grouped_code",
    "learners_table",
    "lrs_outbox_table",
    "metadata",
    "normalize_cohort_code",
    "normalize_room_code",
    "now",
    "open_store",
    "poll_answers_table",
    "presentations_table",
    "resolve_url",
    "schema_migrations_table",
    "trainer_sessions_table",
]
