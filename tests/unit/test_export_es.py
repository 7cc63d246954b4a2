"""The facilitator pack in Spanish (`python -m course export --lang es`): a public pack whose
every word a room or a reader sees is Spanish, with what stays English (speaker notes,
discussion prompts, references) marked `lang="en"`; the staff pack refused in Spanish; the
English pack untouched. The Spanish PDF's /Lang is checked in tests/pdf/test_pack_pdf_es.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from course.export import PackLanguageError, build_pack, facilitator_pack_html
from course.i18n import catalogue_path, gettext_for, ngettext_for
from course.translation import translate_course
from tests.cli_run import run_cli
from tests.unit.test_export import ROOT, squash

# The files whose messages are the pack's own words (the catalogue groups them under these).
PACK_SOURCES = ("course/export/", "course/slides.py", "course/scenario_sheet.py")
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "source", "track", "wbr", "embed"}


class LangPage(HTMLParser):
    """Every piece of text with the language it is announced in (the nearest `lang`), the
    texts of the attributes a reader hears (title, aria-label, alt, meta description), and
    headings."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.texts: list[tuple[str, str]] = []  # (lang, text)
        self.attribute_texts: list[str] = []
        self.headings: list[tuple[str, str]] = []  # (tag, text)
        self._stack: list[tuple[str, str]] = []  # (tag, lang)
        self._heading: list[str] | None = None
        self._skip = 0  # inside <style>
        self.feed(text)
        self.close()

    @property
    def lang(self) -> str:
        return self._stack[-1][1] if self._stack else (self.html_lang or "")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        lang = a.get("lang") or self.lang
        for name in ("aria-label", "alt", "title"):
            if a.get(name):
                self.attribute_texts.append(a[name])
        if tag == "meta" and a.get("name") == "description":
            self.attribute_texts.append(a.get("content") or "")
        if tag == "style":
            self._skip += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag not in VOID:
            self._stack.append((tag, lang))

    def handle_endtag(self, tag):
        if tag == "style":
            self._skip -= 1
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((tag, squash("".join(self._heading))))
            self._heading = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._skip or not data.strip():
            return
        if self._heading is not None:
            self._heading.append(data)
        self.texts.append((self.lang, squash(data)))

    def in_lang(self, lang: str) -> list[str]:
        return [t for lng, t in self.texts if lng == lang]


@pytest.fixture(scope="module")
def spanish(real_course):
    return translate_course(real_course, ROOT, "es")


@pytest.fixture(scope="module")
def pack_es(real_course):
    return build_pack(real_course, "history", "public", "es")


@pytest.fixture(scope="module")
def html_es(real_course) -> str:
    return facilitator_pack_html(real_course, "history", "public", "es")


@pytest.fixture(scope="module")
def page_es(html_es) -> LangPage:
    return LangPage(html_es)


def pack_labels() -> list[tuple[str, str]]:
    """(English, Spanish) of every message the pack writes itself, from the catalogue's entries
    for the pack's source files: the English is what a Spanish pack must never show."""
    with catalogue_path("es").open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    out = []
    for message in catalogue:
        if message.id and any(path.startswith(PACK_SOURCES) for path, _ in message.locations):
            if isinstance(message.id, str):
                out.append((message.id, gettext_for("es", message.id)))
            else:
                singular, plural = message.id
                out += [(singular, ngettext_for("es", singular, plural, 1))]
                out += [(plural, ngettext_for("es", singular, plural, 2))]
    return out


def fragments(message: str) -> list[str]:
    """The literal words of a message, between its `{placeholders}`, worth searching for."""
    return [squash(f) for f in re.split(r"\{[a-z_]+\}", message) if len(squash(f).strip(" .:()·,")) >= 3]


# --------------------------------------------------------------------------- the language


def test_spanish_pack_is_a_spanish_document(page_es):
    assert page_es.html_lang == "es"


def test_spanish_pack_headings_are_spanish(spanish, page_es):
    title = spanish.module("history").title
    headings = dict(page_es.headings[:1])
    assert headings == {"h1": f"{title}: guía para facilitadores"}
    h2 = [text for tag, text in page_es.headings if tag == "h2"]
    assert "Clave de respuestas" in h2 and "Referencias" in h2 and f"Hoja para participantes: {title}" in h2
    assert "Slide 1 of" not in " ".join(page_es.in_lang("es"))
    assert any(text.startswith("Diapositiva 1 de ") for text in page_es.in_lang("es"))


def test_spanish_pack_shows_the_module_quiz_and_notice_as_translated(real_course, spanish, page_es):
    es_text = " ".join(page_es.in_lang("es"))
    module_en, module_es = real_course.module("history"), spanish.module("history")
    for english, translated in zip(module_en.sections, module_es.sections, strict=True):
        assert translated.heading != english.heading
        assert squash(translated.heading) in es_text
        assert squash(english.heading) not in es_text
    assert squash(module_es.shown_takeaways("public")[0]) in es_text
    quiz_es = spanish.quizzes[module_es.quiz]
    assert squash(quiz_es.questions[0].prompt) in es_text
    assert squash(real_course.quizzes[module_en.quiz].questions[0].prompt) not in es_text
    assert squash(spanish.settings.notice) in es_text
    assert spanish.settings.crisis is not None and squash(spanish.settings.crisis.heading) in es_text


