"""Learning events forwarded to an LRS through a durable outbox in the store (issue 20).

Settings (environment or .streamlit/secrets.toml, like the other COURSE_* settings):
`COURSE_LRS_ENDPOINT` (the LRS's xAPI base, e.g. https://lrs.example.org/xAPI/),
`COURSE_LRS_USERNAME` and `COURSE_LRS_PASSWORD` (HTTP Basic), and `COURSE_PUBLIC_URL`, the
base of the statements' ids. Without an endpoint nothing is forwarded.

How a statement travels:
1. `enqueue`: every event not yet in `lrs_outbox` becomes a row holding its statement
   (course/xapi.py), built once, so its id (derived from the event id) and its body never
   change. The events table is the durable record; the outbox only says what was sent.
2. `claim`: due rows are leased (their `next_try_at` moved on) in one UPDATE per row that
   only succeeds if the row is still due, so two forwarders (two replicas) never send the
   same row at the same time.
3. `Forwarder.send_due`: POSTs a batch. Sent rows get `sent_at` and are never sent again.
   The network down, a timeout, a 5xx, 401/403 (credentials) or 429: retried with backoff
   (`backoff`), nothing lost. A 409 for a batch: each statement is sent alone, and a 409 for
   one statement means the LRS already has that id, so it counts as sent. Any other 4xx for
   one statement: the LRS will never accept it; the row is marked failed with the LRS's
   answer, shown on the trainer dashboard, and left in the table.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from course import xapi
from course.records import Store, _row_event, events_table, lrs_outbox_table, now
from course.schema import Course

ENDPOINT_SETTING = "COURSE_LRS_ENDPOINT"
USERNAME_SETTING = "COURSE_LRS_USERNAME"
PASSWORD_SETTING = "COURSE_LRS_PASSWORD"
BATCH = 100
TIMEOUT_S = 10
LEASE = timedelta(minutes=2)  # a claimed row waits this long before another forwarder may try it
FIRST_RETRY_S = 5
MAX_RETRY_S = 3600
_log = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries: 5 s, 10 s, 20 s ... at most an hour."""
    return timedelta(seconds=min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Counts:
    pending: int
    failed: int
    sent: int


@dataclass(frozen=True)
class LrsSettings:
    endpoint: str
    username: str | None
    password: str | None
    base: str  # COURSE_PUBLIC_URL: the statements' activity and account base


def settings_problem(endpoint: str | None, base: str | None) -> str | None:
    """Why forwarding cannot run with these settings, or None."""
    if not endpoint:
        return None
    if not endpoint.startswith(("http://", "https://")):
        return f"{ENDPOINT_SETTING} {endpoint!r} is not an http(s) address"
    if not base or not base.startswith(("http://", "https://")):
        return "COURSE_PUBLIC_URL must be set (the statements' ids are built on it)"
    return None


# --------------------------------------------------------------------------- the table


def enqueue(store: Store, base: str, course: Course | None = None, limit: int = 1000) -> int:
    """Put up to `limit` events not yet in the outbox into it; the number added."""
    o, e = lrs_outbox_table.c, events_table.c
    missing = sa.select(events_table).where(~sa.exists().where(o.event_id == e.event_id)).order_by(e.seq).limit(limit)
    with store._read() as conn:
        events = [_row_event(r) for r in conn.execute(missing)]
    if not events:
        return 0
    at = now()
    rows = [
        {
            "event_id": ev.event_id,
            "statement_id": st["id"],
            "statement": json.dumps(st, separators=(",", ":"), ensure_ascii=False),
            "created_at": at,
            "attempts": 0,
            "next_try_at": at,
            "sent_at": None,
            "failed": False,
            "last_error": None,
        }
        for ev, st in zip(events, xapi.statements(events, base, course), strict=True)
    ]
    with store._write() as conn:
        # insert-or-ignore: another forwarder may have queued the same events meanwhile
        result = conn.execute(store._insert(lrs_outbox_table).on_conflict_do_nothing(), rows)
    # (a driver may not count an executemany: -1. The events were missing a moment ago, so the
    # caller's loop ends once the anti-join finds none.)
    return len(rows) if result.rowcount is None or result.rowcount < 0 else result.rowcount


def claim(store: Store, limit: int = BATCH, at: datetime | None = None) -> list[tuple[str, dict[str, Any], int]]:
    """Lease up to `limit` due rows: [(event_id, statement, attempts)], oldest first."""
    o = lrs_outbox_table.c
    at = at or now()
    due = (
        sa.select(o.event_id, o.statement, o.attempts, o.next_try_at)
        .where(o.sent_at.is_(None), o.failed.is_(False), o.next_try_at <= at)
        .order_by(o.created_at, o.event_id)
        .limit(limit)
    )
    out = []
    with store._write() as conn:
        for row in conn.execute(due).all():
            taken = conn.execute(
                sa.update(lrs_outbox_table)
                .where(o.event_id == row.event_id, o.next_try_at == row.next_try_at, o.sent_at.is_(None))
                .values(next_try_at=at + LEASE)
            )
            if taken.rowcount == 1:
                out.append((row.event_id, json.loads(row.statement), row.attempts))
    return out


def mark_sent(store: Store, event_ids: list[str]) -> None:
    if event_ids:
        with store._write() as conn:
            conn.execute(
                sa.update(lrs_outbox_table)
                .where(lrs_outbox_table.c.event_id.in_(event_ids))
                .values(sent_at=now(), last_error=None)
            )


def mark_retry(store: Store, items: list[tuple[str, int]], error: str) -> None:
    at = now()
    with store._write() as conn:
        for event_id, attempts in items:
            conn.execute(
                sa.update(lrs_outbox_table)
                .where(lrs_outbox_table.c.event_id == event_id, lrs_outbox_table.c.sent_at.is_(None))
                .values(attempts=attempts + 1, next_try_at=at + backoff(attempts + 1), last_error=error[:2000])
            )


def mark_failed(store: Store, event_id: str, attempts: int, error: str) -> None:
    with store._write() as conn:
        conn.execute(
            sa.update(lrs_outbox_table)
            .where(lrs_outbox_table.c.event_id == event_id)
            .values(attempts=attempts + 1, failed=True, last_error=error[:2000])
        )


def counts(store: Store) -> Counts:
    """Statements waiting (including events not queued yet), given up on, and sent."""
    o, e = lrs_outbox_table.c, events_table.c
    with store._read() as conn:
        row = conn.execute(
            sa.select(
                sa.func.count().filter(o.sent_at.is_(None), o.failed.is_(False)),
                sa.func.count().filter(o.failed.is_(True)),
                sa.func.count().filter(o.sent_at.is_not(None)),
            )
        ).one()
        unqueued = conn.execute(
            sa.select(sa.func.count()).select_from(events_table).where(~sa.exists().where(o.event_id == e.event_id))
        ).scalar_one()
    return Counts(pending=row[0] + unqueued, failed=row[1], sent=row[2])


def last_error(store: Store) -> str | None:
    o = lrs_outbox_table.c
    with store._read() as conn:
        return conn.execute(
            sa.select(o.last_error)
            .where(o.last_error.is_not(None), o.sent_at.is_(None))
            .order_by(o.next_try_at.desc())
            .limit(1)
        ).scalar_one_or_none()


# --------------------------------------------------------------------------- sending


class LrsAnswer(Exception):
    def __init__(self, status: int | None, text: str):
        super().__init__(text)
        self.status = status


def post_statements(settings: LrsSettings, statements: list[dict[str, Any]]) -> None:
    """POST to the LRS; LrsAnswer (status None: not reached) unless it stored them."""
    url = settings.endpoint.rstrip("/") + "/statements"
    req = urllib.request.Request(url, data=json.dumps(statements).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    req.add_header("X-Experience-API-Version", xapi.XAPI_VERSION)
    if settings.username is not None:
        pair = f"{settings.username}:{settings.password or ''}".encode()
        req.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:  # noqa: S310 (http(s) checked)
            resp.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()[:500].decode("utf-8", "replace")
        raise LrsAnswer(exc.code, f"the LRS answered HTTP {exc.code}: {body}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise LrsAnswer(None, f"the LRS cannot be reached ({getattr(exc, 'reason', exc)})") from None


def _retryable(status: int | None) -> bool:
    return status is None or status >= 500 or status in (401, 403, 408, 429)


class Forwarder:
    """Sends the outbox to the LRS; one `run_once` is enqueue + send everything due."""

    def __init__(
        self,
        store: Store,
        settings: LrsSettings,
        course: Course | None = None,
        post: Callable[[LrsSettings, list[dict[str, Any]]], None] = post_statements,
    ):
        self.store, self.settings, self.course, self.post = store, settings, course, post

    def run_once(self) -> int:
        """Queue new events and send what is due; the number of statements sent."""
        while enqueue(self.store, self.settings.base, self.course):
            pass
        sent = 0
        while True:
            batch = claim(self.store)
            if not batch:
                return sent
            sent += self._send(batch)

    def _send(self, batch: list[tuple[str, dict[str, Any], int]]) -> int:
        try:
            self.post(self.settings, [s for _, s, _ in batch])
        except LrsAnswer as exc:
            if _retryable(exc.status):
                mark_retry(self.store, [(e, a) for e, _, a in batch], str(exc))
                _log.warning("LRS forwarding: %s; %d statements wait for a retry", exc, len(batch))
                return 0
            if len(batch) > 1:  # one bad statement, or some already stored: one by one
                return sum(self._send([item]) for item in batch)
            event_id, _, attempts = batch[0]
            if exc.status == 409:  # the LRS has this statement id already: it arrived earlier
                mark_sent(self.store, [event_id])
                return 0
            mark_failed(self.store, event_id, attempts, str(exc))
            _log.error("LRS forwarding: statement for event %s refused for good: %s", event_id, exc)
            return 0
        mark_sent(self.store, [e for e, _, _ in batch])
        return len(batch)


def run_forever(forwarder: Forwarder, every_s: float = 5.0, stop: threading.Event | None = None) -> None:
    """The app's background loop: `run_once` every few seconds, surviving any one failure."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            forwarder.run_once()
        except Exception:  # the database down, say: the next round tries again
            _log.exception("LRS forwarding round failed; trying again in %s s", every_s)
        stop.wait(every_s)


def start_background(forwarder: Forwarder, every_s: float = 5.0) -> threading.Thread:
    thread = threading.Thread(target=run_forever, args=(forwarder, every_s), name="lrs-forwarder", daemon=True)
    thread.start()
    return thread
