"""Room polls as pure logic (course.polls) and the poll chart at room size: no Streamlit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from course.about import AUTHOR, citation
from course.poll_charts import ROOM, SCREEN, poll_tally_chart
from course.polls import PollQuestion, answers_text, as_audience, clock_text, is_local_only, poll_questions, tally_rows


def test_a_public_room_polls_only_one_tap_questions_everyone_may_see(real_course):
    for module in real_course.modules:
        quiz = real_course.quizzes[module.quiz]
        staff_only = {q.id for q in quiz.questions if q.tracks == ["staff"]}
        for room_audience in ("public", "staff"):
            questions = poll_questions(real_course, module.id, room_audience)
            ids = {q.id for q in questions}
            if room_audience == "public":
                assert not ids & staff_only, f"{module.id}: a public room was offered a staff-only question"
            for q in questions:
                labels = [label for _, label in q.options]
                assert labels == ["True", "False"] or all(
                    label.startswith(f"{letter}. ") for letter, label in zip("ABCDEFGH", labels, strict=False)
                )
                assert q.answer in labels, "the presenter is told the right answer by its label"


def test_no_multiple_select_or_ordering_question_is_ever_polled(real_course):
    for module in real_course.modules:
        quiz = real_course.quizzes[module.quiz]
        several_taps = {
            sub.id
            for q in quiz.questions
            for sub in (q.questions if q.type == "scenario" else [q])
            if sub.type in ("multiple", "ordering")
        }
        for room_audience in ("public", "staff"):
            assert not {q.id for q in poll_questions(real_course, module.id, room_audience)} & several_taps


def test_the_tally_lists_every_option_in_order_with_zero_for_nobody():
    q = PollQuestion("q", "Is it?", None, (("a", "A. Yes"), ("b", "B. No"), ("c", "C. Not sure")), "A. Yes")
    assert tally_rows(q, {"c": 2, "a": 1, "stray": 9}) == [("A. Yes", 1), ("B. No", 0), ("C. Not sure", 2)]


def test_counts_and_clock_read_as_words():
    assert [answers_text(n) for n in (0, 1, 2)] == ["0 answers", "1 answer", "2 answers"]
    assert clock_text(timedelta(seconds=65)) == "1:05"
    assert clock_text(timedelta(hours=1, seconds=3)) == "1:00:03"
    assert clock_text(timedelta(seconds=-5)) == "0:00", "a clock a little ahead never shows a negative time"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:8501/join?room=A", True),
        ("http://127.0.0.1/join", True),
        ("http://[::1]:8501", True),
        ("http://192.168.1.20:8501/join", False),
        ("https://course.example.org/join", False),
        ("http://localhost.example.org/join", False),
    ],
)
def test_a_link_phones_cannot_open_is_told_apart(url, local):
    assert is_local_only(url) is local


def test_a_damaged_audience_is_named_not_guessed():
    assert as_audience("staff") == "staff"
    with pytest.raises(ValueError, match="'everyone'"):
        as_audience("everyone")


def test_the_room_chart_is_drawn_large_without_repeating_the_question():
    rows = [("A. Yes", 3), ("B. No", 1)]
    room = poll_tally_chart(rows, "Is it?", size=ROOM).to_dict()
    screen = poll_tally_chart(rows, "Is it?", size=SCREEN).to_dict()
    assert "title" not in room, "the projector shows the question above the chart"
    assert screen["title"]["text"] == "Is it?"
    assert room["width"] == ROOM.width and screen["width"] == "container"
    font_sizes = {layer["mark"].get("fontSize") for layer in room["layer"]} - {None}
    assert font_sizes == {ROOM.font_size} and ROOM.font_size >= 28
    assert room["description"] == screen["description"], "the same result in words at either size"


def test_the_citation_names_the_project_not_an_invented_person(real_course):
    text = citation(real_course.settings, "https://course.example.org", date(2026, 12, 7))
    assert text.startswith(AUTHOR)
    assert f"(version {real_course.settings.version})" in text
    assert text.endswith("Available at: https://course.example.org (accessed 7 December 2026).")
