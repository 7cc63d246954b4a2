"""Join a room from a phone (`/join?room=CODE`) and answer its open poll, anonymously.

A participant is the browser's random voter cookie (set by this page's own response,
course/ui/web.py), so a reload is the same participant; no name, no learner id. The page
re-reads the room every two seconds and says in one live status region when a question
opens, when its results are shown and when it closes.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import nullcontext

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from course.i18n import DEFAULT, N_
from course.poll_charts import poll_description, poll_tally_table
from course.polls import PollQuestion, tally_rows
from course.questions.true_false import FALSE, TRUE
from course.records import Poll, Presentation, Store, StoreUnavailable, normalize_room_code
from course.slides import UnknownModule
from course.typed import clean_code, shown
from course.ui import language, nav, scenario_room, state
from course.ui import room as room_ui
from course.ui.common import browser_cookie, live_region, notice_text
from course.ui.i18n import _, current_language
from course.ui.room import DATABASE_DOWN, ENDED_MESSAGE, ROOM_PARAM
from course.ui.web import VOTER_COOKIE

__all__ = ["ANSWERED_MESSAGE", "ENDED_MESSAGE", "NO_POLL_MESSAGE", "render_join"]

NO_POLL_MESSAGE = N_("No question is open right now. Keep this page open.")
ANSWERED_MESSAGE = N_("Your answer is in. You can change it until the presenter closes the poll.")
JOIN_STATUS, JOIN_SHOWN = "join-status", "join-shown-poll"
PARTICIPANT = "poll-participant"  # session_state: this browser's random poll token
JOIN_CSS = """
.st-key-join-poll p, .st-key-join-poll label { font-size: 1.15rem; }
"""


def render_join() -> None:
    """Join a room from a phone and answer its open poll, anonymously."""
    st.title(_("Join the session"))
    st.write(
        _(
            "Answer the presenter's questions from your phone. You do not give your name, and nobody sees "
            "who answered what: the screen shows only how many people chose each answer."
        )
    )
    notice_text()  # a phone that opens only this page still reads the notice and the crisis services
    room_ui.style(JOIN_CSS)
    code = _join_code()
    if code:
        _join_poll(code)


def _join_code() -> str:
    current = st.query_params.get(ROOM_PARAM, "")
    with st.form("join-room", enter_to_submit=True):
        typed = st.text_input(
            _("Room code"),
            value=normalize_room_code(current) or shown(clean_code(current), 16),  # as the address gave it
            placeholder=_("for example QX4-7KD"),
            help=_("The code on the presenter's screen: three letters or digits, a dash, three more."),
        )
        joined = st.form_submit_button(_("Join"), icon=":material/login:", key="join")
    if joined:
        if not typed.strip():
            st.error(_("Type the room code from the presenter's screen, then press Join."), icon=":material/error:")
            return ""
        current = normalize_room_code(typed) or shown(clean_code(typed), 16)
        st.query_params[ROOM_PARAM] = current
    return current


def _participant() -> str:
    """Who is answering, without knowing who: the browser's voter cookie (a random value the
    join page's response set, HttpOnly, 12 hours), so reloading the page does not make a new
    participant. Stored hashed. Without the cookie (a browser that refuses cookies, or a test
    harness) a random token for this tab's session, as before."""
    if PARTICIPANT not in st.session_state:
        voter = browser_cookie(VOTER_COOKIE)
        st.session_state[PARTICIPANT] = (
            "v-" + hashlib.sha256(voter.encode()).hexdigest()[:40] if voter else secrets.token_urlsafe(16)
        )
    return str(st.session_state[PARTICIPANT])


def _send_answer(db: Store, poll: Poll, choice: str | None) -> tuple[str, str]:
    """Send this browser's answer; the message to show and its tone."""
    if choice is None:
        return _("Choose an answer first, then send it."), "bad"
    try:
        ok = db.answer_poll(poll.poll_id, _participant(), choice)
    except StoreUnavailable:
        return _("Your answer was not sent: the connection dropped. Please send it again."), "bad"
    if not ok:
        return _("This question has just closed, so your answer was not counted."), "bad"
    return _(ANSWERED_MESSAGE), "good"


