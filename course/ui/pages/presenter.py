"""Present a module (trainers only): start a room, move through the slides, read the speaker
notes, run a poll or play a scenario with the room, end the room.

The room lives in the store (`records.Store.start_presentation`), so the projector
(course/ui/pages/audience.py) and the phones (course/ui/pages/join.py) follow it from any
browser or server. The room code is in `?room=` so a refresh resumes. The slides come from
`course.slides.build_slides`, the same deck as the facilitator pack, so a public room only ever
shows plain-language text and public quiz questions.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from course.i18n import DEFAULT, LANGUAGES
from course.polls import clock_text, is_local_only, poll_questions
from course.records import Presentation, RoomEnded, Store, StoreUnavailable
from course.schema import Course
from course.slides import Slide, UnknownModule
from course.ui import language, nav, scenario_room, state, trainer_access
from course.ui import room as room_ui
from course.ui.common import PUBLIC_URL_SETTING, code_as_typed, escape_markdown, live_region
from course.ui.room import (
    AUDIENCE_LABELS,
    AUDIENCE_PATH,
    DATABASE_DOWN,
    JOIN_PATH,
    PRESENTER_ERROR,
    PRESENTER_LANG_PARAM,
    ROOM_PARAM,
)

__all__ = ["NOT_TRAINER_MESSAGE", "PUBLIC_URL_SETTING", "render_presenter"]

NOT_TRAINER_MESSAGE = (
    "Presenter mode is for trainers and community educators. Sign in as a trainer to present a module. "
    "If you are in the audience, ask the presenter for the room code and open the join page instead."
)
PRESENTER_ROOM = "presenter-room"  # session_state: the room this presenter is running
PRESENTER_ROOM_LANG = "presenter-room-lang"  # session_state: that room's language (room.room_language)
CONFIRM_END = "presenter-confirm-end"
ENDED_NOTE = "presenter-ended"

# Streamlit draws a button's shortcut as a <kbd> in a lighter tint of the label colour, which
# on the primary button is below 4.5:1; full white on the primary colour is well above it.
PRESENTER_CSS = """
.st-key-slide-next kbd { color: #FFFFFF; opacity: 1; }
"""


def render_presenter() -> None:
    """Present a module: trainers only."""
    st.title("Present a module")
    room_ui.style(PRESENTER_CSS)
    if not trainer_access.is_trainer():
        # The navigation hides this page from everyone else; this is the second lock.
        st.error(NOT_TRAINER_MESSAGE, icon=":material/lock:")
        return
    db = state.store()
    if db is None:
        st.warning(DATABASE_DOWN, icon=":material/cloud_off:")
        return
    error = st.session_state.pop(PRESENTER_ERROR, None)
    if error:
        st.error(error, icon=":material/error:")
    try:
        room = _presenter_room(db)
        if room is None:
            _start_form(state.course(), db)
        else:
            _presenting(state.course(), db, room)
    except StoreUnavailable:
        st.warning(DATABASE_DOWN, icon=":material/cloud_off:")


def _presenter_room(db: Store) -> Presentation | None:
    """The room this presenter runs: from the session, else from `?room=` after a refresh."""
    code = st.session_state.get(PRESENTER_ROOM) or st.query_params.get(ROOM_PARAM)
    if not code:
        return None
    room = db.presentation(code)
    if room is None:
        st.session_state.pop(PRESENTER_ROOM, None)
        st.session_state.pop(PRESENTER_ROOM_LANG, None)
        st.query_params.pop(ROOM_PARAM, None)
        # The code comes from the address, so it is shown as written (escaped, and cut short).
        said = code_as_typed(code, 24)
        st.info(
            f"No running room has the code “{said}”: it has ended, expired or never existed, so it cannot "
            "be resumed. Start a new presentation below.",
            icon=":material/info:",
        )
        return None
    st.session_state[PRESENTER_ROOM] = room.code
    if st.query_params.get(ROOM_PARAM) != room.code:
        st.query_params[ROOM_PARAM] = room.code
    if PRESENTER_ROOM_LANG not in st.session_state:  # after a refresh: the address has it
        _keep_room_language(room_ui.room_language(room.audience, st.query_params.get(PRESENTER_LANG_PARAM)))
    return room


def _keep_room_language(lang: str) -> None:
    """The running room's language: in the session, and in this page's address (a refresh
    resumes in it). The store has no place for it; the room's links carry it (course/ui/room.py)."""
    st.session_state[PRESENTER_ROOM_LANG] = lang
    if lang == DEFAULT:
        st.query_params.pop(PRESENTER_LANG_PARAM, None)
    elif st.query_params.get(PRESENTER_LANG_PARAM) != lang:
        st.query_params[PRESENTER_LANG_PARAM] = lang


def _room_language() -> str:
    value = st.session_state.get(PRESENTER_ROOM_LANG)
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT


def _presenter_name() -> str:
    try:
        if st.user.is_logged_in and st.user.get("email"):
            return str(st.user.get("email"))
    except Exception:  # no sign-in configured: a passcode trainer
        pass
    return "trainer (passcode)"


def _pack_downloads(titles: dict[str, str]) -> None:
    """The facilitator pack (slides with notes, handout, quiz with answer key, references) for
    presenting without a connection. Trainers only: it contains the answer key. The public
    audience's pack comes in each of the course's languages (the staff track is English only)."""
    from course import html_pdf
    from course.export import default_filename, facilitator_pack_html, facilitator_pack_pdf

    # The pack translates the course as loaded (English) itself, from the course's own folder.
    course, root = state.english_course(), state.loaded().root or None

    with st.expander("Facilitator pack for presenting offline", icon=":material/download:"):
        st.write(
            "Slides with speaker notes, a plain-language handout, the quiz with an answer key and "
            "explanations, and the references. The HTML file works with no connection and prints cleanly."
        )
        module_id = room_ui.choose("Module", titles, key="pack-module")
        audience = room_ui.choose_audience(key="pack-audience")
        lang = DEFAULT
        if audience == "public":
            lang = room_ui.choose("Language of the pack", dict(LANGUAGES), key="pack-lang")
        name = LANGUAGES[lang]
        html_col, pdf_col = st.columns(2)
        with html_col:
            st.download_button(
                "Download pack (HTML)" if lang == DEFAULT else f"Download pack in {name} (HTML)",
                lambda: facilitator_pack_html(
                    course, module_id, audience, lang, root=root
                ),  # built only when asked for
                file_name=default_filename(module_id, "html", lang),
                mime="text/html",
                icon=":material/download:",
                key="pack-html",
            )
        with pdf_col:
            problem = html_pdf.unavailable_reason()
            if problem is not None:  # trainers see what the server lacks; the HTML file still works
                st.warning(problem, icon=":material/warning:")
                return
            st.download_button(
                "Download pack (PDF)" if lang == DEFAULT else f"Download pack in {name} (PDF)",
                lambda: facilitator_pack_pdf(course, module_id, audience, lang, root=root),
                file_name=default_filename(module_id, "pdf", lang),
                mime="application/pdf",
                icon=":material/download:",
                key="pack-pdf",
            )


def _start_form(course: Course, db: Store) -> None:
    ended = st.session_state.pop(ENDED_NOTE, None)
    if ended:
        st.success(f"Presentation ended. Room code {ended} no longer works.", icon=":material/check_circle:")
    st.write(
        "Presenting opens a room with a short code. Put the audience view on the projector and keep "
        "this page on your laptop: it has the speaker notes, the next slide and the poll controls. "
        "People in the room can answer polls on their phones without giving their name."
    )
    titles = {m.id: f"{n}. {m.title}" for n, m in enumerate(course.modules, start=1)}
    with st.form("start-presentation", enter_to_submit=False):
        module_id = room_ui.choose("Module", titles, key="present-module")
        audience = room_ui.choose_audience(
            key="present-audience",
            help="Public rooms see only the plain-language text and the quiz questions written for everyone.",
        )
        room_lang = room_ui.choose_room_language(key="present-lang")
        start = st.form_submit_button("Start presenting", type="primary", icon=":material/slideshow:", key="start")
    _pack_downloads(titles)
    with st.expander("Carry on with a room that is already running"):
        st.write(
            "If your page reloaded or you moved to another device, enter the room code to take the "
            "presentation up where it is. The slide the room sees is kept by the server."
        )
        with st.form("resume-presentation", enter_to_submit=True):
            typed = st.text_input("Room code", placeholder="for example QX4-7KD", key="resume-room")
            resume_lang = room_ui.choose_room_language(key="resume-lang")
            resume = st.form_submit_button("Carry on presenting", icon=":material/play_arrow:", key="resume")
        if resume:
            room = db.presentation(typed)
            if room is None:
                st.error(
                    "No running room has that code: it may have ended or expired. Start a new presentation.",
                    icon=":material/event_busy:",
                )
            else:
                st.session_state[PRESENTER_ROOM] = room.code
                st.query_params[ROOM_PARAM] = room.code
                _keep_room_language(room_ui.room_language(room.audience, resume_lang))
                nav.focus_after_run("h2")  # the room's code, at the top of the presenter's view
                st.rerun()
    if start:
        code = db.start_presentation(module_id, audience, created_by=_presenter_name())
        st.session_state[PRESENTER_ROOM] = code
        st.session_state.pop(CONFIRM_END, None)
        st.query_params[ROOM_PARAM] = code
        _keep_room_language(room_ui.room_language(audience, room_lang))
        nav.focus_after_run("h2")  # the room's code, at the top of the presenter's view
        st.rerun()


def _presenting(course: Course, db: Store, room: Presentation) -> None:
    lang = _room_language()
    try:
        deck = room_ui.deck(room.module_id, room.audience, lang)
    except UnknownModule:
        st.error("This room's module is no longer in the course. End the presentation and start another.")
        _end_control(room)
        return
    module = course.module(room.module_id)
    n = min(max(room.slide, 1), len(deck))
    slide = deck[n - 1]
    st.caption(f"{module.title} · {AUDIENCE_LABELS[room.audience]} · {LANGUAGES[lang]}")

    st.header(f"Room code {room.code}", anchor=False)
    audience_url = room_ui.room_link(AUDIENCE_PATH, room.code, lang)
    join_url = room_ui.room_link(JOIN_PATH, room.code, lang)
    st.markdown("**Audience view** (open it on the projector):")
    st.code(audience_url, language=None, wrap_lines=True)
    st.markdown("**Join link** (for phones in the room, to answer polls):")
    st.code(join_url, language=None, wrap_lines=True)
    if is_local_only(join_url):
        st.warning(
            "These links point at this computer itself (localhost), so phones cannot open them. Use the server's "
            f"address on the local network instead, or set {PUBLIC_URL_SETTING} (see docs/presenter.md).",
            icon=":material/wifi_off:",
        )
    _clock(room.started_at)

    _slide_controls(room.code, slide)

    st.header(f"{room_ui.slide_position(slide)}: {slide.heading}", anchor=False)
    with st.container(border=True), language.part(lang, "slide"):  # the room's language, marked so
        room_ui.slide_body(slide, lang=lang)
    st.subheader("Speaker notes", anchor=False)
    notes = slide.speaker_notes.strip()
    st.markdown(notes if notes else "No notes for this slide.")
    if slide.discussion_prompts:
        st.subheader("Discussion prompts", anchor=False)
        st.markdown("\n".join(f"- {p}" for p in slide.discussion_prompts))
    if n < len(deck):
        following = deck[n]
        st.subheader(f"Next: {slide.next_heading or following.heading}", anchor=False)
        with st.container(border=True), language.part(lang, "next-slide"):
            if following.paragraphs:
                st.markdown(room_ui.slide_markdown(following.paragraphs[:3]))
            if following.figure is not None:
                st.markdown(f"Figure: {escape_markdown(following.figure.title)}")
    else:
        st.subheader("Next", anchor=False)
        st.write("This is the last slide.")

    _poll_control(course, db, room)
    _end_control(room)


@st.fragment(run_every=1)
def _clock(started_at: datetime) -> None:
    # Only the clock reruns every second; the rest of the page waits for the presenter.
    elapsed = datetime.now(UTC) - started_at
    st.markdown(f":material/timer: **Time since start:** {clock_text(elapsed)}")


def _step(code: str, delta: int, total: int) -> None:
    """Button callback: move from the slide the room shows now (another tab may have moved it)."""
    try:
        db = state.store()
        room = db.presentation(code) if db is not None else None
        if db is None or room is None:
            st.session_state[PRESENTER_ERROR] = "The slide did not change: the room has ended or cannot be reached."
            return
        db.set_slide(code, min(max(room.slide + delta, 1), total))
    except StoreUnavailable:
        st.session_state[PRESENTER_ERROR] = "The slide did not change: the course database cannot be reached."


def _slide_controls(code: str, slide: Slide) -> None:
    previous, where, following = st.columns([2, 2, 2], vertical_alignment="center")
    with previous:
        st.button(
            "Previous slide",
            key="slide-previous",
            icon=":material/arrow_back:",
            disabled=slide.number <= 1,
            on_click=_step,
            args=(code, -1, slide.total),
            shortcut="PageUp",
            help="Keyboard: Page Up (most presentation clickers send it).",
            width="stretch",
        )
    with where:
        live_region(st.empty(), f"{room_ui.slide_position(slide)}: {slide.heading}")
    with following:
        st.button(
            "Next slide",
            key="slide-next",
            icon=":material/arrow_forward:",
            type="primary",
            disabled=slide.number >= slide.total,
            on_click=_step,
            args=(code, 1, slide.total),
            shortcut="PageDown",
            help="Keyboard: Page Down (most presentation clickers send it).",
            width="stretch",
        )


# -- the room poll, presenter side


def _open_poll(code: str) -> None:
    question_id = st.session_state.get("poll-question")
    db = state.store()
    if not question_id or db is None:
        return
    try:
        db.open_poll(code, question_id)
    except RoomEnded:
        st.session_state[PRESENTER_ERROR] = "The poll did not open: this room has ended."
    except StoreUnavailable:
        st.session_state[PRESENTER_ERROR] = "The poll did not open: the course database cannot be reached."


def _poll_control(course: Course, db: Store, room: Presentation) -> None:
    st.header("Room poll", anchor=False)
    questions = poll_questions(course, room.module_id, room.audience)
    poll = db.current_poll(room.code)
    if poll is not None and scenario_room.is_scenario_poll(poll.question_id):
        scenario_room.presenter_control(course, db, room, poll)
        return
    if poll is None:
        scenario_room.starter(course, room)
        if not questions:
            st.info("This module's quiz has no single-answer questions for this audience to poll.")
            return
        st.write(
            "Ask the room one of this module's quiz questions. People answer on their phones at the join "
            "link; nobody gives a name and only the counts are ever shown. Only single-answer and "
            "true-or-false questions can be polled."
        )
        labels = {q.id: f"{i}. {q.prompt}" for i, q in enumerate(questions, start=1)}
        room_ui.choose("Question to ask", labels, key="poll-question")
        st.button(
            "Open poll",
            key="poll-open",
            type="primary",
            icon=":material/how_to_vote:",
            on_click=_open_poll,
            args=(room.code,),
        )
        return
    question = scenario_room.room_question(course, room, poll)
    if question is None:  # not a question this room may see: close it rather than show it
        db.close_poll(poll.poll_id)
        st.rerun()
    if question.case:
        st.markdown(f"**Case:** {question.case}")
    st.markdown(f"**Open question:** {question.prompt}")
    st.caption(f"For you only: the correct answer is {question.answer}.")
    if poll.revealed:
        st.success("The results are on the audience screen.", icon=":material/visibility:")
    else:
        st.info(
            "Answers are coming in. The room does not see the results until you reveal them.",
            icon=":material/visibility_off:",
        )
    room_ui.live_tally(poll.poll_id, question)
    reveal, close = st.columns(2)
    with reveal:
        st.button(
            "Reveal results",
            key="poll-reveal",
            icon=":material/bar_chart:",
            type="primary",
            disabled=poll.revealed,
            on_click=room_ui.poll_action,
            args=(poll.poll_id, "reveal"),
            width="stretch",
        )
    with close:
        st.button(
            "Close poll",
            key="poll-close",
            icon=":material/close:",
            on_click=room_ui.poll_action,
            args=(poll.poll_id, "close"),
            width="stretch",
            help="Stops taking answers and returns the audience view to the slides.",
        )


# -- ending


def _end(code: str) -> None:
    db = state.store()
    try:
        if db is not None:
            db.end_presentation(code)
    except StoreUnavailable:
        st.session_state[PRESENTER_ERROR] = "The presentation did not end: the course database cannot be reached."
        return
    st.session_state.pop(PRESENTER_ROOM, None)
    st.session_state.pop(PRESENTER_ROOM_LANG, None)
    st.session_state.pop(CONFIRM_END, None)
    st.session_state[ENDED_NOTE] = code
    st.query_params.pop(ROOM_PARAM, None)
    st.query_params.pop(PRESENTER_LANG_PARAM, None)
    nav.focus_after_run("h1")  # back to the start form, with the note that the room ended


def _end_control(room: Presentation) -> None:
    st.header("End presentation", anchor=False)
    if not st.session_state.get(CONFIRM_END):
        st.button(
            "End presentation",
            key="end-ask",
            icon=":material/stop_circle:",
            on_click=_ask_to_end,
        )
        return
    st.warning(
        f"Ending the presentation stops room code {room.code} working for everyone: the audience view and "
        "the join page stop, and any open poll closes. End it now?",
        icon=":material/warning:",
    )
    yes, no = st.columns(2)
    with yes:
        st.button("Yes, end the presentation", key="end-confirm", type="primary", on_click=_end, args=(room.code,))
    with no:
        st.button("Cancel", key="end-cancel", on_click=_keep_going)


# Each button replaces the one pressed, so the focus goes to its counterpart, not to the body.
def _ask_to_end() -> None:
    st.session_state[CONFIRM_END] = True
    nav.focus_after_run(".st-key-end-cancel button")


def _keep_going() -> None:
    st.session_state.pop(CONFIRM_END, None)
    nav.focus_after_run(".st-key-end-ask button")
