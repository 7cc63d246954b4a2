"""Load and check branching scenarios (modules/scenarios/*.yaml) and sections' inline checks.

Every problem is a FILE:LINE `Problem`, as the loader's are. The graph rules (docs/authoring.md,
"Branching scenarios"): the start is a step; every step and ending is reachable from it; every
`next` names a step or an ending; every step offers 2 to 4 choices, each with feedback; from
every step some path reaches an ending (no loop without a way out); every ending has a rating,
a debrief and at least one section of the scenario's module, which must exist; every citation
is in that module's references. A scenario a public track sees, and an inline check a public
track sees, pass the public-text checks (grade 8, no dosing); every text is checked for
stigmatising terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path

from course.language_checks import label_problems, language_problems, public_text_problems, readable_findings
from course.schema import CITATION_MARK, BranchingScenario, CourseSettings, Module
from course.yaml_source import Path_, Problem, Source, duplicates, parse_yaml, validate

SCENARIO_DIR = "scenarios"
MIN_CHOICES, MAX_CHOICES = 2, 4


def load_scenarios(root: Path) -> tuple[list[tuple[BranchingScenario, Source]], list[Problem]]:
    """Every modules/scenarios/*.yaml that validates, and the problems of those that do not."""
    folder = root / "modules" / SCENARIO_DIR
    problems: list[Problem] = []
    found: list[tuple[BranchingScenario, Source]] = []
    if folder.exists() and not folder.is_dir():
        return [], [Problem(f"modules/{SCENARIO_DIR}", 1, "(folder)", "must be a folder of .yaml files, not a file")]
    for stray in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        rel = f"modules/{SCENARIO_DIR}/{stray.name}"
        problems.append(Problem(rel, 1, "(file)", f"not read: course files end in .yaml; rename it {stray.stem}.yaml"))
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        rel = f"modules/{SCENARIO_DIR}/{path.name}"
        src, parse_problems = parse_yaml(path, rel)
        problems += parse_problems
        if src is None:
            continue
        scenario, invalid = validate(BranchingScenario, src)
        problems += invalid
        if scenario is None:
            continue
        if path.stem != scenario.id:
            problems.append(src.problem(("id",), f"the file is named after its id: rename it {scenario.id}.yaml"))
        found.append((scenario, src))
    return found, problems


def check_scenarios(
    settings: CourseSettings | None,
    modules: list[tuple[Module, Source]],
    scenarios: list[tuple[BranchingScenario, Source]],
    broken_modules: AbstractSet[str] = frozenset(),
) -> list[Problem]:
    """Every problem of every scenario, in one pass. A scenario of a module in `broken_modules`
    (ids of module files that did not validate or read) skips the checks against its module:
    the module file's own problems come first, not a cascade here."""
    problems: list[Problem] = []
    by_id = {m.id: m for m, _ in modules}
    problems += duplicates(((s.id, src, ("id",)) for s, src in scenarios), "scenario")
    for scenario, src in scenarios:
        problems += _graph(scenario, src)
        module = by_id.get(scenario.module)
        if module is None and scenario.module in broken_modules:
            pass
        elif module is None:
            problems.append(src.problem(("module",), f"no module has id {scenario.module!r}"))
        else:
            problems += _links(scenario, src, module)
        public = False
        if settings is not None:
            tracks = {t.id: t for t in settings.tracks}
            for k, tid in enumerate(scenario.tracks):
                track = tracks.get(tid)
                if track is None:
                    problems.append(src.problem(("tracks", k), f"no track has id {tid!r}"))
                    continue
                if scenario.module not in track.modules and module is not None:
                    problems.append(
                        src.problem(
                            ("tracks", k),
                            f"track {tid!r} does not include module {scenario.module!r}, so it would never see this",
                        )
                    )
                public = public or track.audience == "public"
        problems += _words(scenario, src, public)
    return problems


def _graph(s: BranchingScenario, src: Source) -> Iterator[Problem]:
    ids = [("step", st.id, ("steps", i, "id")) for i, st in enumerate(s.steps)] + [
        ("ending", en.id, ("endings", i, "id")) for i, en in enumerate(s.endings)
    ]
    yield from duplicates(((ident, src, path) for _, ident, path in ids), "step or ending")
    steps = {st.id: st for st in s.steps}
    endings = {en.id for en in s.endings}
    if s.start not in steps:
        where = " (it is an ending)" if s.start in endings else ""
        yield src.problem(("start",), f"start {s.start!r} is not a step of this scenario{where}")
    for i, st in enumerate(s.steps):
        path: Path_ = ("steps", i)
        n = len(st.choices)
        if not MIN_CHOICES <= n <= MAX_CHOICES:
            yield src.problem(
                (*path, "choices") if n else (*path, "id"),
                f"step {st.id!r} offers {n} choice{'s' if n != 1 else ''}; a step offers {MIN_CHOICES} to {MAX_CHOICES}",
            )
        yield from duplicates(
            ((c.id, src, (*path, "choices", k, "id")) for k, c in enumerate(st.choices)), f"choice (in step {st.id!r})"
        )
        for k, c in enumerate(st.choices):
            cpath: Path_ = (*path, "choices", k)
            if not c.feedback.strip():
                yield src.problem(
                    (*cpath, "id"), f"choice {c.id!r} has no feedback: say what choosing it means (feedback: ...)"
                )
            if c.next not in steps and c.next not in endings:
                yield src.problem((*cpath, "next"), f"next {c.next!r} is not a step or an ending of this scenario")
    for i, en in enumerate(s.endings):
        path = ("endings", i)
        if en.rating is None:
            yield src.problem((*path, "id"), f"ending {en.id!r} has no rating (rating: safe, acceptable or unsafe)")
        if not en.debrief.strip():
            yield src.problem((*path, "id"), f"ending {en.id!r} has no debrief (debrief: what happened and why)")
        if not en.sections:
            yield src.problem(
                (*path, "id"),
                f"ending {en.id!r} links to no section; name at least one section of module {s.module!r} "
                "that teaches the point (sections: [id])",
            )
    if s.start not in steps:
        return
    # Reachable from the start, following every choice.
    reached = {s.start}
    todo = [s.start]
    while todo:
        for c in steps[todo.pop()].choices:
            if c.next not in reached and (c.next in steps or c.next in endings):
                reached.add(c.next)
                if c.next in steps:
                    todo.append(c.next)
    for i, st in enumerate(s.steps):
        if st.id not in reached:
            yield src.problem(("steps", i, "id"), f"step {st.id!r} cannot be reached from the start {s.start!r}")
    for i, en in enumerate(s.endings):
        if en.id not in reached:
            yield src.problem(("endings", i, "id"), f"ending {en.id!r} cannot be reached from the start {s.start!r}")
    # Steps from which some path ends: grow backwards from the endings.
    ends = set(endings)
    changed = True
    while changed:
        changed = False
        for st in s.steps:
            if st.id not in ends and any(c.next in ends for c in st.choices):
                ends.add(st.id)
                changed = True
    for i, st in enumerate(s.steps):
        if st.id in reached and st.id not in ends and st.choices:
            yield src.problem(
                ("steps", i, "id"),
                f"step {st.id!r} never leads to an ending: every path from it loops back without one",
            )


def _texts(s: BranchingScenario) -> Iterator[tuple[Path_, str, bool]]:
    """(path, text, is a button label) for every text a learner reads in the scenario."""
    yield ("title",), s.title, False
    yield ("summary",), s.summary, False
    for i, st in enumerate(s.steps):
        yield ("steps", i, "situation"), st.situation, False
        if st.vitals is not None:
            yield ("steps", i, "vitals", "caption"), st.vitals.caption, False
            for k, col in enumerate(st.vitals.columns):
                yield ("steps", i, "vitals", "columns", k), col, False
            for r, row in enumerate(st.vitals.rows):
                yield ("steps", i, "vitals", "rows", r), " ".join(row), False
        for k, c in enumerate(st.choices):
            yield ("steps", i, "choices", k, "text"), c.text, True
            yield ("steps", i, "choices", k, "feedback"), c.feedback, False
    for i, en in enumerate(s.endings):
        yield ("endings", i, "title"), en.title, False
        yield ("endings", i, "debrief"), en.debrief, False


def _links(s: BranchingScenario, src: Source, module: Module) -> Iterator[Problem]:
    refs = {r.id for r in module.references}
    sections = [sec.id for sec in module.sections]
    for path, text, _ in _texts(s):
        for mark in CITATION_MARK.findall(text):
            if mark not in refs:
                yield src.problem(path, f"citation [@{mark}] is not in module {module.id!r}'s references")
    for i, en in enumerate(s.endings):
        for k, sid in enumerate(en.sections):
            if sid not in sections:
                yield src.problem(
                    ("endings", i, "sections", k),
                    f"module {module.id!r} has no section {sid!r} (its sections: {', '.join(sections)})",
                )


def _words(s: BranchingScenario, src: Source, public: bool) -> Iterator[Problem]:
    for path, text, is_label in _texts(s):
        yield from language_problems(src, path, text)
        if is_label:
            yield from label_problems(src, path, text)
        if public:
            yield from public_text_problems(src, path, text)
    if public:
        yield from readable_findings(src, [(path, text, None) for path, text, _ in _texts(s)], f"scenario {s.id!r}")


# --------------------------------------------------------------------------- inline checks
