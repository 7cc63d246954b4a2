"""Load the course from YAML: parse with line numbers, validate, then check across files.

Every problem becomes a `Problem` that prints as ``FILE:LINE: field.path: message``; the
loader collects all of them in one pass, so an author fixes a file once, not once per error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from course.schema import (
    CITATION_MARK,
    Course,
    CourseSettings,
    Module,
    Quiz,
    QuizFile,
    Scenario,
    Survey,
)

Path_ = tuple[str | int, ...]
MODULE_FILE = re.compile(r"^\d\d-[a-z0-9-]+\.yaml$")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class CourseError(Exception):
    """The content does not validate; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


# --------------------------------------------------------------------------- YAML with lines


@dataclass
class Source:
    """One parsed YAML file: its data and the 1-based line of every node, by path."""

    rel: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """Line of the node at `path`, or of its nearest existing parent."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.rel, self.line(path), format_path(path), message)


def _record_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], twice: list[tuple[Path_, int, int]]) -> None:
    """Record every node's line by path; a key given twice in one mapping goes to `twice`
    as (path, line, first line): YAML keeps only the last one, silently."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if key in first:
                twice.append((child, line, first[key]))
            first.setdefault(key, line)
            # A key's own line is where an author looks, also for block values below it.
            lines[child] = line
            _record_lines(value_node, child, lines, twice)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), lines, twice)


MAX_NODES = 100_000  # far beyond any course file (the largest has a few thousand values)


