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
from datetime import date
from typing import TYPE_CHECKING

import textstat

from course.schema import CITATION_MARK, CourseSettings, Gradable, Module, Quiz, Scenario, Survey

if TYPE_CHECKING:
    from course.loader import Path_, Problem, Source

MAX_PLAIN_GRADE = 8.0
MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 5
MIN_SECTIONS = 4
MIN_QUESTIONS = 10
MIN_QUESTIONS_PER_OBJECTIVE = 2
# The Flesch-Kincaid formula needs a few sentences to mean anything: on a four-word option it
# swings by several grades with one long word. Items shorter than this are graded together
# with their short siblings (a question's options, a module's objectives), each as a sentence;
# a group still shorter than this is not graded (docs/authoring.md, "Public versions").
SHORT_ITEM_WORDS = 12
# Content governance: `review.next_review` this close is a warning; this long past, an error.
REVIEW_DUE_DAYS = 30
REVIEW_GRACE_DAYS = 90

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
            for key in ("title", "alt", "caption", "plain_caption", "plain_alt"):
                yield from _language(src, (*fpath, key), getattr(f, key))
    # Dosing is checked in what the public track shows: the plain version where there is one.
    takeaways_key = "plain_takeaways" if m.plain_takeaways else "takeaways"
    for k, t in enumerate(m.takeaways):
        yield from _language(src, ("takeaways", k), t)
    for k, t in enumerate(m.plain_takeaways or []):
        yield from _language(src, ("plain_takeaways", k), t)
    for k, t in enumerate(m.shown_takeaways("public")):
        yield from _public_text(src, (takeaways_key, k), t)
    yield from _language(src, ("title",), m.title)
    yield from _public_text(src, ("title",), m.title)
    yield from _language(src, ("summary",), m.summary)
    yield from _language(src, ("plain_summary",), m.plain_summary)
    yield from _public_text(src, ("plain_summary" if m.plain_summary else "summary",), m.shown_summary("public"))
    for k, o in enumerate(m.objectives):
        yield from _language(src, ("objectives", k, "text"), o.text)
        yield from _language(src, ("objectives", k, "plain"), o.plain)
    for k, change in enumerate(m.review.changes if m.review else []):
        yield from _language(src, ("review", "changes", k), change)
        yield from _public_text(src, ("review", "changes", k), change)


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


def _public_tracks_as_written(src: Source | None) -> list[dict]:
    """The tracks that course.yaml, as written, gives a public audience."""
    tracks = src.data.get("tracks") if src is not None and isinstance(src.data, dict) else None
    return [
        t
        for t in (tracks if isinstance(tracks, list) else [])
        if isinstance(t, dict) and isinstance(t.get("id"), str) and t.get("audience") == "public"
    ]


def _modules_as_written(track: dict) -> set[str]:
    modules = track.get("modules")
    return {m for m in modules if isinstance(m, str)} if isinstance(modules, list) else set()


def check_content(
    settings: CourseSettings | None,
    settings_src: Source | None,
    modules: list[tuple[Module, Source]],
    quizzes: list[tuple[Quiz | Survey, Source]],
    coverage: bool = True,
) -> list[Problem]:
    problems: list[Problem] = []
    # Without valid settings, read the tracks' audiences from course.yaml as written; if even
    # that cannot be read, only questions for every track get the public-text checks (the
    # others are checked once course.yaml reads), not a flood of false "dosing" problems.
    # Modules some public track shows, read the same way; while not even that can be read, none:
    # a module's public text is checked once course.yaml says which modules the public sees
    # (a staff-only module's clinical wording is not a public-text problem).
    if settings:
        public_tracks = {t.id for t in settings.tracks if t.audience == "public"}
        public_modules = {mid for t in settings.tracks if t.audience == "public" for mid in t.modules}
    else:
        written = _public_tracks_as_written(settings_src)
        public_tracks = {t["id"] for t in written}
        public_modules = {mid for t in written for mid in _modules_as_written(t)}
    track_ids = {t.id for t in settings.tracks} if settings else None
    for m, src in modules:
        problems += _check_module(m, src)
        problems += _check_voices(m, src, track_ids, public_tracks)
        if m.id in public_modules:
            problems += _check_public_module(m, src)
        from course.scenario_checks import check_inline_checks

        problems += check_inline_checks(m, src, track_ids, public_tracks, m.id in public_modules)
    by_quiz = {m.quiz: m for m, _ in modules}
    by_objective = {o.id: m for m, _ in modules for o in m.objectives}
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
                if public:
                    problems += _check_public_question(src, path, sub)
                section = sub.section or (q.section if isinstance(q, Scenario) else None)
                section_path = (*path, "section") if sub.section else (*qpath, "section")
                owner = by_quiz.get(quiz.id) or by_objective.get(sub.objective)
                problems += _question_section(src, path, section, owner, public, section_path)
            if isinstance(q, Scenario) and any(
                (sub.tracks or q.tracks) is None or bool(public_tracks & set(sub.tracks or q.tracks or []))
                for sub, _ in subs
            ):
                problems += _public_text(src, (*qpath, "case"), q.case)
                problems += readable_findings(
                    src, [((*qpath, "title"), q.title, None), ((*qpath, "case"), q.case, None)], f"scenario {q.id!r}"
                )

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
    if settings is not None and settings.pre_test and settings.post_test:
        found = {q.id: (q, src) for q, src in quizzes if isinstance(q, Quiz)}
        if settings.pre_test in found and settings.post_test in found:
            problems += _pairing(*found[settings.pre_test], *found[settings.post_test])
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


