"""The projector (`/audience?room=CODE`): the room's current slide, full screen, readable from
the back of the room.

No menu, no Streamlit header or toolbar, no sidebar: nothing the room does not need. Type is
sized to the screen (a share of the viewport, so the same page reads at 1920x1080 and on a
1280x720 projector), black on white. It shows the slide only, never the speaker notes, and
re-reads the room's slide every second, so it follows the presenter from any browser or server.
While a poll is open it shows the question and how to answer; once the presenter reveals the
results, a chart drawn for a room (course.poll_charts.ROOM) with the same numbers as a table.
A slide's figure is drawn for a room the same way (course.charts.room_figure_chart).
"""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from course.i18n import DEFAULT
from course.poll_charts import ROOM, poll_description, poll_tally_chart, poll_tally_table
from course.polls import PollQuestion, answers_text, tally_rows
from course.records import Poll, Presentation, Store, StoreUnavailable
from course.slides import Slide, UnknownModule
from course.ui import language, scenario_room, state
from course.ui import room as room_ui
from course.ui.i18n import _, current_language
from course.ui.room import DATABASE_DOWN, ENDED_MESSAGE, JOIN_PATH, LANG_PARAM, ROOM_PARAM

__all__ = ["PROJECTOR_CSS", "render_audience"]

