"""The engine's shape, read from the source (ast; nothing is imported).

- no import cycle among the engine's modules (course/ without course/ui/), counting imports
  inside functions too: a cycle hidden in a function is still a cycle;
- no `streamlit` import outside course/ui/ (streamlit_app.py, the router, is not in course/);
- the engine, and everything `python -m course` imports, import nothing from course/ui/;
- no file in course/ over 600 lines unless its module docstring has a line starting
  "Over 600 lines because";
- settings are read only through course/settings.py: no `os.environ`/`os.getenv` read or
  `st.secrets` outside it (but course/ui/state.py, the secrets file's one reader);
- `course.records.__all__` is exactly the names used outside the package.

Each rule is a function over files, and each is also run on a small tree made to break it, so
a rule that could never fail would show.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tests.source_tree import nodes, parse

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
MAX_LINES = 600
JUSTIFIED = "Over 600 lines because"
# The one reader of .streamlit/secrets.toml; it asks course.settings for the environment first.
SECRETS_READER = "course/ui/state.py"


# --------------------------------------------------------------------------- reading the source
# Each file is parsed and walked once per session (tests/source_tree.py).


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, package: str = "course") -> dict[str, Path]:
    """Every module of `package` under `root`, by dotted name."""
    return {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}


def _is_package(name: str, known: dict[str, Path]) -> bool:
    path = known.get(name)
    return path is not None and path.name == "__init__.py"


def imports(path: Path, name: str, known: dict[str, Path]) -> Iterator[str]:
    """The dotted names a module imports, anywhere in it. `from a import b` names the module
    a.b when there is one, else a; relative imports are resolved."""
    package = name if _is_package(name, known) else name.rpartition(".")[0]
    for node in nodes(path, ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in known else base


def graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of other modules in `known`."""
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        edges[name] = {target for target in imports(path, name, known) if target in known and target != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles (strongly connected components of more than one module, or a module
    importing itself), each sorted; Tarjan's algorithm, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))
    return sorted(found)


def is_ui(name: str) -> bool:
    return name == "course.ui" or name.startswith("course.ui.")


def engine(known: dict[str, Path]) -> dict[str, Path]:
    return {name: path for name, path in known.items() if not is_ui(name)}


def streamlit_imports(known: dict[str, Path]) -> list[str]:
    """Modules outside course/ui that import streamlit."""
    return sorted(
        name
        for name, path in engine(known).items()
        if any(t == "streamlit" or t.startswith("streamlit.") for t in imports(path, name, known))
    )


def ui_imports_from_engine(known: dict[str, Path]) -> list[str]:
    """`engine module -> course.ui module` for every import of the UI by the engine."""
    return sorted(
        f"{name} -> {target}"
        for name, path in engine(known).items()
        for target in imports(path, name, known)
        if is_ui(target)
    )


def reachable(start: str, known: dict[str, Path]) -> set[str]:
    """Every name imported, directly or through other modules of `known`, from `start` (a
    submodule's package __init__ runs first, so it counts too)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parent = name.rpartition(".")[0]
        if parent in known:
            todo.append(parent)
        if name in known:
            todo.extend(imports(known[name], name, known))
    return seen


def long_files(root: Path, allowed: Iterable[str] = ()) -> list[str]:
    """Files in course/ over MAX_LINES lines whose docstring does not say why, and not allowed."""
    out = []
    for path in sorted((root / "course").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines <= MAX_LINES or rel in allowed:
            continue
        doc = ast.get_docstring(parse(path)) or ""
        if not any(line.strip().startswith(JUSTIFIED) for line in doc.splitlines()):
            out.append(f"{rel}: {lines} lines")
    return out


def direct_setting_reads(root: Path, files: Iterable[Path]) -> list[str]:
    """`file:line: what` for each read of os.environ / os.getenv / st.secrets outside
    course/settings.py (st.secrets: outside the secrets reader). Handing the whole environment
    to a child process (`{**os.environ, ...}`) reads no setting and is allowed."""
    found = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        if rel == "course/settings.py":
            continue
        copied = {
            id(value)
            for node in nodes(path, ast.Dict)
            if isinstance(node, ast.Dict)
            for key, value in zip(node.keys, node.values, strict=True)
            if key is None
        }
        for node in nodes(path, ast.Attribute):
            if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
                continue
            what = f"{node.value.id}.{node.attr}"
            if (
                what in ("os.environ", "os.getenv", "os.environb")
                and id(node) not in copied
                or what == "st.secrets"
                and rel != SECRETS_READER
            ):
                found.append(f"{rel}:{node.lineno}: {what}")
        for node in nodes(path, ast.ImportFrom):
            if isinstance(node, ast.ImportFrom) and node.module == "os":
                for alias in node.names:
                    if alias.name in ("environ", "getenv", "environb"):
                        found.append(f"{rel}:{node.lineno}: from os import {alias.name}")
    return sorted(found, key=lambda f: (f.split(":")[0], int(f.split(":")[1])))


def app_files(root: Path) -> list[Path]:
    return [*sorted((root / "course").rglob("*.py")), root / "streamlit_app.py"]


def records_names_used_outside(root: Path) -> set[str]:
    """Names taken from course.records by code outside the package: `from course.records
    import X` and `records.X` after `from course import records`. Submodules (records.clock)
    are modules, not names of the package's API."""
    package = root / "course" / "records"
    submodules = {p.stem for p in package.glob("*.py")}
    used: set[str] = set()
    files = [
        p
        for folder in ("course", "tests", "bench", "scripts")
        for p in (root / folder).rglob("*.py")
        if package not in p.parents
    ]
    for path in [*files, root / "streamlit_app.py"]:
        if "records" not in path.read_text(encoding="utf-8"):
            continue  # parsing only the files that can use it keeps this test fast
        aliases = set()
        for node in nodes(path, ast.ImportFrom):
            if isinstance(node, ast.ImportFrom) and node.module == "course.records":
                used.update(alias.name for alias in node.names)
            if isinstance(node, ast.ImportFrom) and node.module == "course":
                aliases.update(alias.asname or "records" for alias in node.names if alias.name == "records")
        for node in nodes(path, ast.Attribute):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                used.add(node.attr)
    return used - submodules


def declared_all(init: Path) -> list[str]:
    for node in parse(init).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                assert node.value is not None
                return list(ast.literal_eval(node.value))
    return []


def exported(init: Path) -> set[str]:
    """The names course/records/__init__.py binds at its top level."""
    names = set()
    for node in parse(init).body:
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


# --------------------------------------------------------------------------- the rules, on this repository


KNOWN = modules(ROOT)


def test_no_import_cycle_among_the_engine_modules():
    assert cycles(graph(engine(KNOWN))) == []


def test_no_streamlit_import_outside_course_ui():
    assert streamlit_imports(KNOWN) == []


def test_the_engine_imports_nothing_from_course_ui():
    assert ui_imports_from_engine(KNOWN) == []


def test_python_m_course_imports_nothing_from_course_ui_or_streamlit():
    names = reachable("course.__main__", KNOWN)
    assert sorted(n for n in names if is_ui(n) or n.split(".")[0] == "streamlit") == []


def test_no_file_in_course_is_over_600_lines_without_saying_why():
    assert long_files(ROOT, set()) == []


def test_settings_are_read_only_through_course_settings():
    assert direct_setting_reads(ROOT, app_files(ROOT)) == []


def test_the_records_package_exports_exactly_what_is_used_outside_it():
    init = COURSE / "records" / "__init__.py"
    declared = declared_all(init)
    assert len(declared) == len(set(declared))
    assert set(declared) <= exported(init), "in __all__ but not defined"
    assert sorted(set(declared) - records_names_used_outside(ROOT)) == [], "in __all__ but used nowhere outside"
    assert sorted(records_names_used_outside(ROOT) - set(declared)) == [], "used outside but not in __all__"


# --------------------------------------------------------------------------- each rule can fail


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return _tree(
        tmp_path,
        {
            "course/__init__.py": "",
            "course/__main__.py": "from course import cli\n",
            "course/cli.py": "def main():\n    from course.ui import nav\n",
            "course/loader.py": "from course.checks import check\n",
            "course/checks.py": "def check():\n    from course.loader import load\n",
            "course/pkg/__init__.py": "from .a import x\n",
            "course/pkg/a.py": "from . import b\nx = 1\n",
            "course/pkg/b.py": "from course.pkg import a\n",
            "course/charts.py": "import streamlit as st\n",
            "course/ui/__init__.py": "",
            "course/ui/nav.py": "import streamlit\nfrom course import loader\n",
            "course/long.py": '"""Long."""\n' + "x = 1\n" * 600,
            "course/long_ok.py": '"""Long.\n\nOver 600 lines because it is one table.\n"""\n' + "x = 1\n" * 600,
            "course/env.py": "import os\nfrom os import getenv\nA = os.environ.get('COURSE_X')\n"
            "B = os.getenv('COURSE_Y')\nC = {**os.environ, 'PGPASSWORD': 'p'}\n",
            "course/secrets.py": "import streamlit as st\nS = st.secrets['auth']\n",
            "streamlit_app.py": "",
        },
    )


def test_the_rules_find_what_breaks_them(broken: Path):
    known = modules(broken)
    assert cycles(graph(engine(known))) == [["course.checks", "course.loader"], ["course.pkg.a", "course.pkg.b"]]
    assert streamlit_imports(known) == ["course.charts", "course.secrets"]
    assert ui_imports_from_engine(known) == ["course.cli -> course.ui.nav"]
    assert "course.ui.nav" in reachable("course.__main__", known)
    assert long_files(broken) == ["course/long.py: 601 lines"]
    assert long_files(broken, {"course/long.py"}) == []
    reads = direct_setting_reads(broken, app_files(broken))
    assert reads == [
        "course/env.py:2: from os import getenv",
        "course/env.py:3: os.environ",
        "course/env.py:4: os.getenv",
        "course/secrets.py:2: st.secrets",
    ]
