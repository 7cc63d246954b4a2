"""The facilitator pack as one self-contained HTML document: the file a facilitator
downloads, and the source the PDF is printed from (`course.export.pdf`), so the two cannot
drift apart.

It works offline: it loads nothing (no scripts, stylesheets, fonts or images from anywhere).
Figures are inline SVG (`course.export.svg`), each with a title, a description and a data
table beside it; reference URLs appear as links a reader may follow, never as things the page
fetches. The stylesheet is `course.export.css`.

Every word the pack itself writes (headings, labels, "Slide 3 of 12") goes through
`gettext_for(pack.lang, ...)`, so a Spanish pack reads Spanish throughout; what stays English
in it (speaker notes, discussion prompts, reference citations) carries `lang="en"` on its own
element, so a screen reader switches voice. An English pack has no such attributes: its bytes
are what they were before packs had a language.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from course.export.css import STYLESHEET, page_css
from course.export.model import Pack, QuizEntry, build_pack
from course.export.svg import svg_chart
from course.i18n import DEFAULT, N_, gettext_for, ngettext_for
from course.scenario_sheet import scenarios_html
from course.schema import Course, Crisis, Scenario
from course.slides import Audience, FigureTable, Slide, citation_numbers, strip_marker

# The audiences' names as the document title writes them: "History: facilitator pack (public)".
_AUDIENCE_NAMES: dict[str, str] = {"public": N_("public"), "staff": N_("staff")}


def _audience_label(audience: Audience, lang: str = DEFAULT) -> str:
    if audience == "staff":
        return gettext_for(lang, "clinic staff (full clinical text)")
    return gettext_for(lang, "the public (plain language)")


def _english(pack: Pack) -> str:
    """The attribute that marks an element English inside a pack in another language."""
    return ' lang="en"' if pack.lang != "en" else ""


_NUMBERED = re.compile(r"^(\d+)\.$")


def _paragraphs_html(paragraphs: tuple[str, ...] | list[str], attrs: str = "") -> str:
    """Paragraphs as <p>; runs of list items as one <ul> or <ol>. `attrs` go on each of them
    (` lang="en"` for English text inside a pack in another language)."""
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        if not run:
            return
        if _NUMBERED.match(run[0][0]):
            # Every marker of this run matched _NUMBERED ("3."), so its number is the marker less the dot.
            items = "".join(f'<li value="{m.removesuffix(".")}">{html.escape(t)}</li>' for m, t in run)
            out.append(f"<ol{attrs}>{items}</ol>")
        else:
            out.append(f"<ul{attrs}>" + "".join(f"<li>{html.escape(t)}</li>" for _, t in run) + "</ul>")
        run.clear()

    for paragraph in paragraphs:
        marker, text = strip_marker(paragraph)
        if marker is None:
            flush()
            out.append(f"<p{attrs}>{html.escape(paragraph)}</p>")
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
    lang, en = pack.lang, _english(pack)
    sid = f"slide-{slide.number}"
    count = gettext_for(lang, "Slide {number} of {total}").format(number=slide.number, total=slide.total)
    if slide.parts > 1:
        count += " · " + gettext_for(lang, "part {part} of {parts}").format(part=slide.part, parts=slide.parts)
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
        # The prompts are presenter material: English in every pack.
        label = gettext_for(lang, "Discuss")
        discuss = f'<div class="discuss"><h4>{e(label)}</h4><ul{en}>{prompts}</ul></div>'
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
        parts.append(_table_html(slide.table, gettext_for(lang, "Data: {title}").format(title=figure.title)))
        description = e(gettext_for(lang, "Description:"))
        parts.append(f'<p class="alt"><strong>{description}</strong> {e(figure.alt)}</p>')
        parts.append("</div></div>")
    else:
        # Reference citations stay as published (English).
        parts.append(_paragraphs_html(slide.paragraphs, en if slide.kind == "references" else ""))
        if slide.notice:
            parts.append(f'<p class="notice">{e(slide.notice)}</p>')
        parts.append(discuss)
    parts.append("</div>")
    if slide.speaker_notes or slide.next_heading:
        # On screen the notes sit under their slide; printed, they get pages of their own after
        # the slides (`_speaker_notes_html`), so the slide pages can be projected as a deck.
        notes_heading = gettext_for(lang, "Speaker notes")
        parts.append(f'<div class="notes screen-only"><h4>{e(notes_heading)}</h4>')
        parts += _notes_body(pack, slide.speaker_notes, slide.next_heading)
        parts.append("</div>")
    parts.append("</article>")
    return "\n".join(parts)


def _notes_body(pack: Pack, notes: str, next_heading: str | None, discussion: list[str] | None = None) -> list[str]:
    """Speaker notes as paragraphs: the notes, any discussion prompts, then what comes next.
    One slide's on screen, or a run of slides' when printed (`_speaker_notes_html`). The notes
    are presenter material, English in every pack; the next slide's heading is the pack's."""
    e = html.escape
    out = [f"<p{_english(pack)}>{e(notes)}</p>"] if notes else []
    out += discussion or []
    if next_heading:
        following = gettext_for(pack.lang, "Next: {heading}").format(heading=next_heading)
        out.append(f'<p class="next">{e(following)}</p>')
    return out


def _question_html(entry: QuizEntry, level: int, with_answer: bool, lang: str = DEFAULT) -> str:
    e = html.escape
    q = entry.question
    prefix = "key" if with_answer else "q"
    heading = gettext_for(lang, "Question {number}").format(number=entry.number)
    out = [
        f'<div class="question{" answer-item" if with_answer else ""}" id="{prefix}-{entry.number}">',
        f"<h{level}>{e(heading)}</h{level}>",
        f'<p class="prompt">{e(q.prompt)}</p>',
    ]
    if not with_answer:
        hint = entry.hint
        if hint:
            out.append(f'<p class="hint">{e(hint)}</p>')
        if entry.options:
            items = "".join(f"<li>{e(text)}</li>" for _, text in entry.options)
            out.append(f'<ol class="options" type="A">{items}</ol>')
    else:
        if len(entry.answer) == 1:
            answer = e(gettext_for(lang, "Answer:"))
            out.append(f'<p class="answer"><strong>{answer}</strong> {e(entry.answer[0])}</p>')
        else:
            items = "".join(f"<li>{e(line)}</li>" for line in entry.answer)
            out.append(f'<div class="answer"><p><strong>{e(entry.answer_label)}</strong></p><ul>{items}</ul></div>')
        source = " " + gettext_for(lang, "Source: {source}.").format(source=entry.source) if entry.source else ""
        why = e(gettext_for(lang, "Why:"))
        out.append(f"<p><strong>{why}</strong> {e(entry.explanation)}{e(source)}</p>")
    out.append("</div>")
    return "\n".join(out)


def _quiz_html(pack: Pack, with_answer: bool) -> str:
    e = html.escape
    out: list[str] = []
    current: Scenario | None = None
    for entry in pack.questions:
        if entry.scenario is not None and entry.scenario is not current:
            case = gettext_for(pack.lang, "Case: {title}").format(title=entry.scenario.title)
            out.append(f"<h3>{e(case)}</h3>")
            out.append(f'<p class="case">{e(entry.scenario.case)}</p>')
        current = entry.scenario
        out.append(_question_html(entry, 4 if entry.scenario is not None else 3, with_answer, pack.lang))
    return "\n".join(out)


def _link(url: str) -> str:
    # Only web addresses become links: anything else stays text, so nothing odd is clickable.
    if re.match(r"^https?://", url):
        return f'<a class="url" href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'
    return html.escape(url)


def _crisis_html(crisis: Crisis | None, lang: str = DEFAULT) -> str:
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
        outside = e(gettext_for(lang, "Outside {region}:").format(region=crisis.region))
        items.append(f"<li>{outside} {named(crisis.elsewhere.name, crisis.elsewhere.url)}</li>")
    return f'<div class="crisis"><p><strong>{e(crisis.heading)}</strong> ({e(crisis.region)}):</p><ul>{"".join(items)}</ul></div>'


def facilitator_pack_html(
    course: Course, module_id: str, audience: Audience, lang: str = DEFAULT, *, root: Path | str | None = None
) -> str:
    """The whole pack as one self-contained HTML document (UTF-8 text), in `lang` (see
    `build_pack`: another language than English reads its translations from `root`)."""
    return pack_html(build_pack(course, module_id, audience, lang, root=root))


# Each part of the pack is one function from the pack to its <section>; `PARTS` puts them in
# order. A new part is one more function and one more entry (its id also starts a new page
# when printed: add it to the print stylesheet's `break-before: page` list).


def _about_html(pack: Pack) -> str:
    e = html.escape
    lang = pack.lang
    module = pack.module
    minutes = module.estimated_minutes
    n_questions = len(pack.questions)
    # Messages may hold markup (<strong>): the catalogue is ours; every value put in is escaped.
    lead = ngettext_for(
        lang,
        "This pack is for the person leading a session on <strong>{title}</strong>\n"
        "(about {minutes} minute). It is written for {audience}.",
        "This pack is for the person leading a session on <strong>{title}</strong>\n"
        "(about {minutes} minutes). It is written for {audience}.",
        minutes,
    ).format(title=e(module.title), minutes=minutes, audience=e(_audience_label(pack.audience, lang)))
    slides = gettext_for(
        lang,
        "{count} slides, each with speaker notes for you. Print this page and each slide comes out on its own\n"
        "landscape page; the speaker notes follow the slides on pages of their own.",
    ).format(count=len(pack.slides))
    quiz = ngettext_for(
        lang,
        "The quiz ({count} question) on its own pages, then the answer key with explanations.",
        "The quiz ({count} questions) on its own pages, then the answer key with explanations.",
        n_questions,
    ).format(count=n_questions)
    # In another language, say what stays English and why, before anyone hands it out.
    stays_english = gettext_for(
        lang,
        "Speaker notes and discussion prompts are in English: they are for you, the presenter, and are not "
        "translated. References are cited in English, as they were published.",
    )
    english = f"<p>{e(stays_english)}</p>\n" if lang != DEFAULT else ""
    heading = gettext_for(lang, "About this pack")
    handout = gettext_for(lang, "A plain-language handout to copy for everyone in the room.")
    references = gettext_for(lang, "The full references. Numbers in square brackets, such as [1], point to this list.")
    offline = gettext_for(
        lang,
        "This file works offline: it loads nothing from the internet. Reference links open only if you "
        "choose to follow them.",
    )
    return f"""<section id="about" aria-labelledby="about-heading">
