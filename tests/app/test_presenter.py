"""Presenter mode, as the presenter, the projector and the phones in the room see it.

Each AppTest is one browser tab on tests/app/presenter_harness.py; they share the test's
SQLite database (tests/app/conftest.py), as tabs on one server share the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from course import charts as chart_builders
from course import records
from course.poll_charts import poll_description, poll_tally_chart, poll_tally_table
from course.polls import poll_questions
from course.records import Store, open_store, presentations_table
from course.slides import build_slides
from course.ui import display
from course.ui import room as room_ui
from course.ui.pages import join, presenter
from course.ui.pages.join import ANSWERED_MESSAGE, ENDED_MESSAGE, NO_POLL_MESSAGE
from tests.app.test_check_ins import focus_targets
from tests.unit.test_chart_scale import font_sizes

HARNESS = str(Path(__file__).with_name("presenter_harness.py"))
MODULE = "history"


@pytest.fixture
def db(isolated_store: str) -> Iterator[Store]:
    """The same database the app's tabs use."""
    s = open_store(isolated_store)
    yield s
    s.close()


def tab(page: str, *, trainer: bool = False, room: str | None = None) -> AppTest:
    at = AppTest.from_file(HARNESS, default_timeout=60)
    at.session_state["harness-page"] = page
    if trainer:
        at.session_state["trainer"] = True
    if room is not None:
        at.query_params["room"] = room
    return at.run()


