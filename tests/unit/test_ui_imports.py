"""The UI's imports run one way: router -> pages -> shared widgets and helpers -> state -> engine.

Read from the source with `ast` (nothing is imported), counting imports inside functions too:
an import moved into a function to dodge a cycle at start-up is still a cycle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.source_tree import nodes

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "course" / "ui"
PAGES = "course.ui.pages"
ROUTER = "course.ui.router"


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def ui_imports() -> dict[str, set[str]]:
    """Each module under course/ui -> the course/ui modules it imports, anywhere in its body."""
    modules = {_module_name(p): p for p in UI.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in nodes(path, ast.ImportFrom, ast.Import):  # parsed once (tests/source_tree.py)
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:  # `from course.ui import nav` names the module nav
                    child = f"{node.module}.{alias.name}"
                    found.add(child if child in modules else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        # A package's __init__ runs on the way to any of its modules: not an edge of interest.
        graph[name] = {m for m in found if m in modules and m != name and m not in ("course.ui", PAGES)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walker_sees_imports_inside_functions_and_finds_a_cycle():
    graph = ui_imports()
    assert "course.ui.state" in graph["course.ui.kept"]  # a top-level import
    assert "course.ui.state" in graph["course.ui.signing"]  # one inside a function
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_course_ui_has_no_import_cycle():
    assert cycles(ui_imports()) == []


def test_no_page_imports_another_page_or_the_router():
    graph = ui_imports()
    wrong = {
        (page, dep)
        for page, deps in graph.items()
        if page.startswith(PAGES + ".")
        for dep in deps
        if dep.startswith(PAGES + ".") or dep == ROUTER
    }
    assert wrong == set()


def test_only_the_router_imports_the_pages():
    graph = ui_imports()
    importers = {m for m, deps in graph.items() for d in deps if d.startswith(PAGES + ".")}
    assert importers - {m for m in importers if m.startswith(PAGES + ".")} <= {ROUTER, "course.ui.web"}, importers
