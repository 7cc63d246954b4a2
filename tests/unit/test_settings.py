"""Settings are declared once (course/settings.py) and documented (the README's settings tables).

Modelled on datasette's test_settings_are_documented: a setting that is declared but not in the
README, or a `COURSE_*` name in the code that is not declared, fails here. (Reading the
environment around course.settings fails tests/unit/test_architecture.py.)
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from course import settings
from course.cli import main
from tests.source_tree import nodes

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# A COURSE_* name, but not a family written with a wildcard ("COURSE_LRS_*").
COURSE_NAME = re.compile(r"\bCOURSE_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])")


def documented(readme: str) -> set[str]:
    """The names in the first column of the tables under the README's "## Settings" heading."""
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            first = line.split("|")[1]
            names.update(name.strip("[]") for name in re.findall(r"`([^`]+)`", first))
    return names


def names_in_code(root: Path) -> dict[str, str]:
    """Every COURSE_* name in the code's strings (course/, streamlit_app.py, bench/, scripts/),
    with the first place it was seen. Python is read with ast, so constants named COURSE_*
    (a tuple of table names, say) are not settings; shell scripts are read as text."""
    found: dict[str, str] = {}
    python = [*sorted((root / "course").rglob("*.py")), root / "streamlit_app.py"]
    python += sorted((root / "bench").glob("*.py")) + sorted((root / "scripts").glob("*.py"))
    for path in python:
        for node in nodes(path, ast.Constant):  # parsed once per session (tests/source_tree.py)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in COURSE_NAME.findall(node.value):
                    found.setdefault(name, f"{path.relative_to(root)}:{node.lineno}")
    for path in sorted((root / "scripts").glob("*.sh")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in COURSE_NAME.findall(line):
                found.setdefault(name, f"{path.relative_to(root)}:{number}")
    return found


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.name)
def test_settings_are_documented(setting: settings.Setting):
    assert setting.name in documented(README.read_text(encoding="utf-8"))


def test_every_documented_setting_is_declared():
    assert sorted(documented(README.read_text(encoding="utf-8")) - {s.name for s in settings.SETTINGS}) == []


def test_every_course_name_in_the_code_is_declared():
    declared = {s.name for s in settings.SETTINGS}
    assert {name: where for name, where in names_in_code(ROOT).items() if name not in declared} == {}


def test_each_setting_is_declared_once_with_help_and_a_default_of_its_type():
    names = [s.name for s in settings.SETTINGS]
    assert len(names) == len(set(names))
    for s in settings.SETTINGS:
        assert s.help.strip(), s.name
        assert s.default is None or isinstance(s.default, s.type) or (s.type is float and isinstance(s.default, int))
        assert s.default is not None or s.default_help or s.describe_default() == "none"


def test_the_checks_find_an_undocumented_setting_and_an_undeclared_name(tmp_path: Path):
    readme = "# x\n\n## Settings\n\n| setting | default | what |\n| --- | --- | --- |\n| `COURSE_A` | none | a |\n\n## Next\n"
    assert documented(readme) == {"COURSE_A"}
    (tmp_path / "course").mkdir()
    (tmp_path / "bench").mkdir()
    (tmp_path / "scripts").mkdir()
    (tmp_path / "streamlit_app.py").write_text("")
    (tmp_path / "course" / "x.py").write_text(
        'COURSE_TABLES = ("events",)\nA = "COURSE_NEW_THING"\nB = "the COURSE_LRS_* settings"\n'
    )
    (tmp_path / "scripts" / "x.sh").write_text("PORT=${COURSE_OTHER:-1}\n")
    assert names_in_code(tmp_path) == {"COURSE_NEW_THING": "course/x.py:2", "COURSE_OTHER": "scripts/x.sh:1"}


def test_a_setting_is_read_from_the_environment_and_empty_means_unset(monkeypatch):
    monkeypatch.setenv("COURSE_PUBLIC_URL", "https://course.example.org")
    assert settings.environ("COURSE_PUBLIC_URL") == "https://course.example.org"
    monkeypatch.setenv("COURSE_PUBLIC_URL", "")
    assert settings.environ("COURSE_PUBLIC_URL") is None
    monkeypatch.delenv("COURSE_PUBLIC_URL")
    assert settings.environ("COURSE_PUBLIC_URL") is None


def test_reading_an_undeclared_setting_says_where_to_declare_it(monkeypatch):
    monkeypatch.setenv("COURSE_NOT_A_SETTING", "1")
    with pytest.raises(KeyError, match="course/settings.py"):
        settings.environ("COURSE_NOT_A_SETTING")
    with pytest.raises(KeyError, match="secrets.toml only"):
        settings.environ("auth")


def test_the_settings_command_lists_every_setting(capsys):
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    for s in settings.SETTINGS:
        assert s.name in out
    assert "| `COURSE_DB_STATEMENT_TIMEOUT` | 5 |" in out
