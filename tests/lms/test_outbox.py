"""Forwarding learning events to an LRS through the durable outbox (issue 20), against Ralph:
the LRS stopped mid-course and restarted, every statement arrives exactly once; an LRS that
refuses a statement for good (4xx) has it counted as failed, and nothing is lost."""

from __future__ import annotations

import http.server
import threading
from collections import Counter

import pytest

from course.events import ANSWERED, EXPERIENCED, PASSED, REGISTERED, Event
from course.lms import outbox
from tests.lms.conftest import RALPH_PASSWORD, RALPH_USER

BASE = "https://course.example.org"


def _course_events(learner: str, n_sections: int = 4) -> list[Event]:
    events = [Event(learner_id=learner, verb=REGISTERED, activity="course", track="staff")]
    events += [
        Event(learner_id=learner, verb=EXPERIENCED, activity=f"section/history/s{i}", track="staff")
        for i in range(n_sections)
    ]
    return events


def _finish(learner: str) -> list[Event]:
    return [
        Event(
            learner_id=learner,
            verb=ANSWERED,
            activity="question/q1",
            track="staff",
            response="a",
            success=True,
            context={"quiz": "history"},
        ),
        Event(
            learner_id=learner,
            verb=PASSED,
            activity="quiz/history",
            track="staff",
            attempt=1,
            score=5,
            max_score=5,
            success=True,
        ),
    ]


def test_statements_arrive_exactly_once_when_the_lrs_is_stopped_mid_course(store, ralph, real_course):
    settings = outbox.LrsSettings(ralph.endpoint, RALPH_USER, RALPH_PASSWORD, BASE)
    forwarder = outbox.Forwarder(store, settings, real_course)
    first = _course_events("learner-a")
    store.append_many(first)
    assert forwarder.run_once() == len(first)

    ralph.stop()  # the LRS goes away mid-course; the learner carries on
    rest = _finish("learner-a") + _course_events("learner-b", 2)
    store.append_many(rest)
    failed_at = outbox.now()
    assert forwarder.run_once() == 0
    counts = outbox.counts(store)
    assert (counts.pending, counts.failed, counts.sent) == (len(rest), 0, len(first))
    assert "cannot be reached" in (outbox.last_error(store) or "")

    ralph.start()
    # Each waits out its backoff: none was due at the moment it failed...
    assert outbox.claim(store, at=failed_at) == []
    # ...and once due, all of it goes. A second forwarder (another replica) runs at the same time.
    import sqlalchemy as sa

    from course.records import lrs_outbox_table

    with store._write() as conn:
        conn.execute(sa.update(lrs_outbox_table).values(next_try_at=outbox.now()))
    other = outbox.Forwarder(store, settings, real_course)
    results = []
    threads = [threading.Thread(target=lambda f=f: results.append(f.run_once())) for f in (forwarder, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == len(rest)
    assert forwarder.run_once() == 0

    stored = ralph.statements()
    ids = Counter(s["id"] for s in stored)
    expected = {outbox.xapi.statement_id(e.event_id, BASE) for e in first + rest}
    assert set(ids) == expected
    assert max(ids.values()) == 1  # exactly once
    assert outbox.counts(store) == outbox.Counts(pending=0, failed=0, sent=len(first) + len(rest))


def test_a_statement_the_lrs_already_has_counts_as_sent(store, ralph, real_course):
    """A batch sent but its answer lost (a crash, a timeout): sending it again gets 409 from
    Ralph, which must count as delivered, not as a failure, and not store it twice."""
    settings = outbox.LrsSettings(ralph.endpoint, RALPH_USER, RALPH_PASSWORD, BASE)
    events = _course_events("learner-c", 3)
    store.append_many(events)
    outbox.enqueue(store, BASE, real_course)
    batch = outbox.claim(store)
    outbox.post_statements(settings, [s for _, s, _ in batch])  # delivered, answer "lost"
    import sqlalchemy as sa

    from course.records import lrs_outbox_table

    with store._write() as conn:  # the lease runs out as if the process had died
        conn.execute(sa.update(lrs_outbox_table).values(next_try_at=outbox.now()))
    store.append(Event(learner_id="learner-c", verb=EXPERIENCED, activity="section/history/s9", track="staff"))
    outbox.Forwarder(store, settings, real_course).run_once()
    assert outbox.counts(store) == outbox.Counts(pending=0, failed=0, sent=len(events) + 1)
    assert max(Counter(s["id"] for s in ralph.statements()).values()) == 1
    assert len(ralph.statements()) == len(events) + 1


class _Answer(http.server.BaseHTTPRequestHandler):
    status = 400

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b'{"detail":"statement refused"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def answering():
    servers = []

    def start(status: int) -> str:
        handler = type("H", (_Answer,), {"status": status})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/xAPI/"

    yield start
    for s in servers:
        s.shutdown()


@pytest.mark.parametrize("status, pending, failed", [(400, 0, 2), (500, 2, 0), (401, 2, 0), (429, 2, 0)])
def test_lrs_errors_are_counted_and_nothing_is_lost(store, real_course, answering, status, pending, failed):
    events = _course_events("learner-d", 1)
    store.append_many(events)
    settings = outbox.LrsSettings(answering(status), "u", "p", BASE)
    assert outbox.Forwarder(store, settings, real_course).run_once() == 0
    counts = outbox.counts(store)
    assert (counts.pending, counts.failed, counts.sent) == (pending, failed, 0)
    assert f"HTTP {status}" in outbox.last_error(store)
    assert len(store.events("learner-d")) == 2  # the learner's record is untouched


def test_backoff_grows_and_is_capped():
    waits = [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 20)]
    assert waits == [5, 10, 20, 3600]
