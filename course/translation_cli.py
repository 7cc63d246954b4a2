"""`python -m course translations`: how far each public file's translation has got, and
`--stub` to add an empty entry (with the current English's sha) for every text that lacks one.
`validate` reports the same problems as warnings, and fails on them with `--translations`."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from course.loader import CourseError, default_root, load_course
from course.translation import LANGUAGES, TRANSLATED, public_files, stub_translations, translation_problems


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Callable[[argparse.Namespace], int]]:
    t = sub.add_parser(
        "translations",
        help="list each public file's missing and stale translated texts; --stub adds empty entries to fill in",
    )
    t.add_argument("--lang", choices=list(TRANSLATED), default="es")
    t.add_argument("--stub", action="store_true", help="add an entry for every public text that has none")
    t.add_argument("--prune", action="store_true", help="with --stub: drop entries whose English text no longer exists")
    t.add_argument("--root", type=Path, default=None, help="course folder (default: this repository)")
    return {"translations": _translations}


def _translations(args: argparse.Namespace) -> int:
    root = args.root or default_root()
    try:
        course = load_course(root)
    except CourseError as exc:
        print(exc)
        print("fix the English content first: python -m course validate")
        return 1
    if args.stub:
        for written in stub_translations(course, root, args.lang, prune=args.prune):
            print(f"wrote {written}")
    problems = translation_problems(course, root, args.lang)
    for problem in problems:
        print(problem)
    kinds = Counter(
        "missing"
        if "no " + LANGUAGES[args.lang] + " text" in p.message
        else "stale"
        if p.message.startswith("stale")
        else "other"
        for p in problems
    )
    files = len(public_files(course, root))
    print(
        f"{LANGUAGES[args.lang]}: {files} public files; {kinds['missing']} texts missing, "
        f"{kinds['stale']} stale, {kinds['other']} other problems"
    )
    return 1 if problems else 0
