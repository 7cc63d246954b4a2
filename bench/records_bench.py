"""Benchmark the learning-event store at course scale: is it fast enough with a million events?

    python bench/records_bench.py                 # 1,000,000 events, 10,000 learners
    python bench/records_bench.py --events 50000  # a quick run

Loads N events for the learners (in time order, so one learner's events are scattered
through the table as they would be in real use), then times, on SQLite and (when
COURSE_TEST_PG_URL is set) on PostgreSQL:

- one learner's progress: read their events and project them with `course.progress`, the
  work behind every page a learner opens;
- a cohort summary: per quiz, how many of a 5,000-learner cohort attempted and passed it,
  one GROUP BY (the trainer dashboard).

Each figure is compared with baselines measured in the same run: a `SELECT 1` round trip
(the floor any query pays) and the same queries after dropping the event indexes. The
databases are temporary: a file under /tmp and a throwaway PostgreSQL schema.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema, DropSchema

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.events import (  # noqa: E402
    ANSWERED,
    EXPERIENCED,
    FAILED,
    PASSED,
    REGISTERED,
    Event,
    course_activity,
    question_activity,
    quiz_activity,
    section_activity,
)
from course.loader import load_course  # noqa: E402
from course.progress import project  # noqa: E402
from course.records import INDEXES, Store, events_table, open_store  # noqa: E402
from course.schema import Course  # noqa: E402

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass
class Row:
    backend: str
    measure: str
    median_ms: float
    p95_ms: float
    select1_ms: float
    no_index_ms: float | None = None


# --------------------------------------------------------------------------- synthetic learners


def journey(course: Course, track: str) -> list[tuple[str, str, float | None, float | None]]:
    """One learner's run through the course as (verb, activity, score, max_score) steps:
    register, read each section, answer each question, then fail once and pass the quiz."""
    steps: list[tuple[str, str, float | None, float | None]] = [(REGISTERED, course_activity(), None, None)]
    for module in course.track_modules(track):
        quiz = course.quizzes[module.quiz]
        questions = [q for _, q in quiz.items(track)]
        steps += [(EXPERIENCED, section_activity(module.id, s.id), None, None) for s in module.sections]
        steps += [(ANSWERED, question_activity(q.id), 1.0, 1.0) for q in questions]
        steps.append((FAILED, quiz_activity(quiz.id), len(questions) // 2, float(len(questions))))
        steps += [(ANSWERED, question_activity(q.id), 1.0, 1.0) for q in questions]
        steps.append((PASSED, quiz_activity(quiz.id), float(len(questions)), float(len(questions))))
    return steps


def cohort_of(learner: int, cohort_size: int) -> str:
    # The first `cohort_size` learners form the cohort being summarised; the rest are
    # spread over cohorts of 1,000 so the summary has to pick its rows out of the table.
    return "BCH-AAA" if learner < cohort_size else f"OTH-{learner // 1000:03d}"


def generate(course: Course, n_events: int, n_learners: int, cohort_size: int) -> Iterator[Event]:
    """Events in time order, round-robin over learners (as many people studying at once)."""
    tracks = [t.id for t in course.settings.tracks]
    paths = {t: journey(course, t) for t in tracks}
    per_learner = -(-n_events // n_learners)
    made = 0
    for step in range(per_learner):
        for learner in range(n_learners):
            if made == n_events:
                return
            track = tracks[learner % len(tracks)]
            path = paths[track]
            verb, activity, score, max_score = path[step % len(path)]
            made += 1
            yield Event(
                learner_id=f"learner-{learner:06d}",
                verb=verb,
                activity=activity,
                track=track,
                cohort=cohort_of(learner, cohort_size),
                attempt=1 + step // len(path) if verb in (ANSWERED, FAILED, PASSED) else None,
                score=score,
                max_score=max_score,
                success=None if score is None else score >= (max_score or 0) * 0.8,
                response="a" if verb == ANSWERED else None,
                duration_s=30.0 if verb in (PASSED, FAILED) else None,
                timestamp=T0 + timedelta(seconds=step * n_learners + learner),
                event_id=f"{learner:06d}-{step:06d}",
            )


def load(store: Store, events: Iterator[Event], total: int, batch: int) -> float:
    started = time.perf_counter()
    buffer: list[Event] = []
    written = 0
    for event in events:
        buffer.append(event)
        if len(buffer) == batch:
            store.append_many(buffer)
            written += len(buffer)
            buffer.clear()
            if written % (batch * 20) == 0:
                rate = written / (time.perf_counter() - started)
                print(f"  {written:>10,} / {total:,} events ({rate:,.0f}/s)", file=sys.stderr)
    if buffer:
        store.append_many(buffer)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- timing


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(store: Store, course: Course, learners: list[str], repeat: int) -> dict[str, list[float]]:
    def one_learner() -> Iterator[Callable[[], object]]:
        while True:
            for lid in learners:
                yield lambda lid=lid: project(course, store.events(lid))

    cycle = one_learner()
    return {
        "select1": timed(store.ping, max(repeat, 50)),
        "learner": timed(lambda: next(cycle)(), repeat),
        "cohort": timed(lambda: store.cohort_summary("BCH-AAA"), max(3, repeat // 10)),
    }


def drop_event_indexes(store: Store) -> None:
    with store.engine.begin() as conn:
        for index in INDEXES:
            if index.table is events_table:
                index.drop(conn)
    store.optimize()


def bench_backend(name: str, url: str, course: Course, args: argparse.Namespace) -> list[Row]:
    print(f"\n{name}: loading {args.events:,} events for {args.learners:,} learners", file=sys.stderr)
    store = open_store(url)
    try:
        seconds = load(store, generate(course, args.events, args.learners, args.cohort), args.events, args.batch)
        store.optimize()
        print(f"  loaded in {seconds:.1f} s ({args.events / seconds:,.0f} events/s)", file=sys.stderr)

        rng = random.Random(7)
        sample = [f"learner-{rng.randrange(args.learners):06d}" for _ in range(args.repeat)]
        summary = store.cohort_summary("BCH-AAA")
        n_events = len(store.events(sample[0]))
        print(
            f"  sample learner has {n_events} events; cohort summary covers {len(summary)} quizzes, "
            f"{max((s.learners_attempted for s in summary), default=0):,} learners attempted the busiest",
            file=sys.stderr,
        )
        indexed = measure(store, course, sample, args.repeat)
        print("  dropping the event indexes for the baseline", file=sys.stderr)
        drop_event_indexes(store)
        bare = measure(store, course, sample[: max(3, args.repeat // 10)], max(3, args.repeat // 10))
    finally:
        store.close()

    select1 = statistics.median(indexed["select1"])
    rows = [
        Row(name, "SELECT 1 round trip", select1, p95(indexed["select1"]), select1, statistics.median(bare["select1"])),
        Row(
            name,
            f"one learner's progress ({n_events} events)",
            statistics.median(indexed["learner"]),
            p95(indexed["learner"]),
            select1,
            statistics.median(bare["learner"]),
        ),
        Row(
            name,
            f"cohort summary ({min(args.cohort, args.learners):,} learners)",
            statistics.median(indexed["cohort"]),
            p95(indexed["cohort"]),
            select1,
            statistics.median(bare["cohort"]),
        ),
    ]
    rows.append(Row(name, "load (events/s)", args.events / seconds, 0, 0))
    return rows


# --------------------------------------------------------------------------- databases


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'bench.sqlite'}"


class PgSchema:
    """A throwaway schema in the test database, selected through the connection options."""

    def __init__(self, server: str):
        self.server = server
        self.name = f"bench_{uuid.uuid4().hex[:12]}"
        self.admin = sa.create_engine(server)

    def __enter__(self) -> str:
        with self.admin.begin() as conn:
            conn.execute(CreateSchema(self.name))
        url = make_url(self.server).update_query_dict({"options": f"-csearch_path={self.name}"})
        return url.render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        with self.admin.begin() as conn:
            conn.execute(DropSchema(self.name, cascade=True))
        self.admin.dispose()


# --------------------------------------------------------------------------- report


def table(rows: list[Row]) -> str:
    head = ("backend", "measure", "median ms", "p95 ms", "x SELECT 1", "no indexes ms", "index speed-up")
    lines = []
    for r in rows:
        if r.measure.startswith("load"):
            lines.append((r.backend, r.measure, f"{r.median_ms:,.0f}", "", "", "", ""))
            continue
        lines.append(
            (
                r.backend,
                r.measure,
                f"{r.median_ms:.2f}",
                f"{r.p95_ms:.2f}",
                f"{r.median_ms / r.select1_ms:.1f}" if r.select1_ms else "",
                f"{r.no_index_ms:.2f}" if r.no_index_ms is not None else "",
                f"{r.no_index_ms / r.median_ms:.1f}x" if r.no_index_ms and r.median_ms else "",
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    fmt = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to load (default 1,000,000)")
    parser.add_argument("--learners", type=int, default=None, help="default: 10,000 or events/100 if fewer")
    parser.add_argument("--cohort", type=int, default=5_000, help="learners in the summarised cohort")
    parser.add_argument("--batch", type=int, default=10_000, help="events per append_many call")
    parser.add_argument("--repeat", type=int, default=50, help="timed learner reads per setting")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL even if COURSE_TEST_PG_URL is set")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.learners is None:
        args.learners = min(10_000, max(10, args.events // 100))
    args.cohort = min(args.cohort, max(1, args.learners // 2))

    course = load_course(ROOT)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="records-bench-") as tmp:
        rows += bench_backend("sqlite", sqlite_url(Path(tmp)), course, args)
    pg = os.environ.get("COURSE_TEST_PG_URL", "").strip()
    if pg and not args.no_pg:
        with PgSchema(pg) as url:
            rows += bench_backend("postgresql", url, course, args)
    else:
        print("\npostgresql: skipped (set COURSE_TEST_PG_URL, e.g. via scripts/pg.sh)", file=sys.stderr)

    print(f"\n{args.events:,} events, {args.learners:,} learners, cohort of {args.cohort:,}\n")
    print(table(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
