"""A module as slides: pure data for the presenter view and the facilitator pack.

`build_slides` turns one module into a deck: a title slide, the learning objectives, then
each section split into slides that carry one idea each (a paragraph, or a lead-in and its
list), a full-width slide per figure, the key takeaways and the references. Nothing here
draws anything: the Streamlit presenter view, `course.export` (HTML and PDF) and tests all
read the same frozen `Slide` objects.

Two rules matter more than layout:
- The public audience reads only the plain-language text. A section's staff `body` can hold
  doses and rates, so it is never used for a public deck, not even as a fallback.
- Citation marks `[@id]` become numbers `[n]` from the module's reference list, so the same
  source has the same number on every slide, in the handout and in the reference list.

A deck in another language (`lang`, e.g. "es" for the Spanish facilitator pack) is built from
the course as that language's reader sees it (`course.translation.translate_course`); the deck's
own words (headings such as "Key takeaways", "About 20 minutes") come from the gettext catalogue
(`course.i18n`). Speaker notes are presenter material and stay English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from course.content_checks import dose_findings
from course.i18n import gettext_for, ngettext_for
from course.schema import Course, Figure, Module, Section

Audience = Literal["staff", "public"]
AUDIENCES: tuple[Audience, ...] = ("staff", "public")
SlideKind = Literal["title", "objectives", "section", "figure", "takeaways", "references"]

# About what a room can read while listening; longer paragraphs are split at sentences.
MAX_WORDS = 60
# A full citation runs to two or three lines; more than this per slide is unreadable.
REFERENCES_PER_SLIDE = 6
# List items keep their marker so any renderer can show them as a list.
BULLET = "• "
_MARKER = re.compile(r"^(?:• |\d+\. )")
NO_PLAIN_TEXT = "A plain-language version of this section is not available yet."

_CITE_RUN = re.compile(r"\[@[A-Za-z0-9_-]+\](?:\s*\[@[A-Za-z0-9_-]+\])*")
_CITE_ID = re.compile(r"\[@([A-Za-z0-9_-]+)\]")
_CITE_NUMBERS = re.compile(r"\[\d+(?:, \d+)*\]")
_LIST_ITEM = re.compile(r"^\s*(?:([-*+])|(\d+)\.)\s+(.*)$")


class UnknownModule(LookupError):
    """Raised for a module id the course does not have; the message names the known ids."""

    def __init__(self, module_id: str, known: Iterable[str]):
        self.module_id = module_id
        self.known = tuple(known)
        super().__init__(f"no module {module_id!r}; known modules: {', '.join(self.known)}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class FigureTable:
    """The data-table alternative to a figure, as text (same columns as charts.figure_table)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Slide:
    number: int  # 1-based position in the deck
    total: int
    kind: SlideKind
    heading: str
    # Plain text, one string per paragraph; list items start with BULLET or "n. ".
    paragraphs: tuple[str, ...] = ()
    figure: Figure | None = None
    table: FigureTable | None = None
    # For the presenter only: presenter views and notes pages show it, the audience never does.
    speaker_notes: str = ""
    discussion_prompts: tuple[str, ...] = ()
    next_heading: str | None = None
    section_id: str | None = None
    part: int = 1  # a section (or list) split over several slides: this is part `part` of `parts`
    parts: int = 1
    notice: str = ""  # the course's education-not-medical-advice notice, on the title slide


# --------------------------------------------------------------------------- text helpers


def find_module(course: Course, module_id: str) -> Module:
    try:
        return course.module(module_id)
    except KeyError:
        raise UnknownModule(module_id, (m.id for m in course.modules)) from None


def check_audience(audience: str) -> Audience:
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    return audience


def citation_numbers(module: Module) -> dict[str, int]:
    """Reference id -> its number: the position in the module's reference list, from 1."""
    return {ref.id: i for i, ref in enumerate(module.references, start=1)}


def number_citations(text: str, numbers: dict[str, int]) -> str:
    """`[@a] [@b]` -> `[1, 2]`. An id the module does not list keeps its name, so nothing is lost."""

    def one_run(match: re.Match[str]) -> str:
        labels: list[str] = []
        for ref_id in _CITE_ID.findall(match.group(0)):
            label = str(numbers[ref_id]) if ref_id in numbers else ref_id
            if label not in labels:
                labels.append(label)
        labels.sort(key=lambda s: (not s.isdigit(), int(s) if s.isdigit() else 0, s))
        return f"[{', '.join(labels)}]"

    return _CITE_RUN.sub(one_run, text)


def inline_text(markdown: str) -> str:
    """One line of Markdown as plain text: no emphasis, code marks or link targets."""
    text = re.sub(r"\[([^\]@][^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)", r"\1", text)
    text = text.replace("`", "").replace("**", "")
    return " ".join(text.split())


