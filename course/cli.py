"""Command line: `python -m course validate|stats|cohort|export|completions|lrs-forward|trainer-passcode|backup|restore`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from course import settings
from course.cli_output import write_output
from course.loader import CourseError, Problem, default_root, load_course, undecodable_line
from course.typed import clean_name


def _validate(root: Path, today: date | None = None, strict_translations: bool = False) -> int:
    warnings: list[Problem] = []
    try:
        course = load_course(root, today=today or date.today(), warnings=warnings)
    except CourseError as exc:
        for problem in exc.problems:
            print(problem)
        for warning in warnings:
            print(f"warning: {warning}")
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found in {root}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}")
    from course.translation import TRANSLATED, translation_problems

    # The translations' problems never stop the English course (a stale Spanish text is shown
    # in English until updated); --translations, as CI runs it, makes them errors.
    untranslated = [p for lang in TRANSLATED for p in translation_problems(course, root, lang)]
    for problem in untranslated:
        print(f"{'' if strict_translations else 'warning: '}{problem}")
    if untranslated:
        n = len(untranslated)
        print(f"{n} translation problem{'s' if n != 1 else ''} (python -m course translations)", file=sys.stderr)
        if strict_translations:
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
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot read {readme}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as exc:
        line = undecodable_line(readme.read_bytes(), exc)
        print(f"error: cannot read {readme}: line {line} is not UTF-8 text ({exc.reason})", file=sys.stderr)
        return 1
    block = re.compile(r"<!-- content-table -->\n.*?<!-- /content-table -->", re.S)
    if not block.search(text):
        print(f"{readme}: no <!-- content-table --> ... <!-- /content-table --> block to update", file=sys.stderr)
        return 1
    try:
        readme.write_text(
            block.sub(lambda _: f"<!-- content-table -->\n{table}<!-- /content-table -->", text), encoding="utf-8"
        )
    except OSError as exc:
        print(f"error: cannot write {readme}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"updated the content table in {readme}")
    return 0


def _cohort(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from course.records import (
        DB_URL_ENV,
        MAX_COHORT_NAME,
        URL_EXAMPLES,
        StoreMisconfigured,
        StoreUnavailable,
        describe_url,
        open_store,
        resolve_url,
    )

    course = load_course(default_root())
    tracks = {t.id for t in course.settings.tracks}
    if args.track not in tracks:
        print(f"error: no track {args.track!r}; choose one of {', '.join(sorted(tracks))}", file=sys.stderr)
        return 2
    name = clean_name(args.name)  # as the store will keep it, so its checks here are the store's
    if not name:
        print('error: a cohort needs a name, e.g. "Northside clinic, March intake"', file=sys.stderr)
        return 2
    if len(name) > MAX_COHORT_NAME:
        print(
            f"error: a cohort name has at most {MAX_COHORT_NAME} characters; this one has {len(name)}", file=sys.stderr
        )
        return 2
    given = args.db or (settings.environ(DB_URL_ENV) or "").strip()
    source = f"--db {describe_url(args.db)!r}" if args.db else f"{DB_URL_ENV} {describe_url(given)!r}"
    try:
        in_memory = bool(given) and make_url(resolve_url(given)).database in (None, "", ":memory:")
    except (ArgumentError, ValueError):  # not a URL at all: open_store below says so
        in_memory = False
    if in_memory:
        print(
            f"error: {source} is a database in memory, which is gone when this command ends; {URL_EXAMPLES}",
            file=sys.stderr,
        )
        return 2
    try:
        store = open_store(args.db)
        code = store.create_cohort(name, args.track, args.by)
    except StoreMisconfigured as exc:
        print(f"error: {source}: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"error: the course database cannot be reached: {exc}", file=sys.stderr)
        return 1
    print(f"cohort {name!r} ({args.track} track): code {code}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from course.export import (
        PackLanguageError,
        check_language,
        default_filename,
        facilitator_pack_html,
        facilitator_pack_pdf,
    )
    from course.html_pdf import PdfUnavailable
    from course.slides import UnknownModule

    if args.format in ("scorm12", "cmi5"):
        from course.lms.cli import export_package

        if args.lang is not None:
            print("error: --lang is for facilitator packs (--format html or pdf)", file=sys.stderr)
            return 2

        return export_package(args)
    wrong = [name for name in ("track", "url") if getattr(args, name) is not None]
    if wrong:
        print(
            f"error: --{wrong[0]} is for LMS packages (--format scorm12 or cmi5); a facilitator pack "
            "(--format html or pdf) is one module: give --module",
            file=sys.stderr,
        )
        return 2
    if args.module is None:
        print("error: --format html or pdf needs --module ID (the module the pack is for)", file=sys.stderr)
        return 2
    args.audience = args.audience or "public"
    lang = args.lang or "en"
    try:
        check_language(lang, args.audience)  # before loading anything: a staff pack is English only
    except PackLanguageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    root = args.root or default_root()
    try:
        course = load_course(root)
    except CourseError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        if args.format == "html":
            data = facilitator_pack_html(course, args.module, args.audience, lang, root=root).encode("utf-8")
        else:
            data = facilitator_pack_pdf(course, args.module, args.audience, lang, root=root)
    except UnknownModule as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PdfUnavailable as exc:  # Debian's Pango missing: say what to install
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = args.out or Path(default_filename(args.module, args.format, lang))
    if out.is_dir():  # a folder: the pack goes into it under its usual name
        out = out / default_filename(args.module, args.format, lang)
    return write_output(out, data)


def _trainer_passcode(args: argparse.Namespace) -> int:
    import getpass

    from course.trainer_auth import MAX_PASSCODE, MIN_PASSCODE, hash_passcode

    if sys.stdin.isatty():
        first = getpass.getpass("New trainer passcode: ")
        if getpass.getpass("Type it again: ") != first:
            print("error: the two entries differ; nothing was created", file=sys.stderr)
            return 1
    else:
        first = sys.stdin.readline().rstrip("\r\n")  # a Windows line end is not part of the passcode
    if first != first.strip():  # the sign-in page also tries what is typed without them
        print("error: a trainer passcode cannot start or end with a space; nothing was created", file=sys.stderr)
        return 1
    if len(first) > MAX_PASSCODE:
        print(f"error: a trainer passcode has at most {MAX_PASSCODE} characters; nothing was created", file=sys.stderr)
        return 1
    try:
        line = hash_passcode(first)
    except ValueError:
        print(f"error: a trainer passcode needs at least {MIN_PASSCODE} characters", file=sys.stderr)
        return 1
    print("# Put this line in .streamlit/secrets.toml (or set it as an environment variable):")
    print(f'COURSE_TRAINER_PASSCODE_HASH = "{line}"')
    return 0


def _backup(args: argparse.Namespace) -> int:
    from course.backup import BackupError, backup, counted, restore

    try:
        if args.command == "backup":
            found = backup(args.db, args.out)
            if found is None:
                print(f"backed up the PostgreSQL database with pg_dump (custom format) to {args.out}")
            else:
                print(
                    f"backed up {counted(found.events, 'event')} and {counted(found.learners, 'learner')} to {args.out}"
                )
        else:
            found = restore(args.file, args.db, force=args.force)
            print(
                f"restored {counted(found.events, 'event')} and {counted(found.learners, 'learner')} from {args.file}"
            )
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _analytics_rebuild(args: argparse.Namespace) -> int:
    """Rebuild the trainer dashboard's derived summaries (item analysis, per learner) from the events."""
    import time

    from course import analytics_learners, analytics_summary
    from course.records import StoreMisconfigured, StoreUnavailable, open_store

    try:
        store = open_store(args.db)
        started = time.perf_counter()
        rows = analytics_summary.rebuild(store, load_course(args.root or default_root()))
        learners = analytics_learners.rebuild(store)
    except StoreMisconfigured as exc:
        print(f"error: the database URL cannot be used: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"error: the course database cannot be reached: {exc}", file=sys.stderr)
        return 1
    print(
        f"rebuilt the dashboard summary: {rows} learner-and-quiz rows and {learners} learner rows "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check every content file and report all problems")
    v.add_argument("root", nargs="?", type=Path, default=None, help="course folder (default: this repository)")
    v.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="check module review dates as of this day instead of today",
    )
    v.add_argument(
        "--translations",
        action="store_true",
        help="fail on missing or stale translations and their language checks (warnings otherwise)",
    )
    s = sub.add_parser("stats", help="print the content table (Markdown) that the README shows")
    s.add_argument("root", nargs="?", type=Path, default=None)
    s.add_argument("--update-readme", type=Path, metavar="README", help="rewrite the table block in this file")
    c = sub.add_parser("cohort", help="create a cohort and print the code staff enter to join it")
    c.add_argument("name", help="e.g. 'Northside clinic, March intake'")
    c.add_argument("--track", default="staff")
    c.add_argument("--by", default="trainer", help="who created it (kept with the cohort)")
    c.add_argument("--db", default=None, help="database URL (default: COURSE_DB_URL or the SQLite file)")
    x = sub.add_parser(
        "export",
        help="write a module's facilitator pack (html, pdf) or a package for a learning platform (scorm12, cmi5)",
    )
    x.add_argument("--module", default=None, metavar="ID", help="module id, e.g. history (facilitator packs)")
    x.add_argument(
        "--format",
        choices=["html", "pdf", "scorm12", "cmi5"],
        required=True,
        help="html (one offline file) or pdf: a facilitator pack; scorm12 (a zip) or cmi5 (cmi5.xml): "
        "a track for an LMS (docs/lms.md)",
    )
    x.add_argument(
        "--audience",
        choices=["staff", "public"],
        default=None,
        help="public (plain language, the default) or staff (full clinical text); facilitator packs only",
    )
    x.add_argument(
        "--lang",
        choices=["en", "es"],
        default=None,
        help="facilitator packs: en (the default) or es, a Spanish pack for the public audience "
        "(speaker notes, discussion prompts and references stay English)",
    )
    x.add_argument("--track", default=None, help="LMS packages: the track whose modules become SCOs/AUs")
    x.add_argument(
        "--url", default=None, help="LMS packages: the hosted course's public address, e.g. https://course.example.org"
    )
    x.add_argument(
        "--out",
        type=Path,
        default=None,
        help="file or folder to write to (default: ./ID-facilitator-pack.FORMAT, or ID-facilitator-pack-LANG.FORMAT)",
    )
    x.add_argument("--root", type=Path, default=None, help="course folder (default: this repository)")
    sub.add_parser("trainer-passcode", help="make the salted hash of a trainer passcode for secrets.toml")
    sub.add_parser("settings", help="list every setting: its name, default and what it does (Markdown)")
    b = sub.add_parser("backup", help="copy the learning records to a file while the course runs (SQLite)")
    b.add_argument("--out", type=Path, required=True, metavar="FILE", help="the new backup file")
    b.add_argument("--db", default=None, help="database URL (default: COURSE_DB_URL or the SQLite file)")
    r = sub.add_parser("restore", help="put the records of a backup file back into an empty store (SQLite)")
    r.add_argument("file", type=Path, help="a file made by `backup`")
    r.add_argument("--db", default=None, help="database URL (default: COURSE_DB_URL or the SQLite file)")
    r.add_argument("--force", action="store_true", help="replace a store that holds records")
    a = sub.add_parser(
        "analytics-rebuild",
        help="work the trainer dashboard's summaries out again from the events (docs/analytics.md)",
    )
    a.add_argument("--db", default=None, help="database URL (default: COURSE_DB_URL or the SQLite file)")
    a.add_argument("--root", type=Path, default=None, help="course folder (default: this repository)")
    from course.lms.cli import add_commands
    from course.translation_cli import add_commands as add_translation_commands

    lms_commands = add_commands(sub) | add_translation_commands(sub)
    args = parser.parse_args(argv)
    if args.command in lms_commands:
        return lms_commands[args.command](args)
    if args.command == "settings":
        print(settings.table())
        return 0
    if args.command == "trainer-passcode":
        return _trainer_passcode(args)
    if args.command in ("backup", "restore"):
        return _backup(args)
    if args.command == "export":
        return _export(args)
    if args.command == "cohort":
        return _cohort(args)
    if args.command == "analytics-rebuild":
        return _analytics_rebuild(args)
    if args.command == "validate":
        return _validate(args.root or default_root(), args.today, args.translations)
    if args.command == "stats":
        return _stats(args.root or default_root(), args.update_readme)
    return 2  # pragma: no cover - argparse rejects unknown commands
