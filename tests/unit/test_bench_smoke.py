"""The benchmarks still work: content_bench on a tiny generated course, and load.py's baseline
checkout. load.py's protocol client on real servers is in tests/slow/test_bench_servers.py.
Nothing here asserts a time."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from course.loader import load_course

ROOT = Path(__file__).resolve().parents[2]


def bench(name: str) -> ModuleType:
    """Import bench/NAME.py (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_content_bench_generates_a_valid_course_and_measures_it(tmp_path):
    content_bench = bench("content_bench")
    root = content_bench.generate_course(tmp_path / "course", 3)

    course = load_course(root)
    row = content_bench.measure("generated 3", root, repeats=1, cold=False)

    assert [m.id for m in course.modules] == ["history-1", "history-2", "history-3"]
    assert row["modules"] == 3
    assert row["files"] == 7  # course.yaml, three modules, three quizzes
    assert all(row[key] > 0 for key in ("load_ms", "load_pure_python_yaml_ms", "parse_pure_python_ms"))


def test_content_bench_writes_its_results(tmp_path):
    content_bench = bench("content_bench")

    assert (
        content_bench.main(["--sizes", "2", "--repeats", "1", "--no-cold", "--no-real", "--out-dir", str(tmp_path)])
        == 0
    )

    assert "generated 2" in (tmp_path / "content.md").read_text(encoding="utf-8")
    assert (tmp_path / "content.json").exists()


def test_a_baseline_revision_is_served_from_its_own_checkout_and_removed_after(tmp_path):
    load = bench("load")
    script, env, cwd = load.app_script("course@HEAD", tmp_path)
    try:
        assert script == cwd / "streamlit_app.py" and script.is_file() and env == {}
        assert (cwd / "course" / "ui" / "nav.py").is_file(), "the whole app at that revision"
    finally:
        load.remove_worktrees(tmp_path)
    assert not cwd.exists()
    with pytest.raises(SystemExit, match="cannot check out"):
        load.app_script("course@no-such-revision", tmp_path)
