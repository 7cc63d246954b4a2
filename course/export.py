"""Facilitator packs: one module, ready to teach from, as a single HTML file or a PDF.

A pack holds the slides with speaker notes, a plain-language handout, the module quiz with an
answer key and explanations, and the full references. `build_pack` gathers all of that as
plain data; `facilitator_pack_html` and `facilitator_pack_pdf` lay the same data out.

Promises the tests hold us to:
- The HTML works offline. It loads nothing: no scripts, stylesheets, fonts or images from
  anywhere. Figures are inline SVG drawn here, each with a title, a description and a data
  table beside it. Reference URLs appear as links a reader may follow, never as things the
  page fetches.
- A public pack shows only plain-language text and only the quiz questions a public track
  sees, so it never carries doses (see `course.slides`).
- The PDF gives each slide exactly one landscape page; text that would not fit is set
  smaller, never carried over to a second page.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from dataclasses import dataclass
from typing import Literal

from course.scenario_sheet import pack_scenarios, scenarios_html
from course.schema import BranchingScenario, Course, Crisis, Figure, Gradable, Module, Quiz, Scenario
from course.slides import (
    Audience,
    FigureTable,
    Slide,
    build_slides,
    check_audience,
    citation_numbers,
    find_module,
    format_value,
    number_citations,
    section_text,
    sentences,
    strip_marker,
    text_blocks,
)

# The palette of course.charts (not imported: that would pull in Altair for a static file).
BAR_COLOUR = "#0072B2"  # Okabe-Ito blue, 5.3:1 on white
TEXT_COLOUR = "#1A1A1A"
GRID_COLOUR = "#D0D0D0"
HEADING_COLOUR = "#1F4E79"

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --------------------------------------------------------------------------- the pack as data

# What a facilitator does when someone discloses a crisis during a session (docs/presenter.md
# has the full script), after the five action steps of #BeThe1To, the 988 Lifeline's campaign.
CRISIS_DISCLOSURE_STEPS: tuple[str, ...] = (
    "Pause and acknowledge: \u201cThank you for telling me. Can we talk, just the two of us?\u201d "
    "Call a break or ask a co-facilitator to carry on.",
    "Ask directly: \u201cAre you thinking about suicide?\u201d Asking does not put the idea in their head.",
    "Be there: listen, do not judge or argue, and do not promise to keep it secret.",
    "If they are in immediate danger, call the emergency number (911 in the US) and stay with them until help arrives.",
    "Help them connect: offer to call or text a crisis line together now (988 in the US), or their own clinician.",
    "Follow up: with their agreement, check in after the session. Do not tell the room what they said, "
    "and do not give advice about medicines or treatment.",
)


@dataclass(frozen=True)
class QuizEntry:
    number: int  # 1-based, in the order the audience sees the questions
    scenario: Scenario | None
    question: Gradable
    options: tuple[tuple[str, str], ...]  # (letter, option text); empty for true/false
    answer: tuple[str, ...]  # the correct answer, one line per chosen or ordered option
    explanation: str
    source: str | None  # the reference number, "[n]", when the question names one


@dataclass(frozen=True)
class HandoutSection:
    heading: str
    paragraphs: tuple[str, ...]  # list items start with a marker, as on slides


@dataclass(frozen=True)
class ReferenceEntry:
    number: int
    citation: str
    url: str | None


@dataclass(frozen=True)
class Pack:
    course_title: str
    course_version: str
    notice: str
    module: Module
    audience: Audience
    slides: tuple[Slide, ...]
    handout: tuple[HandoutSection, ...]
    takeaways: tuple[str, ...]
    quiz_title: str
    quiz_intro: str | None
    questions: tuple[QuizEntry, ...]
    references: tuple[ReferenceEntry, ...]
    crisis: Crisis | None = None  # the course's crisis services, shown with the notice
    crisis_steps: tuple[str, ...] = CRISIS_DISCLOSURE_STEPS  # for the facilitator, not the handout
    scenarios: tuple[BranchingScenario, ...] = ()  # the module's scenarios this audience sees (HTML sheet)


def audience_questions(course: Course, quiz: Quiz, audience: Audience) -> list[tuple[Scenario | None, Gradable]]:
    """Every gradable question some track of `audience` sees, with its scenario if any.

    A question limited to tracks is shown only if one of them has this audience; inside a
    scenario both the scenario's and the question's own limits apply, so a public pack never
    shows a staff-only question.
    """
    track_ids = {t.id for t in course.settings.tracks if t.audience == audience}

    def visible(tracks: list[str] | None) -> bool:
        return tracks is None or bool(track_ids & set(tracks))

    out: list[tuple[Scenario | None, Gradable]] = []
    for q in quiz.questions:
        if not visible(q.tracks):
            continue
        if isinstance(q, Scenario):
            out.extend((q, sub) for sub in q.questions if visible(sub.tracks))
        else:
            out.append((None, q))
    return out


def _answer(question: Gradable, letters: dict[str, str]) -> tuple[str, ...]:
    if question.type == "true_false":
        return ("True" if question.answer else "False",)
    text = {o.id: o.text for o in question.options}
    if question.type == "single":
        return (f"{letters[question.answer]}. {text[question.answer]}",)
    if question.type == "multiple":
        return tuple(f"{letters[a]}. {text[a]}" for a in question.answer)
    return tuple(f"{i}. {text[a]} ({letters[a]})" for i, a in enumerate(question.answer, start=1))


def _quiz_entries(course: Course, module: Module, audience: Audience) -> tuple[QuizEntry, ...]:
    quiz = course.quizzes[module.quiz]
    numbers = citation_numbers(module)
    entries = []
    for n, (scenario, q) in enumerate(audience_questions(course, quiz, audience), start=1):
        options: tuple[tuple[str, str], ...] = ()
        letters: dict[str, str] = {}
        if q.type != "true_false":
            letters = {o.id: _LETTERS[i] for i, o in enumerate(q.options)}
            options = tuple((letters[o.id], o.text) for o in q.options)
        source = f"[{numbers[q.reference]}]" if q.reference in numbers else None
        entries.append(QuizEntry(n, scenario, q, options, _answer(q, letters), q.explanation, source))
    return tuple(entries)


def _handout(module: Module, numbers: dict[str, int]) -> tuple[HandoutSection, ...]:
    """The plain-language text of every section, whole paragraphs, for everyone in the room."""
    out = []
    for section in module.sections:
        paragraphs: list[str] = []
        for block in text_blocks(section_text(section, "public")):
            paragraphs += [number_citations(p, numbers) for p in (*block.lead, *block.items)]
        out.append(HandoutSection(section.heading, tuple(paragraphs)))
    return tuple(out)


def build_pack(course: Course, module_id: str, audience: Audience) -> Pack:
    audience = check_audience(audience)
    module = find_module(course, module_id)
    numbers = citation_numbers(module)
    quiz = course.quizzes[module.quiz]
    return Pack(
        course_title=course.settings.title,
        course_version=course.settings.version,
        notice=" ".join(course.settings.notice.split()),
        module=module,
        audience=audience,
        slides=tuple(build_slides(course, module_id, audience)),
        handout=_handout(module, numbers),
        takeaways=tuple(module.shown_takeaways("public")),  # the handout's: plain language for everyone
        crisis=course.settings.crisis,
        quiz_title=quiz.title,
        quiz_intro=quiz.intro,
        questions=_quiz_entries(course, module, audience),
        references=tuple(ReferenceEntry(numbers[r.id], " ".join(r.citation.split()), r.url) for r in module.references),
        scenarios=pack_scenarios(course, module, audience),
    )


def default_filename(module_id: str, fmt: Format) -> str:
    return f"{module_id}-facilitator-pack.{fmt}"


def _audience_label(audience: Audience) -> str:
    return "clinic staff (full clinical text)" if audience == "staff" else "the public (plain language)"


def _question_hint(question: Gradable) -> str:
    if question.type == "true_false":
        return "True or false?"
    if question.type == "ordering":
        return "Put these in order."
    if question.type == "multiple":
        return "" if "all that apply" in question.prompt.lower() else "Choose all that apply."
    return "Choose one answer."


# --------------------------------------------------------------------------- inline SVG charts


def _nice_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / (most - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    ticks = []
    value = first
    while value <= hi + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


@dataclass(frozen=True)
class _ChartRow:
    label: str
    value: float
    text: str  # the value as written beside the mark


def chart_rows(figure: Figure) -> list[_ChartRow]:
    """Rows in drawing order: timelines earliest first, bars in the author's order."""
    points = sorted(figure.data, key=lambda p: p.value) if figure.type == "timeline" else list(figure.data)
    return [_ChartRow(p.label, p.value, format_value(figure, p.value)) for p in points]