def word_count(text: str) -> int:
    """Words a reader reads: citation numbers and list markers are not words."""
    text = _MARKER.sub("", _CITE_NUMBERS.sub("", _CITE_RUN.sub("", text)))
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def slide_words(slide: Slide) -> int:
    return sum(word_count(p) for p in slide.paragraphs)


def strip_marker(paragraph: str) -> tuple[str | None, str]:
    """('•' or 'n.' or None, text without the marker)."""
    match = _MARKER.match(paragraph)
    if not match:
        return None, paragraph
    return match.group(0).strip(), paragraph[match.end() :]


@dataclass(frozen=True)
class Block:
    """One idea of a section's text: paragraphs (a lead-in, or plain prose) and list items.

    Text keeps its `[@id]` citation marks; `items` keep their list markers.
    """

    lead: tuple[str, ...]
    items: tuple[str, ...] = ()


def _is_lead_in(raw: str) -> bool:
    """A short paragraph that introduces what follows: ends with ':' or is wholly bold."""
    stripped = _CITE_RUN.sub("", raw).strip()
    return stripped.endswith(":") or bool(re.fullmatch(r"\*\*[^*]+\*\*[.:]?", stripped))


def _item_text(item: str) -> str:
    marker, text = strip_marker(item)
    return f"{marker} {inline_text(text)}" if marker else inline_text(text)


def text_blocks(markdown: str) -> list[Block]:
    """Split Markdown into blocks at paragraph boundaries; a lead-in joins the block after it."""
    blocks: list[tuple[Block, bool]] = []
    for raw in re.split(r"\n\s*\n", markdown.strip()):
        if not raw.strip():
            continue
        lead_lines: list[str] = []
        items: list[str] = []
        for line in raw.splitlines():
            match = _LIST_ITEM.match(line)
            if match:
                marker = BULLET if match.group(1) else f"{match.group(2)}. "
                items.append(marker + match.group(3))
            elif items:
                items[-1] += " " + line.strip()  # a wrapped list item
            else:
                lead_lines.append(line.strip())
        lead = (inline_text(" ".join(lead_lines)),) if lead_lines else ()
        item_texts = tuple(_item_text(i) for i in items)
        blocks.append((Block(lead, item_texts), not items and _is_lead_in(raw)))
    merged: list[Block] = []
    pending: tuple[str, ...] = ()
    for block, lead_in in blocks:
        if lead_in:
            pending += block.lead
            continue
        merged.append(Block(pending + block.lead, block.items))
        pending = ()
    if pending:
        merged.append(Block(pending))
    return merged


# --------------------------------------------------------------------------- splitting


_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "Dr.", "Prof.", "approx.", "Fig.", "No.", "cf.", "U.S.", "St.")
# A new sentence starts with a capital or a digit, or (in Spanish) with its opening ¿ or ¡.
_SENTENCE_END = re.compile(r"[.!?][\"”’»)\]]*(?=\s+[\"“«(\[¿¡]?[A-Z0-9ÁÉÍÓÚÑÜ])")


def sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.end()]
        if piece.endswith(_ABBREVIATIONS):
            continue
        out.append(piece.strip())
        start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def _pack(sizes: list[int], limit: int) -> list[list[int]]:
    """Greedy: indexes of units in order, a new group whenever the next unit would pass `limit`."""
    groups: list[list[int]] = []
    current: list[int] = []
    words = 0
    for i, size in enumerate(sizes):
        if current and words + size > limit:
            groups.append(current)
            current, words = [], 0
        current.append(i)
        words += size
    if current:
        groups.append(current)
    return groups


