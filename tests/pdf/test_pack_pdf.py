"""One facilitator pack's PDF (History, public) checked in depth, and the PDF the CLI writes:
one landscape page per slide, the parts in order, PDF/UA tags, reading order, running
headers as artifacts, and nothing fetched from outside. Moved here from tests/unit/test_export.py
(rendering a pack takes seconds); tests/unit keeps the HTML and CLI tests, and
test_all_pdfs.py checks every pack the same way."""

from __future__ import annotations

import dataclasses
import io
import re
import socket

import pikepdf
import pypdf
import pytest

from course.content_checks import dose_findings
from course.export import build_pack, facilitator_pack_html, facilitator_pack_pdf, pack_html, render_pack_pdf
from course.slides import build_slides
from tests.cli_run import run_cli
from tests.pdfua import (
    artifact_text,
    missing_glyphs,
    pages_text,
    problems,
    reading_order_problems,
    squeeze,
    struct_elements,
)
from tests.pdfua import tag as struct_tag
from tests.unit.test_export import PRINT_HIDDEN, check_parts, check_slide_pages


@pytest.fixture(scope="module")
def small_pdf(real_course):
    return render_pack_pdf(build_pack(real_course, "history", "public"))


def test_pdf_starts_like_a_pdf(real_course):
    data = facilitator_pack_pdf(real_course, "history", "public")
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")


def test_pdf_page_count_matches_the_page_objects(small_pdf):
    assert len(pypdf.PdfReader(io.BytesIO(small_pdf.data)).pages) == small_pdf.page_count


def test_pdf_gives_each_slide_exactly_one_landscape_page_in_order(real_course, small_pdf):
    check_slide_pages(real_course, "history", "public", small_pdf)


def test_a_slide_too_long_for_its_page_is_set_smaller_not_carried_over(real_course):
    pack = build_pack(real_course, "history", "public")
    long_text = " ".join(["Ketamine was first made as a safer anaesthetic than phencyclidine."] * 40)
    slides = list(pack.slides)
    slides[3] = dataclasses.replace(slides[3], paragraphs=(long_text, "• " + long_text[:300]))
    short = dataclasses.replace(pack, slides=tuple(slides[:6]))
    rendered = render_pack_pdf(short)
    assert rendered.slide_pages == 6
    pages = pages_text(rendered.data)
    assert "Slide 4 of" in pages[3] and "Slide 5 of" in pages[4]
    assert squeeze(long_text[-200:]) in squeeze(pages[3])  # all of it, on its own page
    assert 'class="slide slide-section fit-' in pack_html(short, fit={4: 3})


def test_pdf_parts_follow_the_slides_in_order(small_pdf):
    check_parts(small_pdf)


def test_pdf_has_the_quiz_answers_and_references(real_course, small_pdf):
    text = squeeze("".join(pages_text(small_pdf.data)))
    module = real_course.module("history")
    for ref in module.references:
        assert squeeze(ref.citation) in text
    for entry in build_pack(real_course, "history", "public").questions:
        assert squeeze(entry.question.prompt) in text
        assert squeeze(entry.explanation) in text


def test_pdf_quiz_options_are_lettered_as_the_answer_key_names_them(small_pdf):
    # The answer key says "A. ..."; the printed options were numbered 1, 2, 3.
    quiz = pages_text(small_pdf.data)[small_pdf.part_pages["quiz"] - 1]
    markers = set(re.findall(r"^(\w+)\. *$", quiz, re.M))
    assert {"A", "B", "C"} <= markers and not any(m.isdigit() for m in markers), markers


def test_public_pdf_never_shows_a_dose(small_pdf):
    assert dose_findings(" ".join(pages_text(small_pdf.data))) == []


def test_pdf_is_tagged_pdf_ua_with_headings_in_order_and_every_text_tagged_or_an_artifact(small_pdf):
    assert problems(small_pdf.data) == []
    assert missing_glyphs(small_pdf.data) == []


def test_pdf_language_title_and_display_title(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf.data))
    assert str(pdf.Root.Lang) == "en"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == "History: from anaesthetic to antidepressant: facilitator pack (public)"


def test_every_chart_is_a_figure_whose_alt_text_is_its_description(real_course, small_pdf):
    figures = [s.figure for s in build_slides(real_course, "history", "public") if s.figure is not None]
    assert figures
    pdf = pikepdf.open(io.BytesIO(small_pdf.data))
    alts = [str(e.Alt) for e in struct_elements(pdf) if struct_tag(e) == "Figure"]
    assert alts == [f"{f.title}. {f.alt}" for f in figures]


def test_every_table_has_header_cells_and_lists_are_lists(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf.data))
    tags = [struct_tag(e) for e in struct_elements(pdf)]
    assert tags.count("Table") >= 1 and "TH" in tags
    assert tags.count("L") >= 5 and "LI" in tags
    assert {"H1", "H2", "H3", "P", "Link", "Caption"} <= set(tags)


def test_pdf_text_is_in_the_html_reading_order(real_course, small_pdf):
    html_text = facilitator_pack_html(real_course, "history", "public")
    assert reading_order_problems(html_text, small_pdf.data, **PRINT_HIDDEN) == []


def test_running_headers_and_footers_are_artifacts(real_course, small_pdf):
    artifacts, content = artifact_text(small_pdf.data)
    title = real_course.settings.title
    for number, (running, body) in enumerate(zip(artifacts, content, strict=True), start=1):
        assert f"Page {number} of {small_pdf.page_count}" in running
        assert title in running and "Education, not medical advice." in running
        assert f"Page {number} of" not in body


def test_rendering_a_pack_asks_for_nothing_outside_the_package_and_opens_no_connection(real_course, monkeypatch):
    from course import html_pdf

    def no_network(*args, **kwargs):
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    log = html_pdf.FetchLog()
    pack = build_pack(real_course, "history", "staff")
    html_pdf.write_pdf(html_pdf.layout(pack_html(pack), fetch_log=log))
    assert all(html_pdf._inside_package(url) for url in log.asked), log.asked


def test_the_url_fetcher_refuses_anything_outside_the_package(monkeypatch, caplog):
    from course import html_pdf

    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: attempts.append(a))
    log = html_pdf.FetchLog()
    page = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="https://example.org/x.css"></head><body><h1>t</h1>'
        '<img src="http://example.org/a.png" alt="a"><img src="file:///etc/hostname" alt="b">'
        '<img src="//example.org/c.png" alt="c"></body></html>'
    )
    data = html_pdf.write_pdf(html_pdf.layout(page, fetch_log=log)).data
    assert data.startswith(b"%PDF-")
    assert sorted(log.refused) == sorted(log.asked) and len(log.asked) == 4
    assert attempts == []
    assert "refused to fetch https://example.org/x.css" in caplog.text


def test_cli_writes_a_pdf_to_the_default_name_in_the_current_folder(tmp_path):
    result = run_cli("export", "--module", "routes", "--format", "pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "routes-facilitator-pack.pdf"
    assert result.stdout.strip() == "routes-facilitator-pack.pdf"
    assert out.read_bytes().startswith(b"%PDF-")