<h2 id="about-heading">{e(heading)}</h2>
<p>{lead}</p>
<p>{e(module.shown_summary(pack.audience))}</p>
<ul>
<li>{e(slides)}</li>
<li>{e(handout)}</li>
<li>{e(quiz)}</li>
<li>{e(references)}</li>
</ul>
{english}<p>{e(offline)}</p>
</section>"""


def _slides_part_html(pack: Pack, fit: dict[int, int]) -> str:
    slides_html = "\n".join(_slide_html(pack, s, fit.get(s.number, 0)) for s in pack.slides)
    heading = gettext_for(pack.lang, "Slides and speaker notes")
    return f"""<section id="slides" aria-labelledby="slides-heading">
<h2 id="slides-heading">{html.escape(heading)}</h2>
{slides_html}
</section>"""


def _speaker_notes_html(pack: Pack) -> str:
    """The printed speaker notes: once for each run of slides that share them (a section's
    notes belong to all its slides). On screen each slide shows its own notes instead."""
    e = html.escape
    lang = pack.lang
    heading = gettext_for(lang, "Speaker notes")
    out = [
        '<section id="speaker-notes" class="print-only" aria-labelledby="speaker-notes-heading">',
        f'<h2 id="speaker-notes-heading">{e(heading)}</h2>',
    ]
    for run in _runs_with_same_notes(pack.slides):
        first, last = run[0], run[-1]
        if first is last:
            numbers = gettext_for(lang, "Slide {number}").format(number=first.number)
        else:
            numbers = gettext_for(lang, "Slides {first}–{last}").format(first=first.number, last=last.number)
        out.append('<div class="run-notes">')
        out.append(f"<h3>{e(numbers)}: {e(first.heading)}</h3>")
        # The prompts stay English (presenter material); in another language, marked as such.
        discussion = [
            '<p class="discuss-note">'
            + e(gettext_for(lang, "Discuss (slide {number}):").format(number=slide.number))
            + (f' <span lang="en">{e(prompt)}</span>' if lang != DEFAULT else f" {e(prompt)}")
            + "</p>"
            for slide in run
            for prompt in slide.discussion_prompts
        ]
        out += _notes_body(pack, first.speaker_notes, last.next_heading, discussion)
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


def _crisis_disclosure_html(pack: Pack) -> str:
    """What the facilitator does if someone discloses a crisis during the session (the steps of
    docs/presenter.md), with the crisis services: printed with the notes, not the handout."""
    e = html.escape
    steps = "".join(f"<li>{e(step)}</li>" for step in pack.crisis_steps)
    heading = gettext_for(pack.lang, "If someone discloses a crisis during the session")
    return f"""<section id="crisis-disclosure" aria-labelledby="crisis-disclosure-heading">
