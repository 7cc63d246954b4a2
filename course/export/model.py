"""The facilitator pack as plain data: `build_pack` gathers a module's slides with speaker
notes, a plain-language handout, the quiz with its answer key, the references, the crisis
services and the scenarios for one audience into a `Pack`. The HTML (`course.export.html`) and
the PDF (`course.export.pdf`) lay this same data out; nothing here knows about markup.

A public pack holds only plain-language text and only the quiz questions a public track sees,
so it never carries doses (see `course.slides`).

A pack in another language (`lang="es"`) is built from the course as that language's reader
sees it (`course.translation.translate_course`): the handout, the slides' text, the quiz, the
notice and the crisis services in Spanish, and the pack's own words from the gettext catalogue
(`course.i18n`). Speaker notes, discussion prompts and references stay English (presenter
material and publications: `course.translation` does not translate them). Only the public
track is translated, so a staff pack is English only (`check_language`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from course.i18n import DEFAULT, N_, TRANSLATED, gettext_for
from course.questions.true_false import TrueFalse
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
from course.translation import translate_course

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The languages a pack can be made in: English, and each language the public track is translated to.
PACK_LANGUAGES: tuple[str, ...] = (DEFAULT, *TRANSLATED)
_NAMES_IN_ENGLISH = {"es": "Spanish"}  # for messages to the person running the command

# The question types' printed hints, answer-key labels and true/false answers (course.questions
# writes them in English): marked here so the catalogue has them and the pack translates them.
_QUESTION_WORDS = (
    N_("Choose one answer."),
    N_("Choose all that apply."),
    N_("True or false?"),
    N_("Put these in order."),
    N_("Answers:"),
    N_("Correct order:"),
    N_("True"),
    N_("False"),
)


# What a facilitator does when someone discloses a crisis during a session (docs/presenter.md
# has the full script), after the five action steps of #BeThe1To, the 988 Lifeline's campaign.
CRISIS_DISCLOSURE_STEPS: tuple[str, ...] = (
    N_(
        "Pause and acknowledge: \u201cThank you for telling me. Can we talk, just the two of us?\u201d "
        "Call a break or ask a co-facilitator to carry on."
    ),
    N_("Ask directly: \u201cAre you thinking about suicide?\u201d Asking does not put the idea in their head."),
    N_("Be there: listen, do not judge or argue, and do not promise to keep it secret."),
    N_(
        "If they are in immediate danger, call the emergency number (911 in the US) and stay with them until help "
        "arrives."
    ),
    N_("Help them connect: offer to call or text a crisis line together now (988 in the US), or their own clinician."),
    N_(
        "Follow up: with their agreement, check in after the session. Do not tell the room what they said, "
        "and do not give advice about medicines or treatment."
    ),
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
    hint: str = ""  # the line under the prompt on the printed quiz ("" when the prompt says it)
    answer_label: str = "Answers:"  # the answer key's heading when the answer has several lines


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
    lang: str = DEFAULT  # the language of the pack's text: "en", or one the public track is translated to


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


def _quiz_entries(course: Course, module: Module, audience: Audience, lang: str = DEFAULT) -> tuple[QuizEntry, ...]:
    quiz = course.quizzes[module.quiz]
    numbers = citation_numbers(module)
    entries = []
    for n, (scenario, q) in enumerate(audience_questions(course, quiz, audience), start=1):
        letters = {o.id: _LETTERS[i] for i, o in enumerate(q.options_list())}
        options = tuple((letters[o.id], o.text) for o in q.options_list())
        source = f"[{numbers[q.reference]}]" if q.reference in numbers else None
        answer = q.pack_answer(letters)
        if isinstance(q, TrueFalse):  # "True" or "False", in the pack's language
            answer = tuple(gettext_for(lang, line) for line in answer)
        hint = gettext_for(lang, q.pack_hint()) if q.pack_hint() else ""
        if lang != DEFAULT and hint.rstrip(".?").lower() in q.prompt.lower():
            hint = ""  # a translated prompt that ends "Elija todas las respuestas correctas." says it once
        label = gettext_for(lang, q.pack_answer_label())
        entries.append(QuizEntry(n, scenario, q, options, answer, q.explanation, source, hint, label))
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


class PackLanguageError(ValueError):
    """A pack asked for in a language it cannot be made in; the message says why and what to do."""


def check_language(lang: str, audience: str) -> str:
    """`lang` when a pack for `audience` can be made in it; PackLanguageError otherwise."""
    if lang not in PACK_LANGUAGES:
        raise PackLanguageError(f"a facilitator pack can be made in {', '.join(PACK_LANGUAGES)}, not {lang!r}")
    if lang != DEFAULT and audience == "staff":
        raise PackLanguageError(
            f"the staff track is in English only, so its pack is too: a {_NAMES_IN_ENGLISH.get(lang, lang)} ({lang}) pack is for "
            "the public audience (leave out --audience staff, or make the staff pack without --lang)"
        )
    return lang


def pack_course(course: Course, lang: str, root: Path | str | None = None) -> Course:
    """The course as a `lang` reader sees it: the translations under `root` (default: this
    repository) laid over the English; for English, `course` itself."""
    if lang == DEFAULT:
        return course
    from course.loader import default_root

    return translate_course(course, root if root is not None else default_root(), lang)


def build_pack(
    course: Course, module_id: str, audience: Audience, lang: str = DEFAULT, *, root: Path | str | None = None
) -> Pack:
    """The pack for one module and audience, in `lang` ("en"; "es" for the public audience).

    `course` is the course as loaded (English); for another language its translations are read
    from `root`, the course folder (default: this repository). A text without a current
    translation is shown in English, as the app shows it (`course.translation`)."""
    audience = check_audience(audience)
    lang = check_language(lang, audience)
    course = pack_course(course, lang, root)
    module = find_module(course, module_id)
    numbers = citation_numbers(module)
    quiz = course.quizzes[module.quiz]
    return Pack(
        course_title=course.settings.title,
        course_version=course.settings.version,
        notice=" ".join(course.settings.notice.split()),
        module=module,
        audience=audience,
        slides=tuple(build_slides(course, module_id, audience, lang=lang)),
        handout=_handout(module, numbers),
        takeaways=tuple(module.shown_takeaways("public")),  # the handout's: plain language for everyone
        crisis=course.settings.crisis,
        quiz_title=quiz.title,
        quiz_intro=quiz.intro,
        questions=_quiz_entries(course, module, audience, lang),
        references=tuple(ReferenceEntry(numbers[r.id], " ".join(r.citation.split()), r.url) for r in module.references),
        crisis_steps=tuple(gettext_for(lang, step) for step in CRISIS_DISCLOSURE_STEPS),
        scenarios=pack_scenarios(course, module, audience),
        lang=lang,
    )


def default_filename(module_id: str, fmt: Format, lang: str = DEFAULT) -> str:
    """`history-facilitator-pack.pdf`; another language's pack is named for it
    (`history-facilitator-pack-es.pdf`), so it never overwrites the English one."""
    suffix = "" if lang == DEFAULT else f"-{lang}"
    return f"{module_id}-facilitator-pack{suffix}.{fmt}"
