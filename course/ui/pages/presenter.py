"""Presenter mode: a trainer presents a module's slides to a room, with polls answered on phones.

Three pages share one live room in the store (`records.Store.start_presentation`):

- `render_presenter()` (trainers only): start a room, move through the slides, read the
  speaker notes, run a poll, end the room. The room code is in `?room=` so a refresh resumes.
- `render_audience()` (`?room=CODE`): the projector. The slide only, in large type, never
  the speaker notes; it re-reads the room's slide every second, so it follows the presenter
  from any browser or server. While a poll is open it shows the question, then the counts
  once the presenter reveals them.
- `render_join()` (`?room=CODE`): phones in the room answer the open poll. A participant is
  the browser's random voter cookie (set by the join page's own response, course/ui/web.py),
  so a reload is the same participant; no name, no learner id.

The slides come from `course.slides.build_slides`, the same deck as the facilitator pack, so
a public room only ever shows plain-language text and public quiz questions.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import streamlit as st

from course.export import audience_questions
from course.poll_charts import poll_description, poll_tally_chart, poll_tally_table
from course.records import Poll, Presentation, RoomEnded, Store, StoreUnavailable, normalize_room_code
from course.schema import Course
from course.slides import Slide, UnknownModule, build_slides, strip_marker
from course.typed import clean_code, shown
from course.ui import chart_view, nav, scenario_room, state, trainer_access
from course.ui.common import (
    PUBLIC_URL_SETTING,
    app_url,
    browser_cookie,
    code_as_typed,
    crisis_markdown,
    escape_markdown,
    live_region,
    notice_text,
)
from course.ui.web import VOTER_COOKIE

ROOM_PARAM = "room"
# Where the lead registers the other two pages (st.Page url_path); the links below use them.
AUDIENCE_PATH = "audience"
JOIN_PATH = "join"

AUDIENCE_LABELS = {"public": "Public (plain language)", "staff": "Clinic staff (full clinical text)"}
ENDED_MESSAGE = "This room code has ended or does not exist. Ask the presenter for the current code."
NO_POLL_MESSAGE = "No question is open right now. Keep this page open."
JOIN_STATUS, JOIN_SHOWN = "join-status", "join-shown-poll"
ANSWERED_MESSAGE = "Your answer is in. You can change it until the presenter closes the poll."
NOT_TRAINER_MESSAGE = (
    "Presenter mode is for trainers and community educators. Sign in as a trainer to present a module. "
    "If you are in the audience, ask the presenter for the room code and open the join page instead."
)
DATABASE_DOWN = (
    "The course database cannot be reached right now, so the room cannot be shown. "
    "This page tries again by itself; if it keeps happening, use the facilitator pack instead."
)

PRESENTER_ROOM = "presenter-room"  # session_state: the room this presenter is running
CONFIRM_END = "presenter-confirm-end"
ENDED_NOTE = "presenter-ended"
PRESENTER_ERROR = "presenter-error"
PARTICIPANT = "poll-participant"  # session_state: this browser's random poll token

# Large type on the projector, scoped to the slide container so nothing else on the page changes.
AUDIENCE_CSS = """
.st-key-audience-slide h2 { font-size: 2.6rem; line-height: 1.2; }
.st-key-audience-slide h3 { font-size: 2rem; }
.st-key-audience-slide p, .st-key-audience-slide li { font-size: 1.6rem; line-height: 1.5; }
.st-key-audience-slide li { margin-bottom: 0.4rem; }
"""
# Streamlit draws a button's shortcut as a <kbd> in a lighter tint of the label colour, which
# on the primary button is below 4.5:1; full white on the primary colour is well above it.
PRESENTER_CSS = """
.st-key-slide-next kbd { color: #FFFFFF; opacity: 1; }
"""
JOIN_CSS = """
.st-key-join-poll p, .st-key-join-poll label { font-size: 1.15rem; }
"""


# --------------------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class PollQuestion:
    """A quiz question as a room poll: one answer per person, options labelled A, B, C…"""

    id: str
    prompt: str
    case: str | None  # the scenario's case text, for a question inside a scenario
    options: tuple[tuple[str, str], ...]  # (option id, label shown)
    answer: str  # the correct option's label, for the presenter's eyes only


def poll_questions(course: Course, module_id: str, audience: str) -> list[PollQuestion]:
    """The module's quiz questions a room can answer with one tap: single-answer and
    true/false questions that this audience sees (a public room never gets staff-only ones)."""
    module = course.module(module_id)
    quiz = course.quizzes[module.quiz]
    out: list[PollQuestion] = []
    for scenario, q in audience_questions(course, quiz, audience):  # type: ignore[arg-type]
        if q.type == "single":
            options = tuple(
                (o.id, f"{letter}. {o.text}") for letter, o in zip(string.ascii_uppercase, q.options, strict=False)
            )
            answer = dict(options)[q.answer]
        elif q.type == "true_false":
            options = (("true", "True"), ("false", "False"))
            answer = "True" if q.answer else "False"
        else:
            continue  # multiple-select and ordering need more than one tap
        out.append(PollQuestion(q.id, q.prompt, scenario.case if scenario else None, options, answer))
    return out


@st.cache_resource(show_spinner=False, max_entries=64)
def _deck(module_id: str, audience: str) -> tuple[Slide, ...]:
    # Built once per module and audience: the projector and every phone re-read the room
    # each second or two, and the deck does not change while the server runs.
    return tuple(build_slides(state.course(), module_id, audience))  # type: ignore[arg-type]


def _poll_question(course: Course, room: Presentation, poll: Poll) -> PollQuestion | None:
    if scenario_room.is_scenario_poll(poll.question_id):  # a step of a scenario the room plays
        return scenario_room.poll_question(course, room, poll.question_id)
    for q in poll_questions(course, room.module_id, room.audience):
        if q.id == poll.question_id:
            return q
    return None


def _style(css: str) -> None:
    st.html(f"<style>{css}</style>")


def room_link(path: str, code: str) -> str:
    return f"{app_url()}/{path}?{ROOM_PARAM}={code}"


def _is_local_only(url: str) -> bool:
    return bool(re.match(r"^https?://(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(/|$)", url))


def slide_markdown(paragraphs: tuple[str, ...]) -> str:
    """A slide's paragraphs as Markdown: prose as paragraphs, marked items as a list."""
    blocks: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            blocks.append("\n".join(items))
            items.clear()

    for paragraph in paragraphs:
        marker, text = strip_marker(paragraph)
        if marker is None:
            flush()
            blocks.append(escape_markdown(paragraph))
        else:
            items.append(f"{marker if marker[0].isdigit() else '-'} {escape_markdown(text)}")
    flush()
    return "\n\n".join(blocks)


def _slide_body(slide: Slide, *, with_table: bool = True) -> None:
    """What the room sees of a slide below its heading (never the speaker notes)."""
    if slide.parts > 1:
        st.caption(f"Part {slide.part} of {slide.parts}")
    if slide.paragraphs:
        st.markdown(slide_markdown(slide.paragraphs))
    if slide.notice:
        # The crisis services stand with the notice, on the projector as on every page.
        st.info(
            slide.notice + crisis_markdown(state.course().settings.crisis),
            icon=":material/health_and_safety:",
        )
    figure = slide.figure
    if figure is not None:
        prepared = chart_view.figure(figure)
        st.vega_lite_chart(spec=prepared.spec_dict(), width="stretch")
        st.caption(figure.caption)
        st.markdown(f"**Description:** {escape_markdown(figure.alt)}")
        if with_table:
            with st.expander(f"Data table: {figure.title}"):
                st.table(prepared.table, hide_index=True)


def _slide_position(slide: Slide) -> str:
    return f"Slide {slide.number} of {slide.total}"


def _tally_rows(question: PollQuestion, tally: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, tally.get(option_id, 0)) for option_id, label in question.options]


