"""The public track's content in Spanish (course/translation.py): which texts count as public,
how a missing, stale or orphaned translation is reported (FILE:LINE), that the translated course
shows only current translations, and the Spanish language checks."""

from __future__ import annotations

import re

import pytest

from course import translation_checks as checks
from course.loader import load_course
from course.translation import (
    public_files,
    public_slots,
    read_translation,
    source_sha,
    stub_translations,
    translate_course,
    translation_problems,
)
from tests.cli_run import run_cli
from tests.conftest import CourseCopy

ES_HISTORY = "modules/es/01-history.yaml"
TITLE = "History: from anaesthetic to antidepressant"


def _set(copy: CourseCopy, rel: str, key: str, spanish: str) -> None:
    """Fill one stubbed entry's Spanish, as a translator does."""
    text = copy.text(rel)
    pattern = re.compile(rf'(\n  {re.escape(key)}:\n    sha: "\w*"\n    es: )""')
    assert pattern.search(text), f"{key} not stubbed in {rel}"
    copy.write(rel, pattern.sub(lambda m: m.group(1) + '"' + spanish + '"', text, count=1))


@pytest.fixture
def stubbed(course_copy: CourseCopy) -> CourseCopy:
    course = load_course(course_copy.root)
    written = stub_translations(course, course_copy.root, "es")
    assert written == ["modules/es/course.yaml", ES_HISTORY, "quizzes/es/history.yaml"]
    return course_copy


def test_public_files_are_the_course_file_public_modules_and_their_quizzes(course_copy) -> None:
    files = public_files(load_course(course_copy.root), course_copy.root)
    assert files == ["modules/course.yaml", "modules/01-history.yaml", "quizzes/history.yaml"]


def test_the_public_reads_plain_versions_only_and_never_staff_only_questions(course_copy) -> None:
    import yaml

    module = {s.key for s in public_slots(yaml.safe_load(course_copy.text("modules/01-history.yaml")))}
    assert "sections.origins.plain" in module
    assert "sections.origins.body" not in module  # the staff text
    assert "sections.origins.speaker_notes" not in module  # presenter material
    assert "sections.origins.figures.history-timeline.plain_alt" in module
    assert "sections.origins.figures.history-timeline.alt" not in module
    assert "sections.origins.figures.history-timeline.data.0.label" in module
    assert "objectives.history-medical-use.plain" in module
    assert "objectives.history-medical-use.text" not in module
    assert not any(k.startswith("references") for k in module)
    quiz = {s.key for s in public_slots(yaml.safe_load(course_copy.text("quizzes/history.yaml")))}
    assert "questions.history-q01.options.a.feedback" in quiz
    assert not any(k.startswith("questions.history-s01") for k in quiz)  # tracks: [staff]
    settings = {s.key for s in public_slots(yaml.safe_load(course_copy.text("modules/course.yaml")))}
    assert {"notice", "crisis.heading", "tracks.public.title", "tracks.staff.description"} <= settings
    assert not any(k.endswith("url") or k.startswith("modules") for k in settings)


def test_a_public_text_without_spanish_is_reported_at_its_english_line(stubbed) -> None:
    problems = translation_problems(load_course(stubbed.root), stubbed.root, "es")
    line = stubbed.line_of("modules/01-history.yaml", "title:")
    assert f"modules/01-history.yaml:{line}: title: no Español text: add `title` to {ES_HISTORY}" in [
        str(p) for p in problems
    ]


def test_the_translated_course_shows_the_spanish_and_leaves_english_alone(stubbed) -> None:
    _set(stubbed, ES_HISTORY, "title", "Historia: de anestésico a antidepresivo")
    _set(stubbed, ES_HISTORY, "sections.origins.figures.history-timeline.data.0.label", "Primera síntesis")
    course = load_course(stubbed.root)
    spanish = translate_course(course, stubbed.root, "es")
    assert spanish.module("history").title == "Historia: de anestésico a antidepresivo"
    assert spanish.module("history").sections[0].figures[0].data[0].label == "Primera síntesis"
    assert spanish.module("history").sections[0].figures[0].data[0].value == 1962
    assert course.module("history").title == TITLE
    assert translate_course(course, stubbed.root, "en") is course
    problems = [str(p) for p in translation_problems(course, stubbed.root, "es")]
    assert not any(p.startswith("modules/01-history.yaml") and ": title:" in p for p in problems)


def test_spanish_whose_english_changed_is_stale_and_not_shown(stubbed) -> None:
    _set(stubbed, ES_HISTORY, "title", "Historia: de anestésico a antidepresivo")
    stubbed.replace("modules/01-history.yaml", TITLE, "History: from anaesthetic to treatment")
    course = load_course(stubbed.root)
    problems = [str(p) for p in translation_problems(course, stubbed.root, "es")]
    line = stubbed.line_of(ES_HISTORY, "Historia: de")
    stale = [p for p in problems if p.startswith(f"{ES_HISTORY}:{line}: title: stale")]
    assert stale, problems
    assert f"now {source_sha('History: from anaesthetic to treatment')}" in stale[0]
    assert (
        translate_course(course, stubbed.root, "es").module("history").title == "History: from anaesthetic to treatment"
    )


