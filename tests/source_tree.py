"""The repository's Python files read once per test session, for the tests of the code's shape.

tests/unit/test_architecture.py, test_settings.py and test_ui_imports.py ask many questions of
the same files (imports, environment reads, `COURSE_*` strings); parsing and walking every file
again for each question took most of their time. Here each file is parsed once and its nodes
listed once, in `ast.walk`'s order, so a question is a loop over a list.

Cached by path: a test that writes a tree to read (each in its own tmp_path) writes it before
reading it and never rewrites it.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path


@cache
def parse(path: Path) -> ast.Module:
    """The file's syntax tree (shared: callers only read it)."""
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


@cache
def walk(path: Path) -> tuple[ast.AST, ...]:
    """Every node of the file, in the order `ast.walk` gives them."""
    return tuple(ast.walk(parse(path)))


@cache
def nodes(path: Path, *types: type[ast.AST]) -> tuple[ast.AST, ...]:
    """The file's nodes of these types, in `ast.walk`'s order."""
    return tuple(node for node in walk(path) if isinstance(node, types))