def _answers(n: int) -> str:
    return f"{n} answer{'s' if n != 1 else ''}"


def _clock_text(elapsed: timedelta) -> str:
    seconds = max(0, int(elapsed.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# --------------------------------------------------------------------------- presenter


def render_presenter() -> None:
    """Present a module: trainers only."""
    st.title("Present a module")
    _style(PRESENTER_CSS)
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
    return room


def _presenter_name() -> str:
    try:
        if st.user.is_logged_in and st.user.get("email"):
            return str(st.user.get("email"))
    except Exception:  # no sign-in configured: a passcode trainer
        pass
    return "trainer (passcode)"


def _pack_downloads(course: Course, titles: dict[str, str]) -> None:
    """The facilitator pack (slides with notes, handout, quiz with answer key, references) for
    presenting without a connection. Trainers only: it contains the answer key."""
    from course import html_pdf
    from course.export import default_filename, facilitator_pack_html, facilitator_pack_pdf

    with st.expander("Facilitator pack for presenting offline", icon=":material/download:"):
        st.write(
            "Slides with speaker notes, a plain-language handout, the quiz with an answer key and "
            "explanations, and the references. The HTML file works with no connection and prints cleanly."
        )
        module_id = st.selectbox("Module", list(titles), format_func=titles.get, key="pack-module")
        audience = st.radio("Audience", ["public", "staff"], format_func=AUDIENCE_LABELS.get, key="pack-audience")
        html_col, pdf_col = st.columns(2)
        with html_col:
            st.download_button(
                "Download pack (HTML)",
                lambda: facilitator_pack_html(course, module_id, audience),  # built only when asked for
                file_name=default_filename(module_id, "html"),
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
                "Download pack (PDF)",
                lambda: facilitator_pack_pdf(course, module_id, audience),
                file_name=default_filename(module_id, "pdf"),
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
        module_id = st.selectbox("Module", list(titles), format_func=titles.get, key="present-module")
        audience = st.radio(
            "Audience",
            ["public", "staff"],
            format_func=AUDIENCE_LABELS.get,
            key="present-audience",
            help="Public rooms see only the plain-language text and the quiz questions written for everyone.",
        )
        start = st.form_submit_button("Start presenting", type="primary", icon=":material/slideshow:", key="start")
    _pack_downloads(course, titles)
    with st.expander("Carry on with a room that is already running"):
        st.write(
            "If your page reloaded or you moved to another device, enter the room code to take the "
            "presentation up where it is. The slide the room sees is kept by the server."
        )
        with st.form("resume-presentation", enter_to_submit=True):
            typed = st.text_input("Room code", placeholder="for example QX4-7KD", key="resume-room")
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
                nav.focus_after_run("h2")  # the room's code, at the top of the presenter's view
                st.rerun()
    if start:
        code = db.start_presentation(module_id, audience, created_by=_presenter_name())
        st.session_state[PRESENTER_ROOM] = code
        st.session_state.pop(CONFIRM_END, None)
        st.query_params[ROOM_PARAM] = code
        nav.focus_after_run("h2")  # the room's code, at the top of the presenter's view
        st.rerun()


def _presenting(course: Course, db: Store, room: Presentation) -> None:
    try:
        deck = _deck(room.module_id, room.audience)
    except UnknownModule:
        st.error("This room's module is no longer in the course. End the presentation and start another.")
        _end_control(room)
        return
    module = course.module(room.module_id)
    n = min(max(room.slide, 1), len(deck))
    slide = deck[n - 1]
    st.caption(f"{module.title} · {AUDIENCE_LABELS[room.audience]}")

    st.header(f"Room code {room.code}", anchor=False)
    audience_url, join_url = room_link(AUDIENCE_PATH, room.code), room_link(JOIN_PATH, room.code)
    st.markdown("**Audience view** (open it on the projector):")
    st.code(audience_url, language=None, wrap_lines=True)
    st.markdown("**Join link** (for phones in the room, to answer polls):")
    st.code(join_url, language=None, wrap_lines=True)
    if _is_local_only(join_url):
        st.warning(
            "These links point at this computer itself (localhost), so phones cannot open them. Use the server's "
            f"address on the local network instead, or set {PUBLIC_URL_SETTING} (see docs/presenter.md).",
            icon=":material/wifi_off:",
        )
    _clock(room.started_at)

    _slide_controls(room.code, slide)

    st.header(f"{_slide_position(slide)}: {slide.heading}", anchor=False)
    with st.container(border=True):
        _slide_body(slide)
    st.subheader("Speaker notes", anchor=False)
    notes = slide.speaker_notes.strip()
    st.markdown(notes if notes else "No notes for this slide.")
    if slide.discussion_prompts:
        st.subheader("Discussion prompts", anchor=False)
        st.markdown("\n".join(f"- {p}" for p in slide.discussion_prompts))
    if n < len(deck):
        following = deck[n]
        st.subheader(f"Next: {slide.next_heading or following.heading}", anchor=False)
        with st.container(border=True):
            if following.paragraphs:
                st.markdown(slide_markdown(following.paragraphs[:3]))
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
    st.markdown(f":material/timer: **Time since start:** {_clock_text(elapsed)}")


def _step(code: str, delta: int, total: int) -> None:
    """Button callback: move from the slide the room shows now (another tab may have moved it)."""
    try:
        db = state.store()
        room = db.presentation(code) if db is not None else None
        if room is None:
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
        live_region(st.empty(), f"{_slide_position(slide)}: {slide.heading}")
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


def _poll_action(poll_id: str, action: str) -> None:
    db = state.store()
    try:
        if db is not None:
            (db.reveal_poll if action == "reveal" else db.close_poll)(poll_id)
    except StoreUnavailable:
        st.session_state[PRESENTER_ERROR] = "That did not work: the course database cannot be reached."


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
        st.selectbox("Question to ask", list(labels), format_func=labels.get, key="poll-question")
        st.button(
            "Open poll",
            key="poll-open",
            type="primary",
            icon=":material/how_to_vote:",
            on_click=_open_poll,
            args=(room.code,),
        )
        return
    question = _poll_question(course, room, poll)
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
    _live_tally(poll.poll_id, question)
    reveal, close = st.columns(2)
    with reveal:
        st.button(
            "Reveal results",
            key="poll-reveal",
            icon=":material/bar_chart:",
            type="primary",
            disabled=poll.revealed,
            on_click=_poll_action,
            args=(poll.poll_id, "reveal"),
            width="stretch",
        )
    with close:
        st.button(
            "Close poll",
            key="poll-close",
            icon=":material/close:",
            on_click=_poll_action,
            args=(poll.poll_id, "close"),
            width="stretch",
            help="Stops taking answers and returns the audience view to the slides.",
        )


@st.fragment(run_every=2)
def _live_tally(poll_id: str, question: PollQuestion) -> None:
    """The presenter's running count per option (counts only), refreshed every two seconds."""
    db = state.store()
    try:
        tally = db.poll_tally(poll_id) if db is not None else {}
    except StoreUnavailable:
        st.warning("The count cannot be updated: the course database cannot be reached.")
        return
    rows = _tally_rows(question, tally)
    st.markdown(f"**{_answers(sum(c for _, c in rows))} so far**")
    st.table(poll_tally_table(rows), hide_index=True)


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
    st.session_state.pop(CONFIRM_END, None)
    st.session_state[ENDED_NOTE] = code
    st.query_params.pop(ROOM_PARAM, None)
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


# --------------------------------------------------------------------------- audience (projector)


def render_audience() -> None:
    """The projector view of `?room=CODE`: the current slide only, following the presenter."""
    _style(AUDIENCE_CSS)
    _audience_view()


@st.fragment(run_every=1)
def _audience_view() -> None:
    code = st.query_params.get(ROOM_PARAM, "")
    db = state.store()
    if db is None:
        st.title("Presentation")
        st.warning(DATABASE_DOWN, icon=":material/cloud_off:")
        return
    deck: tuple[Slide, ...] = ()
    try:
        room = db.presentation(code) if code else None
        deck = _deck(room.module_id, room.audience) if room is not None else ()
        poll = db.current_poll(room.code) if room is not None else None
    except UnknownModule:
        room = None
    except StoreUnavailable:
        st.title("Presentation")
        st.warning(DATABASE_DOWN, icon=":material/cloud_off:")
        return
    if room is None or not deck:
        st.title("Presentation")
        st.error(ENDED_MESSAGE, icon=":material/event_busy:")
        return
    course = state.course()
    slide = deck[min(max(room.slide, 1), len(deck)) - 1]
    st.title(course.module(room.module_id).title)
    st.caption(f"{_slide_position(slide)} · Room code {room.code}")
    with st.container(key="audience-slide"):
        question = _poll_question(course, room, poll) if poll is not None else None
        if poll is not None and question is None and scenario_room.audience_ending(course, room, poll):
            pass  # a scenario's ending, drawn
        elif poll is not None and question is not None:
            try:
                _audience_poll(db, room, poll, question)
            except StoreUnavailable:
                st.warning(DATABASE_DOWN, icon=":material/cloud_off:")
        else:
            if slide.kind != "title":  # the title slide's heading is the page title already
                st.header(slide.heading, anchor=False)
            _slide_body(slide)


def _audience_poll(db: Store, room: Presentation, poll: Poll, question: PollQuestion) -> None:
    st.header("Question for the room", anchor=False)
    if question.case:
        st.markdown(question.case)
    st.markdown(f"**{question.prompt}**")
    st.markdown("\n".join(f"- {label}" for _, label in question.options))
    tally = db.poll_tally(poll.poll_id)
    rows = _tally_rows(question, tally)
    total = sum(count for _, count in rows)
    if not poll.revealed:
        st.markdown(
            f"Answer on your phone: open **{room_link(JOIN_PATH, room.code)}** and enter room code "
            f"**{room.code}**. Answers are anonymous. {_answers(total)} so far."
        )
        return
    st.subheader("Results", anchor=False)
    st.altair_chart(poll_tally_chart(rows, question.prompt), width="stretch")
    st.markdown(poll_description(rows, "Results"))
    with st.expander("Data table: results"):
        st.table(poll_tally_table(rows), hide_index=True)


# --------------------------------------------------------------------------- join (phones)


def render_join() -> None:
    """Join a room from a phone and answer its open poll, anonymously."""
    st.title("Join the session")
    st.write(
        "Answer the presenter's questions from your phone. You do not give your name, and nobody sees "
        "who answered what: the screen shows only how many people chose each answer."
    )
    notice_text()  # a phone that opens only this page still reads the notice and the crisis services
    _style(JOIN_CSS)
    code = _join_code()
    if code:
        _join_poll(code)


def _join_code() -> str:
    current = st.query_params.get(ROOM_PARAM, "")
    with st.form("join-room", enter_to_submit=True):
        typed = st.text_input(
            "Room code",
            value=normalize_room_code(current) or shown(clean_code(current), 16),  # as the address gave it
            placeholder="for example QX4-7KD",
            help="The code on the presenter's screen: three letters or digits, a dash, three more.",
        )
        joined = st.form_submit_button("Join", icon=":material/login:", key="join")
    if joined:
        if not typed.strip():
            st.error("Type the room code from the presenter's screen, then press Join.", icon=":material/error:")
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
    return st.session_state[PARTICIPANT]


def _send_answer(db: Store, poll: Poll, choice: str | None) -> tuple[str, str]:
    """Send this browser's answer; the message to show and its tone."""
    if choice is None:
        return "Choose an answer first, then send it.", "bad"
    try:
        ok = db.answer_poll(poll.poll_id, _participant(), choice)
    except StoreUnavailable:
        return "Your answer was not sent: the connection dropped. Please send it again.", "bad"
    if not ok:
        return "This question has just closed, so your answer was not counted.", "bad"
    return ANSWERED_MESSAGE, "good"


@st.fragment(run_every=2)
def _join_poll(code: str) -> None:
    # One status region at the top, updated in place on every refresh, so a screen reader
    # hears a question open, its results shown, and its close (WCAG 4.1.3): a region drawn
    # anew each time is often not read.
    with st.container(key=JOIN_STATUS):
        slot = st.empty()
    db = state.store()
    if db is None:
        slot.warning(DATABASE_DOWN, icon=":material/cloud_off:")
        return
    try:
        room = db.presentation(code)
        poll = db.current_poll(room.code) if room is not None else None
        question = _poll_question(state.course(), room, poll) if poll is not None else None
    except StoreUnavailable:
        slot.warning(DATABASE_DOWN, icon=":material/cloud_off:")
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
        slot.error(ENDED_MESSAGE, icon=":material/event_busy:")
        return
    if showing is None:
        live_region(slot, NO_POLL_MESSAGE)
        return
    live_region(
        slot,
        "The presenter has shown the results of this question: they are below your answer."
        if poll.revealed
        else f"A question is open: {question.prompt} Choose your answer below, then send it.",
    )
    # The message is kept per poll: the page refreshes every two seconds, and a message
    # drawn only on the run after the click would vanish before it could be read.
    status_key = f"poll-status-{poll.poll_id}"
    with st.container(key="join-poll"):
        st.header("Question from the presenter", anchor=False)
        if question.case:
            st.markdown(question.case)
        labels = dict(question.options)
        choice = st.radio(
            question.prompt, list(labels), format_func=labels.get, index=None, key=f"poll-choice-{poll.poll_id}"
        )
        send = st.button("Send my answer", type="primary", key=f"poll-send-{poll.poll_id}", icon=":material/send:")
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
                    f"You answered: {labels[earlier]}. You can change it until the presenter closes the poll.",
                    "good",
                )
        message = st.session_state.get(status_key)
        if message:
            live_region(status, *message)
        if poll.revealed:
            try:
                rows = _tally_rows(question, db.poll_tally(poll.poll_id))
            except StoreUnavailable:
                return  # the results come back on the next refresh
            st.subheader("Results", anchor=False)
            st.markdown(poll_description(rows, "Results"))
            st.table(poll_tally_table(rows), hide_index=True)