<h2 id="crisis-disclosure-heading">{e(heading)}</h2>
<ol>{steps}</ol>
{_crisis_html(pack.crisis, pack.lang)}
</section>"""


def _handout_part_html(pack: Pack) -> str:
    e = html.escape
    lang = pack.lang
    module = pack.module
    handout = []
    for section in pack.handout:
        handout.append(f"<h3>{e(section.heading)}</h3>")
        handout.append(_paragraphs_html(section.paragraphs))
    takeaways = "".join(f"<li>{e(t)}</li>" for t in pack.takeaways)
    heading = gettext_for(lang, "Handout: {title}").format(title=module.title)
    numbers = gettext_for(lang, "Numbers in square brackets point to the references at the end of this pack.")
    takeaways_heading = gettext_for(lang, "Key takeaways")
    return f"""<section id="handout" aria-labelledby="handout-heading">
<h2 id="handout-heading">{e(heading)}</h2>
<p class="notice">{e(pack.notice)}</p>
{_crisis_html(pack.crisis, lang)}
<p>{e(module.shown_summary("public"))}</p>
{chr(10).join(handout)}
<h3>{e(takeaways_heading)}</h3>
<ul>{takeaways}</ul>
<p>{e(numbers)}</p>
</section>"""


def _scenarios_part_html(pack: Pack) -> str:
    """The module's branching scenarios as a discussion sheet; empty when it has none."""
    if not pack.scenarios:
        return ""
    return scenarios_html(pack.scenarios, pack.module, citation_numbers(pack.module), pack.lang)