def _alias_problem(root: yaml.Node, text: str) -> str | None:
    """What is wrong with the file's aliases (*name reuses the node anchored &name), if
    anything. An alias inside its own anchor makes a loop, which every walk of the file would
    follow forever; aliases of aliases can make a few lines stand for billions of values. A
    plain reuse (yaml.safe_dump writes one for a list used twice) is fine. A file with no
    anchor has no alias, and is not walked (docs/performance.md, finding 11)."""
    if "&" not in text:
        return None
    size: dict[int, int] = {}
    open_: set[int] = set()

    def count(node: yaml.Node) -> int:
        key = id(node)
        if key in size:
            return size[key]
        if key in open_:
            raise _Loop(node)
        open_.add(key)
        if isinstance(node, yaml.MappingNode):
            n = 1 + sum(count(k) + count(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            n = 1 + sum(count(item) for item in node.value)
        else:
            n = 1
        open_.discard(key)
        size[key] = n = min(n, MAX_NODES + 1)
        return n

    try:
        total = count(root)
    except _Loop as loop:
        return f"the alias to the anchor at line {loop.node.start_mark.line + 1} is inside that anchor, a loop"
    except RecursionError:
        return "nested too deeply"
    if total > MAX_NODES:
        return f"its aliases make it stand for more than {MAX_NODES:,} values"
    return None


class _Loop(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


# libyaml's parser (yaml.CSafeLoader) is about ten times faster than PyYAML's pure-Python one
# and yields the same nodes, marks and data for a valid file. Its error messages are worded
# differently, though, so any file it cannot parse is parsed again with the pure-Python
# loader, whose messages (and lines) are the ones authors see. The two scanners also differ
# on a few valid-looking inputs: libyaml accepts a tab inside a plain scalar, and '?' or ':'
# inside a plain scalar in a flow collection ([a?b]), where the pure-Python scanner stops or
# fails. Files with either take the pure-Python path as well, so what validates, the data,
# the lines and every message stay exactly as they were.
_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)


def _scanners_may_differ(root: yaml.Node) -> bool:
    """True if a plain scalar inside a flow collection holds '?' or ':'."""
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, in_flow = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if in_flow and not node.style and ("?" in node.value or ":" in node.value):
                return True
            continue
        in_flow = in_flow or bool(node.flow_style)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += ((key, in_flow), (value, in_flow))
        else:
            stack += ((item, in_flow) for item in node.value)
    return False


def _compose_fast(text: str) -> tuple[yaml.Node, Any] | None:
    """The root node and data of a valid, non-empty file; None to take the careful path."""
    if _FAST_LOADER is None or "\t" in text:
        return None
    try:
        loader = _FAST_LOADER(text)
    except yaml.YAMLError:
        return None
    try:
        node = loader.get_single_node()
        if node is None or _alias_problem(node, text) is not None or _scanners_may_differ(node):
            return None
        return node, loader.construct_document(node)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def undecodable_line(raw: bytes, exc: UnicodeDecodeError) -> int:
    """The 1-based line of `raw` where UTF-8 decoding failed."""
    return raw.count(b"\n", 0, exc.start) + 1


def _text_anyway(path: Path) -> str:
    """A file's text with undecodable bytes replaced ("" if it is not a file): enough to
    guess the ids of a file YAML could not read."""
    return path.read_bytes().decode("utf-8", "replace") if path.is_file() else ""


def parse_yaml(path: Path, rel: str) -> tuple[Source | None, list[Problem]]:
    if not path.is_file():
        return None, [Problem(rel, 1, "(file)", "file not found")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = undecodable_line(raw, exc)
        return None, [Problem(rel, line, "(file)", f"not UTF-8 text ({exc.reason}); save the file as UTF-8")]
    fast = _compose_fast(text)
    if fast is not None:
        return _source(rel, *fast)
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character, such as a NUL byte
        line = text.count("\n", 0, exc.position) + 1
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return None, [Problem(rel, line, "(file)", f"a control character ({code}) that YAML does not allow; remove it")]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(rel, 1, "(file)", "file is empty")]
        trouble = _alias_problem(node, text)
        if trouble is not None:
            return None, [Problem(rel, node.start_mark.line + 1, "(file)", f"cannot be read: {trouble}")]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        if exc.context and exc.context_mark:
            what += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        elif exc.context:
            what += f" ({exc.context})"
        return None, [Problem(rel, line, "(file)", f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        return None, [Problem(rel, 1, "(file)", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return _source(rel, node, data)


def _source(rel: str, node: yaml.Node, data: Any) -> tuple[Source | None, list[Problem]]:
    if not isinstance(data, dict):
        kind = type(data).__name__
        return None, [Problem(rel, 1, "(file)", f"expected a mapping of keys, got a {kind}")]
    lines: dict[Path_, int] = {}
    twice: list[tuple[Path_, int, int]] = []
    _record_lines(node, (), lines, twice)
    problems = [
        Problem(
            rel, line, format_path(path), f"this key is given twice (first at line {first}); YAML keeps only the last"
        )
        for path, line, first in twice
    ]
    return Source(rel, data, lines), problems


# --------------------------------------------------------------------------- validation


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Map a pydantic error location onto the YAML data, dropping union tags like 'single'."""
    path: list[str | int] = []
    here = data
    for part in loc:
        if (
            isinstance(here, dict)
            and part in here
            or isinstance(here, list)
            and isinstance(part, int)
            and 0 <= part < len(here)
        ):
            here = here[part]
            path.append(part)
        elif isinstance(here, dict) and part in (here.get("type"), here.get("kind")):
            continue  # discriminated-union tag, not a key in the file
        elif isinstance(part, str) and not part.startswith(("function-", "union[", "tagged-")):
            path.append(part)  # a missing key: report it under its parent's line
            here = None
    return tuple(path)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _message(err: dict[str, Any], model: type[BaseModel], loc: Path_) -> str:
    kind = err["type"]
    got = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}"
    if kind == "union_tag_invalid":
        expected = err.get("ctx", {}).get("expected_tags", "")
        return f"unknown type {_show(err['ctx'].get('tag'))}; expected one of {expected}"
    if kind == "union_tag_not_found":
        return f"missing the {err['ctx'].get('discriminator')} key that says what this item is"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"expected a whole number, got {_show(got)}"
    if kind in {"float_parsing", "float_type"}:
        return f"expected a number, got {_show(got)}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"expected true or false, got {_show(got)}"
    if kind.startswith("date_"):
        return f"expected a date written as YYYY-MM-DD, e.g. 2027-12-07, got {_show(got)}"
    if kind == "string_type":
        return f"expected text, got {_show(got)}"
    if kind == "list_type":
        return f"expected a list, got {_show(got)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of keys, got {_show(got)}"
    if kind == "string_pattern_mismatch":
        return f"{_show(got)} is not a valid id (use lower-case letters, digits and hyphens)"
    if kind == "literal_error":
        return f"{_show(got)} is not allowed; expected {err['ctx']['expected']}"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        need = err["ctx"]["min_length"]
        return f"needs at least {need} item{'s' if need != 1 else ''}"
    return err["msg"]


def validate(model: Any, source: Source) -> tuple[Any | None, list[Problem]]:
    """Validate a source against a model (or a TypeAdapter); all errors become problems."""
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(source.data), []
        return model.validate_python(source.data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = err["loc"]
            if err["type"] == "union_tag_invalid":
                loc = (*loc, err["ctx"]["discriminator"].strip("'"))
            path = _data_path(source.data, loc)
            problems.append(source.problem(path, _message(err, model, path)))
        return None, problems


# --------------------------------------------------------------------------- cross-file checks


def _duplicates(items: Iterable[tuple[str, Source, Path_]], what: str) -> Iterator[Problem]:
    seen: dict[str, tuple[Source, Path_]] = {}
    for ident, source, path in items:
        if ident in seen:
            first_src, first_path = seen[ident]
            where = f"{first_src.rel}:{first_src.line(first_path)}"
            yield source.problem(path, f"duplicate {what} id {ident!r} (first used at {where})")
        else:
            seen[ident] = (source, path)


def _check_module(module: Module, src: Source) -> Iterator[Problem]:
    refs = {r.id for r in module.references}
    if module.review is None:
        yield src.problem(
            ("review",), "required field is missing (who reviewed the module, and when: see docs/authoring.md)"
        )
    yield from _duplicates(((s.id, src, ("sections", i, "id")) for i, s in enumerate(module.sections)), "section")
    yield from _duplicates(
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
        yield from _duplicates(
            ((f.id, src, ("sections", i, "figures", k, "id")) for k, f in enumerate(section.figures)),
            "figure",
        )


def _check_options(q: Any, src: Source, path: Path_) -> Iterator[Problem]:
    if q.type == "true_false":
        return
    ids = [o.id for o in q.options]
    yield from _duplicates(((o, src, (*path, "options", i, "id")) for i, o in enumerate(ids)), "option")
    allowed = ", ".join(ids)
    answers = [q.answer] if q.type == "single" else list(q.answer)
    for i, a in enumerate(answers):
        if a not in ids:
            where = (*path, "answer") if q.type == "single" else (*path, "answer", i)
            yield src.problem(where, f"answer {a!r} is not one of the options ({allowed})")
    if q.type in ("multiple", "ordering"):
        for a, n in Counter(answers).items():
            if n > 1:
                yield src.problem((*path, "answer"), f"answer lists {a!r} {n} times")
    if q.type == "ordering" and set(answers) <= set(ids) and len(answers) != len(ids):
        missing = ", ".join(sorted(set(ids) - set(answers)))
        yield src.problem((*path, "answer"), f"the order must place every option; missing {missing}")


def _check_settings(
    settings: CourseSettings,
    settings_src: Source,
    modules: list[tuple[Module, Source]],
    module_ids: set[str],
    quiz_ids: set[str],
    survey_ids: set[str],
) -> Iterator[Problem]:
    yield from _duplicates(((t.id, settings_src, ("tracks", i, "id")) for i, t in enumerate(settings.tracks)), "track")
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

    add(_duplicates(((m.id, s, ("id",)) for m, s in modules), "module"))
    add(_duplicates(((q.id, s, ("id",)) for q, s in quizzes), "quiz"))
    add(
        _duplicates(
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
            add(_duplicates(((it.id, s, ("items", i, "id")) for i, it in enumerate(quiz.items)), "item"))
            if len(quiz.scale.labels) != quiz.scale.max - quiz.scale.min + 1:
                add([s.problem(("scale", "labels"), "needs one label per point of the scale")])
            continue
        for i, q in enumerate(quiz.questions):
            qpath: Path_ = ("questions", i)
            question_ids.append((q.id, s, (*qpath, "id")))
            subs = [(q, qpath)]
            if isinstance(q, Scenario):
                subs = [(sub, (*qpath, "questions", j)) for j, sub in enumerate(q.questions)]
                question_ids.extend((sub.id, s, (*p, "id")) for sub, p in subs)
            for tr_holder, tpath in [(q, qpath), *subs]:
                for k, t in enumerate(tr_holder.tracks or []):
                    if track_ids is not None and t not in track_ids:
                        add([s.problem((*tpath, "tracks", k), f"no track has id {t!r}")])
            for sub, path in subs:
                add(_check_options(sub, s, path))
                if sub.objective not in objectives:
                    add([s.problem((*path, "objective"), f"no module has an objective {sub.objective!r}")])
                elif (
                    sub.reference is not None
                    and objectives[sub.objective][1] is not None
                    and sub.reference not in objectives[sub.objective][1]
                ):
                    owner = objectives[sub.objective][0].id
                    add(
                        [
                            s.problem(
                                (*path, "reference"),
                                f"reference {sub.reference!r} is not in module {owner!r}'s references",
                            )
                        ]
                    )
    add(_duplicates(question_ids, "question"))
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
            if ident(data):
                found["module"].add(ident(data))
            for o in data.get("objectives") or [] if isinstance(data.get("objectives"), list) else []:
                if ident(o):
                    found["objective"].add(ident(o))
        elif ident(data):
            found["survey" if data.get("kind") == "survey" else "quiz"].add(ident(data))
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
            unreadable[f"{folder}/{stray.stem}.yaml"] = _text_anyway(stray)

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
            unreadable[rel] = _text_anyway(path)
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
            unreadable[f"quizzes/{path.name}"] = _text_anyway(path)
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
        from course.content_checks import review_findings

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
