"""Answers kept as they are chosen, before the learner submits (quizzes and check-ins).

A Streamlit form sends nothing to the server until it is submitted, so answers chosen in one
were lost when the learner left the page, reloaded it, or their phone dropped the tab. Each
question is instead drawn in a fragment of its own: choosing an answer reruns only that
question (a few elements, not the page), and the widget's callback makes one call on the
learner service (`Learner.save_draft`, course/drafts.py), which writes it to the store's
drafts. Opening the form again, in any tab or on any device, fills the answers back in.
Submitting clears them.

An answer the database could not take ("Not saved yet") waits in the session, held by the
service with the learner who chose it, and this module keeps a copy in the browser's
localStorage (`mirror`, `mirror_one`), so a reload, which starts a new session, does not lose
it: the new session is handed the browser's copy, the service checks it (this learner's, for an
attempt not yet submitted) once the learner's record can be read (`Learner.adopt_drafts`), and
saves it. What is waiting, and what was saved since it was copied, is this module's to keep in
step with the browser.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from course.drafts import Draft, Keep
from course.i18n import N_
from course.ui import state, widgets

UNSAVED = "unsaved-"  # prefix of a widget's slot among the waiting drafts
PENDING = state.WAITING_DRAFTS  # session state: answers not yet written, by widget (`WaitingDrafts`)
# Shown where a question is drawn, through `_()` (course/ui/question_widgets.py, checks.py).
NOT_SAVED = N_(
    "Not saved yet: the course database can't be reached. Your answer stays in this tab and is "
    "saved when the database is back."
)


def save(keep: Keep, item: str, answer: Any, flag: str) -> None:
    """Keep one answer as it is chosen (a widget callback): one call on the learner service.
    When the database cannot be reached the answer waits in the session (`flag` names it), and
    is written with the next answer that can be; the learner is never stopped from answering.
    An answer the store refuses outright is not one this app made: it is dropped, as before."""
    waiting = state.waiting_drafts()
    before = {*waiting, flag}
    state.session().save_draft(keep, item, answer, flag)
    _saved_since(before)


def flush() -> None:
    """Write the answers waiting in this session, oldest first; stop at the first that fails."""
    waiting = state.waiting_drafts()
    if not waiting:
        return
    before = set(waiting)
    state.session().flush_drafts()
    _saved_since(before)


def _saved_since(before: set[str]) -> None:
    """Of the answers that were waiting (`before`), those no longer waiting come out of the
    browser's copy too, once it may hold them."""
    if not st.session_state.get(MIRRORED):
        return
    waiting = state.waiting_drafts()
    gone = {flag for flag in before if flag not in waiting}
    if gone:
        st.session_state.setdefault(DROPS, set()).update(gone)


def unsaved(flag: str) -> bool:
    return flag in state.waiting_drafts()


def kept(keep: Keep) -> dict[str, Any]:
    """The answers kept for this attempt, by item: those in the database, and those still
    waiting in this session ({} when none)."""
    _settle_held()
    flush()
    return state.session().drafts(keep)


def clear(keep: Keep) -> None:
    """Forget the kept answers once they are submitted. If that write fails they stay, but
    they belong to an attempt now recorded, so they are never filled in again."""
    state.session().clear_drafts(keep)


def restore(keep: Keep, widgets: Mapping[str, list[str]], fitting: Callable[[str, Any], dict[str, Any]]) -> int:
    """Fill in the answers kept for `keep`, on the run that first draws its form: its widgets
    (`widgets`: each item's widget keys) have no state yet (a new tab, a reload, or coming back
    from another page). `fitting(item, answer)` gives the widget values for a kept answer, or {}
    when it no longer fits its item (the course was edited since), so the learner answers that
    item again. Returns how many items got an answer back."""
    again = st.session_state.get(RESTORE_AGAIN, set())
    if keep in again:
        again.discard(keep)  # answers from the browser's copy arrived after the form was drawn
    elif any(k in st.session_state for keys in widgets.values() for k in keys):
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


# ---------------------------------------------------------------- the browser's copy

BROWSER_KEY = "ketamine-course-unsaved"  # localStorage: {flag: entry} of answers not yet saved
HELD = "kept-browser-held"  # session state: entries the browser handed over, not yet checked
READ = "kept-browser-read"  # session state: the browser's copy has been handed over (or was empty)
MAX_ENTRIES = 500  # more than every question of the course: a copy longer than this is not ours
MAX_ANSWER_CHARS = 4_000  # an ordering question's positions take a few hundred
RESTORE_AGAIN = "kept-restore-again"  # session state: forms to fill in again (answers arrived late)

# The component that hands the browser's copy over and keeps it in step (`mirror`). Its module
# is a file Streamlit serves from this server, under the component's name: the
# Content-Security-Policy allows scripts from this server, but not the blob: URL Streamlit makes
# for a module given inline (docs/security.md).
COMPONENT = "course.unsaved_answers"
ASSETS = Path(__file__).parent / "browser"
COMPONENT_JS = "unsaved_answers.js"

# `mirror_one`'s script: a constant body (the policy allows it by its hash, see
# web.inline_scripts) that reads what to add and what to remove from its own data- attributes,
# each JSON, HTML-escaped into the attribute.
STEP_SCRIPT = """<script data-course-unsaved="{key}" data-set="{add}" data-drop="{drop}">
(() => {
  const { courseUnsaved: KEY, set, drop } = document.currentScript.dataset;
  try {
    const s = JSON.parse(window.localStorage.getItem(KEY) || "{}") || {};
    Object.assign(s, JSON.parse(set));
    for (const flag of JSON.parse(drop)) delete s[flag];
    if (Object.keys(s).length) window.localStorage.setItem(KEY, JSON.stringify(s));
    else window.localStorage.removeItem(KEY);
  } catch (e) { /* storage full or blocked: the session still holds the answers */ }
})();
</script>"""