def _quiz_part_html(pack: Pack) -> str:
    e = html.escape
    return f"""<section id="quiz" aria-labelledby="quiz-heading">
<h2 id="quiz-heading">{e(pack.quiz_title)}</h2>
{f"<p>{e(pack.quiz_intro)}</p>" if pack.quiz_intro else ""}
{_quiz_html(pack, with_answer=False)}
</section>"""


def _answer_key_part_html(pack: Pack) -> str:
    heading = gettext_for(pack.lang, "Answer key")
    return f"""<section id="answer-key" aria-labelledby="answer-key-heading">
<h2 id="answer-key-heading">{html.escape(heading)}</h2>
{_quiz_html(pack, with_answer=True)}
</section>"""


def _references_part_html(pack: Pack) -> str:
    e = html.escape
    lang = pack.lang
    # Citations stay as published (English); in another language, marked as such.
    cite = '<span lang="en">{}</span>' if lang != DEFAULT else "{}"
    heading = gettext_for(lang, "References")
    references = "\n".join(
        f'<li id="ref-{r.number}" value="{r.number}">{cite.format(e(r.citation))}'
        + (" " + e(gettext_for(lang, "Available at {url}")).format(url=_link(r.url)) if r.url else "")
        + "</li>"
        for r in pack.references
    )
    return f"""<section id="references" aria-labelledby="references-heading">
<h2 id="references-heading">{e(heading)}</h2>
<ol class="references">
{references}
</ol>
</section>"""


