"""The ordered schema migrations, m001..m012, each a frozen copy of the schema change it made when
it was released: later changes are new migrations, never edits here. `Store.migrate` runs them.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from course.records.codes import MAX_DISPLAY_NAME
from course.records.tables import INDEXES, OUTCOME_VERBS, UTCDateTime, _attempt_index, _seq_type, events_table


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


def m008_certificate_validity(conn: Connection) -> None:
    """Certificates that expire: the expiry date set at issue (signed with the rest)."""
    conn.execute(sa.text("ALTER TABLE certificates ADD COLUMN expires_at " + _datetime_sql(conn)))


def _datetime_sql(conn: Connection) -> str:
    return "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"


# The trainer dashboard's aggregates (course.analytics_db), found needed with EXPLAIN QUERY PLAN
# on 900,000 events: each learner's latest registration (their track) and their quiz passes
# and fails are read from this index alone, without touching the table (in SQLite every index
# also holds the row's seq). Last activity already had one: ix_events_learner_time. A plain
# timestamp index was tried and made things worse: the dashboard's 90-day period covers nearly
# every row, and the planner then looked each one up through the index instead of scanning.
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


def m011_analytics_summary(conn: Connection) -> None:
    """The dashboard's derived item-analysis summary (course/records/summary.py). Created
    empty: filling it needs the course's quizzes, which a migration does not have, so it is
    built by `python -m course analytics-rebuild` or by the dashboard's first read (until
    then the dashboard computes from the events, as before)."""
    meta = sa.MetaData()
    first = sa.Table(
        "analytics_quiz_first",
        meta,
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("quiz_id", sa.String(128), primary_key=True),
        sa.Column("first_at", UTCDateTime, nullable=False),
        sa.Column("first_seq", _seq_type(), nullable=False),
        sa.Column("last_at", UTCDateTime, nullable=False),
        sa.Column("cohort", sa.String(64)),
        sa.Column("mixed", sa.Boolean, nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
    )
    sa.Index("ix_analytics_quiz_first_order", first.c.quiz_id, first.c.first_at)
    sa.Table(
        "analytics_pending",
        meta,
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    sa.Table(
        "analytics_state",
        meta,
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("built_at", UTCDateTime, nullable=False),
    )
    meta.create_all(conn)


def m012_analytics_learners(conn: Connection) -> None:
    """The dashboard's derived per-learner summary (course/analytics_learners.py). Created
    empty, like m011: the dashboard's first read (or `python -m course analytics-rebuild`)
    builds it from the events."""
    meta = sa.MetaData()
    sa.Table(
        "analytics_learner",
        meta,
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("first_at", UTCDateTime, nullable=False),
        sa.Column("last_at", UTCDateTime, nullable=False),
        sa.Column("cohort", sa.String(64)),
        sa.Column("mixed", sa.Boolean, nullable=False),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("scores", sa.Text, nullable=False),
    )
    sa.Table(
        "analytics_learner_pending",
        meta,
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    meta.create_all(conn)


Migration = Callable[[Connection], None]
# Ordered; a version is never reused or renumbered once released.
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
    (11, m011_analytics_summary),
    (12, m012_analytics_learners),
)

# Any constant will do: it only has to be the same in every process migrating this database.
_PG_MIGRATION_LOCK = 0x636F7572
