"""The LMS commands of `python -m course`: `export --format scorm12|cmi5`, `completions`,
`lrs-forward`. Each bad option gets one line saying what and why, and exit status 2."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from course.cli import write_output
from course.loader import CourseError, default_root, load_course


def _course(root: Path | None) -> Any:
    try:
        return load_course(root or default_root())
    except CourseError as exc:
        print(exc, file=sys.stderr)
        return None


def export_package(args: argparse.Namespace) -> int:
    """`export --format scorm12|cmi5 --track T --url URL [--out FILE]`."""
    from course.lms.package import PackageError, PackageOptions, cmi5_xml, default_filename, scorm12_zip

    fmt = args.format
    for name in ("module", "audience"):
        if getattr(args, name) is not None:
            print(
                f"error: --{name} is for facilitator packs; a {fmt} package holds every module of a track: "
                "give --track instead",
                file=sys.stderr,
            )
            return 2
    if not args.track or not args.url:
        missing = " and ".join(f"--{n}" for n in ("track", "url") if not getattr(args, n))
        print(
            f"error: --format {fmt} needs {missing}, e.g. --track staff --url https://course.example.org "
            "(the address where the course is served)",
            file=sys.stderr,
        )
        return 2
    course = _course(args.root)
    if course is None:
        return 1
    options = PackageOptions(track=args.track, url=args.url)
    try:
        data = scorm12_zip(course, options) if fmt == "scorm12" else cmi5_xml(course, options).encode("utf-8")
    except PackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = args.out or Path(default_filename(fmt, args.track))
    if out.is_dir():
        out = out / default_filename(fmt, args.track)
    if fmt == "scorm12" and out.suffix.lower() != ".zip":
        print(f"error: --out {out}: a SCORM package is a .zip file (LMSs refuse anything else)", file=sys.stderr)
        return 2
    return write_output(out, data)


def _completions(args: argparse.Namespace) -> int:
    from course.lms.completions import rows, to_csv
    from course.records import StoreUnavailable, normalize_cohort_code, open_store

    try:
        since = date.fromisoformat(args.since)
    except ValueError:
        print(f"error: --since {args.since!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31", file=sys.stderr)
        return 2
    code = normalize_cohort_code(args.cohort)
    if code is None:
        print(
            f"error: --cohort {args.cohort!r} is not a cohort code (three letters or digits, a dash, three more)",
            file=sys.stderr,
        )
        return 2
    course = _course(args.root)
    if course is None:
        return 1
    try:
        store = open_store(args.db)
        found = rows(store, course, code, since)
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"error: the course database cannot be reached: {exc}", file=sys.stderr)
        return 1
    text = to_csv(found)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    return write_output(args.out, text.encode("utf-8"))


def _lrs_forward(args: argparse.Namespace) -> int:
    from course.lms import outbox
    from course.records import StoreUnavailable, open_store

    endpoint = os.environ.get(outbox.ENDPOINT_SETTING, "").strip()
    base = os.environ.get("COURSE_PUBLIC_URL", "").strip().rstrip("/")
    if not endpoint:
        print(f"error: set {outbox.ENDPOINT_SETTING} to the LRS's xAPI address first", file=sys.stderr)
        return 2
    problem = outbox.settings_problem(endpoint, base)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    settings = outbox.LrsSettings(
        endpoint, os.environ.get(outbox.USERNAME_SETTING), os.environ.get(outbox.PASSWORD_SETTING), base
    )
    course = _course(args.root)
    try:
        store = open_store(args.db)
        sent = outbox.Forwarder(store, settings, course).run_once()
        counts = outbox.counts(store)
    except StoreUnavailable as exc:
        print(f"error: the course database cannot be reached: {exc}", file=sys.stderr)
        return 1
    print(f"sent {sent}; pending {counts.pending}; failed {counts.failed}; sent in all {counts.sent}")
    return 0


def add_commands(sub: Any) -> dict[str, Any]:
    c = sub.add_parser("completions", help="write a cohort's completions as CSV for a spreadsheet or LMS import")
    c.add_argument("--cohort", required=True, metavar="CODE", help="the cohort's code, e.g. KX7-P2M")
    c.add_argument("--since", required=True, metavar="YYYY-MM-DD", help="attempts on or after this day")
    c.add_argument("--out", type=Path, default=None, help="CSV file to write (default: standard output)")
    c.add_argument("--db", default=None, help="database URL (default: COURSE_DB_URL or the SQLite file)")
    c.add_argument("--root", type=Path, default=None, help="course folder (default: this repository)")
    f = sub.add_parser("lrs-forward", help="send the statements waiting in the LRS outbox now (COURSE_LRS_*)")
    f.add_argument("--db", default=None, help="database URL (default: COURSE_DB_URL or the SQLite file)")
    f.add_argument("--root", type=Path, default=None, help="course folder (default: this repository)")
    return {"completions": _completions, "lrs-forward": _lrs_forward}
