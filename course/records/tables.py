"""The tables as queries see them (SQLAlchemy Core), the `UTCDateTime` type, the indexes behind the
hot reads, and the unique index that numbers quiz results. A change here needs a new migration in
`course.records.migrations`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from course.events import FAILED, PASSED
from course.records.codes import MAX_DISPLAY_NAME


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

# The trainer dashboard's derived item-analysis summary (m011, course/records/summary.py and
# course/analytics_summary.py): derived data, rebuildable from the events at any time.
# One row per learner and quiz: the answers of the learner's first attempt at it (what
# `analytics.first_attempt_answers` picks over all their events), where their answers to it
# begin and end in time and in which cohort they were made, so a dashboard selection can use
# the row as it is when it covers all of them, and recompute the learner when it covers part.
quiz_first_table = sa.Table(
    "analytics_quiz_first",
    metadata,
    sa.Column("learner_id", sa.String(128), primary_key=True),
    sa.Column("quiz_id", sa.String(128), primary_key=True),
    sa.Column("first_at", UTCDateTime, nullable=False),  # the first answer counted (time, seq)
    sa.Column("first_seq", _seq_type(), nullable=False),
    sa.Column("last_at", UTCDateTime, nullable=False),  # the last answer to the quiz's questions
    sa.Column("cohort", sa.String(64)),  # the cohort all of them were made in
    sa.Column("mixed", sa.Boolean, nullable=False),  # made in more than one cohort: cohort unused
    # One line per answer: the question id (JSON), a tab, [score, max, success, response] (JSON).
    sa.Column("answers", sa.Text, nullable=False),
)
sa.Index("ix_analytics_quiz_first_order", quiz_first_table.c.quiz_id, quiz_first_table.c.first_at)

# Learners with answers stored since their summary rows were last worked out: written in the
# same transaction as the answers (append_many), cleared when the rows are brought up to date.
# `version` counts the writes, so a clear never swallows a write that came in while working.
summary_pending_table = sa.Table(
    "analytics_pending",
    metadata,
    sa.Column("learner_id", sa.String(128), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

# Which course content the summary was built for (a hash of every quiz's questions): another
# content version needs a rebuild, since a question may have moved between quizzes.
summary_state_table = sa.Table(
    "analytics_state",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("built_at", UTCDateTime, nullable=False),
)

# The dashboard's per-learner summary (m012, course/analytics_learners.py): derived data,
# rebuildable from the events at any time. One row per learner: what the funnel, the learners'
# tracks, last activity, stuck learners, quiz scores and the export's event count read of them
# (`progress`, JSON without times or ids, so learners who got as far decode as one text), the
# time of their first and last event and the cohort their events were made in, so a selection
# uses the row as it is when it covers all of the learner's events.
learner_summary_table = sa.Table(
    "analytics_learner",
    metadata,
    sa.Column("learner_id", sa.String(128), primary_key=True),
    sa.Column("first_at", UTCDateTime, nullable=False),  # their first event
    sa.Column("last_at", UTCDateTime, nullable=False),  # their last event: last activity
    sa.Column("cohort", sa.String(64)),  # the cohort all of their events were made in
    sa.Column("mixed", sa.Boolean, nullable=False),  # made in more than one cohort: cohort unused
    sa.Column("events", sa.Integer, nullable=False),  # how many events they have
    sa.Column("progress", sa.Text, nullable=False),  # JSON: course.analytics_learners
    sa.Column("scores", sa.Text, nullable=False),  # quiz results, a line per quiz: ditto
)

# Learners with any event stored since their row was last worked out (as analytics_pending,
# for every event rather than answers only).
learner_pending_table = sa.Table(
    "analytics_learner_pending",
    metadata,
    sa.Column("learner_id", sa.String(128), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)