# (id, label in the contents menu, or None for a part that is only printed), in order;
# `_part_html` names each part's renderer. The PDF's page map (`PdfPack.part_pages`) lists
# the printed parts, `PRINTED_PARTS`.
PARTS: tuple[tuple[str, str | None], ...] = (
    ("about", N_("About this pack")),
    ("slides", N_("Slides and speaker notes")),
    ("speaker-notes", None),  # printed only: on screen the notes are with their slides
    ("crisis-disclosure", N_("If someone discloses a crisis")),
    ("handout", N_("Handout")),
    ("scenarios", N_("Scenarios for discussion")),  # left out of a pack whose module has none
    ("quiz", N_("Quiz")),
    ("answer-key", N_("Answer key")),
    ("references", N_("References")),
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


def pack_html(pack: Pack, *, fit: dict[int, int] | None = None) -> str:
    """The pack as one HTML document: the file a facilitator downloads and the source of the
    PDF (`render_pack_pdf`), so the two cannot drift apart. `fit` maps a slide number to a
    smaller printed size (1-5) for a slide that would not fit its page."""
    e = html.escape
    lang = pack.lang
    module = pack.module
    title = gettext_for(lang, "{title}: facilitator pack").format(title=module.title)
    audience = _audience_label(pack.audience, lang)
    version = gettext_for(lang, "version {version}").format(version=pack.course_version)
    fit = fit or {}
    # A part with nothing to say (a module without scenarios) is left out, and so is its link.
    rendered = [(part, label, body) for part, label in PARTS if (body := _part_html(part, pack, fit))]
    nav = "".join(
        f'<li><a href="#{anchor}">{e(gettext_for(lang, label))}</a></li>' for anchor, label, _ in rendered if label
    )
    footer = gettext_for(lang, "{course}, version {version}. Facilitator pack for {audience}.").format(
        course=pack.course_title, version=pack.course_version, audience=audience
    )
    description = gettext_for(lang, "Facilitator pack for {audience}").format(audience=audience)
    skip = gettext_for(lang, "Skip to main content")
    contents = gettext_for(lang, "Pack contents")
    parts = "\n\n".join(body for _, _, body in rendered)
    return f"""<!DOCTYPE html>
<html lang="{e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{e(pack.course_title)} {e(pack.course_version)}">
<meta name="author" content="{e(pack.course_title)}">
<meta name="description" content="{e(description)}">
<title>{e(title)} ({e(gettext_for(lang, _AUDIENCE_NAMES[pack.audience]))})</title>
<style>{STYLESHEET}</style>
<style>{page_css(pack)}</style>
</head>
<body>
<a class="skip-link" href="#main">{e(skip)}</a>
<header class="site"><div class="wrap">
<p>{e(pack.course_title)} · {e(version)}</p>
<nav class="site-nav" aria-label="{e(contents)}"><ul>{nav}</ul></nav>
</div></header>
<main id="main" class="wrap">
<h1>{e(title)}</h1>
<p class="notice intro-notice">{e(pack.notice)}</p>
<div class="intro-notice">{_crisis_html(pack.crisis, lang)}</div>

{parts}
</main>
<footer class="site"><div class="wrap">
<p>{e(pack.notice)}</p>
<p>{e(footer)}</p>
</div></footer>
</body>
</html>
"""


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
