"""The store's exceptions: an outage (`StoreUnavailable`), a slow statement (`StoreSlow`), a wrong
database URL (`StoreMisconfigured`) and a quiz attempt number already taken (`AttemptTaken`).
"""

from __future__ import annotations


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
