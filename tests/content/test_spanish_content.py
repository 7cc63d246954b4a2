"""The shipped Spanish public track (modules/es/, quizzes/es/): complete, current, and as
faithful as a machine can tell: every citation and every number of the English kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.loader import load_course
from course.translation import (
    _english,
    public_files,
    public_slots,
    read_translation,
    translate_course,
    translation_problems,
)

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"\[@[^\]]+\]")
NUMBER = re.compile(r"\d+")
# Numbers the Spanish writes in words, checked by hand: "about 1.5 hours" -> "hacia la hora y media".
NUMBERS_IN_WORDS = {("modules/04-protocols.yaml", "sections.session.figures.protocols-session-timeline.data.2.note")}


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT)


def pairs(course):
    for rel in public_files(course, ROOT):
        src = _english(ROOT, rel)
        assert src is not None
        entries, problems = read_translation(ROOT, rel, "es")
        assert problems == []
        for slot in public_slots(src.data):
            yield rel, slot.key, slot.text, entries[slot.key].text


def test_every_public_text_has_current_spanish_that_passes_the_language_checks(course):
    assert [str(p) for p in translation_problems(course, ROOT, "es")] == []


def test_every_citation_of_the_english_is_kept_in_the_spanish(course):
    lost = [
        (rel, key)
        for rel, key, english, spanish in pairs(course)
        if sorted(CITATION.findall(english)) != sorted(CITATION.findall(spanish))
    ]
    assert lost == []


def test_every_number_of_the_english_is_in_the_spanish(course):
    lost = [
        (rel, key, sorted(set(NUMBER.findall(CITATION.sub("", english))) - set(NUMBER.findall(spanish))))
        for rel, key, english, spanish in pairs(course)
        if (rel, key) not in NUMBERS_IN_WORDS
        and set(NUMBER.findall(CITATION.sub("", english))) - set(NUMBER.findall(spanish))
    ]
    assert lost == []


def test_the_spanish_course_loads_and_a_public_learner_reads_spanish(course):
    spanish = translate_course(course, ROOT, "es")
    assert spanish.settings.notice != course.settings.notice
    assert "988" in spanish.settings.notice + " ".join(s.contact or "" for s in spanish.settings.crisis.services)
    for english, translated in zip(course.track_modules("public"), spanish.track_modules("public"), strict=True):
        assert translated.title != english.title
        assert translated.shown_summary("public") != english.shown_summary("public")
        assert [s.id for s in translated.sections] == [s.id for s in english.sections]
    # The staff-only module and staff text are untouched.
    assert spanish.module("onboarding") == course.module("onboarding")
    history = spanish.module("history")
    assert history.sections[0].body == course.module("history").sections[0].body
