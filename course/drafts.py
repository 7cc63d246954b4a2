"""Draft answers: answers kept as they are chosen, before the learner submits.

The learner service (`Learner.save_draft`, `drafts`, `clear_drafts`, `flush_drafts`,
`adopt_drafts` in course/learning.py) writes them to the store's drafts. An answer the database
could not take waits in a `WaitingDrafts` with the learner it was chosen by, and is written
under that learner when the database is back. That learner need not be the one the browser
session has now: a stand-in while a resume code could not be checked becomes the learner the
code names (`reown`), and a resume link switches a tab to another learner while the previous
one's answers still wait. So a waiting draft carries its learner, and the UI keeps one
`WaitingDrafts` per browser session (not per `Learner`), which it also mirrors to the browser
(course/ui/kept.py). No streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from course.records import StoreUnavailable


@dataclass(frozen=True)
class Keep:
    """Where one form's answers are kept: the activity (`quiz/ID`, `test/ID`,
    `survey/ID/PHASE`), the track and the attempt."""

    activity: str
    track: str
    attempt: int


@dataclass(frozen=True)
class Draft:
    """One answer kept for one item of a form, and the learner who chose it."""

    learner_id: str
    keep: Keep
    item: str
    answer: Any


@dataclass(frozen=True)
class DraftSaved:
    """The answer is in the database: any tab or device that opens the form gets it back."""

    keep: Keep
    item: str


@dataclass(frozen=True)
class DraftWaiting:
    """The database could not take the answer (or whose it is is not known yet): it waits in
    this session and is written with the next answer that can be."""

    keep: Keep
    item: str


@dataclass(frozen=True)
class DraftsAdopted:
    """Answers handed over from elsewhere (the browser's copy) that were checked against the
    learner's record: `adopted` the slots now waiting as this learner's (and `attempts` the
    forms they belong to), `refused` the slots that were not (another learner's, or for an
    attempt already submitted)."""

    adopted: tuple[str, ...]
    attempts: tuple[Keep, ...]
    refused: tuple[str, ...]


class DraftStore(Protocol):
    """The part of the store drafts are written to (`course.records.Store`)."""

    def save_draft(self, learner_id: str, activity: str, track: str, attempt: int, item: str, answer: Any) -> None: ...


class WaitingDrafts:
    """Drafts not yet written, by slot (one slot per question widget), oldest first: a newer
    answer in the same slot replaces the older one and is written after anything older."""

    def __init__(self) -> None:
        self._waiting: dict[str, Draft] = {}

    def __contains__(self, slot: object) -> bool:
        return slot in self._waiting

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._waiting))

    def __len__(self) -> int:
        return len(self._waiting)

    def get(self, slot: str) -> Draft | None:
        return self._waiting.get(slot)

    def items(self) -> list[tuple[str, Draft]]:
        return list(self._waiting.items())

    def put(self, slot: str, draft: Draft) -> None:
        self._waiting.pop(slot, None)  # re-inserted last: written after anything older
        self._waiting[slot] = draft

    def reown(self, previous: str, learner_id: str) -> None:
        """Drafts kept for `previous` (a stand-in while the learner's record could not be
        read) belong to `learner_id`."""
        for slot, draft in self.items():
            if draft.learner_id == previous:
                self._waiting[slot] = Draft(learner_id, draft.keep, draft.item, draft.answer)

    def for_attempt(self, learner_id: str, keep: Keep) -> dict[str, Any]:
        """The answers waiting for one learner's attempt, by item."""
        return {d.item: d.answer for d in self._waiting.values() if d.learner_id == learner_id and d.keep == keep}

    def forget(self, activity: str, track: str) -> None:
        """Drop what waits for an activity on a track (it was submitted: never written now)."""
        for slot, draft in self.items():
            if (draft.keep.activity, draft.keep.track) == (activity, track):
                del self._waiting[slot]

    def flush(self, store: DraftStore) -> dict[str, str]:
        """Write the waiting drafts, oldest first, each under its own learner; stop at the
        first the database cannot take. Returns the slots no longer waiting, each with ""
        when written or why it was dropped (too long, or not JSON: not an answer this app
        made, so it is never retried)."""
        done: dict[str, str] = {}
        for slot, d in self.items():
            try:
                store.save_draft(d.learner_id, d.keep.activity, d.keep.track, d.keep.attempt, d.item, d.answer)
                done[slot] = ""
            except StoreUnavailable:
                break
            except (ValueError, TypeError) as exc:
                done[slot] = str(exc) or type(exc).__name__
            del self._waiting[slot]
        return done


__all__ = ["Draft", "DraftSaved", "DraftStore", "DraftWaiting", "DraftsAdopted", "Keep", "WaitingDrafts"]
