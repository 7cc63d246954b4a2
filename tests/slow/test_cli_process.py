"""`python -m course` as a real process, once per entry point: the module runs, the command's
output reaches stdout and its exit status is the process's. What each command prints and
returns is tested in this process (tests/unit/test_cli.py, tests/cli_run.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.cli_run import ROOT


def test_python_m_course_validate_runs_as_a_process_and_exits_0(real_course):
    out = subprocess.run(
        [sys.executable, "-m", "course", "validate"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith(f"ok: {real_course.settings.title} {real_course.settings.version}: ")


def test_python_m_course_exits_2_with_usage_for_an_unknown_command():
    out = subprocess.run(
        [sys.executable, "-m", "course", "no-such-command"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 2
    assert "usage: python -m course" in out.stderr and "invalid choice: 'no-such-command'" in out.stderr
