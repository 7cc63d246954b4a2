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

from fpdf import FPDF

from course.pdf_fonts import latin1
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
.options { margin: .25rem 0; }
.hint { font-style: italic; margin: .25rem 0; }
.answer { border-left: 4px solid #1f4e79; padding-left: .75rem; }
.references li { margin-bottom: .5rem; overflow-wrap: anywhere; }
footer.site { border-top: 1px solid #bbb; margin-top: 3rem; padding: 1rem 0 2rem; font-size: .95rem; }

@media print {
  @page { size: A4; margin: 14mm; }
  @page slide { size: A4 landscape; margin: 9mm; }
  html, body { background: #fff !important; color: #000 !important; font-size: 11pt; }
  .skip-link, .site-nav { display: none; }
  .wrap { max-width: none; padding: 0; }
  h1, h2, h3, h4, a, .course-name, .slide-title h3 { color: #000; }
  a { text-decoration: underline; }
  a[href^="http"]:not(.url)::after { content: " (" attr(href) ")"; overflow-wrap: anywhere; }
  .slide { page: slide; break-after: page; break-inside: avoid; border: 1px solid #000; margin: 0; padding: 5mm 8mm; }
  .slide-body { font-size: 16pt; }
  .notice { background: #fff; border: 1px solid #000; border-left-width: 6px; }
  .notes { background: #fff; border: 1px solid #000; border-left-width: 6px; break-inside: avoid; }
  .discuss { border-color: #000; }
  thead th { background: #fff; }
  th, td { border-color: #000; }
  svg.chart .bar, svg.chart .mark { fill: #000; }
  svg.chart .grid { stroke: #999; }
  svg.chart text { fill: #000; }
  #handout, #quiz, #answer-key, #references { break-before: page; }
  .question, .answer-item, table, figure { break-inside: avoid; }
  /* A figure slide fits one landscape page: chart and table side by side, both kept small. */
  .slide-figure .figure-layout { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 6mm; }
  .slide-figure svg.chart { max-height: 62mm; }
  .slide-figure .slide-body, .slide-figure .notes, .slide-figure figcaption, .slide-figure .alt,
  .slide-figure .discuss { font-size: 9pt; }
  .slide-figure p, .slide-figure ul, .slide-figure h4 { margin-top: 1mm; margin-bottom: 1mm; }
  .slide-figure .notes, .slide-figure .discuss { margin: 2mm 0 0; padding: 1mm 4mm; }
  .slide-figure table { font-size: 8.5pt; }
  .slide-figure th, .slide-figure td { padding: 1px 4px; }
  .slide-figure h3 { font-size: 14pt; margin-bottom: 2mm; }
  .slide-figure .notes { font-size: 8.5pt; }
  .slide-figure .notes h4, .slide-figure .discuss h4 { font-size: 9.5pt; margin: 1mm 0; }
  .slide-figure .notes p { margin: .5mm 0; }
  .slide-figure .discuss ul { padding-left: 5mm; }
  .slide-references .slide-body { font-size: 10.5pt; }
  .slide-references p { margin: 1.5mm 0; }
  footer.site { border-top: 1px solid #000; }
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


def _slide_html(pack: Pack, slide: Slide) -> str:
    e = html.escape
    sid = f"slide-{slide.number}"
    count = f"Slide {slide.number} of {slide.total}"
    if slide.parts > 1:
        count += f" · part {slide.part} of {slide.parts}"
    parts = [
        f'<article class="slide slide-{slide.kind}" id="{sid}" aria-labelledby="{sid}-heading">',
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
        parts.append('<div class="notes"><h4>Speaker notes</h4>')
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


def pack_html(pack: Pack) -> str:
    e = html.escape
    module = pack.module
    title = f"{module.title}: facilitator pack"
    minutes = module.estimated_minutes
    slides_html = "\n".join(_slide_html(pack, s) for s in pack.slides)
    handout = []
    for section in pack.handout:
        handout.append(f"<h3>{e(section.heading)}</h3>")
        handout.append(_paragraphs_html(section.paragraphs))
    takeaways = "".join(f"<li>{e(t)}</li>" for t in pack.takeaways)
    references = "\n".join(
        f'<li id="ref-{r.number}" value="{r.number}">{e(r.citation)}'
        + (f" Available at {_link(r.url)}" if r.url else "")
        + "</li>"
        for r in pack.references
    )
    nav = "".join(
        f'<li><a href="#{anchor}">{e(label)}</a></li>'
        for anchor, label in (
            ("about", "About this pack"),
            ("slides", "Slides and speaker notes"),
            ("handout", "Handout"),
            *((("scenarios", "Scenarios for discussion"),) if pack.scenarios else ()),
            ("quiz", "Quiz"),
            ("answer-key", "Answer key"),
            ("references", "References"),
        )
    )
    n_questions = len(pack.questions)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{e(pack.course_title)} {e(pack.course_version)}">
<title>{e(title)} ({e(pack.audience)})</title>
<style>{_CSS}</style>
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site"><div class="wrap">
<p>{e(pack.course_title)} · version {e(pack.course_version)}</p>
<nav class="site-nav" aria-label="Pack contents"><ul>{nav}</ul></nav>
</div></header>
<main id="main" class="wrap">
<h1>{e(title)}</h1>
<p class="notice">{e(pack.notice)}</p>
{_crisis_html(pack.crisis)}

<section id="about" aria-labelledby="about-heading">
<h2 id="about-heading">About this pack</h2>
<p>This pack is for the person leading a session on <strong>{e(module.title)}</strong>
(about {minutes} minute{"s" if minutes != 1 else ""}). It is written for {e(_audience_label(pack.audience))}.</p>
<p>{e(module.shown_summary(pack.audience))}</p>
<ul>
<li>{len(pack.slides)} slides, each with speaker notes for you. Print this page and each slide comes out on its own
landscape page with its notes under it.</li>
<li>A plain-language handout to copy for everyone in the room.</li>
<li>The quiz ({n_questions} question{"s" if n_questions != 1 else ""}) on its own pages, then the answer key with explanations.</li>
<li>The full references. Numbers in square brackets, such as [1], point to this list.</li>
</ul>
<p>This file works offline: it loads nothing from the internet. Reference links open only if you choose to follow them.</p>
<h3>If someone discloses a crisis during the session</h3>
<ol>{"".join(f"<li>{e(step)}</li>" for step in pack.crisis_steps)}</ol>
</section>

<section id="slides" aria-labelledby="slides-heading">
<h2 id="slides-heading">Slides and speaker notes</h2>
{slides_html}
</section>

<section id="handout" aria-labelledby="handout-heading">
<h2 id="handout-heading">Handout: {e(module.title)}</h2>
<p class="notice">{e(pack.notice)}</p>
{_crisis_html(pack.crisis)}
<p>{e(module.shown_summary("public"))}</p>
{chr(10).join(handout)}
<h3>Key takeaways</h3>
<ul>{takeaways}</ul>
<p>Numbers in square brackets point to the references at the end of this pack.</p>
</section>
{scenarios_html(pack.scenarios, module, citation_numbers(module))}

<section id="quiz" aria-labelledby="quiz-heading">
<h2 id="quiz-heading">{e(pack.quiz_title)}</h2>
{f"<p>{e(pack.quiz_intro)}</p>" if pack.quiz_intro else ""}
{_quiz_html(pack, with_answer=False)}
</section>

<section id="answer-key" aria-labelledby="answer-key-heading">
<h2 id="answer-key-heading">Answer key</h2>
{_quiz_html(pack, with_answer=True)}
</section>

<section id="references" aria-labelledby="references-heading">
<h2 id="references-heading">References</h2>
<ol class="references">
{references}
</ol>
</section>
</main>
<footer class="site"><div class="wrap">
<p>{e(pack.notice)}</p>
<p>{e(pack.course_title)}, version {e(pack.course_version)}. Facilitator pack for {e(_audience_label(pack.audience))}.</p>
</div></footer>
</body>
</html>
"""


# --------------------------------------------------------------------------- PDF

_PDF_SPELLED = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≈": "~", "≠": "!=", "✓": "v"}


def pdf_text(text: str) -> str:
    """Text the PDF core fonts can set: symbols spelled out, then certificates' Latin-1 rules."""
    for symbol, spelled in _PDF_SPELLED.items():
        text = text.replace(symbol, spelled)
    return latin1(text)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@dataclass(frozen=True)
class PdfPack:
    """The PDF and where its parts start (1-based page numbers)."""

    data: bytes
    page_count: int
    slide_pages: int  # pages in the slides part: one per slide
    part_pages: dict[str, int]


class _PackPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-11)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(70, 70, 70)
        self.cell(0, 5, pdf_text(self.footer_text), align="C")


_PT = 0.3528  # mm per point


def _lh(size: float) -> float:
    return size * _PT * 1.35


class _SlideWriter:
    """Draws (or, with draw=False, only measures) a slide's text from the current y."""

    def __init__(self, pdf: FPDF, x: float, width: float, draw: bool):
        self.pdf, self.x, self.width, self.draw = pdf, x, width, draw
        self.y = pdf.get_y()

    def text(self, text: str, size: float, style: str = "", colour: str = TEXT_COLOUR, indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style, size)
        lh = _lh(size)
        if self.draw:
            pdf.set_text_color(*_rgb(colour))
            pdf.set_xy(self.x + indent, self.y)
            pdf.multi_cell(self.width - indent, lh, pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
        height = pdf.multi_cell(self.width - indent, lh, pdf_text(text), align="L", dry_run=True, output="HEIGHT")
        self.y += height

    def gap(self, mm: float) -> None:
        self.y += mm

    def paragraph(self, paragraph: str, size: float) -> None:
        marker, text = strip_marker(paragraph)
        if marker is None:
            self.text(paragraph, size)
            return
        indent = size * 0.55
        if self.draw:
            pdf = self.pdf
            pdf.set_text_color(*_rgb(TEXT_COLOUR))
            if marker == "•":
                pdf.set_fill_color(*_rgb(TEXT_COLOUR))
                r = size * 0.06
                pdf.circle(self.x + indent * 0.35, self.y + _lh(size) / 2, r, style="F")
            else:
                pdf.set_font("Helvetica", "", size)
                pdf.set_xy(self.x, self.y)
                pdf.cell(indent, _lh(size), marker)
        self.text(text, size, indent=indent)


def _slide_header(pdf: _PackPDF, pack: Pack, slide: Slide) -> None:
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(70, 70, 70)
    pdf.set_xy(16, 9)
    pdf.cell(170, 6, pdf_text(pack.course_title))
    count = f"Slide {slide.number} of {slide.total}"
    if slide.parts > 1:
        count += f" - part {slide.part} of {slide.parts}"
    pdf.set_xy(pdf.w - 16 - 100, 9)
    pdf.cell(100, 6, pdf_text(count), align="R")
    pdf.set_draw_color(*_rgb(HEADING_COLOUR))
    pdf.set_line_width(0.6)
    pdf.line(16, 16, pdf.w - 16, 16)


def _text_slide(pdf: _PackPDF, pack: Pack, slide: Slide, scale: float, draw: bool) -> float:
    x, width = 20.0, pdf.w - 40
    pdf.set_y(22)
    w = _SlideWriter(pdf, x, width, draw)
    if slide.kind == "title":
        w.gap(14 * scale)
        w.text(pack.course_title, 16 * scale, "B", HEADING_COLOUR)
        w.gap(3 * scale)
        w.text(slide.heading, 32 * scale, "B", HEADING_COLOUR)
        w.gap(6 * scale)
    else:
        w.text(slide.heading, 30 * scale, "B", HEADING_COLOUR)
        w.gap(6 * scale)
    body = 24 * scale if slide.kind != "references" else 13 * scale
    for paragraph in slide.paragraphs:
        w.paragraph(paragraph, body)
        w.gap(3.5 * scale)
    if slide.notice:
        w.gap(4 * scale)
        top = w.y
        w.text(slide.notice, 13 * scale, "", TEXT_COLOUR, indent=4)
        if draw:
            pdf.set_draw_color(213, 94, 0)
            pdf.set_line_width(1.2)
            pdf.line(x + 1, top, x + 1, w.y)
    if slide.discussion_prompts:
        w.gap(4 * scale)
        w.text("Discuss", 16 * scale, "B", HEADING_COLOUR)
        for prompt in slide.discussion_prompts:
            w.paragraph("• " + prompt, 16 * scale)
    return w.y


def _figure_slide(pdf: _PackPDF, slide: Slide, scale: float, draw: bool) -> float:
    figure, table = slide.figure, slide.table
    assert figure is not None and table is not None
    pdf.set_y(22)
    head = _SlideWriter(pdf, 20, pdf.w - 40, draw)
    head.text(slide.heading, 22 * scale, "B", HEADING_COLOUR)
    top = head.y + 4 * scale
    chart_x, chart_w = 20.0, 150.0
    table_x, table_w = 180.0, pdf.w - 20 - 180.0

    # Left: the chart, then caption and description.
    rows = chart_rows(figure)
    row_h = 12 * scale
    lo, hi = chart_domain(figure)
    plot_w = chart_w - 28

    def px(value: float) -> float:
        return chart_x + (value - lo) / (hi - lo) * plot_w

    label_size = 10 * scale
    if draw:
        pdf.set_draw_color(*_rgb(GRID_COLOUR))
        pdf.set_line_width(0.2)
        for tick in _nice_ticks(lo, hi, 6 if figure.type == "bar" else 7):
            tx = px(tick)
            pdf.line(tx, top, tx, top + row_h * len(rows))
            pdf.set_font("Helvetica", "", 8 * scale)
            pdf.set_text_color(*_rgb(TEXT_COLOUR))
            pdf.set_xy(tx - 12, top + row_h * len(rows) + 0.5)
            pdf.cell(24, 4 * scale, pdf_text(format_value(figure, float(tick))), align="C")
        for i, row in enumerate(rows):
            y = top + i * row_h
            pdf.set_font("Helvetica", "", label_size)
            pdf.set_text_color(*_rgb(TEXT_COLOUR))
            pdf.set_xy(chart_x, y)
            pdf.cell(chart_w, _lh(label_size), pdf_text(row.label))
            mark_y = y + row_h * 0.68
            pdf.set_fill_color(*_rgb(BAR_COLOUR))
            if figure.type == "bar":
                x0, x1 = sorted((px(0.0), px(row.value)))
                pdf.rect(x0, mark_y - 1.6 * scale, max(x1 - x0, 0.4), 3.2 * scale, style="F")
                end = x1
            else:
                cx, r = px(row.value), 2.2 * scale
                pdf.polygon([(cx, mark_y - r), (cx + r, mark_y), (cx, mark_y + r), (cx - r, mark_y)], style="F")
                end = cx + r
            pdf.set_xy(end + 1.5, mark_y - _lh(label_size) / 2)
            pdf.cell(26, _lh(label_size), pdf_text(row.text))
        pdf.set_draw_color(*_rgb(TEXT_COLOUR))
        pdf.line(chart_x, top + row_h * len(rows), chart_x + plot_w, top + row_h * len(rows))
    left = _SlideWriter(pdf, chart_x, chart_w, draw)
    left.y = top + row_h * len(rows) + 5 * scale
    left.text(figure.value_title, 9 * scale, "B")
    left.gap(2 * scale)
    left.text(figure.caption, 11 * scale)
    left.gap(2 * scale)
    left.text("Description: " + figure.alt, 10 * scale, "I")
    if slide.discussion_prompts:
        left.gap(2 * scale)
        left.text("Discuss: " + " ".join(slide.discussion_prompts), 11 * scale, "B", HEADING_COLOUR)

    # Right: the data table.
    size = 9 * scale
    lh = _lh(size)
    widths = (
        [table_w * 0.45, table_w * 0.2, table_w * 0.35] if len(table.headers) == 3 else [table_w * 0.6, table_w * 0.4]
    )
    y = top
    for r, row in enumerate((table.headers, *table.rows)):
        style = "B" if r == 0 else ""
        pdf.set_font("Helvetica", style, size)
        heights = [
            pdf.multi_cell(wd, lh, pdf_text(cell), dry_run=True, output="HEIGHT", padding=(0.8, 1))
            for wd, cell in zip(widths, row, strict=True)
        ]
        height = max(heights)
        if draw:
            cx = table_x
            pdf.set_text_color(*_rgb(TEXT_COLOUR))
            pdf.set_draw_color(120, 120, 120)
            pdf.set_line_width(0.2)
            for wd, cell in zip(widths, row, strict=True):
                pdf.rect(cx, y, wd, height)
                pdf.set_xy(cx, y)
                pdf.multi_cell(wd, lh, pdf_text(cell), align="L", padding=(0.8, 1))
                cx += wd
        y += height
    return max(left.y, y)


def _slide_page(pdf: _PackPDF, pack: Pack, slide: Slide) -> None:
    pdf.add_page(orientation="landscape")
    pdf.footer_text = f"{pack.module.title} | Slide {slide.number} of {slide.total} | {sentences(pack.notice)[0]}"
    if slide.number == 1:
        pdf.start_section("Slides", level=0)
    pdf.start_section(pdf_text(f"Slide {slide.number}: {slide.heading}"), level=1)
    _slide_header(pdf, pack, slide)

    def lay_out(scale: float, draw: bool) -> float:
        if slide.figure is not None:
            return _figure_slide(pdf, slide, scale, draw)
        return _text_slide(pdf, pack, slide, scale, draw)

    # Measure at falling sizes until the slide fits above the footer, then draw once.
    bottom = pdf.h - 16
    scale = 1.0
    for scale in (1.0, 0.92, 0.85, 0.78, 0.7, 0.62, 0.55, 0.48, 0.42):
        if lay_out(scale, draw=False) <= bottom:
            break
    lay_out(scale, draw=True)


class _DocWriter:
    """Flowing portrait pages (notes, handout, quiz, references): page breaks as needed."""

    def __init__(self, pdf: _PackPDF):
        self.pdf = pdf

    def page(self, title: str, footer: str) -> None:
        pdf = self.pdf
        pdf.add_page(orientation="portrait")
        pdf.footer_text = footer
        pdf.start_section(pdf_text(title), level=0)
        self.heading(title, 18)

    def heading(self, text: str, size: float = 13) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 40:  # keep a heading with what follows it
            pdf.add_page(orientation="portrait")
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", size)
        pdf.set_text_color(*_rgb(HEADING_COLOUR))
        pdf.multi_cell(0, _lh(size), pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(self, text: str, size: float = 11, style: str = "", indent: float = 0) -> None:
        pdf = self.pdf
        marker, body = strip_marker(text)
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*_rgb(TEXT_COLOUR))
        pdf.set_x(pdf.l_margin + indent)
        if marker is not None:
            pdf.cell(6, _lh(size), "-" if marker == "•" else marker)
            pdf.multi_cell(0, _lh(size), pdf_text(body), align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, _lh(size), pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)


def _quiz_pdf(doc: _DocWriter, pack: Pack, with_answer: bool) -> None:
    current: Scenario | None = None
    for entry in pack.questions:
        if entry.scenario is not None and entry.scenario is not current:
            doc.heading(f"Case: {entry.scenario.title}", 12)
            doc.para(entry.scenario.case, 10.5, "I")
        current = entry.scenario
        indent = 4 if entry.scenario is not None else 0
        doc.para(f"Question {entry.number}. {entry.question.prompt}", 11, "B", indent)
        if not with_answer:
            hint = _question_hint(entry.question)
            if hint:
                doc.para(hint, 10, "I", indent + 4)
            for letter, text in entry.options:
                doc.para(f"{letter}. {text}", 10.5, "", indent + 4)
            continue
        label = "Correct order" if entry.question.type == "ordering" else "Answer"
        doc.para(f"{label}: " + "; ".join(entry.answer), 10.5, "", indent + 4)
        source = f" Source: {entry.source}." if entry.source else ""
        doc.para(f"Why: {entry.explanation}{source}", 10.5, "", indent + 4)


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


def facilitator_pack_pdf(course: Course, module_id: str, audience: Audience, *, compress: bool = True) -> bytes:
    """The pack as a PDF: one landscape page per slide, then notes, handout, quiz, answers, references."""
    return render_pack_pdf(build_pack(course, module_id, audience), compress=compress).data


def render_pack_pdf(pack: Pack, *, compress: bool = True) -> PdfPack:
    """`compress=False` leaves the page text readable in the bytes (tests)."""
    module = pack.module
    pdf = _PackPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_lang("en")
    pdf.set_title(pdf_text(f"{module.title}: facilitator pack"))
    pdf.set_author(pdf_text(pack.course_title))
    pdf.set_subject(pdf_text(f"Facilitator pack for {_audience_label(pack.audience)}"))
    pdf.set_margins(18, 16, 18)
    parts: dict[str, int] = {}

    # Slides: the page size is fixed and nothing may spill onto a second page.
    pdf.set_auto_page_break(False)
    parts["slides"] = 1
    for slide in pack.slides:
        _slide_page(pdf, pack, slide)
    slide_pages = pdf.page_no()

    pdf.set_auto_page_break(True, margin=18)
    doc = _DocWriter(pdf)
    footer = f"{module.title} | facilitator pack | {sentences(pack.notice)[0]}"

    parts["speaker-notes"] = pdf.page_no() + 1
    doc.page("Speaker notes", footer)
    # A section's notes belong to all its slides: print them once for the run of slides.
    for run in _runs_with_same_notes(pack.slides):
        first, last = run[0], run[-1]
        numbers = f"Slide {first.number}" if first is last else f"Slides {first.number}-{last.number}"
        doc.heading(f"{numbers}: {first.heading}", 12)
        if first.speaker_notes:
            doc.para(first.speaker_notes)
        for slide in run:
            for prompt in slide.discussion_prompts:
                doc.para(f"Discuss (slide {slide.number}): {prompt}", 11, "I")
        if last.next_heading:
            doc.para(f"Next: {last.next_heading}", 10, "I")

    parts["handout"] = pdf.page_no() + 1
    doc.page(f"Handout: {module.title}", footer)
    doc.para(pack.notice, 10, "I")
    doc.para(module.summary)
    for section in pack.handout:
        doc.heading(section.heading)
        for paragraph in section.paragraphs:
            doc.para(paragraph)
    doc.heading("Key takeaways")
    for takeaway in pack.takeaways:
        doc.para("• " + takeaway)
    doc.para("Numbers in square brackets point to the references at the end of this pack.", 10, "I")

    parts["quiz"] = pdf.page_no() + 1
    doc.page(pack.quiz_title, footer)
    if pack.quiz_intro:
        doc.para(pack.quiz_intro, 11, "I")
    _quiz_pdf(doc, pack, with_answer=False)

    parts["answer-key"] = pdf.page_no() + 1
    doc.page("Answer key", footer)
    _quiz_pdf(doc, pack, with_answer=True)

    parts["references"] = pdf.page_no() + 1
    doc.page("References", footer)
    for ref in pack.references:
        doc.para(f"[{ref.number}] {ref.citation}" + (f" Available at {ref.url}" if ref.url else ""), 10.5)

    data = bytes(pdf.output())
    return PdfPack(data=data, page_count=pdf.page_no(), slide_pages=slide_pages, part_pages=parts)
