"""PostgreSQL stopped and frozen for real, on the suite's own cluster (tests/faults/conftest.py).

A frozen server (its processes stopped with SIGSTOP) accepts connections and never answers:
before the timeouts, an answer click spun for more than 45 s with no message, and neither
a stop nor a restart wrote anything to the log.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from course.events import ANSWERED, Event
from course.records import RETRY_AFTER_S, PendingWriter, StoreSlow, StoreUnavailable, Timeouts, open_store

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

NOTICE_WITHIN_S = 10  # "within a few seconds", generously
FAST = Timeouts(connect_s=2, statement_s=2)


def answer(n: int) -> Event:
    return Event("fault-learner", ANSWERED, f"question/q{n}", event_id=f"answer-{n}")


def outage_lines(caplog) -> tuple[list[str], list[str]]:
    messages = [r.getMessage() for r in caplog.records if r.name == "course.records"]
    return [m for m in messages if m.startswith("outage:")], [m for m in messages if m.startswith("recovered:")]


def timed(call):
    started = time.monotonic()
    try:
        return call(), time.monotonic() - started
    except StoreUnavailable as exc:
        return exc, time.monotonic() - started


def test_a_stopped_database_is_logged_once_when_it_goes_and_once_when_it_comes_back(pg_cluster, caplog):
    store = open_store(pg_cluster.fresh_schema_url(), FAST)
    writer = PendingWriter(store, retry_after_s=0)
    try:
        assert writer.append(answer(1))
        caplog.set_level(logging.WARNING, logger="course.records")
        pg_cluster.stop()
        for n in range(2, 6):  # several clicks, several failures: one outage
            assert writer.append(answer(n)) is False
            time.sleep(RETRY_AFTER_S / 2)
        assert [e.event_id for e in writer.events("fault-learner")][-4:] == [f"answer-{n}" for n in range(2, 6)]
        outages, recoveries = outage_lines(caplog)
        assert len(outages) == 1 and not recoveries, outages

        pg_cluster.start()
        time.sleep(RETRY_AFTER_S)
        assert writer.flush() == 4 and not writer.pending
        assert writer.append(answer(6))
        outages, recoveries = outage_lines(caplog)
        assert len(outages) == 1 and len(recoveries) == 1, (outages, recoveries)
        stored = Counter(e.event_id for e in store.events("fault-learner"))
        assert stored == {f"answer-{n}": 1 for n in range(1, 7)}
    finally:
        store.close()


def test_a_frozen_database_turns_clicks_away_within_seconds_and_every_answer_lands_once(pg_cluster, caplog):
    store = open_store(pg_cluster.fresh_schema_url(), FAST)
    writer = PendingWriter(store, retry_after_s=0)
    try:
        assert writer.append(answer(1))
        caplog.set_level(logging.WARNING, logger="course.records")
        pg_cluster.freeze()
        saved, took = timed(lambda: writer.append(answer(2)))
        assert saved is False and took < NOTICE_WITHIN_S, took
        # Meanwhile other learners' calls are turned away at once, not each after a timeout.
        failed, took = timed(lambda: store.events("someone-else"))
        assert isinstance(failed, StoreUnavailable) and took < 1, took
        time.sleep(RETRY_AFTER_S)
        saved, took = timed(lambda: writer.append(answer(3)))  # the next try waits again, once
        assert saved is False and took < NOTICE_WITHIN_S, took
        outages, _ = outage_lines(caplog)
        assert len(outages) == 1, outages
        assert "did not answer within" in outages[0], outages

        pg_cluster.thaw()
        time.sleep(RETRY_AFTER_S)
        assert writer.flush() == 2 and not writer.pending
        stored = Counter(e.event_id for e in store.events("fault-learner"))
        assert stored == {"answer-1": 1, "answer-2": 1, "answer-3": 1}
        outages, recoveries = outage_lines(caplog)
        assert len(outages) == 1 and len(recoveries) == 1, (outages, recoveries)
    finally:
        store.close()


def test_a_table_locked_by_another_session_turns_a_write_away_within_seconds(pg_cluster):
    # A migration or a manual fix holding a lock: PostgreSQL's own lock_timeout ends the wait.
    url = pg_cluster.fresh_schema_url()
    store = open_store(url, FAST)
    writer = PendingWriter(store, retry_after_s=0)
    holder = sa.create_engine(url)
    try:
        assert writer.append(answer(1))
        with holder.begin() as conn:
            conn.exec_driver_sql("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            saved, took = timed(lambda: writer.append(answer(2)))
            assert saved is False and took < NOTICE_WITHIN_S, took
        time.sleep(RETRY_AFTER_S)
        assert writer.flush() == 1
        assert Counter(e.event_id for e in store.events("fault-learner")) == {"answer-1": 1, "answer-2": 1}
    finally:
        holder.dispose()
        store.close()


def test_one_request_cancelled_for_taking_too_long_is_not_an_outage_for_everyone(pg_cluster, caplog):
    # A trainer's large report that passes the statement timeout is cancelled by the server,
    # which answered: learners' clicks are not turned away, and no outage is logged.
    store = open_store(pg_cluster.fresh_schema_url(), FAST)
    try:
        caplog.set_level(logging.WARNING, logger="course.records")
        with pytest.raises(StoreSlow), store._read() as conn:
            conn.exec_driver_sql("SELECT pg_sleep(5)")
        store.append(answer(1))  # at once, not after a rest
        assert [e.event_id for e in store.events("fault-learner")] == ["answer-1"]
        assert outage_lines(caplog) == ([], [])
    finally:
        store.close()
