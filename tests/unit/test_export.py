"""`course.export`: facilitator packs as one offline HTML file, and the CLI (in this process).
A pack's PDF is checked in tests/pdf/test_pack_pdf.py (rendering takes seconds); the PDF
helpers below serve it and tests/pdf/test_all_pdfs.py."""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course.content_checks import dose_findings
from course.export import audience_questions, build_pack, facilitator_pack_html
from course.slides import AUDIENCES, UnknownModule, build_slides, strip_marker
from tests.cli_run import Completed, load_shared, run_cli

ROOT = Path(__file__).resolve().parents[2]
LOADING_TAGS = {
    "img",
    "script",
    "link",
    "iframe",
    "source",
    "video",
    "audio",
    "embed",
    "object",
    "track",
    "image",
    "use",
}
LOADING_ATTRS = {"src", "href", "srcset", "data", "poster", "xlink:href"}
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
# What the pack's print stylesheet hides (so the PDF does not have it).
PRINT_HIDDEN = {
    "hidden_ids": {"about"},
    "hidden_classes": {"screen-only", "skip-link", "intro-notice"},
    "hidden_tags": {"head", "svg", "nav", "header"},
}


class Page(HTMLParser):
    """What the tests need from a document: tags with attributes, headings, ids, text by section."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.ids: list[str] = []
        self.styles: list[str] = []
        self.section_text: dict[str, list[str]] = {}
        self._heading: list[str] | None = None
        self._level = 0
        self._section: list[str] = []
        self._in_style = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if attributes.get("style"):
            self.styles.append(attributes["style"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._level = [], int(tag[1])
        if tag == "section":
            self._section.append(attributes.get("id") or "")
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._level, " ".join("".join(self._heading).split())))
            self._heading = None
        if tag == "section" and self._section:
            self._section.pop()
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
            return
        if self._heading is not None:
            self._heading.append(data)
        if self._section:
            self.section_text.setdefault(self._section[-1], []).append(data)

    def text_of(self, section_id: str) -> str:
        return " ".join(" ".join(self.section_text.get(section_id, [])).split())


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def packs(real_course) -> dict[tuple[str, str], str]:
    return {(m.id, a): facilitator_pack_html(real_course, m.id, a) for m in real_course.modules for a in AUDIENCES}


@pytest.fixture(scope="module")
def pages(packs) -> dict[tuple[str, str], Page]:
    return {key: Page(text) for key, text in packs.items()}


# --------------------------------------------------------------------------- HTML: what is inside


def test_html_pack_has_every_section_heading_on_slides_and_in_the_handout(real_course, pages):
    for (module_id, _), page in pages.items():
        slides_text, handout_text = page.text_of("slides"), page.text_of("handout")
        for section in real_course.module(module_id).sections:
            assert squash(section.heading) in slides_text, (module_id, section.id)
            assert squash(section.heading) in handout_text, (module_id, section.id)


def test_html_pack_has_every_slide_with_its_speaker_notes(real_course, pages):
    for (module_id, audience), page in pages.items():
        slides_text = page.text_of("slides")
        for slide in build_slides(real_course, module_id, audience):
            assert f"Slide {slide.number} of {slide.total}" in slides_text
            assert squash(slide.speaker_notes) in slides_text
            for paragraph in slide.paragraphs:
                assert squash(strip_marker(paragraph)[1]) in slides_text


def test_html_handout_has_the_plain_text_and_the_takeaways(real_course, pages):
    for (module_id, _), page in pages.items():
        handout = page.text_of("handout")
        module = real_course.module(module_id)
        assert "Education, not medical advice" in handout
        # The handout is the plain-language take-home sheet: it carries the public takeaways.
        for takeaway in module.shown_takeaways("public"):
            assert squash(takeaway) in handout
        assert "A drug company wanted a safer medicine" in pages[("history", "public")].text_of("handout")


def test_html_pack_lists_every_reference_in_full(real_course, pages):
    for (module_id, _), page in pages.items():
        references = page.text_of("references")
        for ref in real_course.module(module_id).references:
            assert squash(ref.citation) in references, (module_id, ref.id)
            if ref.url:
                assert ref.url in references


def test_html_pack_has_every_question_the_audience_sees_with_its_answer(real_course, pages):
    for (module_id, audience), page in pages.items():
        module = real_course.module(module_id)
        quiz, key = page.text_of("quiz"), page.text_of("answer-key")
        entries = build_pack(real_course, module_id, audience).questions
        visible = audience_questions(real_course, real_course.quizzes[module.quiz], audience)
        assert [e.question.id for e in entries] == [q.id for _, q in visible]
        for entry in entries:
            q = entry.question
            assert squash(q.prompt) in quiz and squash(q.prompt) in key
            assert squash(q.explanation) in key
            if q.type == "true_false":
                assert f"Answer: {'True' if q.answer else 'False'}" in key
                continue
            texts = {o.id: o.text for o in q.options}
            answers = [q.answer] if isinstance(q.answer, str) else q.answer
            for option in q.options:
                assert squash(option.text) in quiz
            for answer in answers:
                assert squash(texts[answer]) in key


def test_public_pack_never_shows_a_staff_only_question(real_course, pages):
    staff_only = real_course.quizzes["history"].questions[-1]
    assert staff_only.tracks == ["staff"]
    public, staff = pages[("history", "public")], pages[("history", "staff")]
    assert squash(staff_only.case) not in public.text_of("quiz") + public.text_of("answer-key")
    assert squash(staff_only.case) in staff.text_of("quiz")
    for sub in staff_only.questions:
        assert squash(sub.prompt) not in public.text_of("quiz")


@pytest.mark.parametrize("index", range(7))
def test_public_pack_never_shows_a_dose_anywhere(real_course, pages, index):
    module = real_course.modules[index]
    page = pages[(module.id, "public")]
    text = " ".join(" ".join(parts) for parts in page.section_text.values())
    assert dose_findings(text) == [], module.id


def test_staff_pack_keeps_the_clinical_detail(pages):
    assert "0.5 mg/kg" in pages[("history", "staff")].text_of("slides")


def test_every_figure_is_an_inline_svg_with_title_description_and_a_data_table(real_course, packs, pages):
    for (module_id, audience), page in pages.items():
        figures = [s for s in build_slides(real_course, module_id, audience) if s.kind == "figure"]
        svgs = [a for tag, a in page.tags if tag == "svg"]
        assert len(svgs) == len(figures)
        for attrs in svgs:
            assert attrs["role"] == "img"
            for ref in attrs["aria-labelledby"].split():
                assert ref in page.ids
        text = packs[(module_id, audience)]
        for slide in figures:
            figure = slide.figure
            assert re.search(rf"<title id=\"[^\"]+\">{re.escape(html.escape(figure.title))}</title>", text)
            assert f">{html.escape(figure.alt)}</desc>" in text
            assert f"Data: {html.escape(figure.title)}" in text
            for row in slide.table.rows:
                assert html.escape(row[0]) in text


# --------------------------------------------------------------------------- HTML: offline, escaped, structured


@pytest.mark.parametrize("audience", AUDIENCES)
def test_html_pack_loads_nothing_from_outside(real_course, pages, audience):
    for module in real_course.modules:
        page = pages[(module.id, audience)]
        for tag, attrs in page.tags:
            assert tag not in ("script", "link", "iframe", "object", "embed"), (module.id, tag)
            if tag in LOADING_TAGS:
                for name in LOADING_ATTRS:
                    value = attrs.get(name) or ""
                    assert not EXTERNAL.match(value), (module.id, tag, name, value)
        css = " ".join(page.styles).lower()
        assert "@import" not in css
        assert "url(" not in css
        assert "@font-face" not in css


def test_external_reference_links_are_only_links(real_course, pages):
    page = pages[("history", "staff")]
    hrefs = [a.get("href", "") for tag, a in page.tags if tag == "a"]
    external = [h for h in hrefs if EXTERNAL.match(h)]
    assert external == [r.url for r in real_course.module("history").references if r.url]
    assert all(h.startswith("#") for h in hrefs if h not in external)


def test_html_has_one_h1_and_never_skips_a_heading_level(pages):
    for key, page in pages.items():
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1, key
        assert levels[0] == 1, key
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (key, before, after)


def test_html_is_english_with_landmarks_and_unique_ids(pages):
    for key, page in pages.items():
        tags = [tag for tag, _ in page.tags]
        html_attrs = next(a for tag, a in page.tags if tag == "html")
        assert html_attrs.get("lang") == "en"
        assert tags.count("main") == 1 and "header" in tags and "footer" in tags
        assert any(tag == "nav" and a.get("aria-label") for tag, a in page.tags)
        assert len(page.ids) == len(set(page.ids)), key
        for tag, attrs in page.tags:
            if tag == "a" and (attrs.get("href") or "").startswith("#"):
                assert attrs["href"][1:] in page.ids


def test_every_table_header_has_a_scope(pages):
    for key, page in pages.items():
        headers = [a for tag, a in page.tags if tag == "th"]
        assert headers, key
        assert all(a.get("scope") in ("col", "row") for a in headers)


def test_print_stylesheet_puts_each_slide_on_its_own_page_and_prints_link_addresses(packs):
    text = packs[("history", "staff")]
    assert "@media print" in text
    print_css = text[text.index("@media print") :]
    assert re.search(r"\.slide \{[^}]*break-after: page", print_css)
    assert 'content: " (" attr(href) ")"' in print_css
    assert "color: #000" in print_css and "background: #fff" in print_css


def test_all_content_is_escaped(real_course):
    module = real_course.module("history")
    hostile = module.model_copy(update={"title": 'Tricks <script>alert("x")</script> & <b>bold</b>'})
    course = real_course.model_copy(update={"modules": (hostile, *real_course.modules[1:])})
    text = facilitator_pack_html(course, "history", "public")
    assert "<script>" not in text and "<b>bold" not in text
    assert "Tricks &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text


def test_unknown_module_is_refused_with_the_known_ids(real_course):
    with pytest.raises(UnknownModule, match="known modules: history, nmda-mechanism"):
        facilitator_pack_html(real_course, "nope", "staff")


# --------------------------------------------------------------------------- PDF
# One small pack here (History, public); every module in both audiences: tests/pdf/.


def check_slide_pages(course, module_id: str, audience: str, pack) -> None:
    """Each slide has exactly one landscape page, in order, and the notes follow them."""
    # Imported here: only tests/pdf/ calls these helpers, and tests/unit need not load the PDF
    # readers to collect this file.
    import pypdf

    from tests.pdfua import pages_text

    slides = build_slides(course, module_id, audience)
    assert pack.slide_pages == len(slides)
    pages = pages_text(pack.data)
    sizes = [tuple(round(float(v), 2) for v in p.mediabox[2:]) for p in pypdf.PdfReader(io.BytesIO(pack.data)).pages]
    for slide, text, size in zip(slides, pages, sizes, strict=False):
        assert f"Slide {slide.number} of {slide.total}" in text
        assert size == (841.89, 595.28)  # A4 landscape, not a portrait page
    after = pages[len(slides)]
    assert "Slide " + str(len(slides)) + " of" not in after
    assert "Speaker notes" in after
    assert sizes[len(slides)] == (595.28, 841.89)  # then A4 portrait


def check_parts(pack, scenarios: bool = False) -> None:
    """The printed parts start in order; `scenarios`: the module has a scenario discussion sheet."""
    starts = pack.part_pages
    order = ["slides", "speaker-notes", "crisis-disclosure", "handout", *(["scenarios"] if scenarios else []), "quiz"]
    order += ["answer-key", "references"]
    assert list(starts) == order
    assert starts["slides"] == 1
    assert starts["speaker-notes"] == pack.slide_pages + 1
    assert [starts[p] for p in order] == sorted(starts[p] for p in order)
    assert starts["references"] <= pack.page_count
    from tests.pdfua import pages_text

    pages = pages_text(pack.data)
    for part, title in (
        ("crisis-disclosure", "If someone discloses a crisis"),
        ("handout", "Handout: "),
        ("answer-key", "Answer key"),
        ("references", "References"),
    ):
        assert title in pages[starts[part] - 1], part


# --------------------------------------------------------------------------- CLI


def run(*args: str, cwd: Path = ROOT) -> Completed:
    # In this process (tests/cli/ runs `python -m course` itself as a subprocess).
    return run_cli(*args, cwd=cwd)


def test_cli_writes_an_html_pack_where_asked_and_prints_the_path(tmp_path):
    out = tmp_path / "packs" / "history.html"
    result = run("export", "--module", "history", "--format", "html", "--audience", "staff", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "History: from anaesthetic to antidepressant" in text


def test_cli_default_audience_is_the_public_one(tmp_path):
    out = tmp_path / "h.html"
    assert run("export", "--module", "history", "--format", "html", "--out", str(out)).returncode == 0
    assert "0.5 mg/kg" not in out.read_text(encoding="utf-8")
    assert "the public (plain language)" in out.read_text(encoding="utf-8")


def test_cli_unknown_module_exits_2_and_names_the_known_ids(real_course, tmp_path):
    result = run("export", "--module", "nope", "--format", "html", "--out", str(tmp_path / "x.html"))
    assert result.returncode == 2
    assert "nope" in result.stderr
    for module in real_course.modules:
        assert module.id in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_cli_refuses_an_unknown_format_or_audience():
    assert run("export", "--module", "history", "--format", "docx").returncode == 2
    assert run("export", "--module", "history", "--format", "html", "--audience", "kids").returncode == 2


def test_cli_out_naming_a_folder_writes_the_pack_into_it_under_its_usual_name(tmp_path):
    # --out FOLDER failed with "Is a directory".
    result = run("export", "--module", "history", "--format", "html", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "history-facilitator-pack.html")
    assert (tmp_path / "history-facilitator-pack.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_out_under_a_file_says_which_part_is_a_file(tmp_path):
    # It said "[Errno 17] File exists", the operating system's words for a different problem.
    (tmp_path / "notes").write_text("not a folder", encoding="utf-8")
    result = run("export", "--module", "history", "--format", "html", "--out", str(tmp_path / "notes" / "x" / "h.html"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: cannot write {tmp_path / 'notes' / 'x' / 'h.html'}: {tmp_path / 'notes'} is a file, not a folder"
    )
    assert (tmp_path / "notes").read_text(encoding="utf-8") == "not a folder"


def test_cli_without_pango_says_which_debian_packages_to_install(tmp_path, monkeypatch, capsys):
    from course import cli, html_pdf

    def no_pango():
        raise html_pdf.PdfUnavailable(
            "PDFs cannot be made on this server: Pango is not installed (cannot load library 'libpango-1.0-0'). "
            f"Run: sudo apt-get install -y {html_pdf.PANGO_PACKAGES} (scripts/_setup.sh installs them)"
        )

    monkeypatch.setattr(html_pdf, "_weasyprint", no_pango)
    monkeypatch.setattr(cli, "load_course", load_shared)  # the session's one load, as run_cli does
    out = tmp_path / "h.pdf"
    assert cli.main(["export", "--module", "history", "--format", "pdf", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: PDFs cannot be made on this server: Pango is not installed")
    assert "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0" in err
    assert not out.exists()