def test_spanish_figures_have_spanish_titles_descriptions_and_tables(pack_es, html_es):
    figures = [s for s in pack_es.slides if s.figure is not None]
    assert figures
    for slide in figures:
        assert f"Datos: {slide.figure.title}" in html_es
        assert f'<desc id="fig-{slide.number}-{slide.figure.id}-desc">' in html_es
        assert slide.table is not None and slide.table.headers[0] == slide.figure.label_title
    history_table = figures[0].table
    assert history_table is not None and history_table.headers[:2] == ("Evento", "Año")


def test_english_material_in_a_spanish_pack_is_marked_english(pack_es, page_es):
    english = page_es.in_lang("en")
    spanish = page_es.in_lang("es")
    notes = {squash(s.speaker_notes) for s in pack_es.slides if s.speaker_notes}
    prompts = {squash(p) for s in pack_es.slides for p in s.discussion_prompts}
    citations = {squash(r.citation) for r in pack_es.references}
    assert notes and prompts and citations
    for text in notes | prompts | citations:
        assert text in english or any(text in e for e in english), text
        assert not any(text in s for s in spanish), text
    # Nothing else is English: every heading a reader navigates by is announced in Spanish.
    heading_texts = {text for _, text in page_es.headings}
    assert not heading_texts & set(english)


def test_no_english_pack_label_is_left_in_a_spanish_pack(page_es):
    labels = pack_labels()
    assert len(labels) > 50  # the catalogue has the pack's messages
    shown = page_es.in_lang("es") + page_es.attribute_texts
    for label, translated in labels:
        assert translated != label, f"no Spanish for {label!r}"
        for fragment in fragments(label):
            pattern = re.compile(rf"(?<!\w){re.escape(fragment)}(?!\w)")
            found = [text for text in shown if pattern.search(text)]
            assert not found, f"English {fragment!r} (from {label!r}) in the Spanish pack: {found[:2]}"


def test_the_about_part_says_what_stays_english_in_spanish(page_es):
    assert any("están en inglés" in text for text in page_es.in_lang("es"))


def test_spanish_quiz_answers_and_hints_are_spanish(pack_es, html_es):
    true_false = [q for q in pack_es.questions if q.question.type == "true_false"]
    assert true_false and all(q.answer[0] in ("Verdadero", "Falso") for q in true_false)
    assert "¿Verdadero o falso?" in html_es and "True or false?" not in html_es
    for entry in pack_es.questions:
        # A prompt that already says "Elija todas las respuestas correctas." is not told twice.
        assert not (entry.hint and entry.hint.rstrip(".?").lower() in entry.question.prompt.lower())


def test_spanish_scenario_sheet_labels_are_spanish(real_course):
    page = LangPage(facilitator_pack_html(real_course, "access-stigma", "public", "es"))
    es_text = " ".join(page.in_lang("es"))
    assert ("h2", "Escenarios para conversar") in page.headings
    assert ("h4", "Paso 1") in page.headings
    for spanish in ("¿Qué haría usted, y por qué?", "Comentario:", "Lleva a:", "Resultado:"):
        assert spanish in es_text
    for english in ("Which would you do, and why?", "Leads to:", "Feedback:", "Outcome:", "Read more in the module"):
        assert english not in es_text


# --------------------------------------------------------------------------- English and refusals


def test_the_english_pack_is_the_default_and_has_no_language_marks(real_course):
    english = facilitator_pack_html(real_course, "history", "public")
    assert facilitator_pack_html(real_course, "history", "public", "en") == english
    assert re.findall(r"\slang=\"[^\"]*\"", english) == [' lang="en"']  # the <html> element's only
    assert "Spanish" not in english and "guía" not in english


def test_a_spanish_staff_pack_is_refused_saying_why(real_course):
    with pytest.raises(PackLanguageError, match="staff track is in English only") as caught:
        build_pack(real_course, "history", "staff", "es")
    assert "--audience staff" in str(caught.value)


def test_a_pack_in_a_language_the_course_does_not_have_is_refused(real_course):
    with pytest.raises(PackLanguageError, match="en, es, not 'fr'"):
        build_pack(real_course, "history", "public", "fr")


def test_cli_writes_a_spanish_pack_beside_the_english_one(tmp_path):
    result = run_cli("export", "--module", "history", "--format", "html", "--lang", "es", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "history-facilitator-pack-es.html"
    assert result.stdout.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    assert '<html lang="es">' in text and "Clave de respuestas" in text


def test_cli_refuses_a_spanish_staff_pack_and_writes_nothing(tmp_path):
    out = tmp_path / "h.html"
    result = run_cli(
        "export", "--module", "history", "--format", "html", "--lang", "es", "--audience", "staff", "--out", str(out)
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: the staff track is in English only")
    assert "public audience" in result.stderr
    assert not out.exists()


def test_cli_refuses_an_unknown_language_and_lang_for_an_lms_package(tmp_path):
    assert run_cli("export", "--module", "history", "--format", "html", "--lang", "fr").returncode == 2
    result = run_cli("export", "--track", "public", "--format", "cmi5", "--lang", "es", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "--lang is for facilitator packs" in result.stderr
