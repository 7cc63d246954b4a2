"""The pack's stylesheet: how the one HTML document looks on screen and, printed (by a
browser, or by WeasyPrint for the course's PDF), as a deck of landscape slides followed by
portrait pages of notes, handout, quiz, answer key and references. Its colours are
`course.palette`'s, written in lower case as before.

The stylesheet's English page numbers ("Page 3 of 40") are the English pack's; `page_css` gives
a pack in another language its own running header and page numbers from the catalogue.
"""

from __future__ import annotations

import re
from string import Template

from course.export.model import Pack
from course.i18n import DEFAULT, gettext_for
from course.palette import ACCENT_COLOUR, HEADING_COLOUR, TEXT_COLOUR
from course.slides import sentences

# `$text`, `$heading` and `$accent` are the palette's colours; CSS itself never uses "$".
_TEMPLATE = Template(
    """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: $text;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  font-size: 1.05rem; line-height: 1.55; }
.wrap { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
.skip-link { position: absolute; left: 1rem; top: -4rem; background: $heading; color: #fff; padding: .5rem 1rem; }
.skip-link:focus { top: 1rem; }
a { color: $heading; }
a:focus-visible, .skip-link:focus { outline: 3px solid $accent; outline-offset: 2px; }
header.site { border-bottom: 3px solid $heading; padding: 1rem 0 .5rem; }
header.site p { margin: 0; font-weight: 600; }
.site-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: .5rem 0 0; }
h1 { color: $heading; font-size: 2rem; line-height: 1.2; margin: 1.5rem 0 .75rem; }
h2 { color: $heading; font-size: 1.6rem; border-bottom: 1px solid #bbb; padding-bottom: .25rem; margin-top: 2.5rem; }
h3 { font-size: 1.3rem; margin: .25rem 0 .75rem; }
h4 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
.notice { border-left: 6px solid $accent; background: #fff4ec; padding: .75rem 1rem; }
.slide { border: 2px solid $heading; border-radius: 10px; padding: 1.25rem 1.5rem; margin: 1.5rem 0; }
.slide-count { margin: 0; font-size: .9rem; color: #444; }
.slide-body { font-size: 1.25rem; }
.slide-title h3 { font-size: 1.9rem; color: $heading; }
.course-name { font-weight: 600; color: $heading; }
.discuss { border: 2px dashed $heading; border-radius: 8px; padding: .25rem 1rem; margin: 1rem 0; font-size: 1.15rem; }
.notes { background: #f3f3f3; border-left: 6px solid #555; padding: .25rem 1rem .5rem; margin-top: 1rem; font-size: .98rem; }
.notes .next { color: #333; font-style: italic; }
.figure-layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.25rem; align-items: start; }
@media (max-width: 48rem) { .figure-layout { grid-template-columns: 1fr; } }
figure { margin: 0; }
figcaption { font-size: 1rem; margin-top: .5rem; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 15px; font-family: inherit; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; margin-bottom: .25rem; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e8eef4; }
.alt { font-size: .98rem; }
.question { margin: 0 0 1.5rem; }
.options { margin: .25rem 0; list-style-type: upper-alpha; }  /* the answer key names options A, B, C */
.hint { font-style: italic; margin: .25rem 0; }
.answer { border-left: 4px solid $heading; padding-left: .75rem; }
.references li { margin-bottom: .5rem; overflow-wrap: anywhere; }
footer.site { border-top: 1px solid #bbb; margin-top: 3rem; padding: 1rem 0 2rem; font-size: .95rem; }

@media screen { .print-only { display: none; } }

/* Print: the same document as a deck and handouts. WeasyPrint makes the course's PDF from this
   stylesheet (course.html_pdf), and a browser prints the HTML file the same way. */
@media print {
  @page { size: A4; margin: 18mm 16mm 20mm;
    @top-left { font-size: 8pt; color: #444; vertical-align: bottom; padding-bottom: 3mm; }
    @top-right { font-size: 8pt; color: #444; vertical-align: bottom; padding-bottom: 3mm; }
    @bottom-left { font-size: 8pt; color: #444; vertical-align: top; padding-top: 3mm; width: 75%; }
    @bottom-right { font-size: 8pt; color: #444; vertical-align: top; padding-top: 3mm;
      content: "Page " counter(page) " of " counter(pages); }
  }
  @page slide { size: A4 landscape; margin: 15mm 16mm 17mm; }
  html, body { background: #fff !important; color: #000 !important; font-size: 10.5pt; line-height: 1.4;
    font-family: "Noto Sans", "DejaVu Sans", sans-serif; }
  .skip-link, .site-nav, header.site, .screen-only, .intro-notice, #about { display: none; }
  .wrap { max-width: none; padding: 0; }
  h1, h2, h3, h4, a, .course-name, .slide-title h3 { color: #000; }
  h1 { page: slide; font-size: 15pt; margin: 0 0 1mm; }
  h2 { font-size: 17pt; margin: 0 0 4mm; border-bottom: 1.5px solid $heading; }
  h3 { font-size: 12.5pt; margin: 5mm 0 2mm; break-after: avoid; }
  h4 { font-size: 11pt; margin: 3mm 0 1mm; break-after: avoid; }
  p, li { orphans: 2; widows: 2; }
  a { text-decoration: underline; }
  a[href^="http"]:not(.url)::after { content: " (" attr(href) ")"; overflow-wrap: anywhere; }
  #slides { page: slide; }
  #slides-heading { font-size: 10pt; font-weight: normal; color: #333; border: 0; margin: 0 0 3mm; }
  .notice { background: #fff; border: 1px solid #000; border-left-width: 6px; padding: 2mm 4mm; }
  thead th { background: #fff; }
  th, td { border-color: #000; }
  svg.chart .bar, svg.chart .mark { fill: $heading; }
  svg.chart .grid { stroke: #999; }
  svg.chart text { fill: #000; }
  #speaker-notes, #crisis-disclosure, #handout, #scenarios, #quiz, #answer-key, #references { break-before: page; }
  /* A discussion sheet is read aloud a paragraph or a choice at a time, and a reference is looked
     up whole: none splits across pages. */
  #scenarios p, #scenarios li, .references li { break-inside: avoid; }
  .question, .answer-item, table, figure, .run-notes { break-inside: avoid; }
  footer.site { border-top: 1px solid #000; font-size: 9pt; }

  /* One slide, one landscape page. render_pack_pdf sets a slide that would not fit in a
     smaller size (fit-1 ... fit-5) instead of letting it run onto a second page. */
  .slide { page: slide; break-after: page; break-inside: avoid; border: 0; border-radius: 0; margin: 0;
    padding: 0; font-size: 19pt; line-height: 1.3; }
  .slide.fit-1 { font-size: 16pt; } .slide.fit-2 { font-size: 14pt; } .slide.fit-3 { font-size: 12pt; }
  .slide.fit-4 { font-size: 10pt; } .slide.fit-5 { font-size: 8.5pt; }
  .slide-count { font-size: 9pt; color: #333; margin: 0 0 1mm; }
  .slide h3 { font-size: 1.55em; color: $heading; margin: 0 0 .5em; padding-bottom: .2em;
    border-bottom: 2px solid $heading; }
  .slide-title h3 { font-size: 2em; margin-top: 8mm; }
  .slide-body { font-size: 1em; }
  .slide p, .slide li { margin: 0 0 .45em; }
  .slide ul, .slide ol { margin: 0 0 .45em; padding-left: 1.3em; }
  .slide .notice { font-size: .7em; margin-top: 1em; }
  .slide .discuss { font-size: .8em; border: 1.5px dashed $heading; padding: .2em .8em; }
  .slide .discuss h4 { font-size: 1em; margin: .3em 0; }
  .slide-references .slide-body { font-size: .62em; }
  .slide-figure { font-size: 11pt; }
  .slide-figure h3 { font-size: 1.6em; }
  .slide-figure .figure-layout { display: grid; grid-template-columns: minmax(0, 11fr) minmax(0, 9fr); gap: 7mm; }
  .slide-figure svg.chart { max-height: 105mm; }
  .slide-figure figcaption { font-size: 1em; }
  .slide-figure table { font-size: .85em; }
  .slide-figure th, .slide-figure td { padding: 1px 4px; }
  .slide-figure .alt { font-size: .85em; }

  /* Speaker notes, once for each run of slides that share them. */
  .run-notes h3 { color: $heading; }
  .run-notes .discuss-note, .run-notes .next { font-style: italic; }
}
"""
)
STYLESHEET = _TEMPLATE.substitute(
    text=TEXT_COLOUR.lower(), heading=HEADING_COLOUR.lower(), accent=ACCENT_COLOUR.lower()
)