# `--room` is 1% of a 16:9 screen's width, whichever side of the window limits it: 19.2 px at
# 1920x1080, 12.8 px at 1280x720. Every text on the page is a multiple of it, so what fits on
# one projector fits on every other: slide text 2.4 of it (46 px at 1080p, 31 px at 720p), and
# nothing smaller than 1.9 of it (36 px at 1080p, 24 px at 720p: 1/30 of the screen's height,
# readable at the back of a room that the screen suits; the results chart's text is 28 px drawn
# for a 1200 px screen and a figure's 26 px for a 1240 px screen, each scaled with it). Scoped to the projector's own containers and Streamlit's chrome, which this
# page alone hides: the menu, header, toolbar and sidebar are for learners, not the room.
PROJECTOR_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"] { display: none !important; }
.stApp { --room: min(1vw, 1.778vh); background: #FFFFFF; }
.stApp [data-testid="stMain"] { margin-left: 0 !important; }
.stApp [data-testid="stMainBlockContainer"] { max-width: none; padding: calc(3 * var(--room)) calc(5 * var(--room)); }
.st-key-projector, .st-key-projector p, .st-key-projector li, .st-key-projector span, .st-key-projector td,
.st-key-projector th, .st-key-projector summary, .st-key-projector code {
  color: #000000; font-size: calc(2.4 * var(--room)) !important; line-height: 1.4; }
.st-key-projector h1, .st-key-projector h1 span { font-size: calc(2.6 * var(--room)) !important; line-height: 1.2;
  padding: 0; color: #000000; }
.st-key-projector h2, .st-key-projector h2 span { font-size: calc(4.2 * var(--room)) !important; line-height: 1.15;
  color: #000000; padding-top: calc(1 * var(--room)); }
.st-key-projector h3, .st-key-projector h3 span { font-size: calc(3.2 * var(--room)) !important; color: #000000; }
.st-key-projector [data-testid="stCaptionContainer"], .st-key-projector [data-testid="stCaptionContainer"] p {
  color: #000000 !important; opacity: 1; font-size: calc(1.9 * var(--room)) !important; }
/* A poll shares the screen with its answers: its headings step down so the chart fits a 16:9 screen. */
.st-key-projector-poll h2, .st-key-projector-poll h2 span { font-size: calc(3 * var(--room)) !important; }
.st-key-projector-poll h3, .st-key-projector-poll h3 span { font-size: calc(2.4 * var(--room)) !important; }
.st-key-projector li { margin-bottom: calc(0.6 * var(--room)); }
.st-key-projector [data-testid="stIconMaterial"] { font-size: calc(3 * var(--room)) !important; }
.st-key-projector-join { border: calc(0.3 * var(--room)) solid #000000; border-radius: calc(1 * var(--room));
  padding: calc(1.2 * var(--room)) calc(2 * var(--room)); }
.st-key-projector-join strong { font-size: calc(3 * var(--room)) !important; }
/* The results chart and a slide's figure are drawn for a 1200 px wide room screen
   (course.poll_charts.ROOM, chart_view.ROOM_WIDTH) and scaled with the screen, text and all:
   an SVG keeps its proportions at any width. */
.st-key-projector-results [data-testid="stElementContainer"], .st-key-projector-results [data-testid="stFullScreenFrame"] > div,
.st-key-projector-results [data-testid="stVegaLiteChart"], .st-key-projector-results svg.marks,
.st-key-projector-figure [data-testid="stElementContainer"], .st-key-projector-figure [data-testid="stFullScreenFrame"] > div,
.st-key-projector-figure [data-testid="stVegaLiteChart"],
.st-key-projector-figure svg.marks { width: 100% !important; max-width: none !important; height: auto !important; }
.st-key-projector-results details summary p { font-size: calc(1.9 * var(--room)) !important; }
"""


def render_audience() -> None:
    """The projector view of `?room=CODE`: the current slide only, following the presenter."""
    # Wide, and no sidebar: the projector is not a learner's page (the CSS above hides the rest).
    st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
    room_ui.style(PROJECTOR_CSS)
    with st.container(key="projector"):
        _audience_view()


@st.fragment(run_every=1)
def _audience_view() -> None:
    code = st.query_params.get(ROOM_PARAM, "")
    db = state.store()
    if db is None:
        st.title(_("Presentation"))
        st.warning(_(DATABASE_DOWN), icon=":material/cloud_off:")
        return
    deck: tuple[Slide, ...] = ()
    room: Presentation | None
    poll: Poll | None = None
    # The room's language comes with the projector's link (`?lang=`, which set this page's
    # language too); without it, English, as the presenter's deck is then.
    linked = st.query_params.get(LANG_PARAM)
    try:
        room = db.presentation(code) if code else None
        if room is not None:  # one deck per language the course speaks, whatever the link says
            deck = room_ui.deck(room.module_id, room.audience, room_ui.room_language(room.audience, linked))
        poll = db.current_poll(room.code) if room is not None else None
    except UnknownModule:
        room = None
    except StoreUnavailable:
        st.title(_("Presentation"))
        st.warning(_(DATABASE_DOWN), icon=":material/cloud_off:")
        return
    if room is None or not deck:
        st.title(_("Presentation"))
        st.error(_(ENDED_MESSAGE), icon=":material/event_busy:")
        return
    lang = room_ui.room_language(room.audience, linked)
    course = room_ui.room_course(room.audience, linked)
    slide = deck[min(max(room.slide, 1), len(deck)) - 1]
    with language.english("module-title") if lang == DEFAULT else nullcontext():
        st.title(course.module(room.module_id).title)
    st.caption(
        _("Slide {number} of {total} · Room code {code}").format(number=slide.number, total=slide.total, code=room.code)
    )
    with st.container(key="audience-slide"):
        question = scenario_room.room_question(course, room, poll, lang) if poll is not None else None
        if poll is not None and question is None and scenario_room.audience_ending(course, room, poll, lang):
            pass  # a scenario's ending, drawn
        elif poll is not None and question is not None:
            try:
                _audience_poll(db, room, poll, question, lang)
            except StoreUnavailable:
                st.warning(_(DATABASE_DOWN), icon=":material/cloud_off:")
        else:
            # The deck is in the room's language (course/ui/room.py): an English deck on a
            # projector showing another language (a clinic staff room) says it is English.
            with language.english("slide") if lang == DEFAULT else nullcontext():
                if slide.kind != "title":  # the title slide's heading is the page title already
                    st.header(slide.heading, anchor=False)
                room_ui.slide_body(slide, room=True, lang=lang)


def _audience_poll(db: Store, room: Presentation, poll: Poll, question: PollQuestion, lang: str) -> None:
    with st.container(key="projector-poll"):
        _poll_panel(db, room, poll, question, lang)


def _poll_panel(db: Store, room: Presentation, poll: Poll, question: PollQuestion, lang: str) -> None:
    st.header(_("Question for the room"), anchor=False)
    english = lang == DEFAULT  # the question is English (a clinic staff room) on any page language
    with language.english("poll-question") if english else nullcontext():
        if question.case:
            st.markdown(question.case)
        st.markdown(f"**{question.prompt}**")
    rows = tally_rows(question, db.poll_tally(poll.poll_id))
    total = sum(count for _, count in rows)
    page = current_language()
    if not poll.revealed:
        with language.english("poll-options") if english else nullcontext():
            st.markdown("\n".join(f"- {label}" for _, label in question.options))
        with st.container(key="projector-join"):
            st.markdown(
                _(
                    "Answer on your phone: open **{link}** and enter room code **{code}**. Answers are anonymous. "
                    "{answers} so far."
                ).format(
                    link=room_ui.room_link(JOIN_PATH, room.code, lang),
                    code=room.code,
                    answers=answers_text(total, page),
                )
            )
        return
    # Revealed: the chart names every option with its count, so the list above is not repeated.
    with st.container(key="projector-results"):
        st.subheader(_("Results"), anchor=False)
        st.altair_chart(poll_tally_chart(rows, question.prompt, size=ROOM, lang=page), width="content")
        with st.expander(_("Data table: results")):
            st.markdown(poll_description(rows, _("Results"), page))
            st.table(poll_tally_table(rows, page), hide_index=True)
