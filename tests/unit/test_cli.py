"""`python -m course validate` prints problems and exits 1, or a one-line summary and exits 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_valid_course_prints_a_one_line_summary_and_exits_0(real_course):
    out = run("validate")
    assert out.returncode == 0, out.stdout + out.stderr
    sections = sum(len(m.sections) for m in real_course.modules)
    assert out.stdout.strip().splitlines() == [
        f"ok: {real_course.settings.title} {real_course.settings.version}: "
        f"{len(real_course.modules)} modules, {sections} sections, "
        f"{sum(len(q.items()) for q in real_course.quizzes.values())} questions"
    ]


def test_invalid_course_prints_every_problem_and_exits_1(course_copy):
    course_copy.replace("modules/01-history.yaml", "estimated_minutes: 20", "estimated_minutes: twenty")
    course_copy.replace(
        "quizzes/history.yaml", "answer: [made, human, approval, schedule]", "answer: [made, human, approval, nowhere]"
    )
    out = run("validate", str(course_copy.root))
    assert out.returncode == 1
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0] == "modules/01-history.yaml:6: estimated_minutes: expected a whole number, got 'twenty'"
    assert lines[1].startswith("quizzes/history.yaml:") and "answer 'nowhere' is not one of the options" in lines[1]
    assert "2 problems found" in out.stderr


def test_missing_root_folder_is_a_clear_problem(tmp_path):
    out = run("validate", str(tmp_path / "nowhere"))
    assert out.returncode == 1
    assert out.stdout.strip() == f"{tmp_path / 'nowhere'}:1: (folder): the course folder does not exist"


def test_cohort_create_prints_a_code_staff_can_join_with(tmp_path):
    from course.records import open_store

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    out = run("cohort", "Northside March intake", "--track", "staff", "--db", url)
    assert out.returncode == 0, out.stderr
    code = out.stdout.strip().split()[-1]
    cohort = open_store(url).cohort(code)
    assert cohort.name == "Northside March intake" and cohort.track == "staff"


def test_cohort_for_an_unknown_track_is_refused(tmp_path):
    out = run("cohort", "X", "--track", "nurses", "--db", f"sqlite:///{tmp_path / 'c.sqlite'}")
    assert out.returncode == 2 and "no track 'nurses'" in out.stderr


def test_bad_cli_input_gets_one_error_line_not_a_traceback(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    cases = [
        (("cohort", "   ", "--track", "staff", "--db", db), 2, "error: a cohort needs a name"),
        (("cohort", "X", "--track", "staff", "--db", "notaurl"), 2, "error: --db 'notaurl' is not a database URL"),
        (("stats", "--update-readme", str(tmp_path / "missing.md")), 1, "error: cannot read"),
    ]
    for args, code, message in cases:
        out = run(*args)
        assert out.returncode == code, (args, out.stderr)
        assert out.stderr.startswith(message) and "Traceback" not in out.stderr, (args, out.stderr)
