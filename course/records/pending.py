"""The pending writer: a learner's new events wait in memory while the database is down and are
written, once and in order, when it is back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from course.events import Event
from course.records.errors import StoreUnavailable


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