def balanced_groups(sizes: list[int], max_words: int) -> list[list[int]]:
    """The fewest groups of at most `max_words` each (in order), as even as possible: a
    paragraph of 130 words makes slides of 40-50 words, not 60 + 60 + 10.

    Greedy packing finds the fewest groups; then a small dynamic programme picks, among
    splits into that many groups, the one with the least sum of squared group sizes. A
    single unit larger than `max_words` (it cannot be split) sits alone.
    """
    if not sizes:
        return []
    if sum(sizes) <= max_words:
        return [list(range(len(sizes)))]
    groups = len(_pack(sizes, max_words))
    n = len(sizes)
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(groups + 1)]
    cut = [[0] * (n + 1) for _ in range(groups + 1)]
    cost[0][0] = 0
    for k in range(1, groups + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                words = prefix[i] - prefix[j]
                if words > max_words and i - j > 1:
                    continue
                candidate = cost[k - 1][j] + words * words
                if candidate < cost[k][i]:
                    cost[k][i], cut[k][i] = candidate, j
    out: list[list[int]] = []
    i = n
    for k in range(groups, 0, -1):
        j = cut[k][i]
        out.append(list(range(j, i)))
        i = j
    return out[::-1]


def fit_pieces(text: str, max_words: int) -> list[str]:
    """`text` cut into pieces of at most `max_words`: at sentences, then clauses, then words."""
    if word_count(text) <= max_words:
        return [text]
    for pattern in (r"(?<=[.!?])\s+", r"(?<=;)\s+", r"(?<=,)\s+", r"\s+"):
        parts = [p for p in re.split(pattern, text) if p]
        if len(parts) < 2:
            continue
        pieces = [piece for part in parts for piece in fit_pieces(part, max_words)]
        sizes = [word_count(p) for p in pieces]
        return [" ".join(pieces[i] for i in group) for group in balanced_groups(sizes, max_words)]
    return [text]  # one enormous word: nothing sensible left to split


def _prose_slides(paragraphs: tuple[str, ...], max_words: int) -> list[tuple[str, ...]]:
    """Paragraphs -> slides' paragraphs. Units are sentences; a slide keeps paragraph breaks."""
    units: list[tuple[int, str]] = []  # (paragraph index, sentence)
    for k, paragraph in enumerate(paragraphs):
        for sentence in sentences(paragraph):
            units.extend((k, piece) for piece in fit_pieces(sentence, max_words))
    groups = balanced_groups([word_count(text) for _, text in units], max_words)
    slides = []
    for group in groups:
        out: list[str] = []
        last = None
        for i in group:
            k, text = units[i]
            if k == last:
                out[-1] += " " + text
            else:
                out.append(text)
            last = k
        slides.append(tuple(out))
    return slides


def _list_slides(lead: tuple[str, ...], items: tuple[str, ...], max_words: int) -> list[tuple[str, ...]]:
    """A lead-in and its list. A short lead-in repeats on every slide so each still makes sense."""
    lead_words = sum(word_count(p) for p in lead)
    if lead_words + sum(word_count(i) for i in items) <= max_words:
        return [lead + items]
    if lead_words > max_words // 3:
        # A long lead-in is an idea of its own.
        return _prose_slides(lead, max_words) + _list_slides((), items, max_words)
    units: list[str] = []
    for item in items:
        marker, text = strip_marker(item)
        prefix = f"{marker} " if marker else ""
        # Only the first piece of a long item is a list item; the rest read on as its text,
        # so a list of five risks never looks like six.
        pieces = fit_pieces(text, max_words - lead_words)
        units.extend([prefix + pieces[0], *pieces[1:]])
    groups = balanced_groups([word_count(u) for u in units], max_words - lead_words)
    return [lead + tuple(units[i] for i in group) for group in groups]


def split_block(block: Block, max_words: int = MAX_WORDS) -> list[tuple[str, ...]]:
    """One block -> the paragraphs of one or more slides, each at most `max_words` words."""
    if block.items:
        return _list_slides(block.lead, block.items, max_words)
    if sum(word_count(p) for p in block.lead) <= max_words:
        return [block.lead]
    return _prose_slides(block.lead, max_words)


# --------------------------------------------------------------------------- figures


def format_value(figure: Figure, value: float) -> str:
    """A value as a reader expects it: years without separators, other numbers with them."""
    if figure.type == "timeline":
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return f"{int(value):,}" if value.is_integer() else f"{value:,.6g}"


def figure_rows(figure: Figure, lang: str = "en") -> FigureTable:
    """The figure's data as text, with the columns `charts.figure_table` uses."""
    with_notes = any(p.note for p in figure.data)
    headers = (figure.label_title, figure.value_title) + ((gettext_for(lang, "Note"),) if with_notes else ())
    rows = tuple(
        (p.label, format_value(figure, p.value)) + ((p.note or "",) if with_notes else ()) for p in figure.data
    )
    return FigureTable(headers, rows)


def _figure_text(figure: Figure) -> str:
    parts = [figure.title, figure.alt, figure.caption, figure.label_title, figure.value_title]
    parts += [f"{p.label} {p.note or ''}" for p in figure.data]
    return " ".join(parts)


# --------------------------------------------------------------------------- the deck


def section_text(section: Section, audience: Audience) -> str:
    """The Markdown an audience reads: plain language for the public, the full text for staff."""
    if audience == "public":
        return section.plain or NO_PLAIN_TEXT
    return section.body


def _numbered(blocks: list[tuple[str, ...]], numbers: dict[str, int]) -> list[tuple[str, ...]]:
    return [tuple(number_citations(p, numbers) for p in paragraphs) for paragraphs in blocks]


def _section_slides(
    section: Section, audience: Audience, numbers: dict[str, int], max_words: int, lang: str = "en"
) -> list[Slide]:
    notes = " ".join((section.speaker_notes or "").split())
    text_parts: list[tuple[str, ...]] = []
    for block in text_blocks(section_text(section, audience)):
        text_parts += split_block(block, max_words)
    # Numbers go in after splitting: the sentence splitter knows "[@id]" is not a new sentence.
    text_parts = _numbered(text_parts, numbers)
    # The public audience reads each figure's public caption and alt text, where it has them.
    figures = [
        f.model_copy(update={"caption": f.shown_caption(audience), "alt": f.shown_alt(audience)})
        if audience == "public" and (f.plain_caption or f.plain_alt)
        else f
        for f in section.figures
    ]
    prompts = tuple(section.discussion_prompts)
    if audience == "public":
        # Defence in depth: the loader already refuses doses in public text, but figures and
        # prompts are shared by both audiences, so a public deck drops any that read as doses.
        figures = [f for f in figures if not dose_findings(_figure_text(f))]
        prompts = tuple(p for p in prompts if not dose_findings(p))
    slides = [
        Slide(
            number=0,
            total=0,
            kind="section",
            heading=section.heading,
            paragraphs=paragraphs,
            speaker_notes=notes,
            section_id=section.id,
            part=i,
            parts=len(text_parts),
        )
        for i, paragraphs in enumerate(text_parts, start=1)
    ]
    for figure in figures:
        slides.append(
            Slide(
                number=0,
                total=0,
                kind="figure",
                heading=figure.title,
                paragraphs=(figure.caption,),
                figure=figure,
                table=figure_rows(figure, lang),
                speaker_notes=notes,
                section_id=section.id,
            )
        )
    if slides and prompts:
        # Discussion comes once the section has been presented, so it sits on its last slide.
        slides[-1] = replace(slides[-1], discussion_prompts=prompts)
    return slides


def _list_deck(
    kind: SlideKind, heading: str, lead: tuple[str, ...], items: list[str], notes: str, max_words: int
) -> list[Slide]:
    parts = _list_slides(lead, tuple(BULLET + inline_text(i) for i in items), max_words)
    return [
        Slide(0, 0, kind, heading, paragraphs=p, speaker_notes=notes, part=i, parts=len(parts))
        for i, p in enumerate(parts, start=1)
    ]


def build_slides(
    course: Course, module_id: str, audience: Audience, max_words: int = MAX_WORDS, lang: str = "en"
) -> list[Slide]:
    """The deck for one module and audience ("staff" reads the full text, "public" plain language).

    `lang` names the language of the deck's own headings; `course` should already be the course
    as that language's reader sees it (`course.translation.translate_course`)."""
    audience = check_audience(audience)
    module = find_module(course, module_id)
    numbers = citation_numbers(module)
    minutes = module.estimated_minutes
    slides: list[Slide] = [
        Slide(
            0,
            0,
            "title",
            module.title,
            paragraphs=(
                inline_text(module.shown_summary(audience)),
                ngettext_for(lang, "About {minutes} minute", "About {minutes} minutes", minutes).format(
                    minutes=minutes
                ),
            ),
            speaker_notes=(
                "Welcome the group. Read the notice aloud: this session is education, not medical advice, "
                "and decisions about treatment belong to a person and their own clinician."
            ),
            notice=" ".join(course.settings.notice.split()),
        )
    ]
    slides += _list_deck(
        "objectives",
        gettext_for(lang, "Learning objectives"),
        (gettext_for(lang, "By the end of this session you will be able to:"),),
        [o.shown(audience) for o in module.objectives],
        "Say what people will be able to do by the end. Come back to these objectives before the quiz.",
        max_words,
    )
    for section in module.sections:
        slides += _section_slides(section, audience, numbers, max_words, lang)
    slides += _list_deck(
        "takeaways",
        gettext_for(lang, "Key takeaways"),
        (),
        module.shown_takeaways(audience),
        "Ask people to say one takeaway in their own words. Then hand out the quiz.",
        max_words,
    )
    refs = [f"[{numbers[r.id]}] {' '.join(r.citation.split())}" for r in module.references]
    ref_parts = [refs[i : i + REFERENCES_PER_SLIDE] for i in range(0, len(refs), REFERENCES_PER_SLIDE)]
    for i, part in enumerate(ref_parts, start=1):
        slides.append(
            Slide(
                0,
                0,
                "references",
                gettext_for(lang, "References"),
                paragraphs=tuple(part),
                speaker_notes="The handout lists these sources too; the numbers match the marks on the slides.",
                part=i,
                parts=len(ref_parts),
            )
        )
    total = len(slides)
    return [
        replace(s, number=i, total=total, next_heading=_next_heading(s, slides[i], lang) if i < total else None)
        for i, s in enumerate(slides, start=1)
    ]


def _next_heading(current: Slide, following: Slide, lang: str = "en") -> str:
    if following.heading == current.heading:
        return gettext_for(lang, "{heading} (continued)").format(heading=following.heading)
    return following.heading
