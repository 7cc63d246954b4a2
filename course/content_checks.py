"""Editorial checks on the content: reading level, language, dosing, references, coverage.

These run inside `load_course`, so the app, `python -m course validate` and CI all refuse
content that a learner should not see: plain-language text above grade 8, stigmatising
words, anything on the public track that reads as dosing instructions, unreferenced
sections, and learning objectives no question tests.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

import textstat

from course.schema import CITATION_MARK, CourseSettings, Module, Quiz, Scenario, Survey

if TYPE_CHECKING:
    from course.loader import Path_, Problem, Source

MAX_PLAIN_GRADE = 8.0
MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 5
MIN_SECTIONS = 4
MIN_QUESTIONS = 10
MIN_QUESTIONS_PER_OBJECTIVE = 2

# (pattern, suggestion). Person-first alternatives follow the guidance cited in the Access
# and stigma module (Kelly & Westerhoff 2010). A term inside double quotes is a mention,
# not a use ("the word "addict" ..."), and is allowed.
STIGMA_TERMS: list[tuple[str, str]] = [
    (r"\b(?:substance|drug|ketamine) abusers?\b", "person with a substance use disorder"),
    (r"\babusers?\b", "person who uses drugs, or person with a substance use disorder"),
    (r"\b(?:substance|drug) abuse\b", "substance use, or non-medical use"),
    (r"\baddicts?\b", "person with a substance use disorder"),
    (r"\bjunkies?\b", "person who uses drugs"),
    (r"\bcrazy\b", "a specific, respectful description (e.g. 'person with a mental health condition')"),
    (r"\binsane\b", "a specific, respectful description"),
    (r"\blunatics?\b", "person with a mental health condition"),
    (r"\bpsychos?\b", "person experiencing psychosis"),
    (r"\bcommit(?:ted|s)? suicide\b", "died by suicide"),
    (r"\bthe mentally ill\b", "people with mental illness"),
    (r"\b(?:a|the) schizophrenics?\b", "person with schizophrenia"),
    (r"\bdepressives\b", "people with depression"),
    (
        r"\b(?:clean|dirty) (?:urine|drug|tox|test|screen)\w*|\btest(?:s|ed)? (?:clean|dirty)\b"
        r"|\b(?:got|stay|stayed|staying|getting) clean\b",
        "'negative' or 'positive' test result; 'in recovery' or 'not using'",
    ),
]
_STIGMA = [(re.compile(p, re.IGNORECASE), s) for p, s in STIGMA_TERMS]
# One pass that matches wherever any term does: almost every text has none, and one scan
# costs a third of scanning for each term in turn. Only a hit runs the term-by-term scan.
_ANY_STIGMA = re.compile("|".join(f"(?:{p})" for p, _ in STIGMA_TERMS), re.IGNORECASE)
# Only double quotes mark a mention: apostrophes ("don't ... it's") would hide real uses.
_QUOTED = re.compile(r"\"[^\"]{1,80}\"|“[^”]{1,80}”")

# Amounts, rates and schedules read as instructions; the public track never shows them.
_TIMES = r"(?:once|twice|three times|four times|\d+ times)"
_EVERY = r"(?:other|second|third|two|three|four|\d+)"
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg/kg|mg|mcg|µg|ug|ml|mL|milligrams?|micrograms?)\b|mg/kg|per kilogram"
    # How often: "twice a week", "once-weekly", "every other week", "weekly or every two weeks".
    rf"|\b{_TIMES}[- ](?:a|per|each|every)[- ](?:day|week|fortnight|month)\b"
    rf"|\b{_TIMES}[- ](?:daily|weekly|monthly)\b"
    rf"|\bevery[- ]{_EVERY}[- ](?:days?|weeks?|months?)\b",
    re.IGNORECASE,
)


def plain_text(markdown: str) -> str:
    """Markdown as the words a reader reads: no citation marks, emphasis or list markers."""
    text = CITATION_MARK.sub("", markdown)
    text = re.sub(r"[*_`#>]+", "", text)
    text = re.sub(r"^\s*(?:[-+]|\d+\.)\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def reading_grade(markdown: str) -> float:
    return float(textstat.flesch_kincaid_grade(plain_text(markdown)))


def _compact_syllable_dictionary() -> None:
    """Hold textstat's cached CMU dictionary as tuples instead of lists, once per process.

    textstat keeps the CMU Pronouncing Dictionary (126,000 words) for the life of the process
    as lists of lists: about 260,000 objects that every full garbage collection walks again.
    Streamlit runs one after every script run (`runner.postScriptGC`), so in the app every
    script run paid about 80 ms for it (213 ms a collection instead of 134 ms; twice when a
    button switches page). The same words in tuples of strings read the same way
    (textstat only indexes and iterates them), and the collector stops tracking them after
    one pass. Grades are unchanged; a no-op if textstat's internals ever differ.
    """
    try:
        from textstat.backend.utils import get_cmudict
    except ImportError:  # pragma: no cover - another textstat layout
        return
    cache_info = getattr(get_cmudict, "cache_info", None)
    if cache_info is None or cache_info().currsize == 0:
        return  # not loaded: nothing to compact, and no reason to load it
    words = get_cmudict(getattr(textstat.textstat, "_textstatistics__lang", "en_US"))
    if not isinstance(words, dict) or not words or isinstance(next(iter(words.values())), tuple):
        return
    for word, pronunciations in words.items():
        words[word] = tuple(map(tuple, pronunciations))


def stigma_findings(text: str) -> list[tuple[str, str]]:
    """(term found, suggested alternative) for every stigmatising term used outside quotes."""
    unquoted = _QUOTED.sub(" ", text)
    if _ANY_STIGMA.search(unquoted) is None:
        return []
    found = []
    for pattern, suggestion in _STIGMA:
        for match in pattern.finditer(unquoted):
            found.append((match.group(0), suggestion))
    return found


def dose_findings(text: str) -> list[str]:
    return [m.group(0) for m in _DOSE.finditer(text)]


def _language(src: Source, path: Path_, text: str | None) -> Iterator[Problem]:
    for term, suggestion in stigma_findings(text or ""):
        yield src.problem(path, f"stigmatising term {term!r}: use {suggestion}")


def _public_text(src: Source, path: Path_, text: str | None) -> Iterator[Problem]:
    for amount in dose_findings(text or ""):
        yield src.problem(
            path,
            f"public text must not read as dosing instructions: remove {amount!r} (keep amounts and schedules in the staff text)",
        )


def _label(src: Source, path: Path_, text: str | None) -> Iterator[Problem]:
    """A prompt or option is a widget's label: Streamlit draws text between two $ signs in
    it as maths, and the label cannot be escaped without screen readers reading the escape."""
    if (text or "").count("$") >= 2:
        yield src.problem(path, "a question or option label can hold only one $ sign (two are drawn as maths)")


def _check_module(m: Module, src: Source) -> Iterator[Problem]:
    if not MIN_OBJECTIVES <= len(m.objectives) <= MAX_OBJECTIVES:
        yield src.problem(
            ("objectives",),
            f"a module has {MIN_OBJECTIVES} to {MAX_OBJECTIVES} learning objectives, not {len(m.objectives)}",
        )
    if len(m.sections) < MIN_SECTIONS:
        yield src.problem(("sections",), f"a module has at least {MIN_SECTIONS} sections, not {len(m.sections)}")
    if not any(s.figures for s in m.sections):
        yield src.problem(("sections",), "a module has at least one figure")
    for i, s in enumerate(m.sections):
        path: Path_ = ("sections", i)
        if not s.references:
            yield src.problem((*path, "references"), "every section cites at least one reference")
        if not s.plain:
            yield src.problem((*path, "plain"), "every section has a plain-language version for the public track")
        else:
            grade = reading_grade(s.plain)
            if grade > MAX_PLAIN_GRADE:
                yield src.problem(
                    (*path, "plain"),
                    f"plain-language text reads at grade {grade:.1f}; keep it at grade {MAX_PLAIN_GRADE:g} or below "
                    "(shorter sentences, shorter words)",
                )
            yield from _public_text(src, (*path, "plain"), s.plain)
        if not s.speaker_notes:
            yield src.problem((*path, "speaker_notes"), "every section has speaker notes for presenters")
        for key in ("heading", "body", "plain", "speaker_notes"):
            yield from _language(src, (*path, key), getattr(s, key))
        for k, prompt in enumerate(s.discussion_prompts):
            yield from _language(src, (*path, "discussion_prompts", k), prompt)
        for k, f in enumerate(s.figures):
            fpath = (*path, "figures", k)
            for key in ("title", "alt", "caption"):
                yield from _language(src, (*fpath, key), getattr(f, key))
    for k, t in enumerate(m.takeaways):
        yield from _language(src, ("takeaways", k), t)
        yield from _public_text(src, ("takeaways", k), t)
    for key in ("title", "summary"):
        yield from _language(src, (key,), getattr(m, key))
        yield from _public_text(src, (key,), getattr(m, key))
    for k, o in enumerate(m.objectives):
        yield from _language(src, ("objectives", k, "text"), o.text)


def _question_texts(q) -> Iterator[tuple[tuple, str]]:
    yield ("prompt",), q.prompt
    yield ("explanation",), q.explanation
    if q.type == "true_false":
        yield ("feedback_true",), q.feedback_true
        yield ("feedback_false",), q.feedback_false
    else:
        for i, o in enumerate(q.options):
            yield ("options", i, "text"), o.text
            yield ("options", i, "feedback"), o.feedback


def _public_tracks_as_written(src: Source | None) -> set[str]:
    """The ids of tracks that course.yaml, as written, gives a public audience."""
    tracks = src.data.get("tracks") if src is not None and isinstance(src.data, dict) else None
    return {
        t["id"]
        for t in tracks or []
        if isinstance(t, dict) and isinstance(t.get("id"), str) and t.get("audience") == "public"
    }


def check_content(
    settings: CourseSettings | None,
    settings_src: Source | None,
    modules: list[tuple[Module, Source]],
    quizzes: list[tuple[Quiz | Survey, Source]],
    coverage: bool = True,
) -> list[Problem]:
    problems: list[Problem] = []
    for m, src in modules:
        problems += _check_module(m, src)

    # Without valid settings, read the tracks' audiences from course.yaml as written; if even
    # that cannot be read, only questions for every track get the public-text checks (the
    # others are checked once course.yaml reads), not a flood of false "dosing" problems.
    public_tracks = (
        {t.id for t in settings.tracks if t.audience == "public"}
        if settings
        else _public_tracks_as_written(settings_src)
    )
    module_quizzes = {m.quiz for m, _ in modules}
    tests = {settings.pre_test, settings.post_test} if settings else set()  # course-wide tests don't count as coverage
    tested: Counter[str] = Counter()
    for quiz, src in quizzes:
        if isinstance(quiz, Survey):
            for i, item in enumerate(quiz.items):
                problems += _language(src, ("items", i, "text"), item.text)
            continue
        if quiz.id in module_quizzes and len(quiz.items()) < MIN_QUESTIONS:
            problems.append(
                src.problem(
                    ("questions",), f"a module quiz has at least {MIN_QUESTIONS} questions, not {len(quiz.items())}"
                )
            )
        for i, q in enumerate(quiz.questions):
            qpath: Path_ = ("questions", i)
            subs = [(q, qpath)]
            if isinstance(q, Scenario):
                subs = [(s, (*qpath, "questions", j)) for j, s in enumerate(q.questions)]
                problems += _language(src, (*qpath, "case"), q.case)
            for sub, path in subs:
                if quiz.id not in tests:
                    tested[sub.objective] += 1
                visible = sub.tracks or q.tracks
                public = visible is None or bool(public_tracks & set(visible))
                for tpath, text in _question_texts(sub):
                    problems += _language(src, (*path, *tpath), text)
                    if tpath[0] == "prompt" or tpath[-1] == "text":
                        problems += _label(src, (*path, *tpath), text)
                    if public:
                        problems += _public_text(src, (*path, *tpath), text)
                if public and isinstance(q, Scenario):
                    problems += _public_text(src, (*qpath, "case"), q.case)

    for m, src in modules if coverage else []:
        for i, o in enumerate(m.objectives):
            if tested[o.id] < MIN_QUESTIONS_PER_OBJECTIVE:
                problems.append(
                    src.problem(
                        ("objectives", i, "id"),
                        f"objective {o.id!r} is tested by {tested[o.id]} question(s); "
                        f"every objective needs at least {MIN_QUESTIONS_PER_OBJECTIVE}",
                    )
                )
    problems += _same_reference_everywhere(modules)
    if settings is not None and settings_src is not None:
        problems += _language(settings_src, ("description",), settings.description)
    _compact_syllable_dictionary()
    return problems


def _same_reference_everywhere(modules: list[tuple[Module, Source]]) -> Iterator[Problem]:
    """A reference id used in several modules names one source: its citation and link must read
    the same in each, or a learner sees two versions of one source (and one is wrong)."""
    first: dict[str, tuple[str, str | None, str, int]] = {}
    for m, src in modules:
        for i, ref in enumerate(m.references):
            seen = first.setdefault(ref.id, (ref.citation, ref.url, src.rel, src.line(("references", i))))
            citation, url, where, line = seen
            for field_name, mine, theirs in (("citation", ref.citation, citation), ("url", ref.url, url)):
                if mine != theirs:
                    yield src.problem(
                        ("references", i, field_name),
                        f"reference {ref.id!r} has a different {field_name} in {where}:{line}; "
                        "a reference id names one source, so give it the same wording everywhere",
                    )
