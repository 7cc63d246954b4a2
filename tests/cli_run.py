"""Run `python -m course ARGS` in this process: `course.cli.main` with its standard streams
captured, as a subprocess would see them, without starting a Python (and importing the course)
for each call. Tests of what a command prints and returns use this; tests/cli/ keeps one real
subprocess per entry point, for the `python -m course` wiring itself."""

from __future__ import annotations

import contextlib
import functools
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from course import cli
from course.loader import load_course
from course.schema import Course

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def shipped_course() -> Course:
    """The course in this repository (which no test edits), read once per test session: the
    `real_course` fixture (tests/conftest.py) and the commands run here share it."""
    return load_course(ROOT)


def load_shared(root: Path, **options: object) -> Course:
    """`load_course` as the CLI calls it, except that the shipped course is read once per test
    session rather than once per command; `validate` passes options, and any other folder, are
    loaded afresh every time."""
    if options or Path(root).resolve() != ROOT:
        return load_course(root, **options)
    return shipped_course()


@dataclass(frozen=True)
class Completed:
    """What `subprocess.run(..., capture_output=True, text=True)` gives, for the same call."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path = ROOT, stdin: str = "") -> Completed:
    """`python -m course *args` run from `cwd` with `stdin` piped in (as bytes through a text
    reader, so line ends reach the command as a pipe delivers them)."""
    out, err = io.StringIO(), io.StringIO()
    # newline="\n": Python's own stdin on Linux, which hands a "\r\n" to the command as it came.
    piped = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8", newline="\n")
    saved_stdin, saved_load = sys.stdin, cli.load_course
    sys.stdin, cli.load_course = piped, load_shared
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:  # argparse refusing the arguments
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin, cli.load_course = saved_stdin, saved_load
    return Completed(args, code, out.getvalue(), err.getvalue())
