"""`python -m course validate` prints problems and exits 1, or a one-line summary and exits 0."""

from __future__ import annotations

from pathlib import Path

from tests.cli_run import Completed, load_shared, run_cli


def run(*args: str) -> Completed:
    # In this process (tests/cli/ runs `python -m course` itself as a subprocess).
    return run_cli(*args)


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
    notdb = tmp_path / "notes.txt"
    notdb.write_text("not a database, just notes\n" * 100, encoding="utf-8")
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes(b"# Readme\ncaf\xe9\n")
    cases = [
        (("cohort", "   ", "--track", "staff", "--db", db), 2, "error: a cohort needs a name"),
        # Only invisible characters: the store cleans them away and refused, with a traceback.
        (("cohort", "\u200b\u2060", "--track", "staff", "--db", db), 2, "error: a cohort needs a name"),
        (("cohort", "X", "--track", "staff", "--db", "notaurl"), 2, "error: --db 'notaurl': it is not a database URL"),
        # Each of these gave a traceback (a missing driver, a port that is not a number, a
        # file that is not a database), or said nothing useful.
        (
            ("cohort", "X", "--track", "staff", "--db", "mysql://u@h/x"),
            2,
            "error: --db 'mysql://u@h/x': the course works with SQLite and PostgreSQL (psycopg) only, not 'mysql'",
        ),
        (
            ("cohort", "X", "--track", "staff", "--db", "postgresql://u:secret@h:notaport/x"),
            2,
            "error: --db 'postgresql://u:***@h:notaport/x': it is not a database URL",
        ),
        (
            ("cohort", "X", "--track", "staff", "--db", f"sqlite:///{notdb}"),
            2,
            f"error: --db 'sqlite:///{notdb}': {notdb} is not a SQLite database (file is not a database)",
        ),
        # The cohort lived in a database that was gone when the command ended.
        (
            ("cohort", "X", "--track", "staff", "--db", "sqlite://"),
            2,
            "error: --db 'sqlite://' is a database in memory",
        ),
        # The name was cut to 200 characters without a word, but printed in full.
        (("cohort", "N" * 201, "--track", "staff", "--db", db), 2, "error: a cohort name has at most 200 characters"),
        (("stats", "--update-readme", str(tmp_path / "missing.md")), 1, "error: cannot read"),
        (("stats", "--update-readme", str(latin1)), 1, f"error: cannot read {latin1}: line 2 is not UTF-8 text"),
    ]
    for args, code, message in cases:
        out = run(*args)
        assert out.returncode == code, (args, out.stderr)
        assert out.stderr.startswith(message) and "Traceback" not in out.stderr, (args, out.stderr)


def test_a_readme_that_cannot_be_written_is_one_error_line(tmp_path, monkeypatch, capsys):
    # A read-only README gave a PermissionError traceback.
    from course import cli

    readme = tmp_path / "README.md"
    readme.write_text("<!-- content-table -->\nold\n<!-- /content-table -->\n", encoding="utf-8")

    def refuse(self, *args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "write_text", refuse)
    monkeypatch.setattr(cli, "load_course", load_shared)  # the session's one load, as run_cli does
    assert cli.main(["stats", "--update-readme", str(readme)]) == 1
    assert capsys.readouterr().err == f"error: cannot write {readme}: Operation not permitted\n"