def css_string(text: str) -> str:
    """`text` as a CSS string literal, safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return '"' + escaped.replace("<", "\\3c ").replace(">", "\\3e ") + '"'


def _counters(message: str) -> str:
    """A message with `{page}` and `{pages}` as CSS `content`: strings and page counters."""
    pieces = []
    for piece in re.split(r"(\{pages?\})", message):
        if piece in ("{page}", "{pages}"):
            pieces.append(f"counter({piece[1:-1]})")
        elif piece:
            pieces.append(css_string(piece))
    return " ".join(pieces)


def page_css(pack: Pack) -> str:
    """The printed pages' running header and footer for this pack (page-margin boxes: the PDF
    marks them as artifacts, as PDF/UA asks of pagination), in the pack's language."""
    header = gettext_for(pack.lang, "{title}: facilitator pack").format(title=pack.module.title)
    notice = sentences(pack.notice)[0]
    # The English page numbers are in STYLESHEET; another language overrides them here.
    page_of = gettext_for(pack.lang, "Page {page} of {pages}")
    numbers = f"@bottom-right {{ content: {_counters(page_of)}; }} " if pack.lang != DEFAULT else ""
    return (
        "@media print { @page { "
        f"@top-left {{ content: {css_string(pack.course_title)}; }} "
        f"@top-right {{ content: {css_string(header)}; }} "
        f"@bottom-left {{ content: {css_string(notice)}; }} {numbers}}} }}"
    )
