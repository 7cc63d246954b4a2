"""The facilitator pack as a tagged PDF (PDF/UA-1), printed by WeasyPrint
(`course.html_pdf`) from the pack's own HTML: each slide gets exactly one landscape page (text
that would not fit is set smaller, never carried over to a second page), then speaker notes,
handout, quiz, answer key and references on portrait pages. `render_pack_pdf` also returns
where each part starts, for the tests and the page map.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.export.html import PRINTED_PARTS, pack_html
from course.export.model import Pack, build_pack
from course.i18n import DEFAULT
from course.schema import Course
from course.slides import Audience


@dataclass(frozen=True)
class PdfPack:
    """The PDF and where its parts start (1-based page numbers)."""

    data: bytes
    page_count: int
    slide_pages: int  # pages in the slides part: one per slide
    part_pages: dict[str, int]
    page_sizes: tuple[tuple[float, float], ...] = ()  # (width, height) in points, per page


MAX_FIT = 5  # the smallest printed slide size (.slide.fit-5 in the stylesheet)


def facilitator_pack_pdf(
    course: Course,
    module_id: str,
    audience: Audience,
    lang: str = DEFAULT,
    *,
    root: Path | str | None = None,
    compress: bool = True,
) -> bytes:
    """The pack as a tagged PDF (PDF/UA-1): one landscape page per slide, then speaker notes,
    handout, quiz, answer key and references on portrait pages. In `lang` (see `build_pack`);
    the PDF's /Lang is the HTML's `lang`, which WeasyPrint carries over."""
    return render_pack_pdf(build_pack(course, module_id, audience, lang, root=root), compress=compress).data


def _overflowing(pack: Pack, anchors: dict[str, int]) -> list[int]:
    """Slides that run onto a second page: the next slide (or the notes) starts more than one
    page after them."""
    out = []
    for i, slide in enumerate(pack.slides):
        following = f"slide-{pack.slides[i + 1].number}" if i + 1 < len(pack.slides) else "speaker-notes"
        if anchors[following] - anchors[f"slide-{slide.number}"] > 1:
            out.append(slide.number)
    return out


def render_pack_pdf(pack: Pack, *, compress: bool = True) -> PdfPack:
    """The pack's HTML printed by WeasyPrint as PDF/UA-1, with its page map. A slide that
    would run onto a second page is laid out again in a smaller size, step by step, so each
    slide keeps exactly one page. `compress=False` leaves the page content readable (tests)."""
    from course import html_pdf

    fit: dict[int, int] = {}
    while True:
        document = html_pdf.layout(pack_html(pack, fit=fit))
        anchors = html_pdf.anchors_of(document)
        over = [n for n in _overflowing(pack, anchors) if fit.get(n, 0) < MAX_FIT]
        if not over:
            break
        for number in over:
            fit[number] = fit.get(number, 0) + 1
    descriptions = {s.figure.title: s.figure.alt for s in pack.slides if s.figure is not None}
    rendered = html_pdf.write_pdf(document, compress=compress, figure_descriptions=descriptions)
    parts = {part: anchors[part] for part in PRINTED_PARTS if part in anchors}
    parts["slides"] = anchors[f"slide-{pack.slides[0].number}"]
    return PdfPack(
        data=rendered.data,
        page_count=rendered.page_count,
        slide_pages=anchors["speaker-notes"] - 1,
        part_pages=parts,
        page_sizes=rendered.page_sizes,
    )