# --------------------------------------------------------------------------- public track


def word_count(text: str) -> int:
    return len(plain_text(text).split())


def _as_sentence(text: str) -> str:
    words = plain_text(text)
    return words if words.endswith((".", "!", "?")) else words + "."


# (where, text, the key that would hold a public version, if the text is staff wording shown
# to the public for want of one)
PublicItem = tuple["Path_", str | None, str | None]


def readable_findings(src: Source, items: list[PublicItem], group: str) -> Iterator[Problem]:
    """Grade what the public track shows: an item of SHORT_ITEM_WORDS words or more on its own,
    shorter items together with their short siblings in `items` (each read as a sentence)."""
    short: list[PublicItem] = []
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
        from course.loader import format_path

        names = ", ".join(format_path(path) for path, _, _ in short)
        keys = sorted({key for _, _, key in short if key})
        hint = f"; or add {', '.join(f'`{k}:`' for k in keys)} with public versions" if keys else ""
        yield src.problem(
            short[0][0],
            f"the short texts of {group} the public track shows ({names}), read together, are at grade "
            f"{grade:.1f}; keep them at grade {MAX_PLAIN_GRADE:g} or below (shorter words){hint}",
        )


def _check_public_module(m: Module, src: Source) -> Iterator[Problem]:
    """Reading level and dosing of everything a module shows the public track, besides the
    sections' plain text (checked with the sections) and the quiz (checked with the quiz)."""
    objectives: list[PublicItem] = [
        (("objectives", k, "plain"), o.plain, None) if o.plain else (("objectives", k, "text"), o.text, "plain")
        for k, o in enumerate(m.objectives)
    ]
    yield from readable_findings(src, objectives, "this module's objectives")
    for path, text, _ in objectives:
        yield from _public_text(src, path, text)
    key = "plain_takeaways" if m.plain_takeaways else "takeaways"
    hint = None if m.plain_takeaways else "plain_takeaways"
    takeaways = [((key, k), t, hint) for k, t in enumerate(m.shown_takeaways("public"))]
    yield from readable_findings(src, takeaways, "this module's takeaways")
    summary_key = "plain_summary" if m.plain_summary else "summary"
    yield from readable_findings(
        src, [((summary_key,), m.shown_summary("public"), None if m.plain_summary else "plain_summary")], "the summary"
    )
    yield from readable_findings(
        src,
        [(("review", "changes", k), c, None) for k, c in enumerate(m.review.changes if m.review else [])],
        "the review's changes",
    )
    for i, section in enumerate(m.sections):
        for k, f in enumerate(section.figures):
            fpath: Path_ = ("sections", i, "figures", k)
            shown: list[PublicItem] = [
                (
                    (*fpath, "plain_caption") if f.plain_caption else (*fpath, "caption"),
                    f.shown_caption("public"),
                    None if f.plain_caption else "plain_caption",
                ),
                (
                    (*fpath, "plain_alt") if f.plain_alt else (*fpath, "alt"),
                    f.shown_alt("public"),
                    None if f.plain_alt else "plain_alt",
                ),
            ]
            yield from readable_findings(src, shown, f"figure {f.id!r}")
            for path, text, _ in shown:
                yield from _public_text(src, path, text)


def _check_voices(m: Module, src: Source, track_ids: set[str] | None, public_tracks: set[str]) -> Iterator[Problem]:
    refs = {r.id for r in m.references}
    from course.loader import _duplicates

    voices = [
        (v.id, src, ("sections", i, "voices", k, "id"))
        for i, s in enumerate(m.sections)
        for k, v in enumerate(s.voices)
    ]
    yield from _duplicates(voices, "voice")
    for i, section in enumerate(m.sections):
        for k, v in enumerate(section.voices):
            vpath: Path_ = ("sections", i, "voices", k)
            if v.kind == "composite":
                if not v.sources:
                    yield src.problem(
                        (*vpath, "sources"),
                        "a composite account lists the module references it is built from (sources: [id, ...])",
                    )
                for j, ref in enumerate(v.sources):
                    if ref not in refs:
                        yield src.problem(
                            (*vpath, "sources", j), f"reference {ref!r} is not in this module's references"
                        )
            elif not (v.consent or "").strip():
                yield src.problem(
                    (*vpath, "consent"),
                    "a real person's account says how and when they gave consent, and for what use (consent: ...)",
                )
            for j, t in enumerate(v.tracks or []):
                if track_ids is not None and t not in track_ids:
                    yield src.problem((*vpath, "tracks", j), f"no track has id {t!r}")
            for key in ("text", "attribution"):
                yield from _language(src, (*vpath, key), getattr(v, key))
                if v.tracks is None or public_tracks & set(v.tracks):
                    yield from _public_text(src, (*vpath, key), getattr(v, key))