MIRRORED = "kept-browser-mirrored"  # session state: the browser's copy may hold something
DROPS = "kept-browser-drops"  # session state: answers saved since they were copied to the browser


def _entry(draft: Draft) -> dict[str, Any]:
    """A waiting draft as the browser keeps it."""
    return {
        "learner": draft.learner_id,
        "activity": draft.keep.activity,
        "track": draft.keep.track,
        "attempt": draft.keep.attempt,
        "item": draft.item,
        "answer": draft.answer,
    }


def _draft(entry: Mapping[str, Any]) -> Draft:
    """An entry of the browser's copy (checked by `_well_formed`) as a draft."""
    return Draft(
        entry["learner"], Keep(entry["activity"], entry["track"], entry["attempt"]), entry["item"], entry["answer"]
    )


def _waiting() -> dict[str, dict[str, Any]]:
    """Everything this session still has to save, as the browser keeps it."""
    out = dict(st.session_state.get(HELD, {}))
    for flag, draft in state.waiting_drafts().items():
        out[flag] = _entry(draft)
    return out


def mirror_one(flag: str) -> None:
    """Keep the browser's copy in step from a question's own rerun (which does not redraw
    `mirror`): add this question's answer while it is not saved, and remove the answers saved
    since they were copied, so a reload neither loses an answer nor brings back an old one."""
    waiting = state.waiting_drafts().get(flag)
    drops = sorted(st.session_state.pop(DROPS, set()))
    if waiting is None and not drops:
        return
    add = {}
    if waiting is not None:
        add[flag] = _entry(waiting)
        st.session_state[MIRRORED] = True
    st.html(step_script(add, drops), unsafe_allow_javascript=True)


def step_script(add: Mapping[str, Any], drop: list[str]) -> str:
    """`STEP_SCRIPT` with its data: JSON, HTML-escaped into its attributes (the body, which
    the policy allows by its hash, never changes)."""
    values = {"key": BROWSER_KEY, "add": json.dumps(add), "drop": json.dumps(drop)}
    # One pass: an answer that itself reads "{drop}" is data, never a place to fill in.
    return re.sub(r"\{(key|add|drop)\}", lambda m: html.escape(values[m[1]], quote=True), STEP_SCRIPT)


def _component() -> Callable[..., Any]:
    """The component, with its script served from course/ui/browser/ (`widgets.asset_component`)."""
    return widgets.asset_component(COMPONENT, ASSETS, COMPONENT_JS)


def mirror() -> None:
    """Once per full run (after the page): give a new session the browser's copy of unsaved
    answers, check and save what it handed over, and keep the browser's copy equal to what
    this session still has to save."""
    _settle_held()
    keep = _waiting()
    drop = sorted(st.session_state.get(DROPS, set()))
    read = bool(st.session_state.get(READ))
    if read and not keep and not drop:
        return  # nothing to hand over, add or remove: no element on this run
    _component()(
        key="kept-browser",
        # keep and drop as JSON text: Streamlit checks each dict or list value of `data` for a
        # data frame, which imports pandas and pyarrow into a new server's first page (issue
        # 24, cold start; course/ui/browser/unsaved_answers.js parses them).
        data={"key": BROWSER_KEY, "read": read, "keep": json.dumps(keep), "drop": json.dumps(drop)},
        default={"found": None},
        on_found_change=_handed_over,
        height=0,
    )
    # Drawn once, the browser has handed its copy over if it held one (the callback comes
    # with the rerun the component asks for at once).
    st.session_state[READ] = True
    if read:
        st.session_state.pop(DROPS, None)
    if keep:
        st.session_state[MIRRORED] = True


def _handed_over() -> None:
    """The component's callback: the browser's copy arrived. Held as it is (shape checked)
    until the learner's record can be read; see `_settle_held`."""
    found = st.session_state.get("kept-browser", {}).get("found")
    held = st.session_state.setdefault(HELD, {})
    if isinstance(found, dict):
        for flag, entry in list(found.items())[:MAX_ENTRIES]:
            if isinstance(flag, str) and flag.startswith(UNSAVED) and _well_formed(entry):
                held[flag] = entry
    st.session_state[READ] = True
    _settle_held()


def _well_formed(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) and entry[k] for k in ("learner", "activity", "track", "item"))
        and isinstance(entry.get("attempt"), int)
        and not isinstance(entry.get("attempt"), bool)
        and entry["attempt"] >= 1
        and "answer" in entry
        and len(json.dumps(entry["answer"])) <= MAX_ANSWER_CHARS
    )


def _settle_held() -> None:
    """Answers the browser handed over are checked by the learner service once the learner's
    record can be read (`Learner.adopt_drafts`: only their own, for an attempt not yet
    submitted) and become this session's waiting answers; those not adopted are removed from
    the browser's copy, and the forms adopted answers belong to are filled in again."""
    held = st.session_state.get(HELD)
    if not held:
        return
    learner = state.session()
    waiting = state.waiting_drafts()
    before = set(waiting)
    outcome = learner.adopt_drafts({flag: _draft(entry) for flag, entry in held.items()})
    if outcome is None:
        return  # the record cannot be read yet: held until it can
    held.clear()
    drops = st.session_state.setdefault(DROPS, set())
    drops.update(outcome.refused)  # not adopted: removed from the browser's copy too
    if outcome.adopted:
        st.session_state[MIRRORED] = True
        st.session_state.setdefault(RESTORE_AGAIN, set()).update(outcome.attempts)
    _saved_since(before | set(outcome.adopted))
