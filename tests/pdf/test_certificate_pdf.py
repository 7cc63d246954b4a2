"""A certificate's PDF (moved from tests/unit/test_certificates.py: each test renders one):
one A4 landscape page with the learner's name as they wrote it, in any script, the fonts it
needs and no more, and a readable fallback when fonts are missing or damaged."""

from __future__ import annotations

import dataclasses
import io
import subprocess
from pathlib import Path

import pypdf
import pytest

from course import certificates
from course.certificates import render_pdf
from tests.pdfua import missing_glyphs
from tests.unit import test_certificates as unit

# The unit tests' fixtures: a store with a certificate issued to "Ada Lovelace".
store = unit.store
cert = unit.cert


def page_text(pdf: bytes) -> str:
    """What a reader (or a screen reader, or copy and paste) gets out of the PDF."""
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def font_names(pdf: bytes) -> set[str]:
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return {str(f.get_object()["/BaseFont"]) for f in fonts.values()}


def test_the_pdf_shows_the_name_course_score_date_id_and_how_to_verify(cert):
    pdf = render_pdf(cert)
    assert pdf.startswith(b"%PDF")
    text = page_text(pdf)
    for shown in (
        cert.certificate_id,
        "Ada Lovelace",
        cert.course_title,
        f"Version {cert.course_version}",
        "92.3%",
        "1 March 2026",
        certificates.VERIFY_SENTENCE,
    ):
        assert shown in text, shown


def test_the_pdf_is_one_a4_landscape_page(cert):
    pdf = render_pdf(cert, compress=False)
    assert b"/Count 1" in pdf
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert [round(float(v), 2) for v in box] == [0, 0, 841.89, 595.28]


def test_the_pdf_is_compressed_by_default(cert):
    packed = render_pdf(cert)
    assert packed.startswith(b"%PDF") and b"/FlateDecode" in packed
    assert len(packed) < len(render_pdf(cert, compress=False))


@pytest.mark.parametrize(
    "name",
    [
        "Łukasz Żółć",
        "Nguyễn Thị Minh Khai",
        "Ngũgĩ wa Thiong'o",
        "Ольга Петрова",
        "Δήμητρα Παππά",
        "王芳",
        "山田 花子",
        "김민준",
        "محمد عبد الله",
        "שרה כהן",
        "अनन्या शर्मा",
        "O’Brien — “Jr”",
    ],
)
def test_a_name_in_any_script_is_printed_as_written(cert, name, caplog):
    pdf = render_pdf(dataclasses.replace(cert, display_name=name))
    assert name in page_text(pdf)
    assert not any(f.endswith("Helvetica") or f.endswith("Helvetica-Bold") for f in font_names(pdf))
    assert ".notdef" not in caplog.text and "no installed font" not in caplog.text
    assert missing_glyphs(pdf) == []


def test_only_the_fonts_a_name_needs_are_embedded(cert):
    latin = font_names(render_pdf(cert))
    chinese = font_names(render_pdf(dataclasses.replace(cert, display_name="王芳")))
    assert all("DejaVu" in f for f in latin), latin
    assert any("WenQuanYi" in f for f in chinese - latin), chinese


@pytest.mark.parametrize(
    "name",
    ["Zoë 😀 Smith", "👩🏽‍⚕️", "Ａｄａ", "tab\there\x00", "x" * 400, "Łukasz " * 20],
)
def test_any_name_renders_on_one_page_without_error(cert, name):
    pdf = render_pdf(dataclasses.replace(cert, display_name=name), compress=False)
    assert pdf.startswith(b"%PDF") and cert.certificate_id in page_text(pdf)
    assert b"/Count 1" in pdf, "a long name shrinks to fit rather than spilling onto a second page"


def only_fonts(tmp_path: Path, monkeypatch, *fonts: tuple[str, bytes]) -> None:
    """Make fontconfig (and so Pango and WeasyPrint) see only these font files."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name, data in fonts:
        (folder / name).write_bytes(data)
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{folder}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>',
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))


def system_font(file_name: str) -> bytes:
    path = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True, check=True).stdout
    return Path(next(p for p in path.splitlines() if p.endswith("/" + file_name))).read_bytes()


def latin_1_only(font: bytes) -> bytes:
    """DejaVu Sans cut down to Latin-1: a font with "ó" but no "Ł" or "ż"."""
    from fontTools import subset

    options = subset.Options()
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=range(0x20, 0x100))
    face = subset.load_font(io.BytesIO(font), options)
    subsetter.subset(face)
    out = io.BytesIO()
    subset.save_font(face, out, options)
    return out.getvalue()


def test_a_letter_no_installed_font_has_is_a_question_mark_and_a_symbol_is_left_out(cert, tmp_path, monkeypatch):
    # only the body font: it has no Chinese and no 🩺
    only_fonts(tmp_path, monkeypatch, *((n, system_font(n)) for n in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")))
    pdf = render_pdf(dataclasses.replace(cert, display_name="Zoë 🩺 Wáng 王"))
    assert "Zoë Wáng ?" in page_text(pdf)
    assert missing_glyphs(pdf) == []


def test_without_unicode_fonts_the_name_is_spelled_as_closely_as_latin_1_allows(cert, tmp_path, monkeypatch):
    only_fonts(tmp_path, monkeypatch, ("Latin1Sans.ttf", latin_1_only(system_font("DejaVuSans.ttf"))))
    pdf = render_pdf(dataclasses.replace(cert, display_name="Łukasz Żółć"))
    assert "Lukasz Zólc" in page_text(pdf)
    assert missing_glyphs(pdf) == []


def test_a_damaged_font_file_still_gives_the_learner_their_certificate(cert, tmp_path, monkeypatch, caplog):
    regular = system_font("DejaVuSans.ttf")
    only_fonts(
        tmp_path,
        monkeypatch,
        ("DejaVuSans.ttf", regular[:50_000]),  # cut short
        ("Latin1Sans.ttf", latin_1_only(regular)),
    )
    pdf = render_pdf(dataclasses.replace(cert, display_name="Łukasz Żółć"))
    assert "Lukasz Zólc" in page_text(pdf) and cert.certificate_id in page_text(pdf)
    assert "no installed font has" in caplog.text and "U+0141" in caplog.text