def _check_public_question(src: Source, path: Path_, q: Gradable) -> Iterator[Problem]:
    items: list[PublicItem] = [((*path, *p), t, None) for p, t in _question_texts(q)]
    yield from readable_findings(src, items, f"question {q.id!r}")


def _question_section(
    src: Source,
    path: Path_,
    section: str | None,
    module: Module | None,
    public: bool,
    section_path: Path_,
) -> Iterator[Problem]:
    """A public question names the section of its module whose plain text teaches its answer."""
    if module is None:
        return
    if section is None:
        if public:
            yield src.problem(
                path,
                f"a question the public track sees names the section of module {module.id!r} it tests "
                "(section: <section id>), so a public learner can answer it from that section's plain text",
            )
        return
    found = next((s for s in module.sections if s.id == section), None)
    if found is None:
        ids = ", ".join(s.id for s in module.sections)
        yield src.problem(section_path, f"module {module.id!r} has no section {section!r} (its sections: {ids})")
    elif public and not found.plain:
        yield src.problem(
            section_path,
            f"section {section!r} of module {module.id!r} has no plain text, so a public learner "
            "cannot learn the answer from it",
        )


def _pairing(pre: Quiz, pre_src: Source, post: Quiz, post_src: Source) -> Iterator[Problem]:
    """Every pre-test question is paired by exactly one post-test question with the same objective,
    so a learner's change from the start check to the final check compares like with like."""
    pre_items = {}
    for i, q in enumerate(pre.questions):
        subs = (
            [(s, ("questions", i, "questions", j)) for j, s in enumerate(q.questions)]
            if isinstance(q, Scenario)
            else [(q, ("questions", i))]
        )
        for sub, path in subs:
            pre_items[sub.id] = (sub, path)
            if sub.pairs_with is not None:
                yield pre_src.problem((*path, "pairs_with"), "pairs_with belongs on post-test questions only")
    paired: dict[str, Path_] = {}
    for i, q in enumerate(post.questions):
        subs = (
            [(s, ("questions", i, "questions", j)) for j, s in enumerate(q.questions)]
            if isinstance(q, Scenario)
            else [(q, ("questions", i))]
        )
        for sub, path in subs:
            target = sub.pairs_with
            if target is None:
                yield post_src.problem(
                    path,
                    f"a post-test question names the pre-test question it pairs with (pairs_with: <id in {pre.id}>)",
                )
                continue
            if target not in pre_items:
                yield post_src.problem((*path, "pairs_with"), f"the pre-test {pre.id!r} has no question {target!r}")
                continue
            if target in paired:
                first = post_src.line(paired[target])
                yield post_src.problem(
                    (*path, "pairs_with"),
                    f"pre-test question {target!r} is already paired by the question at {post_src.rel}:{first}; "
                    "each pre-test question pairs with exactly one post-test question",
                )
                continue
            paired[target] = (*path, "pairs_with")
            pre_q = pre_items[target][0]
            if pre_q.objective != sub.objective:
                yield post_src.problem(
                    (*path, "pairs_with"),
                    f"pairs with {target!r}, which tests objective {pre_q.objective!r}, but this question tests "
                    f"{sub.objective!r}; a pair tests the same objective",
                )
    for qid, (_, path) in pre_items.items():
        if qid not in paired:
            yield pre_src.problem(
                (*path, "id"), f"no post-test question pairs with pre-test question {qid!r} (pairs_with: {qid})"
            )


def review_findings(modules: list[tuple[Module, Source]], today: date) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about when each module's content review is due, as of `today`."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for m, src in modules:
        if m.review is None:
            continue  # reported as missing by the loader
        due = m.review.next_review
        days = (due - today).days
        path: Path_ = ("review", "next_review")
        if days < -REVIEW_GRACE_DAYS:
            errors.append(
                src.problem(
                    path,
                    f"review overdue: next_review was {due.isoformat()}, {-days} days ago (more than the "
                    f"{REVIEW_GRACE_DAYS}-day grace period); review the module, then update its review: block",
                )
            )
        elif days < 0:
            warnings.append(
                src.problem(
                    path,
                    f"review overdue: next_review was {due.isoformat()}, {-days} days ago; after "
                    f"{REVIEW_GRACE_DAYS} days this is an error",
                )
            )
        elif days <= REVIEW_DUE_DAYS:
            warnings.append(
                src.problem(
                    path, f"review due: next_review is {due.isoformat()}, in {days} day{'s' if days != 1 else ''}"
                )
            )
    return errors, warnings
