"""The facilitator pack as plain data: `build_pack` gathers a module's slides with speaker
notes, a plain-language handout, the quiz with its answer key, the references, the crisis
services and the scenarios for one audience into a `Pack`. The HTML (`course.export.html`) and
the PDF (`course.export.pdf`) lay this same data out; nothing here knows about markup.

A public pack holds only plain-language text and only the quiz questions a public track sees,
so it never carries doses (see `course.slides`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from course.scenario_sheet import pack_scenarios
from course.schema import BranchingScenario, Course, Crisis, Gradable, Module, Quiz, Scenario
from course.slides import (
    Audience,
    Slide,
    build_slides,
    check_audience,
    citation_numbers,
    find_module,
    number_citations,
    section_text,
    text_blocks,
)

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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


def _quiz_entries(course: Course, module: Module, audience: Audience) -> tuple[QuizEntry, ...]:
    quiz = course.quizzes[module.quiz]
    numbers = citation_numbers(module)
    entries = []
    for n, (scenario, q) in enumerate(audience_questions(course, quiz, audience), start=1):
        letters = {o.id: _LETTERS[i] for i, o in enumerate(q.options_list())}
        options = tuple((letters[o.id], o.text) for o in q.options_list())
        source = f"[{numbers[q.reference]}]" if q.reference in numbers else None
        entries.append(QuizEntry(n, scenario, q, options, q.pack_answer(letters), q.explanation, source))
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
