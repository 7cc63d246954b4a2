"""Facilitator packs: one module, ready to teach from, as a single HTML file or a PDF.

A pack holds the slides with speaker notes, a plain-language handout, the module quiz with an
answer key and explanations, and the full references. `build_pack` gathers all of that as
plain data; `facilitator_pack_html` and `facilitator_pack_pdf` lay the same data out.

The package, one concern a module:
- `model`: the pack as plain data (`Pack`, `build_pack`, `audience_questions`).
- `svg`: the inline SVG charts of figure slides.
- `css`: the stylesheet for screen and print.
- `html`: the one HTML document (`pack_html`, `facilitator_pack_html`).
- `pdf`: the tagged PDF printed from that HTML (`render_pack_pdf`, `facilitator_pack_pdf`).
Colours come from `course.palette`, shared with the app's charts.

Promises the tests hold us to:
- The HTML works offline. It loads nothing: no scripts, stylesheets, fonts or images from
  anywhere. Figures are inline SVG drawn here, each with a title, a description and a data
  table beside it. Reference URLs appear as links a reader may follow, never as things the
  page fetches.
- A public pack shows only plain-language text and only the quiz questions a public track
  sees, so it never carries doses (see `course.slides`).
- A pack in Spanish (`lang="es"`, public audience only) shows everything a room or a reader sees
  in Spanish; speaker notes, discussion prompts and references stay English, each marked
  `lang="en"`. An English pack is byte for byte what it was before packs had a language.
- The PDF gives each slide exactly one landscape page; text that would not fit is set
  smaller, never carried over to a second page.
"""

from __future__ import annotations

from course.export.html import PARTS, PRINTED_PARTS, facilitator_pack_html, pack_html
from course.export.model import (
    CRISIS_DISCLOSURE_STEPS,
    FORMATS,
    PACK_LANGUAGES,
    Format,
    HandoutSection,
    Pack,
    PackLanguageError,
    QuizEntry,
    ReferenceEntry,
    audience_questions,
    build_pack,
    check_language,
    default_filename,
    pack_course,
)
from course.export.pdf import MAX_FIT, PdfPack, facilitator_pack_pdf, render_pack_pdf
from course.export.svg import chart_domain, chart_rows, svg_chart

__all__ = [
    "CRISIS_DISCLOSURE_STEPS",
    "FORMATS",
    "MAX_FIT",
    "PACK_LANGUAGES",
    "PARTS",
    "PRINTED_PARTS",
    "Format",
    "HandoutSection",
    "Pack",
    "PackLanguageError",
    "PdfPack",
    "QuizEntry",
    "ReferenceEntry",
    "audience_questions",
    "build_pack",
    "chart_domain",
    "chart_rows",
    "check_language",
    "default_filename",
    "facilitator_pack_html",
    "facilitator_pack_pdf",
    "pack_course",
    "pack_html",
    "render_pack_pdf",
    "svg_chart",
]
