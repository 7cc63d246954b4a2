"""Listen (issue 23): the text a voice reads is the plain text the learner sees, in pieces a
browser reads whole, and the voices asked for follow the learner's language."""

from __future__ import annotations

from course.schema import CITATION_MARK
from course.ui.listen import MAX_CHUNK, chunks, data, plain_text


def test_citation_markers_and_markdown_marks_are_not_read_out():
    text = plain_text(
        "Ketamine was first made in **1962** by *Calvin Stevens* [@domino2010], and "
        "[licensed](https://example.org/a_(b)) in `1970` [@ketalar-label]. It costs \\$5 :material/lock:"
    )
    assert text == "Ketamine was first made in 1962 by Calvin Stevens, and licensed in 1970. It costs $5."


def test_headings_paragraphs_list_items_and_table_rows_are_read_as_separate_sentences():
    text = plain_text(
        "## What you will learn\nThe first line\nwraps here\n\n- one item\n  goes on\n- two\n\n"
        "| Effect | Share |\n|---|---|\n| Nausea | 28% |\n\n> A quoted line <sup>1</sup>"
    )
    assert text.split("\n") == [
        "What you will learn.",
        "The first line wraps here.",
        "one item goes on.",
        "two.",
        "Effect, Share.",
        "Nausea, 28%.",
        "A quoted line 1.",
    ]


def test_words_with_underscores_and_lone_stars_are_left_as_they_are():
    assert plain_text("snake_case stays, and 2 * 3 * 4 too") == "snake_case stays, and 2 * 3 * 4 too."


def test_long_text_is_cut_at_sentences_then_commas_never_over_the_limit():
    sentence = "This sentence has some words in it, and then a comma, and more words after that comma."
    pieces = chunks(plain_text(" ".join([sentence] * 6) + "\n\n" + ("word " * 80)))
    assert all(len(p) <= MAX_CHUNK for p in pieces)
    assert pieces[0].startswith(sentence)
    assert " ".join(pieces).split() == plain_text(" ".join([sentence] * 6) + "\n\n" + ("word " * 80)).split()


def test_every_part_of_the_course_reads_without_markers_or_marks(real_course):
    for module in real_course.modules:
        for section in module.sections:
            for shown in filter(None, (section.body, section.plain)):
                text = plain_text(shown)
                assert text, f"{module.id}/{section.id} reads as nothing"
                assert not CITATION_MARK.search(text), f"{module.id}/{section.id}"
                assert "**" not in text and "](" not in text, f"{module.id}/{section.id}"


def test_the_voice_asked_for_is_the_learners_language():
    assert data("Hola.", "Escuchar esta parte", "es")["voices"] == ["es-US", "es-MX", "es"]
    assert data("Hello.", "Listen to this part", "en")["voices"] == ["en-US", "en"]
    assert data("Hello.", "Listen", "en")["chunks"] == ["Hello."]