def chart_domain(figure: Figure) -> tuple[float, float]:
    values = [p.value for p in figure.data]
    if figure.type == "timeline":
        lo, hi = min(values), max(values)
        pad = max(2.0, (hi - lo) * 0.08)
        return lo - pad, hi + pad
    lo, hi = min(0.0, *values), max(0.0, *values)
    return lo, hi if hi > lo else lo + 1


def svg_chart(figure: Figure, dom_id: str) -> str:
    """A self-contained SVG of a bar or timeline figure: one row per data point, its label
    to the left (wrapped, never cut) and its value written beside the mark, so nothing
    depends on colour or on hovering."""
    e = html.escape
    width, label_w, right, top, line_h = 640, 220, 76, 6, 18
    plot_x = label_w + 12
    plot_w = width - plot_x - right
    rows = chart_rows(figure)
    lo, hi = chart_domain(figure)

    def x(value: float) -> float:
        return plot_x + (value - lo) / (hi - lo) * plot_w

    body: list[str] = []
    y = top
    for row in rows:
        lines = textwrap.wrap(row.label, 25) or [row.label]
        row_h = 14 + line_h * len(lines)
        mid = y + row_h / 2
        first = mid - (len(lines) - 1) * line_h / 2 + 5
        tspans = "".join(
            f'<tspan x="{label_w}" y="{first + k * line_h:.1f}">{e(line)}</tspan>' for k, line in enumerate(lines)
        )
        body.append(f'<text class="label" text-anchor="end" fill="{TEXT_COLOUR}">{tspans}</text>')
        if figure.type == "bar":
            x0, x1 = sorted((x(0.0), x(row.value)))
            body.append(
                f'<rect class="bar" x="{x0:.1f}" y="{mid - 8:.1f}" width="{max(x1 - x0, 1):.1f}" height="16" '
                f'fill="{BAR_COLOUR}"/>'
            )
            end = x1
        else:
            cx = x(row.value)
            points = f"{cx:.1f},{mid - 8:.1f} {cx + 8:.1f},{mid:.1f} {cx:.1f},{mid + 8:.1f} {cx - 8:.1f},{mid:.1f}"
            body.append(f'<polygon class="mark" points="{points}" fill="{BAR_COLOUR}"/>')
            end = cx + 8
        body.append(
            f'<text class="value" x="{end + 6:.1f}" y="{mid + 5:.1f}" fill="{TEXT_COLOUR}">{e(row.text)}</text>'
        )
        y += row_h
    axis_y = y + 4
    height = axis_y + 46
    grid: list[str] = []
    for tick in _nice_ticks(lo, hi, 7 if figure.type == "timeline" else 6):
        tx = x(tick)
        grid.append(f'<line class="grid" x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{axis_y}" stroke="{GRID_COLOUR}"/>')
        grid.append(
            f'<text class="tick" x="{tx:.1f}" y="{axis_y + 18}" text-anchor="middle" fill="{TEXT_COLOUR}">'
            f"{e(format_value(figure, float(tick)))}</text>"
        )
    return "\n".join(
        [
            f'<svg class="chart" role="img" aria-labelledby="{dom_id}-title {dom_id}-desc" '
            f'viewBox="0 0 {width} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet">',
            f'<title id="{dom_id}-title">{e(figure.title)}</title>',
            f'<desc id="{dom_id}-desc">{e(figure.alt)}</desc>',
            *grid,
            *body,
            f'<line class="axis" x1="{plot_x}" y1="{axis_y:.1f}" x2="{plot_x + plot_w}" y2="{axis_y:.1f}" '
            f'stroke="{TEXT_COLOUR}"/>',
            f'<text class="axis-title" x="{plot_x + plot_w / 2:.1f}" y="{axis_y + 40:.1f}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{e(figure.value_title)}</text>',
            "</svg>",
        ]
    )


