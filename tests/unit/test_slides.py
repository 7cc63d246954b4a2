"""`course.slides`: a module as numbered slides, one idea each, the right text for each audience."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from course.charts import figure_table
from course.content_checks import dose_findings, plain_text
from course.schema import Course, Module
from course.slides import (
    AUDIENCES,
    MAX_WORDS,
    NO_PLAIN_TEXT,
    Block,
    Slide,
    UnknownModule,
    build_slides,
    number_citations,
    section_text,
    sentences,
    slide_words,
    split_block,
    strip_marker,
    text_blocks,
    word_count,
)


@pytest.fixture(scope="module")
def decks(real_course) -> dict[tuple[str, str], list[Slide]]:
    return {(m.id, a): build_slides(real_course, m.id, a) for m in real_course.modules for a in AUDIENCES}


def all_text(slide: Slide) -> list[str]:
    """Everything a deck can show anywhere, the presenter's notes included."""
    texts = [slide.heading, *slide.paragraphs, slide.speaker_notes, *slide.discussion_prompts, slide.notice]
    texts.append(slide.next_heading or "")
    if slide.figure is not None:
        f = slide.figure
        texts += [f.title, f.alt, f.caption, f.label_title, f.value_title]
        texts += [f"{p.label} {p.value} {p.note or ''}" for p in f.data]
    if slide.table is not None:
        texts += [" ".join(row) for row in (slide.table.headers, *slide.table.rows)]
    return texts


def with_module(course: Course, module: Module) -> Course:
    return course.model_copy(update={"modules": (module,)})


def edited_history(course: Course, **section_changes) -> Course:
    """The real course with History's first section changed."""
    history = course.module("history")
    first = history.sections[0].model_copy(update=section_changes)
    return with_module(course, history.model_copy(update={"sections": [first, *history.sections[1:]]}))


# --------------------------------------------------------------------------- numbering and shape


def test_slides_are_numbered_from_one_and_each_knows_the_total(decks):
    for deck in decks.values():
        assert [s.number for s in deck] == list(range(1, len(deck) + 1))
        assert {s.total for s in deck} == {len(deck)}


def test_each_slide_names_the_next_one_and_the_last_names_none(decks):
    for deck in decks.values():
        for slide, following in zip(deck, deck[1:], strict=False):
            assert slide.next_heading in (following.heading, f"{following.heading} (continued)")
        assert deck[-1].next_heading is None


def test_deck_opens_with_title_and_objectives_and_closes_with_takeaways_and_references(real_course, decks):
    for (module_id, audience), deck in decks.items():
        module = real_course.module(module_id)
        kinds = [s.kind for s in deck]
        assert kinds[0] == "title"
        assert kinds[1] == "objectives"
        assert kinds[-1] == "references"
        middle = kinds[kinds.index("objectives") : kinds.index("takeaways")]
        assert set(middle) <= {"objectives", "section", "figure"}
        title = deck[0]
        assert title.heading == module.title
        assert title.paragraphs == (module.shown_summary(audience), f"About {module.estimated_minutes} minutes")


def test_title_slide_carries_the_course_notice(real_course, decks):
    notice = " ".join(real_course.settings.notice.split())
    assert notice.startswith("Education, not medical advice")
    for deck in decks.values():
        assert deck[0].notice == notice
        assert all(not s.notice for s in deck[1:])


def test_every_objective_and_takeaway_is_on_a_slide(real_course, decks):
    # Each audience reads its own wording: the public the plain objectives and takeaways.
    for (module_id, audience), deck in decks.items():
        module = real_course.module(module_id)
        shown = {strip_marker(p)[1] for s in deck if s.kind in ("objectives", "takeaways") for p in s.paragraphs}
        assert {o.shown(audience) for o in module.objectives} <= shown
        assert set(module.shown_takeaways(audience)) <= shown


def test_a_split_slide_says_which_part_it_is(decks):
    for deck in decks.values():
        for slide in deck:
            assert 1 <= slide.part <= slide.parts
        runs: dict[tuple[str, str | None], list[int]] = {}
        for slide in deck:
            if slide.kind in ("section", "objectives", "takeaways", "references"):
                runs.setdefault((slide.kind, slide.section_id), []).append(slide.part)
        for parts in runs.values():
            assert parts == list(range(1, len(parts) + 1))


# --------------------------------------------------------------------------- one idea per slide


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_slide_in_any_real_module_is_over_the_word_limit(real_course, decks, audience):
    for module in real_course.modules:
        for slide in decks[(module.id, audience)]:
            if slide.kind == "references":
                continue  # full citations are reference material, not an idea to present
            assert slide_words(slide) <= MAX_WORDS, (module.id, slide.number, slide.paragraphs)


