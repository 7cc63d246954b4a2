"""Every PDF the course makes, checked as PDF/UA-1 (tests/pdfua.py): the facilitator pack of
every module for both audiences, and certificates with names in five scripts.

Slower than the unit tests (about 14 packs of 25-50 pages each), so apart from them;
test_pack_pdf.py checks one small pack the same way, in more depth."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pikepdf
import pytest

from course.certificates import Certificate, certificate_html, render_pdf
from course.content_checks import dose_findings
from course.export import build_pack, facilitator_pack_html, render_pack_pdf
from course.slides import AUDIENCES, build_slides
from tests.pdfua import missing_glyphs, pages_text, problems, reading_order_problems, struct_elements, tag
from tests.unit.test_export import PRINT_HIDDEN, check_parts, check_slide_pages


@pytest.fixture(scope="module")
def packs(real_course):
    return {
        (m.id, a): render_pack_pdf(build_pack(real_course, m.id, a)) for m in real_course.modules for a in AUDIENCES
    }


def keys(course):
    return [(m.id, a) for m in course.modules for a in AUDIENCES]


def test_every_pack_is_pdf_ua_with_nothing_untagged(real_course, packs):
    for key in keys(real_course):
        assert problems(packs[key].data) == [], key


def test_every_pack_draws_every_character_with_a_glyph_of_its_font(real_course, packs):
    for key in keys(real_course):
        assert missing_glyphs(packs[key].data) == [], key


def test_a_second_opinion_the_pdfua_checker_finds_nothing_in_any_pack(real_course, packs, tmp_path):
    # pdfua (PyPI) implements 16 of the 106 machine-checkable PDF/UA-1 rules; veraPDF, which
    # has them all, is not installable here (docs/accessibility.md).
    import pdfua

    for module_id, audience in keys(real_course):
        path = tmp_path / f"{module_id}-{audience}.pdf"
        path.write_bytes(packs[(module_id, audience)].data)
        report = pdfua.validate(str(path))
        assert [(f.rule_id, f.message) for f in report.findings] == [], (module_id, audience)


def test_every_pack_gives_each_slide_one_landscape_page_then_its_parts_in_order(real_course, packs):
    for module_id, audience in keys(real_course):
        pack = packs[(module_id, audience)]
        check_slide_pages(real_course, module_id, audience, pack)
        check_parts(pack, scenarios=bool(build_pack(real_course, module_id, audience).scenarios))


def test_every_pack_reads_in_the_order_of_its_html(real_course, packs):
    for module_id, audience in keys(real_course):
        html = facilitator_pack_html(real_course, module_id, audience)
        assert reading_order_problems(html, packs[(module_id, audience)].data, **PRINT_HIDDEN) == [], module_id


def test_every_chart_in_every_pack_has_its_description_as_alt_text(real_course, packs):
    for module_id, audience in keys(real_course):
        figures = [s.figure for s in build_slides(real_course, module_id, audience) if s.figure is not None]
        pdf = pikepdf.open(io.BytesIO(packs[(module_id, audience)].data))
        alts = [str(e.Alt) for e in struct_elements(pdf) if tag(e) == "Figure"]
        assert alts == [f"{f.title}. {f.alt}" for f in figures], (module_id, audience)


def test_no_public_pack_pdf_shows_a_dose(real_course, packs):
    for module in real_course.modules:
        assert dose_findings(" ".join(pages_text(packs[(module.id, "public")].data))) == [], module.id


NAMES = {
    "Arabic": "محمد عبد الله",
    "Hebrew": "שרה כהן",
    "Devanagari": "अनन्या शर्मा",
    "CJK": "王芳 山田 花子 김민준",
    "Latin with diacritics": "Nguyễn Thị Minh Khai Łukasz Żółć",
}


@pytest.mark.parametrize("script", NAMES)
def test_a_certificate_is_pdf_ua_and_its_name_copies_out_exactly(script, caplog, tmp_path):
    cert = Certificate(
        "KT-7HQM-2XPA-C9RW",
        NAMES[script],
        "Ketamine therapy in mental health care",
        "0.1.0",
        datetime(2026, 3, 1, 14, 30, tzinfo=UTC),
        92.31,
    )
    pdf = render_pdf(cert)
    assert problems(pdf) == []
    assert missing_glyphs(pdf) == []
    import pdfua

    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    assert [(f.rule_id, f.message) for f in pdfua.validate(str(path)).findings] == []
    lines = pages_text(pdf)[0].splitlines()
    assert NAMES[script] in lines  # the name alone on its line, exactly as written
    assert reading_order_problems(certificate_html(cert), pdf) == []
    assert ".notdef" not in caplog.text and "no installed font" not in caplog.text
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.docinfo.Title) == "Certificate KT-7HQM-2XPA-C9RW"
        assert str(doc.Root.Lang) == "en"
