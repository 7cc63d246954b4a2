"""What presenter mode's three pages share: the room's address, its deck, a slide as the room
sees it, and the presenter's poll controls that the scenario room reuses.

The pages themselves are course/ui/pages/presenter.py (the trainer's laptop), audience.py
(the projector) and join.py (phones in the room); they import this module, never each other.
The words and numbers of a poll are pure and live in `course.polls`.
"""

from __future__ import annotations

import streamlit as st

from course.i18n import DEFAULT, LANGUAGES, N_, gettext_for, supported
from course.poll_charts import poll_tally_table
from course.polls import PollQuestion, answers_text, as_audience, tally_rows
from course.records import StoreUnavailable
from course.schema import Audience, Course
from course.slides import Slide, build_slides, strip_marker
from course.ui import chart_view, state
from course.ui.common import app_url, crisis_markdown, escape_markdown
from course.ui.i18n import PARAM as LANG_PARAM

ROOM_PARAM = "room"
# The url_paths the router (course/ui/nav.py) gives the projector and the phones' pages; the
# links a presenter hands out are built from them.
AUDIENCE_PATH = "audience"
JOIN_PATH = "join"

AUDIENCE_LABELS = {"public": "Public (plain language)", "staff": "Clinic staff (full clinical text)"}
# Shown on the phones' join page too: marked for translation, shown with `_()` there.
ENDED_MESSAGE = N_("This room code has ended or does not exist. Ask the presenter for the current code.")
DATABASE_DOWN = N_(
    "The course database cannot be reached right now, so the room cannot be shown. "
    "This page tries again by itself; if it keeps happening, use the facilitator pack instead."
)
PRESENTER_ERROR = "presenter-error"  # session_state: what a presenter's last button could not do
# A room's language (its slides and polls; the presenter chooses it for a public room) is not
# stored with the room: the projector's and the phones' links carry it as `?lang=`, which also
# sets their pages' interface language (course/ui/language.py). The presenter's own address
# keeps it under another name, since `lang` there would switch the presenter's interface.
PRESENTER_LANG_PARAM = "room_lang"
ROOM_LANGUAGE_LABEL = "Language of the slides and polls"
ROOM_LANGUAGE_HELP = (
    "The projector and the phones show the slides, the polls and their own words in this language. "
    "Only the public track is translated: a clinic staff room is always in English. Speaker notes stay in English."
)


def room_language(audience: str, lang: str | None) -> str:
    """The language a room's slides and polls are shown in: `lang` when the course speaks it and
    the room is public (the staff track's content is English only); English otherwise."""
    found = supported(lang)
    return found if found is not None and audience == "public" else DEFAULT


def room_course(audience: str, lang: str | None) -> Course:
    """The course a room's polls are read from: in the room's language (`room_language`)."""
    return state.course_in(room_language(audience, lang))


@st.cache_resource(show_spinner=False, max_entries=64)
def deck(module_id: str, audience: str, lang: str = DEFAULT) -> tuple[Slide, ...]:
    """The room's slides in the room's language (`room_language`). Built once per module,
    audience and language: the projector and every phone re-read the room each second or two,
    and the deck does not change while the server runs. The presenter and the projector read
    the same language's deck, so a slide number means the same slide on both."""
    shown = room_language(audience, lang)
    return tuple(build_slides(state.course_in(shown), module_id, as_audience(audience), lang=shown))


def choose_room_language(*, key: str) -> str:
    """The presenter's choice of the room's language (English first, the default)."""
    return choose(ROOM_LANGUAGE_LABEL, dict(LANGUAGES), key=key, help=ROOM_LANGUAGE_HELP)


def choose(label: str, labels: dict[str, str], *, key: str, help: str | None = None) -> str:
    """A select box over `labels` (id -> label shown); the id chosen (the first, before any)."""
    chosen = st.selectbox(label, list(labels), format_func=labels.__getitem__, key=key, help=help)
    return chosen if chosen is not None else next(iter(labels))


def choose_audience(*, key: str, help: str | None = None) -> Audience:
    """The public or staff audience, as radio buttons labelled for a presenter."""
    chosen = st.radio("Audience", list(AUDIENCE_LABELS), format_func=AUDIENCE_LABELS.__getitem__, key=key, help=help)
    return as_audience(chosen or "public")


def style(css: str) -> None:
    """Page-scoped CSS (each page's rules are keyed to its own containers)."""
    st.html(f"<style>{css}</style>")


def room_link(path: str, code: str, lang: str = DEFAULT) -> str:
    """The full address of a room's page (`AUDIENCE_PATH` or `JOIN_PATH`), carrying the room's
    language when it is not English."""
    link = f"{app_url()}/{path}?{ROOM_PARAM}={code}"
    return link if lang == DEFAULT else f"{link}&{LANG_PARAM}={lang}"


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


def slide_body(slide: Slide, *, with_table: bool = True, room: bool = False, lang: str = DEFAULT) -> None:
    """What the room sees of a slide below its heading (never the speaker notes); `room=True`
    on the projector, whose figures are drawn for a room (chart_view.figure) in a container
    the projector page scales with the screen. `lang` is the language of the slide's own words
    (the deck's language)."""
    if slide.parts > 1:
        st.caption(gettext_for(lang, N_("Part {part} of {parts}")).format(part=slide.part, parts=slide.parts))
    if slide.paragraphs:
        st.markdown(slide_markdown(slide.paragraphs))
    if slide.notice:
        # The crisis services stand with the notice, on the projector as on every page.
        st.info(
            slide.notice + crisis_markdown(state.course_in(lang).settings.crisis),
            icon=":material/health_and_safety:",
        )
    figure = slide.figure
    if figure is not None:
        # On the presenter's own screen, at the presenter's text size like every chart.
        prepared = chart_view.figure(figure, scale=chart_view.text_scale(), room=room, lang=lang)
        if room:
            with st.container(key="projector-figure"):
                st.vega_lite_chart(spec=prepared.spec_dict(), width="content")
        else:
            st.vega_lite_chart(spec=prepared.spec_dict(), width="stretch")
        if figure.caption not in slide.paragraphs:  # a figure slide's text is its caption: once
            st.caption(figure.caption)
        described = gettext_for(lang, N_("Description:"))
        st.markdown(f"**{described}** {escape_markdown(figure.alt)}")
        if with_table:
            with st.expander(gettext_for(lang, N_("Data table: {name}")).format(name=figure.title)):
                st.table(prepared.table, hide_index=True)


def slide_position(slide: Slide) -> str:
    """ "Slide 3 of 12"."""
    return f"Slide {slide.number} of {slide.total}"


def poll_action(poll_id: str, action: str) -> None:
    """Button callback: "reveal" the poll's results to the room, or close it."""
    db = state.store()
    try:
        if db is not None:
            (db.reveal_poll if action == "reveal" else db.close_poll)(poll_id)
    except StoreUnavailable:
        st.session_state[PRESENTER_ERROR] = "That did not work: the course database cannot be reached."


@st.fragment(run_every=2)
def live_tally(poll_id: str, question: PollQuestion) -> None:
    """The presenter's running count per option (counts only), refreshed every two seconds."""
    db = state.store()
    try:
        tally = db.poll_tally(poll_id) if db is not None else {}
    except StoreUnavailable:
        st.warning("The count cannot be updated: the course database cannot be reached.")
        return
    rows = tally_rows(question, tally)
    st.markdown(f"**{answers_text(sum(c for _, c in rows))} so far**")
    st.table(poll_tally_table(rows), hide_index=True)