def test_a_long_paragraph_is_split_at_sentence_ends_into_even_slides(real_course):
    sentence = "This sentence has exactly ten words in it, as counted."
    paragraph = " ".join([sentence] * 13)  # 130 words: three slides of 40-50, not 60 + 60 + 10
    course = edited_history(real_course, body=paragraph)
    slides = [s for s in build_slides(course, "history", "staff") if s.section_id == "origins" and s.kind == "section"]
    assert len(slides) == 3
    for slide in slides:
        assert slide.paragraphs[-1].endswith("counted.")
        assert 40 <= slide_words(slide) <= MAX_WORDS
    assert sum(slide_words(s) for s in slides) == 130


def test_paragraphs_that_fit_become_one_slide_each(real_course):
    course = edited_history(real_course, body="First idea here [@domino2010].\n\nSecond idea here.")
    slides = [s for s in build_slides(course, "history", "staff") if s.section_id == "origins" and s.kind == "section"]
    assert [s.paragraphs for s in slides] == [("First idea here [1].",), ("Second idea here.",)]
    assert [(s.part, s.parts) for s in slides] == [(1, 2), (2, 2)]


def test_a_lead_in_stays_with_its_list_and_repeats_when_the_list_is_split():
    items = "\n".join(f"- item {i} " + "word " * 20 for i in range(4))
    blocks = text_blocks(f"**Before each dose** [@ref]:\n\n{items}")
    assert len(blocks) == 1 and blocks[0].lead == ("Before each dose [@ref]:",)
    assert all(item.startswith("• item") for item in blocks[0].items)
    slides = split_block(blocks[0])
    assert len(slides) >= 2
    for paragraphs in slides:
        assert paragraphs[0] == "Before each dose [@ref]:"
        assert sum(word_count(p) for p in paragraphs) <= MAX_WORDS


def test_numbered_lists_keep_their_numbers_and_wrapped_items_are_joined():
    blocks = text_blocks("1. The first step,\n   carried on.\n2. The **second** step.")
    assert blocks == [Block((), ("1. The first step, carried on.", "2. The second step."))]


def test_one_enormous_sentence_is_still_cut_to_the_limit():
    text = ", ".join(f"clause number {i} goes here" for i in range(40)) + "."
    slides = split_block(Block((text,)))
    assert len(slides) > 1
    assert all(sum(word_count(p) for p in paragraphs) <= MAX_WORDS for paragraphs in slides)


def test_sentences_do_not_end_at_abbreviations_or_decimals():
    text = "Zanos et al. (2016) found it. Doses of 0.5 were used, e.g. in trials. Then more [@x]. Next one."
    assert sentences(text) == [
        "Zanos et al. (2016) found it.",
        "Doses of 0.5 were used, e.g. in trials.",
        "Then more [@x].",
        "Next one.",
    ]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_words_of_a_section_are_lost_when_it_is_split(real_course, decks, audience):
    for module in real_course.modules:
        deck = decks[(module.id, audience)]
        for section in module.sections:
            source = re.sub(r"\s*\[@[^\]]+\]", "", section_text(section, audience))
            expected = Counter(plain_text(source).split())
            shown = Counter(
                word
                for slide in deck
                if slide.section_id == section.id and slide.kind == "section"
                for p in slide.paragraphs
                for word in re.sub(r"\s*\[\d+(?:, \d+)*\]", "", strip_marker(p)[1]).split()
            )
            assert not expected - shown, (module.id, section.id, expected - shown)


# --------------------------------------------------------------------------- audiences


@pytest.mark.parametrize("index", range(7))
def test_public_slides_never_show_doses(real_course, decks, index):
    module = real_course.modules[index]
    for slide in decks[(module.id, "public")]:
        for text in all_text(slide):
            assert not dose_findings(text), (module.id, slide.number, text)


def test_the_dose_check_would_catch_a_dose_on_a_staff_slide(decks):
    staff_text = " ".join(t for s in decks[("history", "staff")] for t in all_text(s))
    assert dose_findings(staff_text) == ["0.5 mg/kg"]


def test_public_slides_read_the_plain_text_and_staff_slides_the_full_text(decks):
    public = " ".join(p for s in decks[("history", "public")] if s.kind == "section" for p in s.paragraphs)
    staff = " ".join(p for s in decks[("history", "staff")] if s.kind == "section" for p in s.paragraphs)
    assert "A drug company wanted a safer medicine" in public
    assert "CI-581" not in public
    assert "CI-581" in staff
    assert "A drug company wanted a safer medicine" not in staff


def test_a_section_without_plain_text_is_never_shown_to_the_public_in_its_staff_form(real_course):
    course = edited_history(real_course, plain=None)
    origins = [s for s in build_slides(course, "history", "public") if s.section_id == "origins"]
    texts = " ".join(p for s in origins for p in s.paragraphs)
    assert NO_PLAIN_TEXT in texts
    assert "Calvin Stevens" not in texts


def test_a_figure_that_reads_as_a_dose_is_left_out_of_a_public_deck(real_course):
    history = real_course.module("history")
    figure = history.sections[0].figures[0]
    # Both wordings carry the dose: the public deck reads the plain caption where there is one.
    dose = "Given as 0.5 mg/kg over 40 minutes."
    dosed = figure.model_copy(update={"caption": dose, "plain_caption": dose})
    course = edited_history(real_course, figures=[dosed])
    assert not any(s.kind == "figure" and s.section_id == "origins" for s in build_slides(course, "history", "public"))
    assert any(s.kind == "figure" and s.section_id == "origins" for s in build_slides(course, "history", "staff"))


# --------------------------------------------------------------------------- notes, prompts, figures, citations


def test_every_section_slide_carries_the_section_speaker_notes(real_course, decks):
    for (module_id, _), deck in decks.items():
        notes = {s.id: " ".join((s.speaker_notes or "").split()) for s in real_course.module(module_id).sections}
        for slide in deck:
            if slide.kind in ("section", "figure"):
                assert slide.speaker_notes, (module_id, slide.number)
                assert slide.speaker_notes == notes[slide.section_id]


def test_discussion_prompts_appear_once_on_the_last_slide_of_their_section(real_course):
    for module in real_course.modules:
        deck = build_slides(real_course, module.id, "staff")
        for section in module.sections:
            slides = [s for s in deck if s.section_id == section.id]
            assert slides[-1].discussion_prompts == tuple(section.discussion_prompts)
            assert all(not s.discussion_prompts for s in slides[:-1])


def test_each_figure_gets_its_own_slide_with_alt_text_and_data_rows(real_course, decks):
    for (module_id, audience), deck in decks.items():
        module = real_course.module(module_id)
        figures = [f for s in module.sections for f in s.figures]
        slides = [s for s in deck if s.kind == "figure"]
        # The same figures and data; each audience reads its own caption and alt text.
        assert [s.figure.model_dump(exclude={"caption", "alt"}) for s in slides] == [
            f.model_dump(exclude={"caption", "alt"}) for f in figures
        ]
        for slide, figure in zip(slides, figures, strict=True):
            assert slide.figure.alt == figure.shown_alt(audience)
            assert slide.figure.caption == figure.shown_caption(audience)
        for slide in slides:
            assert slide.heading == slide.figure.title
            assert slide.figure.alt
            assert slide.paragraphs == (slide.figure.caption,)
            table = figure_table(slide.figure)
            assert slide.table.headers == tuple(table.columns)
            assert [row[0] for row in slide.table.rows] == [p.label for p in slide.figure.data]


def test_citation_marks_become_the_module_reference_numbers(real_course, decks):
    for (module_id, _), deck in decks.items():
        refs = real_course.module(module_id).references
        for slide in deck:
            for text in all_text(slide):
                assert "[@" not in text
            for paragraph in slide.paragraphs:
                for group in re.findall(r"\[(\d+(?:, \d+)*)\]", paragraph):
                    assert all(1 <= int(n) <= len(refs) for n in group.split(", "))
        listed = [p for s in deck if s.kind == "references" for p in s.paragraphs]
        assert listed == [f"[{i}] {' '.join(r.citation.split())}" for i, r in enumerate(refs, start=1)]
    origins = [s for s in decks[("history", "staff")] if s.section_id == "origins"]
    assert origins[0].paragraphs[0].endswith("emergence reactions PCP caused [1].")  # domino2010 is first


def test_adjacent_citations_share_one_bracket_in_number_order():
    numbers = {"a": 3, "b": 1}
    assert number_citations("Both [@a] [@b].", numbers) == "Both [1, 3]."
    assert number_citations("Same [@a][@a].", numbers) == "Same [3]."
    assert number_citations("Unknown [@zz].", numbers) == "Unknown [zz]."


# --------------------------------------------------------------------------- bad input


def test_an_unknown_module_names_the_known_ones(real_course):
    with pytest.raises(UnknownModule) as caught:
        build_slides(real_course, "no-such-module", "staff")
    message = str(caught.value)
    assert "no-such-module" in message
    for module in real_course.modules:
        assert module.id in message


def test_an_unknown_audience_is_refused(real_course):
    with pytest.raises(ValueError, match="staff, public"):
        build_slides(real_course, "history", "everyone")  # type: ignore[arg-type]