def test_rewrapping_the_english_does_not_make_its_spanish_stale() -> None:
    assert source_sha("Ketamine was first\n  made in 1962.") == source_sha("Ketamine was first made in 1962.")


def test_spanish_for_a_text_that_no_longer_exists_is_reported(stubbed) -> None:
    stubbed.write(
        ES_HISTORY,
        stubbed.text(ES_HISTORY) + '  sections.gone.plain:\n    sha: "000000000000"\n    es: "Ya no existe"\n',
    )
    problems = [str(p) for p in translation_problems(load_course(stubbed.root), stubbed.root, "es")]
    assert any(
        p.startswith(f"{ES_HISTORY}:") and "sections.gone.plain: no public English text has this key" in p
        for p in problems
    )


def test_pruning_drops_spanish_for_texts_that_are_gone_and_keeps_the_rest(stubbed) -> None:
    _set(stubbed, ES_HISTORY, "title", "Historia")
    stubbed.write(
        ES_HISTORY,
        stubbed.text(ES_HISTORY) + '  sections.gone.plain:\n    sha: "000000000000"\n    es: "Ya no existe"\n',
    )
    assert stub_translations(load_course(stubbed.root), stubbed.root, "es", prune=True) == [ES_HISTORY]
    assert "sections.gone.plain" not in stubbed.text(ES_HISTORY)
    assert translate_course(load_course(stubbed.root), stubbed.root, "es").module("history").title == "Historia"


def test_an_unquoted_sha_of_digits_is_explained(stubbed) -> None:
    text = stubbed.text(ES_HISTORY)
    first_sha = re.search(r'sha: "(\w+)"', text)
    assert first_sha
    stubbed.write(ES_HISTORY, text.replace(first_sha.group(0), "sha: 123456789012", 1))
    entries, problems = read_translation(stubbed.root, "modules/01-history.yaml", "es")
    assert any("put the sha in double quotes" in str(p) for p in problems)


def test_stubbing_again_keeps_what_was_translated(stubbed) -> None:
    _set(stubbed, ES_HISTORY, "title", "Historia")
    before = stubbed.text(ES_HISTORY)
    assert stub_translations(load_course(stubbed.root), stubbed.root, "es") == []
    assert stubbed.text(ES_HISTORY) == before


def test_multiline_spanish_survives_the_stub_writer(stubbed) -> None:
    text = stubbed.text(ES_HISTORY)
    text = re.sub(
        r'(\n  sections.origins.plain:\n    sha: "\w+"\n    es: )""',
        lambda m: m.group(1) + "|-\n      Primer párrafo.\n\n      Segundo párrafo [@domino1965].",
        text,
    )
    stubbed.write(ES_HISTORY, text)
    stubbed.replace("modules/01-history.yaml", TITLE, "History, retitled")  # a new text to stub
    stub_translations(load_course(stubbed.root), stubbed.root, "es")
    spanish = translate_course(load_course(stubbed.root), stubbed.root, "es")
    assert spanish.module("history").sections[0].plain == "Primer párrafo.\n\nSegundo párrafo [@domino1965]."


def test_validate_warns_about_translations_and_fails_on_them_only_when_asked(stubbed) -> None:
    loose = run_cli("validate", str(stubbed.root))
    assert loose.returncode == 0, loose.stdout
    assert "warning: modules/01-history.yaml:" in loose.stdout
    strict = run_cli("validate", str(stubbed.root), "--translations")
    assert strict.returncode == 1
    assert "no Español text" in strict.stdout


def test_stigmatising_spanish_is_flagged_with_a_person_first_alternative() -> None:
    found = checks.stigma_findings_es("Muchos adictos no piden ayuda.")
    assert found == [("adictos", "persona con un trastorno por consumo de sustancias")]
    assert checks.stigma_findings_es("La palabra «adicto» hace daño.") == []
    assert checks.stigma_findings_es("Su hermano cometió suicidio.")[0][1] == "murió por suicidio"


def test_spanish_that_reads_as_dosing_is_flagged() -> None:
    assert checks.dose_findings_es("Se da dos veces por semana, 0,5 mg/kg.") == ["dos veces por semana", "0,5 mg/kg"]
    assert checks.dose_findings_es("La ketamina se aprobó en 1970.") == []


def test_long_hard_spanish_is_flagged_and_plain_spanish_passes() -> None:
    easy = "La ketamina se hizo en 1962. Era para dormir a las personas en una cirugía. " * 4
    hard = (
        "La administración intravenosa de anestésicos disociativos, considerada históricamente "
        "como procedimiento exclusivamente quirúrgico, experimentó transformaciones epistemológicas "
        "considerables tras la publicación de investigaciones farmacológicas extraordinariamente "
        "sofisticadas, cuyas implicaciones terapéuticas permanecen parcialmente indeterminadas "
        "según múltiples organizaciones internacionales especializadas en neuropsicofarmacología."
    )
    assert checks.easy_enough(easy)
    assert not checks.easy_enough(hard)