def page_text(at: AppTest) -> str:
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error", "code")
    parts = [str(e.value) for kind in kinds for e in getattr(at, kind)]
    parts += [str(b.label) for b in at.button]
    parts += [str(t.value) for t in at.table]
    # As a reader sees it: Markdown's backslash escapes (slide text is escaped) are not shown.
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(parts))


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def no_errors(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def start(module: str = MODULE, audience: str = "public") -> tuple[AppTest, str]:
    at = tab("presenter", trainer=True)
    at.selectbox(key="present-module").set_value(module)
    at.radio(key="present-audience").set_value(audience)
    at = no_errors(at.button(key="start").click().run())
    assert focus_targets(at) == ["h2"], "the form is gone: the room code's heading takes the focus"
    code = at.session_state["presenter-room"]
    assert at.query_params["room"] == [code] or at.query_params["room"] == code
    return at, code


def audience_headings(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


# --------------------------------------------------------------------------- slides


def test_presenter_moving_on_twice_puts_slide_three_on_the_projector(real_course):
    deck = build_slides(real_course, MODULE, "public")
    at, code = start()
    assert f"Slide 1 of {len(deck)}" in page_text(at)
    for _ in range(2):
        at = no_errors(at.button(key="slide-next").click().run())
    assert f"Slide 3 of {len(deck)}: {deck[2].heading}" in audience_headings(at)

    projector = no_errors(tab("audience", room=code))
    assert projector.title[0].value == real_course.module(MODULE).title
    assert deck[2].heading in audience_headings(projector)
    assert f"slide 3 of {len(deck)}" in page_text(projector).lower()

    at = no_errors(at.button(key="slide-previous").click().run())
    projector = no_errors(projector.run())  # the projector's next refresh follows
    assert deck[1].heading in audience_headings(projector)
    assert f"Slide 2 of {len(deck)}" in page_text(projector)


def test_the_presenter_sees_links_notes_and_the_next_slide(real_course):
    deck = build_slides(real_course, MODULE, "public")
    at, code = start()
    text = page_text(at)
    assert f"/audience?room={code}" in text
    assert f"/join?room={code}" in text
    assert deck[0].speaker_notes in text
    assert f"Next: {deck[0].next_heading}" in [s.value for s in at.subheader]
    assert "Time since start" in text
    assert at.button(key="slide-previous").disabled, "nothing before the first slide"


def test_the_presenter_cannot_move_past_the_last_slide(real_course, db):
    deck = build_slides(real_course, MODULE, "public")
    at, code = start()
    db.set_slide(code, len(deck))
    at = no_errors(at.run())
    assert at.button(key="slide-next").disabled
    assert "This is the last slide." in page_text(at)


@pytest.mark.parametrize("audience", ["public", "staff"])
def test_speaker_notes_never_appear_in_the_audience_view(real_course, audience, db):
    deck = build_slides(real_course, MODULE, audience)
    notes = {s.speaker_notes.strip() for s in deck} - {""}
    assert notes, "the deck has speaker notes to leak"
    at, code = start(audience=audience)
    assert deck[0].speaker_notes in page_text(at), "the presenter does see them"
    projector = tab("audience", room=code)
    for slide in deck:
        db.set_slide(code, slide.number)
        projector = no_errors(projector.run())
        text = page_text(projector)
        assert f"Slide {slide.number} of {len(deck)}" in text
        assert "Speaker notes" not in text
        for note in notes:
            assert note not in text, f"slide {slide.number} shows a speaker note"
        for prompt in slide.discussion_prompts:
            assert prompt not in text


def test_a_figure_slide_on_the_projector_has_its_description_and_a_data_table(real_course, db):
    deck = build_slides(real_course, MODULE, "public")
    figure_slide = next(s for s in deck if s.figure is not None)
    _, code = start()
    db.set_slide(code, figure_slide.number)
    projector = no_errors(tab("audience", room=code))
    assert [c["description"] for c in charts(projector)] == [figure_slide.figure.alt]
    assert figure_slide.figure.alt in page_text(projector)
    assert len(projector.table) == 1
    assert list(projector.table[0].value.columns)[:2] == [
        figure_slide.figure.label_title,
        figure_slide.figure.value_title,
    ]


def test_a_figure_on_the_projector_is_drawn_for_the_room_and_its_caption_shown_once(real_course, db):
    deck = build_slides(real_course, MODULE, "public")
    figure_slide = next(s for s in deck if s.figure is not None)
    _, code = start()
    db.set_slide(code, figure_slide.number)
    projector = no_errors(tab("audience", room=code))
    (spec,) = charts(projector)
    # Drawn for a room screen (the page scales it with the screen), with no title of its own
    # under the slide's heading, which is the figure's title.
    assert spec["width"] == chart_builders.ROOM_WIDTH
    assert "title" not in spec
    sizes = [layer["mark"]["fontSize"] for layer in spec["layer"] if layer["mark"].get("type") == "text"]
    assert sizes and min(sizes) == chart_builders.ROOM_FONT
    assert spec["config"]["axis"]["labelFontSize"] == chart_builders.ROOM_FONT
    # The caption is the slide's text: once on the screen, not again under the chart.
    shown = page_text(projector)
    assert shown.count(figure_slide.figure.caption) == 1, shown


def test_the_presenter_s_figure_follows_the_presenter_s_text_size(real_course, db):
    """At 200% text the presenter's own view of a figure slide draws the figure at 200% too."""
    deck = build_slides(real_course, MODULE, "public")
    figure_slide = next(s for s in deck if s.figure is not None)
    sizes = {}
    for size in (100, 200):
        at, code = start()
        at.session_state[display.KEY] = {"text_size": size}
        db.set_slide(code, figure_slide.number)
        (spec,) = charts(no_errors(at.run()))
        sizes[size] = [*font_sizes(spec), spec["title"]["fontSize"], spec["config"]["axis"]["labelFontSize"]]
    assert sizes[100] and sizes[200] == [2 * s for s in sizes[100]]


def test_a_presenter_whose_page_reloaded_carries_on_with_the_room_code(real_course, db):
    deck = build_slides(real_course, MODULE, "public")
    _, code = start()
    db.set_slide(code, 4)
    fresh = no_errors(tab("presenter", trainer=True))  # a new session: nothing remembered
    fresh.text_input(key="resume-room").set_value(code.lower())
    fresh = no_errors(fresh.button(key="resume").click().run())
    assert f"Slide 4 of {len(deck)}: {deck[3].heading}" in audience_headings(fresh)
    db.end_presentation(code)
    fresh = no_errors(tab("presenter", trainer=True))
    fresh.text_input(key="resume-room").set_value(code)
    fresh = no_errors(fresh.button(key="resume").click().run())
    assert any("No running room has that code" in e.value for e in fresh.error)


# --------------------------------------------------------------------------- polls


def test_a_room_poll_counts_every_phone_once_and_shows_results_only_when_revealed(real_course, db):
    question = poll_questions(real_course, MODULE, "public")[0]
    (a, a_label), (b, b_label) = question.options[:2]
    at, code = start()
    at.selectbox(key="poll-question").set_value(question.id)
    at = no_errors(at.button(key="poll-open").click().run())
    poll_id = db.current_poll(code).poll_id

    phones = [no_errors(tab("join", room=code)) for _ in range(5)]
    for phone, choice in zip(phones, [a, a, a, b, b], strict=True):
        assert phone.header[0].value == "Question from the presenter"
        phone.radio(key=f"poll-choice-{poll_id}").set_value(choice)
        phone = no_errors(phone.button(key=f"poll-send-{poll_id}").click().run())
        assert ANSWERED_MESSAGE in [s.value for s in phone.success]
    # One person changes their mind: their answer replaces the first, it is not added.
    phones[0].radio(key=f"poll-choice-{poll_id}").set_value(b)
    phones[0] = no_errors(phones[0].button(key=f"poll-send-{poll_id}").click().run())
    assert ANSWERED_MESSAGE in [s.value for s in phones[0].success]

    assert db.poll_tally(poll_id) == {a: 2, b: 3}
    at = no_errors(at.run())
    counts = dict(zip(at.table[0].value["Answer"], at.table[0].value["Answers"], strict=True))
    assert counts[a_label] == 2 and counts[b_label] == 3
    assert "5 answers so far" in page_text(at)

    projector = no_errors(tab("audience", room=code))
    assert "Question for the room" in audience_headings(projector)
    assert question.prompt in page_text(projector)
    assert "5 answers so far" in page_text(projector)
    assert not charts(projector), "no results before the presenter reveals them"
    assert "Results" not in [s.value for s in projector.subheader]
    assert not projector.table

    at = no_errors(at.button(key="poll-reveal").click().run())
    projector = no_errors(projector.run())
    assert "Results" in [s.value for s in projector.subheader]
    (chart,) = charts(projector)
    assert "5 answers in all" in chart["description"]
    assert f"“{b_label}”, with 3 answers (60%)" in chart["description"]
    shown = dict(zip(projector.table[0].value["Answer"], projector.table[0].value["Answers"], strict=True))
    assert shown[a_label] == 2 and shown[b_label] == 3

    # A phone sees the same counts, and nothing about who chose what.
    phone = no_errors(phones[1].run())
    assert "Results" in [s.value for s in phone.subheader]
    assert list(phone.table[0].value.columns) == ["Answer", "Answers", "Share (%)"]

    at = no_errors(at.button(key="poll-close").click().run())
    projector = no_errors(projector.run())
    assert "Question for the room" not in audience_headings(projector), "the slides come back"
    phone = no_errors(phones[2].run())
    assert NO_POLL_MESSAGE in [i.value for i in phone.info]


def test_a_phone_hears_a_poll_open_show_its_results_and_close_in_one_status_region(real_course, db):
    # The join page's status was removed when a poll opened, and the question drawn with no
    # live region, so a screen reader on a phone heard nothing; when the poll closed, the focus
    # on its answers fell to the top of the page.
    question = poll_questions(real_course, MODULE, "public")[0]
    at, code = start()
    phone = no_errors(tab("join", room=code))
    assert [i.value for i in phone.info] == [NO_POLL_MESSAGE]

    at.selectbox(key="poll-question").set_value(question.id)
    at = no_errors(at.button(key="poll-open").click().run())
    phone = no_errors(phone.run())
    assert [i.value for i in phone.info] == [
        f"A question is open: {question.prompt} Choose your answer below, then send it."
    ]
    at = no_errors(at.button(key="poll-reveal").click().run())
    phone = no_errors(phone.run())
    assert [i.value for i in phone.info] == [
        "The presenter has shown the results of this question: they are below your answer."
    ]
    focus_moves = [h for h in phone.get("html") if "data-focus" in h.proto.body]
    assert not focus_moves, "nothing moves the focus while the question stays"

    no_errors(at.button(key="poll-close").click().run())
    phone = no_errors(phone.run())
    assert [i.value for i in phone.info] == [NO_POLL_MESSAGE]
    (focus_move,) = [h.proto.body for h in phone.get("html") if "data-focus" in h.proto.body]
    assert 'data-target=".st-key-join-status [data-testid=stAlertContainer]"' in focus_move
    phone = no_errors(phone.run())
    assert not [h for h in phone.get("html") if "data-focus" in h.proto.body], "once, not on every refresh"


def test_a_phone_with_no_poll_open_is_asked_to_wait(real_course):
    _, code = start()
    phone = no_errors(tab("join", room=code))
    assert NO_POLL_MESSAGE in [i.value for i in phone.info]
    assert not phone.radio


def test_a_phone_can_type_the_room_code_in_any_case(real_course):
    at, code = start()
    at.selectbox(key="poll-question").set_value(poll_questions(real_course, MODULE, "public")[0].id)
    no_errors(at.button(key="poll-open").click().run())
    phone = no_errors(tab("join"))
    assert not phone.radio
    phone.text_input[0].set_value(code.lower().replace("-", " "))
    phone = no_errors(phone.button(key="join").click().run())
    assert phone.header[0].value == "Question from the presenter"
    assert len(phone.radio) == 1


def test_joining_with_no_room_code_says_what_to_do(real_course):
    phone = no_errors(tab("join"))
    phone.text_input[0].set_value("   ")
    phone = no_errors(phone.button(key="join").click().run())
    assert phone.error[0].value == "Type the room code from the presenter's screen, then press Join."


def test_a_public_room_can_poll_only_questions_written_for_everyone(real_course):
    public = {q.id for q in poll_questions(real_course, MODULE, "public")}
    staff = {q.id for q in poll_questions(real_course, MODULE, "staff")}
    staff_only = staff - public
    assert staff_only, "the History quiz has staff-only questions"
    at, _ = start(audience="public")
    offered = set(at.selectbox(key="poll-question").options)
    labels = {f"{i}. {q.prompt}" for i, q in enumerate(poll_questions(real_course, MODULE, "public"), start=1)}
    assert offered == labels
    staff_prompts = {q.prompt for q in poll_questions(real_course, MODULE, "staff") if q.id in staff_only}
    assert not any(p in label for p in staff_prompts for label in offered)


def test_a_staff_only_question_opened_in_a_public_room_is_never_shown(real_course, db):
    public = {q.id for q in poll_questions(real_course, MODULE, "public")}
    staff_only = next(q for q in poll_questions(real_course, MODULE, "staff") if q.id not in public)
    _, code = start(audience="public")
    db.open_poll(code, staff_only.id)
    phone = no_errors(tab("join", room=code))
    assert staff_only.prompt not in page_text(phone)
    projector = no_errors(tab("audience", room=code))
    assert staff_only.prompt not in page_text(projector)


# --------------------------------------------------------------------------- ended, expired, refused


def test_a_room_code_in_the_presenters_address_is_shown_as_written_and_not_called_ended(real_course):
    # ?room=**bold** [a](javascript:…) was drawn as Markdown, any code was said to have "ended",
    # and a 3,000-character one was repeated in full.
    at = no_errors(tab("presenter", trainer=True, room="**bold** [a](javascript:alert(1))"))
    assert [i.value for i in at.info] == [
        r"No running room has the code “\*\*bold\*\* \[a\]\(javascript…”: it has ended, expired or "
        "never existed, so it cannot be resumed. Start a new presentation below."
    ]
    assert at.button(key="start"), "ready to start one"
    long = no_errors(tab("presenter", trainer=True, room="Q" * 3000))
    assert len(long.info[0].value) < 200


def test_an_ended_room_is_refused_on_the_join_page_and_the_projector(real_course, db):
    at, code = start()
    projector = no_errors(tab("audience", room=code))
    at = no_errors(at.button(key="end-ask").click().run())
    assert any(code in w.value and "End it now?" in w.value for w in at.warning)
    # Each button replaces the one pressed: the focus goes to its counterpart, not the page top.
    assert focus_targets(at) == [".st-key-end-cancel button"]
    at = no_errors(at.button(key="end-cancel").click().run())
    assert db.presentation(code) is not None, "cancel keeps the room"
    assert focus_targets(at) == [".st-key-end-ask button"]
    at = no_errors(at.button(key="end-ask").click().run())
    at = no_errors(at.button(key="end-confirm").click().run())
    assert f"Presentation ended. Room code {code} no longer works." in [s.value for s in at.success]
    assert focus_targets(at) == ["h1"]
    assert at.button(key="start"), "ready to start another"
    assert "room" not in at.query_params

    projector = no_errors(projector.run())
    assert ENDED_MESSAGE in [e.value for e in projector.error]
    assert not projector.header
    phone = no_errors(tab("join", room=code))
    assert ENDED_MESSAGE in [e.value for e in phone.error]
    assert not phone.radio


def test_an_expired_room_is_refused_on_the_join_page_and_the_projector(real_course, db):
    code = db.start_presentation(MODULE, "public", "test")
    db.open_poll(code, poll_questions(real_course, MODULE, "public")[0].id)
    assert tab("audience", room=code).header, "live before it expires"
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(presentations_table)
            .where(presentations_table.c.code == code)
            .values(expires_at=records.now() - timedelta(minutes=1))
        )
    for page in ("audience", "join"):
        at = no_errors(tab(page, room=code))
        assert ENDED_MESSAGE in [e.value for e in at.error], page
        assert not at.radio
    presenter_tab = no_errors(tab("presenter", trainer=True, room=code))
    assert any(code in i.value and "has ended" in i.value for i in presenter_tab.info)
    assert presenter_tab.button(key="start")


@pytest.mark.parametrize("room", ["ZZZ-ZZZ", "not a code", ""])
def test_an_unknown_room_code_gets_the_clear_message_not_a_stack_trace(real_course, room):
    projector = no_errors(tab("audience", room=room))
    assert ENDED_MESSAGE in [e.value for e in projector.error]
    if room:
        phone = no_errors(tab("join", room=room))
        assert ENDED_MESSAGE in [e.value for e in phone.error]


def test_someone_who_is_not_a_trainer_is_refused_presenter_mode(real_course):
    at = no_errors(tab("presenter"))
    assert [e.value for e in at.error] == [presenter.NOT_TRAINER_MESSAGE]
    assert not at.button
    assert not at.selectbox


# --------------------------------------------------------------------------- links and pure pieces


def test_the_room_links_use_the_configured_public_address(real_course, monkeypatch):
    monkeypatch.setenv(presenter.PUBLIC_URL_SETTING, "http://192.168.1.20:8501/")
    at, code = start()
    codes = [c.value for c in at.code]
    assert f"http://192.168.1.20:8501/audience?room={code}" in codes
    assert f"http://192.168.1.20:8501/join?room={code}" in codes
    assert not at.warning, "a network address needs no warning"


def test_links_only_this_computer_can_open_come_with_a_warning(real_course, monkeypatch):
    monkeypatch.setenv(presenter.PUBLIC_URL_SETTING, "http://localhost:8501")
    at, _ = start()
    assert any("phones cannot open them" in w.value for w in at.warning)


def test_slide_text_is_shown_as_written_not_read_as_markdown():
    paragraphs = (
        "Costs $5 to $10 *each*",
        "• a <b>list</b> item",
        "• [1] second",
        "- not a list",
        "3) nor this",
        "2. x",
    )
    assert room_ui.slide_markdown(paragraphs) == (
        "Costs \\$5 to \\$10 \\*each\\*\n\n"
        "- a \\<b\\>list\\</b\\> item\n- \\[1\\] second\n\n"
        "\\- not a list\n\n"
        "3\\) nor this\n\n"
        "2. x"
    )


def test_the_poll_chart_states_the_result_and_writes_every_count():
    rows = [("A. Yes", 3), ("B. No", 1), ("C. Not sure", 0)]
    spec = poll_tally_chart(rows, "Is it?").to_dict()
    assert spec["description"] == (
        "Is it?: 4 answers in all. The most chosen answer was “A. Yes”, with 3 answers (75%). "
        "Every option: A. Yes: 3; B. No: 1; C. Not sure: 0."
    )
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert [v["value_text"] for v in values if v["kind"] == "bar"] == [
        "3 answers, 75%",
        "1 answer, 25%",
        "0 answers, 0%",
    ]
    table = poll_tally_table(rows)
    assert table.to_dict("records")[0] == {"Answer": "A. Yes", "Answers": 3, "Share (%)": 75}
    assert (
        poll_description([("A", 2), ("B", 2)], "Q")
        == "Q: 4 answers in all. Tied for most chosen, with 2 answers each: “A”, “B”. Every option: A: 2; B: 2."
    )


def test_trainers_can_download_the_facilitator_pack_from_the_app(real_course):
    at = tab("presenter", trainer=True)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download pack (HTML)" in labels and "Download pack (PDF)" in labels
    learner = tab("presenter")
    assert not learner.get("download_button")  # the pack holds the answer key: trainers only


def test_a_phone_that_reloads_the_join_page_still_counts_once_and_sees_its_answer(real_course, db, monkeypatch):
    """Issue 18, defect 4: a reload made a new participant, so reloading and answering again
    stuffed the poll. The phone's voter cookie (set by the join page's response, see
    course/ui/web.py) is the participant now, so the reloaded page is the same voter."""
    cookies = {"ketamine_course_voter": "a-phone-voter-cookie-value-0123456789"}
    monkeypatch.setattr(join, "browser_cookie", cookies.get)
    question = poll_questions(real_course, MODULE, "public")[0]
    (a, a_label), (b, _) = question.options[:2]
    at, code = start()
    at.selectbox(key="poll-question").set_value(question.id)
    at = no_errors(at.button(key="poll-open").click().run())
    poll_id = db.current_poll(code).poll_id

    phone = no_errors(tab("join", room=code))
    phone.radio(key=f"poll-choice-{poll_id}").set_value(a)
    phone = no_errors(phone.button(key=f"poll-send-{poll_id}").click().run())
    reloaded = no_errors(tab("join", room=code))  # a new session: what a reload is
    assert f"You answered: {a_label}" in page_text(reloaded)
    reloaded.radio(key=f"poll-choice-{poll_id}").set_value(b)
    no_errors(reloaded.button(key=f"poll-send-{poll_id}").click().run())
    assert db.poll_tally(poll_id) == {b: 1}  # replaced, not added


def test_without_pango_the_pdf_pack_says_what_the_server_lacks_and_the_html_pack_still_downloads(monkeypatch):
    from course import html_pdf

    def no_pango():
        raise html_pdf.PdfUnavailable("PDFs cannot be made on this server: Pango is not installed (test).")

    monkeypatch.setattr(html_pdf, "_weasyprint", no_pango)
    at = tab("presenter", trainer=True)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download pack (HTML)" in labels and "Download pack (PDF)" not in labels
    assert any("Pango is not installed" in w.value for w in at.warning)