# --------------------------------------------------------------------------- HTML

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1a1a1a;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  font-size: 1.05rem; line-height: 1.55; }
.wrap { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
.skip-link { position: absolute; left: 1rem; top: -4rem; background: #1f4e79; color: #fff; padding: .5rem 1rem; }
.skip-link:focus { top: 1rem; }
a { color: #1f4e79; }
a:focus-visible, .skip-link:focus { outline: 3px solid #d55e00; outline-offset: 2px; }
header.site { border-bottom: 3px solid #1f4e79; padding: 1rem 0 .5rem; }
header.site p { margin: 0; font-weight: 600; }
.site-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: .5rem 0 0; }
h1 { color: #1f4e79; font-size: 2rem; line-height: 1.2; margin: 1.5rem 0 .75rem; }
h2 { color: #1f4e79; font-size: 1.6rem; border-bottom: 1px solid #bbb; padding-bottom: .25rem; margin-top: 2.5rem; }
h3 { font-size: 1.3rem; margin: .25rem 0 .75rem; }
h4 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
.notice { border-left: 6px solid #d55e00; background: #fff4ec; padding: .75rem 1rem; }
.slide { border: 2px solid #1f4e79; border-radius: 10px; padding: 1.25rem 1.5rem; margin: 1.5rem 0; }
.slide-count { margin: 0; font-size: .9rem; color: #444; }
.slide-body { font-size: 1.25rem; }
.slide-title h3 { font-size: 1.9rem; color: #1f4e79; }
.course-name { font-weight: 600; color: #1f4e79; }
.discuss { border: 2px dashed #1f4e79; border-radius: 8px; padding: .25rem 1rem; margin: 1rem 0; font-size: 1.15rem; }
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
.answer { border-left: 4px solid #1f4e79; padding-left: .75rem; }
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
  h2 { font-size: 17pt; margin: 0 0 4mm; border-bottom: 1.5px solid #1f4e79; }
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
  svg.chart .bar, svg.chart .mark { fill: #1f4e79; }
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
  .slide h3 { font-size: 1.55em; color: #1f4e79; margin: 0 0 .5em; padding-bottom: .2em;
    border-bottom: 2px solid #1f4e79; }
  .slide-title h3 { font-size: 2em; margin-top: 8mm; }
  .slide-body { font-size: 1em; }
  .slide p, .slide li { margin: 0 0 .45em; }
  .slide ul, .slide ol { margin: 0 0 .45em; padding-left: 1.3em; }
  .slide .notice { font-size: .7em; margin-top: 1em; }
  .slide .discuss { font-size: .8em; border: 1.5px dashed #1f4e79; padding: .2em .8em; }
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
  .run-notes h3 { color: #1f4e79; }
  .run-notes .discuss-note, .run-notes .next { font-style: italic; }
}
"""

_NUMBERED = re.compile(r"^(\d+)\.$")


def _paragraphs_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    """Paragraphs as <p>; runs of list items as one <ul> or <ol>."""
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        if not run:
            return
        if _NUMBERED.match(run[0][0]):
            items = "".join(f'<li value="{_NUMBERED.match(m).group(1)}">{html.escape(t)}</li>' for m, t in run)
            out.append(f"<ol>{items}</ol>")
        else:
            out.append("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for _, t in run) + "</ul>")
        run.clear()

    for paragraph in paragraphs:
        marker, text = strip_marker(paragraph)
        if marker is None:
            flush()
            out.append(f"<p>{html.escape(paragraph)}</p>")
        else:
            if run and bool(_NUMBERED.match(run[-1][0])) != bool(_NUMBERED.match(marker)):
                flush()
            run.append((marker, text))
    flush()
    return "\n".join(out)


def _table_html(table: FigureTable, caption: str) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in table.headers)
    body = "".join(
        "<tr>" + f'<th scope="row">{e(row[0])}</th>' + "".join(f"<td>{e(c)}</td>" for c in row[1:]) + "</tr>"
        for row in table.rows
    )
    return f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _slide_html(pack: Pack, slide: Slide, fit: int = 0) -> str:
    """One slide and, on screen, its speaker notes under it. `fit` (1-5) sets a printed slide
    smaller so it keeps to one page (see `render_pack_pdf`)."""
    e = html.escape
    sid = f"slide-{slide.number}"
    count = f"Slide {slide.number} of {slide.total}"
    if slide.parts > 1:
        count += f" · part {slide.part} of {slide.parts}"
    fit_class = f" fit-{fit}" if fit else ""
    parts = [
        f'<article class="slide slide-{slide.kind}{fit_class}" id="{sid}" aria-labelledby="{sid}-heading">',
        f'<p class="slide-count">{e(count)}</p>',
        f'<h3 id="{sid}-heading">{e(slide.heading)}</h3>',
        '<div class="slide-body">',
    ]
    if slide.kind == "title":
        parts.append(f'<p class="course-name">{e(pack.course_title)}</p>')
    discuss = ""
    if slide.discussion_prompts:
        prompts = "".join(f"<li>{e(p)}</li>" for p in slide.discussion_prompts)
        discuss = f'<div class="discuss"><h4>Discuss</h4><ul>{prompts}</ul></div>'
    if slide.figure is not None and slide.table is not None:
        figure = slide.figure
        dom_id = f"fig-{slide.number}-{figure.id}"
        caption = " ".join(slide.paragraphs)
        # Chart, caption and discussion on the left; the same data as a table, and the
        # description, beside it: a printed figure slide then still fits one landscape page.
        parts.append('<div class="figure-layout"><div class="figure-main">')
        parts.append(f"<figure>{svg_chart(figure, dom_id)}<figcaption>{e(caption)}</figcaption></figure>")
        parts.append(discuss)
        parts.append('</div><div class="figure-data">')
        parts.append(_table_html(slide.table, f"Data: {figure.title}"))
        parts.append(f'<p class="alt"><strong>Description:</strong> {e(figure.alt)}</p>')
        parts.append("</div></div>")
    else:
        parts.append(_paragraphs_html(slide.paragraphs))
        if slide.notice:
            parts.append(f'<p class="notice">{e(slide.notice)}</p>')
        parts.append(discuss)
    parts.append("</div>")
    if slide.speaker_notes or slide.next_heading:
        # On screen the notes sit under their slide; printed, they get pages of their own after
        # the slides (`_speaker_notes_html`), so the slide pages can be projected as a deck.
        parts.append('<div class="notes screen-only"><h4>Speaker notes</h4>')
        if slide.speaker_notes:
            parts.append(f"<p>{e(slide.speaker_notes)}</p>")
        if slide.next_heading:
            parts.append(f'<p class="next">Next: {e(slide.next_heading)}</p>')
        parts.append("</div>")
    parts.append("</article>")
    return "\n".join(parts)


def _question_html(entry: QuizEntry, level: int, with_answer: bool) -> str:
    e = html.escape
    q = entry.question
    prefix = "key" if with_answer else "q"
    out = [
        f'<div class="question{" answer-item" if with_answer else ""}" id="{prefix}-{entry.number}">',
        f"<h{level}>Question {entry.number}</h{level}>",
        f'<p class="prompt">{e(q.prompt)}</p>',
    ]
    if not with_answer:
        hint = _question_hint(q)
        if hint:
            out.append(f'<p class="hint">{e(hint)}</p>')
        if entry.options:
            items = "".join(f"<li>{e(text)}</li>" for _, text in entry.options)
            out.append(f'<ol class="options" type="A">{items}</ol>')
    else:
        if len(entry.answer) == 1:
            out.append(f'<p class="answer"><strong>Answer:</strong> {e(entry.answer[0])}</p>')
        else:
            label = "Correct order:" if q.type == "ordering" else "Answers:"
            items = "".join(f"<li>{e(line)}</li>" for line in entry.answer)
            out.append(f'<div class="answer"><p><strong>{label}</strong></p><ul>{items}</ul></div>')
        source = f" Source: {entry.source}." if entry.source else ""
        out.append(f"<p><strong>Why:</strong> {e(entry.explanation)}{e(source)}</p>")
    out.append("</div>")
    return "\n".join(out)


def _quiz_html(pack: Pack, with_answer: bool) -> str:
    e = html.escape
    out: list[str] = []
    current: Scenario | None = None
    for entry in pack.questions:
        if entry.scenario is not None and entry.scenario is not current:
            out.append(f"<h3>Case: {e(entry.scenario.title)}</h3>")
            out.append(f'<p class="case">{e(entry.scenario.case)}</p>')
        current = entry.scenario
        out.append(_question_html(entry, 4 if entry.scenario is not None else 3, with_answer))
    return "\n".join(out)


def _link(url: str) -> str:
    # Only web addresses become links: anything else stays text, so nothing odd is clickable.
    if re.match(r"^https?://", url):
        return f'<a class="url" href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'
    return html.escape(url)


def _crisis_html(crisis: Crisis | None) -> str:
    """The crisis services as a list under the notice. The pack is printed and handed out, so
    each address is written out in full after its service's name (the pack's only links are
    its references and its own contents)."""
    if crisis is None:
        return ""
    e = html.escape

    def named(name: str, url: str | None) -> str:
        return f"<strong>{e(name)}</strong>" + (f" ({e(url)})" if url else "")

    items = [f"<li>{named(s.name, s.url)}: {e(s.contact)}</li>" for s in crisis.services]
    if crisis.elsewhere is not None:
        items.append(f"<li>Outside {e(crisis.region)}: {named(crisis.elsewhere.name, crisis.elsewhere.url)}</li>")
    return f'<div class="crisis"><p><strong>{e(crisis.heading)}</strong> ({e(crisis.region)}):</p><ul>{"".join(items)}</ul></div>'


def facilitator_pack_html(course: Course, module_id: str, audience: Audience) -> str:
    """The whole pack as one self-contained HTML document (UTF-8 text)."""
    return pack_html(build_pack(course, module_id, audience))


# Each part of the pack is one function from the pack to its <section>; `PARTS` puts them in
# order. A new part is one more function and one more entry (its id also starts a new page
# when printed: add it to the print stylesheet's `break-before: page` list).


def _about_html(pack: Pack) -> str:
    e = html.escape
    module = pack.module
    minutes = module.estimated_minutes
    n_questions = len(pack.questions)
    return f"""<section id="about" aria-labelledby="about-heading">
<h2 id="about-heading">About this pack</h2>
<p>This pack is for the person leading a session on <strong>{e(module.title)}</strong>
(about {minutes} minute{"s" if minutes != 1 else ""}). It is written for {e(_audience_label(pack.audience))}.</p>
<p>{e(module.shown_summary(pack.audience))}</p>
<ul>
<li>{len(pack.slides)} slides, each with speaker notes for you. Print this page and each slide comes out on its own
landscape page; the speaker notes follow the slides on pages of their own.</li>
<li>A plain-language handout to copy for everyone in the room.</li>
<li>The quiz ({n_questions} question{"s" if n_questions != 1 else ""}) on its own pages, then the answer key with explanations.</li>
<li>The full references. Numbers in square brackets, such as [1], point to this list.</li>
</ul>
<p>This file works offline: it loads nothing from the internet. Reference links open only if you choose to follow them.</p>
</section>"""


def _slides_part_html(pack: Pack, fit: dict[int, int]) -> str:
    slides_html = "\n".join(_slide_html(pack, s, fit.get(s.number, 0)) for s in pack.slides)
    return f"""<section id="slides" aria-labelledby="slides-heading">
<h2 id="slides-heading">Slides and speaker notes</h2>
{slides_html}
</section>"""


def _speaker_notes_html(pack: Pack) -> str:
    """The printed speaker notes: once for each run of slides that share them (a section's
    notes belong to all its slides). On screen each slide shows its own notes instead."""
    e = html.escape
    out = [
        '<section id="speaker-notes" class="print-only" aria-labelledby="speaker-notes-heading">',
        '<h2 id="speaker-notes-heading">Speaker notes</h2>',
    ]
    for run in _runs_with_same_notes(pack.slides):
        first, last = run[0], run[-1]
        numbers = f"Slide {first.number}" if first is last else f"Slides {first.number}–{last.number}"
        out.append('<div class="run-notes">')
        out.append(f"<h3>{e(numbers)}: {e(first.heading)}</h3>")
        if first.speaker_notes:
            out.append(f"<p>{e(first.speaker_notes)}</p>")
        for slide in run:
            for prompt in slide.discussion_prompts:
                out.append(f'<p class="discuss-note">Discuss (slide {slide.number}): {e(prompt)}</p>')
        if last.next_heading:
            out.append(f'<p class="next">Next: {e(last.next_heading)}</p>')
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


def _crisis_disclosure_html(pack: Pack) -> str:
    """What the facilitator does if someone discloses a crisis during the session (the steps of
    docs/presenter.md), with the crisis services: printed with the notes, not the handout."""
    e = html.escape
    steps = "".join(f"<li>{e(step)}</li>" for step in pack.crisis_steps)
    return f"""<section id="crisis-disclosure" aria-labelledby="crisis-disclosure-heading">
<h2 id="crisis-disclosure-heading">If someone discloses a crisis during the session</h2>
<ol>{steps}</ol>
{_crisis_html(pack.crisis)}
</section>"""


def _handout_part_html(pack: Pack) -> str:
    e = html.escape
    module = pack.module
    handout = []
    for section in pack.handout:
        handout.append(f"<h3>{e(section.heading)}</h3>")
        handout.append(_paragraphs_html(section.paragraphs))
    takeaways = "".join(f"<li>{e(t)}</li>" for t in pack.takeaways)
    return f"""<section id="handout" aria-labelledby="handout-heading">
<h2 id="handout-heading">Handout: {e(module.title)}</h2>
<p class="notice">{e(pack.notice)}</p>
{_crisis_html(pack.crisis)}
<p>{e(module.shown_summary("public"))}</p>
{chr(10).join(handout)}
<h3>Key takeaways</h3>
<ul>{takeaways}</ul>
<p>Numbers in square brackets point to the references at the end of this pack.</p>
</section>"""


def _scenarios_part_html(pack: Pack) -> str:
    """The module's branching scenarios as a discussion sheet; empty when it has none."""
    if not pack.scenarios:
        return ""
    return scenarios_html(pack.scenarios, pack.module, citation_numbers(pack.module))


def _quiz_part_html(pack: Pack) -> str:
    e = html.escape
    return f"""<section id="quiz" aria-labelledby="quiz-heading">
<h2 id="quiz-heading">{e(pack.quiz_title)}</h2>
{f"<p>{e(pack.quiz_intro)}</p>" if pack.quiz_intro else ""}
{_quiz_html(pack, with_answer=False)}
</section>"""


def _answer_key_part_html(pack: Pack) -> str:
    return f"""<section id="answer-key" aria-labelledby="answer-key-heading">
<h2 id="answer-key-heading">Answer key</h2>
{_quiz_html(pack, with_answer=True)}
</section>"""


def _references_part_html(pack: Pack) -> str:
    e = html.escape
    references = "\n".join(
        f'<li id="ref-{r.number}" value="{r.number}">{e(r.citation)}'
        + (f" Available at {_link(r.url)}" if r.url else "")
        + "</li>"
        for r in pack.references
    )
    return f"""<section id="references" aria-labelledby="references-heading">
<h2 id="references-heading">References</h2>
<ol class="references">
{references}
</ol>
</section>"""


# (id, label in the contents menu, or None for a part that is only printed), in order;
# `_part_html` names each part's renderer. The PDF's page map (`PdfPack.part_pages`) lists
# the printed parts, `PRINTED_PARTS`.
PARTS: tuple[tuple[str, str | None], ...] = (
    ("about", "About this pack"),
    ("slides", "Slides and speaker notes"),
    ("speaker-notes", None),  # printed only: on screen the notes are with their slides
    ("crisis-disclosure", "If someone discloses a crisis"),
    ("handout", "Handout"),
    ("scenarios", "Scenarios for discussion"),  # left out of a pack whose module has none
    ("quiz", "Quiz"),
    ("answer-key", "Answer key"),
    ("references", "References"),
)
PRINTED_PARTS = (
    "slides",
    "speaker-notes",
    "crisis-disclosure",
    "handout",
    "scenarios",
    "quiz",
    "answer-key",
    "references",
)


def _part_html(part: str, pack: Pack, fit: dict[int, int]) -> str:
    renderers = {
        "about": _about_html,
        "speaker-notes": _speaker_notes_html,
        "crisis-disclosure": _crisis_disclosure_html,
        "handout": _handout_part_html,
        "scenarios": _scenarios_part_html,
        "quiz": _quiz_part_html,
        "answer-key": _answer_key_part_html,
        "references": _references_part_html,
    }
    if part == "slides":
        return _slides_part_html(pack, fit)
    return renderers[part](pack)


def _css_string(text: str) -> str:
    """`text` as a CSS string literal, safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return '"' + escaped.replace("<", "\\3c ").replace(">", "\\3e ") + '"'


def _page_css(pack: Pack) -> str:
    """The printed pages' running header and footer for this pack (page-margin boxes: the PDF
    marks them as artifacts, as PDF/UA asks of pagination)."""
    header = f"{pack.module.title}: facilitator pack"
    notice = sentences(pack.notice)[0]
    return (
        "@media print { @page { "
        f"@top-left {{ content: {_css_string(pack.course_title)}; }} "
        f"@top-right {{ content: {_css_string(header)}; }} "
        f"@bottom-left {{ content: {_css_string(notice)}; }} }} }}"
    )


def pack_html(pack: Pack, *, fit: dict[int, int] | None = None) -> str:
    """The pack as one HTML document: the file a facilitator downloads and the source of the
    PDF (`render_pack_pdf`), so the two cannot drift apart. `fit` maps a slide number to a
    smaller printed size (1-5) for a slide that would not fit its page."""
    e = html.escape
    module = pack.module
    title = f"{module.title}: facilitator pack"
    fit = fit or {}
    # A part with nothing to say (a module without scenarios) is left out, and so is its link.
    rendered = [(part, label, body) for part, label in PARTS if (body := _part_html(part, pack, fit))]
    nav = "".join(f'<li><a href="#{anchor}">{e(label)}</a></li>' for anchor, label, _ in rendered if label)
    parts = "\n\n".join(body for _, _, body in rendered)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{e(pack.course_title)} {e(pack.course_version)}">
<meta name="author" content="{e(pack.course_title)}">
<meta name="description" content="Facilitator pack for {e(_audience_label(pack.audience))}">
<title>{e(title)} ({e(pack.audience)})</title>
<style>{_CSS}</style>
<style>{_page_css(pack)}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site"><div class="wrap">
<p>{e(pack.course_title)} · version {e(pack.course_version)}</p>
<nav class="site-nav" aria-label="Pack contents"><ul>{nav}</ul></nav>
</div></header>
<main id="main" class="wrap">
<h1>{e(title)}</h1>
<p class="notice intro-notice">{e(pack.notice)}</p>
<div class="intro-notice">{_crisis_html(pack.crisis)}</div>

{parts}
</main>
<footer class="site"><div class="wrap">
<p>{e(pack.notice)}</p>
<p>{e(pack.course_title)}, version {e(pack.course_version)}. Facilitator pack for {e(_audience_label(pack.audience))}.</p>
</div></footer>
</body>
</html>
"""


# --------------------------------------------------------------------------- PDF


@dataclass(frozen=True)
class PdfPack:
    """The PDF and where its parts start (1-based page numbers)."""

    data: bytes
    page_count: int
    slide_pages: int  # pages in the slides part: one per slide
    part_pages: dict[str, int]
    page_sizes: tuple[tuple[float, float], ...] = ()  # (width, height) in points, per page


def _notes_key(slide: Slide) -> tuple[str, str]:
    return (slide.section_id or slide.kind, slide.speaker_notes)


def _runs_with_same_notes(slides: tuple[Slide, ...]) -> list[list[Slide]]:
    runs: list[list[Slide]] = []
    for slide in slides:
        previous = runs[-1][-1] if runs else None
        if previous is not None and _notes_key(slide) == _notes_key(previous):
            runs[-1].append(slide)
        else:
            runs.append([slide])
    return runs


MAX_FIT = 5  # the smallest printed slide size (.slide.fit-5 in the stylesheet)


def facilitator_pack_pdf(course: Course, module_id: str, audience: Audience, *, compress: bool = True) -> bytes:
    """The pack as a tagged PDF (PDF/UA-1): one landscape page per slide, then speaker notes,
    handout, quiz, answer key and references on portrait pages."""
    return render_pack_pdf(build_pack(course, module_id, audience), compress=compress).data


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
