"""Answers kept as they are chosen, before the learner submits (quizzes and check-ins).

A Streamlit form sends nothing to the server until it is submitted, so answers chosen in one
were lost when the learner left the page, reloaded it, or their phone dropped the tab. Each
question is instead drawn in a fragment of its own: choosing an answer reruns only that
question (a few elements, not the page), and the widget's callback writes the answer to the
store's drafts (`Store.save_draft`). Opening the form again, in any tab or on any device,
fills the answers back in. Submitting clears them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from course.records import StoreUnavailable
from course.ui import state


@dataclass(frozen=True)
class Keep:
    """Where one form's answers are kept: the activity (`quiz/ID`, `test/ID`,
    `survey/ID/PHASE`), the track and the attempt."""

    activity: str
    track: str
    attempt: int


UNSAVED = "unsaved-"  # prefix of a widget's entry in PENDING
PENDING = "kept-pending"  # session state: answers not yet written, by widget
NOT_SAVED = (
    "Not saved yet: the course database can't be reached. Your answer stays in this tab and is "
    "saved when the database is back."
)


def save(keep: Keep, item: str, answer: Any, flag: str) -> None:
    """Keep one answer as it is chosen (a widget callback). When the database cannot be
    reached the answer waits in the session (`flag` names it), and is written with the next
    answer that can be; the learner is never stopped from answering."""
    pending = st.session_state.setdefault(PENDING, {})
    pending.pop(flag, None)  # re-inserted last: written after anything older
    pending[flag] = (state.session().learner_id, keep, item, answer)
    flush()


def flush() -> None:
    """Write the answers waiting in this session, oldest first; stop at the first that fails."""
    pending = st.session_state.get(PENDING)
    if not pending:
        return
    if state.session().claim is not None:
        return  # whose answers these are is not known yet: written once the learner is settled
    db = state.store()
    if db is None:
        return
    for flag, (learner_id, keep, item, answer) in list(pending.items()):
        try:
            db.save_draft(learner_id, keep.activity, keep.track, keep.attempt, item, answer)
        except StoreUnavailable:
            return
        pending.pop(flag, None)


def reown(previous: str, learner_id: str) -> None:
    """Answers kept in this session for `previous` (a stand-in while the learner's record could
    not be read) belong to `learner_id`."""
    pending = st.session_state.get(PENDING, {})
    for flag, (who, keep, item, answer) in list(pending.items()):
        if who == previous:
            pending[flag] = (learner_id, keep, item, answer)


def unsaved(flag: str) -> bool:
    return flag in st.session_state.get(PENDING, {})


def kept(keep: Keep) -> dict[str, Any]:
    """The answers kept for this attempt, by item: those in the database, and those still
    waiting in this session ({} when none)."""
    flush()
    learner_id = state.session().learner_id
    answers: dict[str, Any] = {}
    db = state.store()
    if db is not None:
        with contextlib.suppress(StoreUnavailable):
            answers = db.drafts(learner_id, keep.activity, keep.track, keep.attempt)
    for who, waiting, item, answer in st.session_state.get(PENDING, {}).values():
        if who == learner_id and waiting == keep:
            answers[item] = answer
    return answers


def clear(keep: Keep) -> None:
    """Forget the kept answers once they are submitted. If that write fails they stay, but
    they belong to an attempt now recorded, so they are never filled in again."""
    pending = st.session_state.get(PENDING, {})
    for flag in [f for f, (_, w, _, _) in pending.items() if (w.activity, w.track) == (keep.activity, keep.track)]:
        del pending[flag]
    db = state.store()
    if db is None:
        return
    with contextlib.suppress(StoreUnavailable):
        db.clear_drafts(state.session().learner_id, keep.activity, keep.track)


def restore(keep: Keep, widgets: Mapping[str, list[str]], fitting: Callable[[str, Any], dict[str, Any]]) -> int:
    """Fill in the answers kept for `keep`, on the run that first draws its form: its widgets
    (`widgets`: each item's widget keys) have no state yet (a new tab, a reload, or coming back
    from another page). `fitting(item, answer)` gives the widget values for a kept answer, or {}
    when it no longer fits its item (the course was edited since), so the learner answers that
    item again. Returns how many items got an answer back."""
    if any(k in st.session_state for keys in widgets.values() for k in keys):
        return 0  # the form is on screen already: its widgets hold the answers
    answers = kept(keep)
    restored = 0
    for item in widgets:
        values = fitting(item, answers[item]) if item in answers else {}
        if values:
            st.session_state.update(values)
            restored += 1
    return restored


_FRAGMENTS: dict[str, Callable[..., Any]] = {}


def fragment(draw: Callable[..., Any], name: str) -> Callable[..., Any]:
    """`draw` as a fragment of its own for one item.

    Streamlit identifies a fragment by its function's qualified name and the container it is
    called in. The questions of a form share both, so they would all be one fragment, and
    choosing an answer would rerun the last question drawn. Each item therefore gets a copy of
    `draw` under a name of its own (stable across runs and sessions, one per item in the
    course). A container per question would do the same at the cost of one more element each."""
    qualname = f"{draw.__qualname__}[{name}]"
    made = _FRAGMENTS.get(qualname)
    if made is None:

        @functools.wraps(draw)
        def one(*args: Any, **kwargs: Any) -> Any:
            return draw(*args, **kwargs)

        one.__qualname__ = qualname
        made = _FRAGMENTS[qualname] = st.fragment(one)
    return made
