"""The Spanish facilitator pack's PDF (History, public, `--lang es`): announced as Spanish
(/Lang from `<html lang="es">`), titled and paginated in Spanish, still PDF/UA with one
landscape page per slide. The HTML it is printed from is checked in tests/unit/test_export_es.py."""

from __future__ import annotations

import io
from collections import Counter

import pikepdf
import pytest

from course.export import build_pack, pack_html, render_pack_pdf
from tests.pdfua import artifact_text, missing_glyphs, problems, reading_order_problems, struct_elements, tag
from tests.unit.test_export import PRINT_HIDDEN


@pytest.fixture(scope="module")
def pack_es(real_course):
    return build_pack(real_course, "history", "public", "es")


@pytest.fixture(scope="module")
def pdf_es(pack_es):
    return render_pack_pdf(pack_es)


def test_spanish_pdf_language_is_spanish_and_its_title_too(pack_es, pdf_es):
    pdf = pikepdf.open(io.BytesIO(pdf_es.data))
    assert str(pdf.Root.Lang) == "es"
    assert str(pdf.docinfo.Title) == f"{pack_es.module.title}: guía para facilitadores (público)"


def test_spanish_pdf_running_header_and_page_numbers_are_spanish(pack_es, pdf_es):
    artifacts, content = artifact_text(pdf_es.data)
    for number, (running, body) in enumerate(zip(artifacts, content, strict=True), start=1):
        assert f"Página {number} de {pdf_es.page_count}" in running
        assert f"Page {number} of" not in running and f"Página {number} de" not in body
        assert f"{pack_es.module.title}: guía para facilitadores" in running


def test_spanish_pdf_is_pdf_ua_in_reading_order_with_every_glyph(pack_es, pdf_es):
    assert problems(pdf_es.data) == []
    assert missing_glyphs(pdf_es.data) == []
    assert reading_order_problems(pack_html(pack_es), pdf_es.data, **PRINT_HIDDEN) == []


def test_spanish_pdf_gives_each_slide_one_page(pack_es, pdf_es):
    assert pdf_es.slide_pages == len(pack_es.slides)
    assert pdf_es.part_pages["answer-key"] > pdf_es.part_pages["quiz"] > pdf_es.part_pages["handout"]


def test_english_notes_prompts_and_citations_are_english_in_the_structure_tree(pack_es, pdf_es):
    pdf = pikepdf.open(io.BytesIO(pdf_es.data))
    marked = Counter(tag(e) for e in struct_elements(pdf) if str(e.get("/Lang", "")) == "en")
    runs = len({(s.section_id or s.kind, s.speaker_notes) for s in pack_es.slides if s.speaker_notes})
    on_reference_slides = sum(len(s.paragraphs) for s in pack_es.slides if s.kind == "references")
    # Printed notes (one paragraph a run of slides) and the citations on the reference slides.
    assert marked["P"] == runs + on_reference_slides
    # Each slide's discussion prompts (a list), and the citations in the reference list (spans).
    assert marked["L"] == sum(1 for s in pack_es.slides if s.discussion_prompts)
    assert marked["Span"] >= len(pack_es.references)
    assert not any(str(e.get("/Lang", "")) not in ("", "en") for e in struct_elements(pdf))


def test_an_english_pack_declares_no_other_language(real_course):
    pdf = pikepdf.open(io.BytesIO(render_pack_pdf(build_pack(real_course, "history", "public")).data))
    assert str(pdf.Root.Lang) == "en"
    assert [e for e in struct_elements(pdf) if "/Lang" in e] == []


def test_a_second_opinion_the_pdfua_checker_finds_nothing_in_the_spanish_pack(pdf_es, tmp_path):
    import pdfua

    path = tmp_path / "history-facilitator-pack-es.pdf"
    path.write_bytes(pdf_es.data)
    report = pdfua.validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []
