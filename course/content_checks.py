"""Editorial checks on the content: reading level, language, dosing, references, coverage.

These run inside `load_course`, so the app, `python -m course validate` and CI all refuse
content that a learner should not see: plain-language text above grade 8, stigmatising
words, anything on the public track that reads as dosing instructions, unreferenced
sections, and learning objectives no question tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from course.language_checks import (
    MAX_PLAIN_GRADE,
    PublicItem,
    compact_syllable_dictionary,
    dose_findings,
    label_problems,
    language_problems,
    plain_text,
    public_text_problems,
    readable_findings,
    reading_grade,
    stigma_findings,
)
from course.schema import CourseSettings, Gradable, Module, Quiz, Scenario, Survey
from course.yaml_source import Path_, Problem, Source, duplicates

# The checks of words moved to course.language_checks; callers still import them from here.
__all__ = [
    "MAX_OBJECTIVES",
    "MAX_PLAIN_GRADE",
    "MIN_OBJECTIVES",
    "MIN_QUESTIONS",
    "MIN_QUESTIONS_PER_OBJECTIVE",
    "MIN_SECTIONS",
    "check_content",
    "check_inline_checks",
    "dose_findings",
    "plain_text",
    "readable_findings",
    "reading_grade",
    "stigma_findings",
]

MIN_OBJECTIVES, MAX_OBJECTIVES = 3, 5
MIN_SECTIONS = 4
MIN_QUESTIONS = 10
MIN_QUESTIONS_PER_OBJECTIVE = 2


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
            yield from public_text_problems(src, (*path, "plain"), s.plain)
        if not s.speaker_notes:
            yield src.problem((*path, "speaker_notes"), "every section has speaker notes for presenters")
        for key in ("heading", "body", "plain", "speaker_notes"):
            yield from language_problems(src, (*path, key), getattr(s, key))
        for k, prompt in enumerate(s.discussion_prompts):
            yield from language_problems(src, (*path, "discussion_prompts", k), prompt)
        for k, f in enumerate(s.figures):
            fpath = (*path, "figures", k)
            for key in ("title", "alt", "caption", "plain_caption", "plain_alt"):
                yield from language_problems(src, (*fpath, key), getattr(f, key))
    # Dosing is checked in what the public track shows: the plain version where there is one.
    takeaways_key = "plain_takeaways" if m.plain_takeaways else "takeaways"
    for k, t in enumerate(m.takeaways):
        yield from language_problems(src, ("takeaways", k), t)
    for k, t in enumerate(m.plain_takeaways or []):
        yield from language_problems(src, ("plain_takeaways", k), t)
    for k, t in enumerate(m.shown_takeaways("public")):
        yield from public_text_problems(src, (takeaways_key, k), t)
    yield from language_problems(src, ("title",), m.title)
    yield from public_text_problems(src, ("title",), m.title)
    yield from language_problems(src, ("summary",), m.summary)
    yield from language_problems(src, ("plain_summary",), m.plain_summary)
    yield from public_text_problems(
        src, ("plain_summary" if m.plain_summary else "summary",), m.shown_summary("public")
    )
    for k, o in enumerate(m.objectives):
        yield from language_problems(src, ("objectives", k, "text"), o.text)
        yield from language_problems(src, ("objectives", k, "plain"), o.plain)
    for k, change in enumerate(m.review.changes if m.review else []):
        yield from language_problems(src, ("review", "changes", k), change)
        yield from public_text_problems(src, ("review", "changes", k), change)


def _question_texts(q: Gradable) -> Iterator[tuple[tuple, str]]:
    yield from q.texts()  # each type knows which texts it has


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
        problems += check_inline_checks(m, src, track_ids, public_tracks, m.id in public_modules)
    by_quiz = {m.quiz: m for m, _ in modules}
    by_objective = {o.id: m for m, _ in modules for o in m.objectives}
    module_quizzes = {m.quiz for m, _ in modules}
    tests = {settings.pre_test, settings.post_test} if settings else set()  # course-wide tests don't count as coverage
    tested: Counter[str] = Counter()
    for quiz, src in quizzes:
        if isinstance(quiz, Survey):
            for i, item in enumerate(quiz.items):
                problems += language_problems(src, ("items", i, "text"), item.text)
            continue
        if quiz.id in module_quizzes and len(quiz.items()) < MIN_QUESTIONS:
            problems.append(
                src.problem(
                    ("questions",), f"a module quiz has at least {MIN_QUESTIONS} questions, not {len(quiz.items())}"
                )
            )
        for i, q in enumerate(quiz.questions):
            qpath: Path_ = ("questions", i)
            subs: list[tuple[Gradable, Path_]]
            if isinstance(q, Scenario):
                subs = [(s, (*qpath, "questions", j)) for j, s in enumerate(q.questions)]
                problems += language_problems(src, (*qpath, "case"), q.case)
            else:
                subs = [(q, qpath)]
            for sub, path in subs:
                if quiz.id not in tests:
                    tested[sub.objective] += 1
                visible = sub.tracks or q.tracks
                public = visible is None or bool(public_tracks & set(visible))
                for tpath, text in _question_texts(sub):
                    problems += language_problems(src, (*path, *tpath), text)
                    if tpath[0] == "prompt" or tpath[-1] == "text":
                        problems += label_problems(src, (*path, *tpath), text)
                    if public:
                        problems += public_text_problems(src, (*path, *tpath), text)
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
                problems += public_text_problems(src, (*qpath, "case"), q.case)
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
        problems += language_problems(settings_src, ("description",), settings.description)
    compact_syllable_dictionary()
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


def _check_public_module(m: Module, src: Source) -> Iterator[Problem]:
    """Reading level and dosing of everything a module shows the public track, besides the
    sections' plain text (checked with the sections) and the quiz (checked with the quiz)."""
    objectives: list[PublicItem] = [
        (("objectives", k, "plain"), o.plain, None) if o.plain else (("objectives", k, "text"), o.text, "plain")
        for k, o in enumerate(m.objectives)
    ]
    yield from readable_findings(src, objectives, "this module's objectives")
    for path, text, _ in objectives:
        yield from public_text_problems(src, path, text)
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
                yield from public_text_problems(src, path, text)


def _check_voices(m: Module, src: Source, track_ids: set[str] | None, public_tracks: set[str]) -> Iterator[Problem]:
    refs = {r.id for r in m.references}
    voices = [
        (v.id, src, ("sections", i, "voices", k, "id"))
        for i, s in enumerate(m.sections)
        for k, v in enumerate(s.voices)
    ]
    yield from duplicates(voices, "voice")
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
                yield from language_problems(src, (*vpath, key), getattr(v, key))
                if v.tracks is None or public_tracks & set(v.tracks):
                    yield from public_text_problems(src, (*vpath, key), getattr(v, key))


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


def check_inline_checks(
    m: Module, src: Source, track_ids: set[str] | None, public_tracks: set[str], public_module: bool
) -> Iterator[Problem]:
    """Ids unique in the module, tracks that exist, words, and public text where the public sees it."""
    yield from duplicates(
        (
            (c.id, src, ("sections", i, "checks", k, "id"))
            for i, sec in enumerate(m.sections)
            for k, c in enumerate(sec.checks)
        ),
        "check",
    )
    for i, sec in enumerate(m.sections):
        for k, c in enumerate(sec.checks):
            path: Path_ = ("sections", i, "checks", k)
            yield from duplicates(((o.id, src, (*path, "options", j, "id")) for j, o in enumerate(c.options)), "option")
            for j, t in enumerate(c.tracks or []):
                if track_ids is not None and t not in track_ids:
                    yield src.problem((*path, "tracks", j), f"no track has id {t!r}")
            public = public_module and (c.tracks is None or bool(public_tracks & set(c.tracks)))
            texts: list[tuple[Path_, str, bool]] = [((*path, "prompt"), c.prompt, True)]
            for j, o in enumerate(c.options):
                texts += [
                    ((*path, "options", j, "text"), o.text, True),
                    ((*path, "options", j, "feedback"), o.feedback, False),
                ]
            for tpath, text, is_label in texts:
                yield from language_problems(src, tpath, text)
                if is_label:
                    yield from label_problems(src, tpath, text)
                if public:
                    yield from public_text_problems(src, tpath, text)
            if public:
                yield from readable_findings(src, [(p, t, None) for p, t, _ in texts], f"check {c.id!r}")
