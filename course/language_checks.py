"""The words of the content: reading level (Flesch-Kincaid, plain-language grade 8), stigmatising
terms with their person-first alternatives, anything on the public track that reads as dosing
instructions, and prompts and options that Streamlit would draw as maths.

Each check takes a text and says what it found; the `*_problems` helpers turn that into
`Problem`s at a place in a file. `course.content_checks` (modules, quizzes, the course file) and
`course.scenario_checks` (branching scenarios) apply them.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterator, Sequence

import textstat

from course.schema import CITATION_MARK
from course.yaml_source import Path_, Problem, Source, format_path

MAX_PLAIN_GRADE = 8.0
# The Flesch-Kincaid formula needs a few sentences to mean anything: on a four-word option it
# swings by several grades with one long word. Items shorter than this are graded together
# with their short siblings (a question's options, a module's objectives), each as a sentence;
# a group still shorter than this is not graded (docs/authoring.md, "Public versions").
SHORT_ITEM_WORDS = 12

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


_dictionaries_loaded = False
_loading = threading.Lock()


def load_dictionaries() -> None:
    """Have textstat load its word lists now, with the garbage collector paused; once per process.

    On its first grade textstat reads the CMU Pronouncing Dictionary (126,000 words, into about
    260,000 lists) and Pyphen's hyphenation patterns. Allocating that many containers triggers
    full collections that walk everything allocated so far: the first grade took 0.77 s of
    CPU, 0.34 s of it reading and 0.43 s collecting garbage that cannot exist yet (nothing in
    the dictionary refers back to anything). It is the largest part of every process's first
    course load: the app's cold start, `python -m course validate`, each test process. Paused,
    the same words load in 0.34 s. The collector is left as it was found (a caller that has
    paused it keeps it paused); another thread waits for the load rather than starting its own.
    """
    global _dictionaries_loaded
    with _loading:
        if _dictionaries_loaded:
            return
        collecting = gc.isenabled()
        gc.disable()
        try:
            textstat.flesch_kincaid_grade("One word.")  # the first count of syllables loads both
        finally:
            if collecting:
                gc.enable()
        _dictionaries_loaded = True


def reading_grade(markdown: str) -> float:
    if not _dictionaries_loaded:
        load_dictionaries()
    return float(textstat.flesch_kincaid_grade(plain_text(markdown)))


def compact_syllable_dictionary() -> None:
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


def language_problems(src: Source, path: Path_, text: str | None) -> Iterator[Problem]:
    for term, suggestion in stigma_findings(text or ""):
        yield src.problem(path, f"stigmatising term {term!r}: use {suggestion}")


def public_text_problems(src: Source, path: Path_, text: str | None) -> Iterator[Problem]:
    for amount in dose_findings(text or ""):
        yield src.problem(
            path,
            f"public text must not read as dosing instructions: remove {amount!r} (keep amounts and schedules in the staff text)",
        )


def label_problems(src: Source, path: Path_, text: str | None) -> Iterator[Problem]:
    """A prompt or option is a widget's label: Streamlit draws text between two $ signs in
    it as maths, and the label cannot be escaped without screen readers reading the escape."""
    if (text or "").count("$") >= 2:
        yield src.problem(path, "a question or option label can hold only one $ sign (two are drawn as maths)")


def word_count(text: str) -> int:
    return len(plain_text(text).split())


def _as_sentence(text: str) -> str:
    words = plain_text(text)
    return words if words.endswith((".", "!", "?")) else words + "."


# (where, text, the key that would hold a public version, if the text is staff wording shown
# to the public for want of one)
PublicItem = tuple[Path_, str | None, str | None]


def readable_findings(src: Source, items: Sequence[PublicItem], group: str) -> Iterator[Problem]:
    """Grade what the public track shows: an item of SHORT_ITEM_WORDS words or more on its own,
    shorter items together with their short siblings in `items` (each read as a sentence)."""
    short: list[tuple[Path_, str, str | None]] = []  # each with its text
    for path, text, public_key in items:
        if not text or not text.strip():
            continue
        if word_count(text) < SHORT_ITEM_WORDS:
            short.append((path, text, public_key))
            continue
        grade = reading_grade(text)
        if grade > MAX_PLAIN_GRADE:
            hint = f"; or add `{public_key}:` with a public version" if public_key else ""
            yield src.problem(
                path,
                f"the public track shows this text, which reads at grade {grade:.1f}; keep it at grade "
                f"{MAX_PLAIN_GRADE:g} or below (shorter sentences, shorter words){hint}",
            )
    if not short:
        return
    joined = " ".join(_as_sentence(text) for _, text, _ in short)
    if len(joined.split()) < SHORT_ITEM_WORDS:
        return  # too little text for the formula to mean anything
    grade = reading_grade(joined)
    if grade > MAX_PLAIN_GRADE:
        names = ", ".join(format_path(path) for path, _, _ in short)
        keys = sorted({key for _, _, key in short if key})
        hint = f"; or add {', '.join(f'`{k}:`' for k in keys)} with public versions" if keys else ""
        yield src.problem(
            short[0][0],
            f"the short texts of {group} the public track shows ({names}), read together, are at grade "
            f"{grade:.1f}; keep them at grade {MAX_PLAIN_GRADE:g} or below (shorter words){hint}",
        )