@st.fragment(run_every=2)
def _join_poll(code: str) -> None:
    # One status region at the top, updated in place on every refresh, so a screen reader
    # hears a question open, its results shown, and its close (WCAG 4.1.3): a region drawn
    # anew each time is often not read.
    with st.container(key=JOIN_STATUS):
        slot = st.empty()
    db = state.store()
    if db is None:
        slot.warning(_(DATABASE_DOWN), icon=":material/cloud_off:")
        return
    room: Presentation | None
    poll: Poll | None = None
    question: PollQuestion | None = None
    try:
        room = db.presentation(code)
        poll = db.current_poll(room.code) if room is not None else None
        if room is not None and poll is not None:
            # In this phone's language, for a public room (the staff track is English only).
            lang = room_ui.room_language(room.audience, current_language())
            question = scenario_room.room_question(state.course_in(lang), room, poll, lang)
    except StoreUnavailable:
        slot.warning(_(DATABASE_DOWN), icon=":material/cloud_off:")
        return
    except (UnknownModule, KeyError):
        room = None
    showing = poll.poll_id if room is not None and poll is not None and question is not None else None
    if st.session_state.get(JOIN_SHOWN) not in (None, showing):
        # The question a phone was answering has gone, and its controls with it: the focus
        # goes to the status, not to the top of the page.
        nav.focus(f".st-key-{JOIN_STATUS} [data-testid=stAlertContainer]", scroll="none")
    st.session_state[JOIN_SHOWN] = showing
    if room is None:
        slot.error(_(ENDED_MESSAGE), icon=":material/event_busy:")
        return
    if poll is None or question is None:  # nothing showing
        live_region(slot, _(NO_POLL_MESSAGE))
        return
    _answer(db, poll, question, slot, room_ui.room_language(room.audience, current_language()))


def _answer(db: Store, poll: Poll, question: PollQuestion, slot: DeltaGenerator, lang: str) -> None:
    """The open question's choices, the phone's own answer, and the results once revealed."""
    live_region(
        slot,
        _("The presenter has shown the results of this question: they are below your answer.")
        if poll.revealed
        else _("A question is open: {prompt} Choose your answer below, then send it.").format(prompt=question.prompt),
    )
    # The message is kept per poll: the page refreshes every two seconds, and a message
    # drawn only on the run after the click would vanish before it could be read.
    status_key = f"poll-status-{poll.poll_id}"
    with st.container(key="join-poll"):
        st.header(_("Question from the presenter"), anchor=False)
        # A true/false poll's two choices are the interface's words: shown translated.
        labels = {oid: _(label) if label in (TRUE, FALSE) else label for oid, label in question.options}
        # A clinic staff room's question is English on a page in another language: it says so.
        with language.english("poll-question") if lang == DEFAULT else nullcontext():
            if question.case:
                st.markdown(question.case)
            choice = st.radio(
                question.prompt,
                list(labels),
                format_func=labels.__getitem__,
                index=None,
                key=f"poll-choice-{poll.poll_id}",
            )
        send = st.button(_("Send my answer"), type="primary", key=f"poll-send-{poll.poll_id}", icon=":material/send:")
        status = st.empty()
        if send:
            st.session_state[status_key] = _send_answer(db, poll, choice)
        if status_key not in st.session_state:
            # This browser answered before a reload: say so, and what, rather than invite a
            # second answer (it would replace the first anyway).
            try:
                earlier = db.poll_answer(poll.poll_id, _participant())
            except StoreUnavailable:
                earlier = None
            if earlier in labels:
                st.session_state[status_key] = (
                    _("You answered: {answer}. You can change it until the presenter closes the poll.").format(
                        answer=labels[earlier]
                    ),
                    "good",
                )
        message = st.session_state.get(status_key)
        if message:
            live_region(status, *message)
        if poll.revealed:
            try:
                rows = [
                    (labels[oid], count)
                    for (oid, _label), (_shown, count) in zip(
                        question.options, tally_rows(question, db.poll_tally(poll.poll_id)), strict=True
                    )
                ]
            except StoreUnavailable:
                return  # the results come back on the next refresh
            st.subheader(_("Results"), anchor=False)
            st.markdown(poll_description(rows, _("Results"), current_language()))
            st.table(poll_tally_table(rows, current_language()), hide_index=True)
