"""Each quiz attempt number is recorded once per learner, quiz and track (issue 18, defect 8):
two tabs submitting the same attempt used to record two results with one number. The store
enforces it, on SQLite and PostgreSQL, and a database holding such doubles from before is
renumbered once by migration m006."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from course.events import ANSWERED, FAILED, PASSED, REGISTERED, Event
from course.records import MIGRATIONS, AttemptTaken, Store, events_table, open_store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
QUIZ = "quiz/history-quiz"


def submission(attempt: int, minute: int, learner: str = "L1", passed: bool = True) -> list[Event]:
    """A quiz submission as the quiz page records it: each answer, then the result."""
    at = T0 + timedelta(minutes=minute)
    answers = [
        Event(
            learner_id=learner,
            verb=ANSWERED,
            activity=f"question/q{n}",
            track="staff",
            attempt=attempt,
            score=1.0,
            max_score=1.0,
            success=True,
            response="a",
            timestamp=at + timedelta(microseconds=n),
        )
        for n in range(3)
    ]
    outcome = Event(
        learner_id=learner,
        verb=PASSED if passed else FAILED,
        activity=QUIZ,
        track="staff",
        attempt=attempt,
        score=3.0,
        max_score=3.0,
        success=passed,
        timestamp=at + timedelta(seconds=1),
    )
    return [*answers, outcome]


def outcomes(store: Store, learner: str = "L1") -> list[int | None]:
    return [e.attempt for e in store.events(learner) if e.verb in (PASSED, FAILED)]


def test_a_second_result_for_the_same_attempt_is_refused_and_says_which(store: Store):
    store.append_many(submission(1, 0))
    with pytest.raises(AttemptTaken) as refused:
        store.append_many(submission(1, 5))
    assert (refused.value.learner_id, refused.value.activity, refused.value.track, refused.value.attempt) == (
        "L1",
        QUIZ,
        "staff",
        1,
    )
    assert outcomes(store) == [1]
    assert len(store.events("L1")) == 4, "the refused submission is written not at all, not in part"
    assert store.next_attempt("L1", QUIZ, "staff") == 2


def test_a_retried_write_of_the_same_submission_is_still_stored_once_without_error(store: Store):
    first = submission(1, 0)
    store.append_many(first)
    store.append_many(first)  # a PendingWriter retry after a lost reply
    assert outcomes(store) == [1] and len(store.events("L1")) == 4


def test_the_same_attempt_number_on_another_track_quiz_or_learner_is_allowed(store: Store):
    store.append_many(submission(1, 0))
    store.append_many(submission(1, 1, learner="L2"))
    other_track = [Event(learner_id="L1", verb=PASSED, activity=QUIZ, track="public", attempt=1, success=True)]
    other_quiz = [Event(learner_id="L1", verb=FAILED, activity="quiz/other", track="staff", attempt=1)]
    store.append_many(other_track + other_quiz)
    assert store.next_attempt("L1", QUIZ, "staff") == 2 and store.next_attempt("L1", QUIZ, "public") == 2
    assert store.next_attempt("L3", QUIZ, "staff") == 1


def test_two_tabs_submitting_at_once_record_one_result_per_attempt_number(db_url: str):
    stores = [open_store(db_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    refused: list[AttemptTaken] = []

    def submit(s: Store, minute: int) -> None:
        barrier.wait()
        try:
            s.append_many(submission(1, minute))
        except AttemptTaken as exc:
            refused.append(exc)

    threads = [threading.Thread(target=submit, args=(s, n)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes(stores[0]) == [1] and len(refused) == 1
    for s in stores:
        s.close()


def test_migration_m006_renumbers_doubles_recorded_before_it_with_their_answers(db_url: str):
    # A database from before m006, holding what the defect recorded: attempt 2 twice.
    before = Store(db_url)
    with before._write() as conn:
        from course.records import schema_migrations_table

        for version, migration in MIGRATIONS:
            if version >= 6:
                continue
            schema_migrations_table.create(conn, checkfirst=True)
            migration(conn)
            conn.execute(sa.insert(schema_migrations_table).values(version=version, applied_at=T0))
    before.append_many([Event(learner_id="L1", verb=REGISTERED, activity="course", track="staff", timestamp=T0)])
    before.append_many(submission(1, 1, passed=False))
    before.append_many(submission(2, 2, passed=False))
    before.append_many(submission(2, 3))  # the second tab's result, same number
    before.append_many(submission(2, 4, learner="L2"))  # another learner's attempt 2: not a double
    before.close()

    migrated = open_store(db_url)
    assert outcomes(migrated) == [1, 2, 3]
    mine = migrated.events("L1")
    third = [e for e in mine if e.attempt == 3]
    assert [e.verb for e in third] == [ANSWERED, ANSWERED, ANSWERED, PASSED], "its answers moved with it"
    assert len([e for e in mine if e.attempt == 2]) == 4
    assert outcomes(migrated, "L2") == [2]
    with migrated._read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(events_table)).scalar_one() == 1 + 4 * 4
    migrated.close()
