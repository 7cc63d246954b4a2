"""One content file as the loader sees it: YAML parsed safely with the line of every value
(`Source`), pydantic's errors turned into `Problem`s that print as ``FILE:LINE: field.path: message``,
and the duplicate-id check every kind of file shares.

The loader (`course.loader`) and the content checks (`course.content_checks`,
`course.scenario_checks`) all build on this module; it imports neither, so they do not import
each other in a circle.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

Path_ = tuple[str | int, ...]


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
        if isinstance(node, yaml.CollectionNode):
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


def text_anyway(path: Path) -> str:
    """A file's text with undecodable bytes replaced ("" if it is not a file): enough to
    guess the ids of a file YAML could not read."""
    return path.read_bytes().decode("utf-8", "replace") if path.is_file() else ""


def parse_yaml(path: Path, rel: str) -> tuple[Source | None, list[Problem]]:
    if not path.is_file():
        return None, [Problem(rel, 1, "(file)", "file not found")]
    return parse_yaml_bytes(path.read_bytes(), rel)


def parse_yaml_bytes(raw: bytes, rel: str) -> tuple[Source | None, list[Problem]]:
    """`parse_yaml` of a file's bytes, already read (`rel` names the file in problems)."""
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


def _message(err: ErrorDetails, model: Any, loc: Path_) -> str:
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


def duplicates(items: Iterable[tuple[str, Source, Path_]], what: str) -> Iterator[Problem]:
    seen: dict[str, tuple[Source, Path_]] = {}
    for ident, source, path in items:
        if ident in seen:
            first_src, first_path = seen[ident]
            where = f"{first_src.rel}:{first_src.line(first_path)}"
            yield source.problem(path, f"duplicate {what} id {ident!r} (first used at {where})")
        else:
            seen[ident] = (source, path)
