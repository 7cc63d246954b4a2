"""Command line: `python -m course validate|stats|cohort`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.loader import CourseError, default_root, load_course


def _validate(root: Path) -> int:
    try:
        course = load_course(root)
    except CourseError as exc:
        for problem in exc.problems:
            print(problem)
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found in {root}", file=sys.stderr)
        return 1
    sections = sum(len(m.sections) for m in course.modules)
    questions = sum(len(q.items()) for q in course.quizzes.values())
    print(
        f"ok: {course.settings.title} {course.settings.version}: "
        f"{len(course.modules)} modules, {sections} sections, {questions} questions"
    )
    return 0


def _stats(root: Path, readme: Path | None) -> int:
    import re

    from course.stats import markdown_table

    try:
        course = load_course(root)
    except CourseError as exc:
        print(exc, file=sys.stderr)
        return 1
    table = markdown_table(course)
    if readme is None:
        print(table, end="")
        return 0
    text = readme.read_text(encoding="utf-8")
    block = re.compile(r"<!-- content-table -->\n.*?<!-- /content-table -->", re.S)
    if not block.search(text):
        print(f"{readme}: no <!-- content-table --> ... <!-- /content-table --> block to update", file=sys.stderr)
        return 1
    readme.write_text(
        block.sub(lambda _: f"<!-- content-table -->\n{table}<!-- /content-table -->", text), encoding="utf-8"
    )
    print(f"updated the content table in {readme}")
    return 0


def _cohort(args: argparse.Namespace) -> int:
    from course.records import StoreUnavailable, open_store

    course = load_course(default_root())
    tracks = {t.id for t in course.settings.tracks}
    if args.track not in tracks:
        print(f"error: no track {args.track!r}; choose one of {', '.join(sorted(tracks))}", file=sys.stderr)
        return 2
    try:
        store = open_store(args.db)
        code = store.create_cohort(args.name, args.track, args.by)
    except StoreUnavailable as exc:
        print(f"error: the course database cannot be reached: {exc}", file=sys.stderr)
        return 1
    print(f"cohort {args.name!r} ({args.track} track): code {code}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check every content file and report all problems")
    v.add_argument("root", nargs="?", type=Path, default=None, help="course folder (default: this repository)")
    s = sub.add_parser("stats", help="print the content table (Markdown) that the README shows")
    s.add_argument("root", nargs="?", type=Path, default=None)
    s.add_argument("--update-readme", type=Path, metavar="README", help="rewrite the table block in this file")
    c = sub.add_parser("cohort", help="create a cohort and print the code staff enter to join it")
    c.add_argument("name", help="e.g. 'Northside clinic, March intake'")
    c.add_argument("--track", default="staff")
    c.add_argument("--by", default="trainer", help="who created it (kept with the cohort)")
    c.add_argument("--db", default=None, help="database URL (default: COURSE_DB_URL or the SQLite file)")
    args = parser.parse_args(argv)
    if args.command == "cohort":
        return _cohort(args)
    if args.command == "validate":
        return _validate(args.root or default_root())
    if args.command == "stats":
        return _stats(args.root or default_root(), args.update_readme)
    return 2  # pragma: no cover - argparse rejects unknown commands
