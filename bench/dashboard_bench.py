"""Server time and memory to render the trainer dashboard for many learners, new code and old.

Seeds a database (SQLite, or PostgreSQL with --pg) with N staff learners through the store's
public API: each registers in one of ten cohorts and works through the staff modules (section
views, every quiz answer, pass or fail; a failed quiz ends their run, as the track is
sequential). Then, for this checkout and for the code before issue 26 (a git worktree of
--baseline), each in its own process:

1. opens the app under AppTest and signs in the way a trainer does: the dashboard's address,
   the passcode typed into the sign-in form, Sign in pressed (the sign-in opens the dashboard);
2. checks that it drew the dashboard: its title, and the known figure "N learners active in
   this period" (all cohorts, the default 90 days); a benchmark that timed another page
   would be worthless, so a mismatch stops the run;
3. times that first render, then the next renders (median of --repeats), and measures the
   memory the first render added (peak RSS during it, less RSS before) and the process peak.

It prints a table and asserts no time.

    .venv/bin/python bench/dashboard_bench.py --learners 2000,20000 [--pg] [--repeats 3]

--pg uses COURSE_TEST_PG_URL (scripts/pg.sh url), one fresh schema per size, dropped after.
--db-url URL measures a database seeded before (by `seed`, for the one size given), kept after:
seeding 100,000 learners (4.6 million events) takes half an hour, so it can be done once, at a
quiet moment. A measurement that fails (the old code's query cancelled by the statement
timeout, say) is printed as a row saying so, and the run goes on.

The load average (1 minute) is printed as each measurement starts and ends: other work on the
machine slows wall-clock times, so every figure says how busy the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# main before issue 26's branch was merged: the dashboard that loads every event of the
# selection into Python (with the scenario, renewal and learning-platform panels of issues 20,
# 21 and 27). The first benchmark's baseline, 3241ad2, predates those panels.
BASELINE = "0eb7028"  # --baseline cff9c25: main before the per-learner summary (issue 26, round 4)
PASSCODE = "benchmark trainer passcode"
COHORTS = 10


def seed(db_url: str, learners: int, rng: random.Random) -> int:
    """N staff learners in COHORTS cohorts; returns the number of events stored."""
    from course import events
    from course.events import Event
    from course.loader import load_course
    from course.records import open_store

    course = load_course(ROOT)
    store = open_store(db_url)
    codes = [store.create_cohort(f"Benchmark cohort {n + 1}", "staff", "bench") for n in range(COHORTS)]
    start = datetime.now(UTC) - timedelta(days=30)
    modules = [course.module(m) for m in course.track("staff").modules]
    quiz_items = {m.id: [q for _, q in course.quizzes[m.quiz].items("staff")] for m in modules}
    total = 0
    batch: list[Event] = []
    for n in range(learners):
        lid = f"bench-{n:06d}"
        skill = rng.random()
        t = start + timedelta(minutes=n % 1000)
        code = codes[n % COHORTS]
        batch.append(events.track_chosen("staff").by(lid, code, at=t))
        for module in modules:
            for s in module.sections:
                t += timedelta(minutes=3)
                batch.append(events.section_viewed(module.id, s.id, "staff").by(lid, code, at=t))
            items = quiz_items[module.id]
            right = 0
            for q in items:
                ok = rng.random() < 0.45 + 0.5 * skill
                right += ok
                t += timedelta(seconds=20)
                batch.append(events.quiz_answer(q.id, "staff", 1, ok, None).by(lid, code, at=t))
            passed = right * 100 >= 80 * len(items)
            outcome = events.quiz_submitted(module.quiz, "staff", 1, right, len(items), passed, duration_s=300.0)
            batch.append(outcome.by(lid, code, at=t))
            if not passed:
                break  # sequential track: later modules stay locked
        if len(batch) >= 20_000:
            store.append_many(batch)
            total += len(batch)
            batch = []
    store.append_many(batch)
    total += len(batch)
    store.optimize()
    store.close()
    return total


def rebuild_summary(db_url: str) -> float:
    """Build the dashboard's derived summary from the seeded events, as `python -m course
    analytics-rebuild` does after an upgrade; returns the seconds it took. (Seeding marked every
    learner; without this the first render would work all of them out, the same work.)"""
    from course import analytics_learners, analytics_summary
    from course.loader import load_course
    from course.records import open_store

    course = load_course(ROOT)
    store = open_store(db_url)
    t0 = time.perf_counter()
    analytics_summary.rebuild(store, course)
    analytics_learners.rebuild(store)
    took = time.perf_counter() - t0
    store.close()
    return took


# --------------------------------------------------------------------------- one measurement (own process)


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _hwm_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRSS:
    """The highest RSS seen while the block runs (sampled every 5 ms)."""

    def __enter__(self) -> PeakRSS:
        self.peak = _rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mib())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mib())


def _texts(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info") for e in getattr(at, kind))


def measure(root: Path, learners: int, repeats: int) -> dict[str, float]:
    """Sign in as a trainer, check the dashboard, time it. Runs with `root`'s code."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    from streamlit.testing.v1 import AppTest

    from course.trainer_auth import hash_passcode

    os.environ["COURSE_TRAINER_PASSCODE_HASH"] = hash_passcode(PASSCODE, iterations=1000)
    os.environ.setdefault("COURSE_CERT_SECRET", "benchmark-secret-for-certificates-0123456789")
    at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=900).run()
    # The dashboard's address, as a trainer's bookmark opens it: the sign-in form stands there.
    at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == "trainer")
    at.run()
    assert at.title[0].value == "Trainer sign-in", [t.value for t in at.title]
    at.text_input[0].set_value(PASSCODE)
    sign_in = next(b for b in at.button if b.label == "Sign in")
    before = _rss_mib()
    with PeakRSS() as peak:
        t0, c0 = time.perf_counter(), time.process_time()
        at = sign_in.click().run()  # the sign-in reruns into the dashboard: its first render
        first = time.perf_counter() - t0
        # CPU of the whole process (every thread): what the render cost, which the load
        # average inflates far less than wall time.
        first_cpu = time.process_time() - c0
    assert not at.exception, " | ".join(f"{e.message} {' '.join(e.stack_trace[-3:])}" for e in at.exception)
    assert at.title[0].value == "Trainer dashboard", f"drew {[t.value for t in at.title]}, not the dashboard"
    known = f"**{learners}** learners active in this period; **{learners}** on the Clinic staff onboarding track."
    assert known in _texts(at), f"the dashboard does not show {known!r}"
    nexts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        at.run()
        nexts.append(time.perf_counter() - t0)
        assert not at.exception and at.title[0].value == "Trainer dashboard"
        assert known in _texts(at)
    return {
        "first_s": first,
        "first_cpu_s": first_cpu,
        "next_s": statistics.median(nexts),
        "added_mib": peak.peak - before,
        "peak_mib": _hwm_mib(),
    }


# --------------------------------------------------------------------------- the run


def _pg_schema_url(server: str, schema: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


def _pg_admin(server: str, sql: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(server)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


def _baseline_tree(rev: str, tmp: Path) -> Path:
    tree = tmp / "baseline"
    done = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"cannot check out {rev!r}: {done.stderr.strip()}")
    return tree


def _run_measure(root: Path, db_url: str, learners: int, repeats: int) -> dict[str, Any]:
    """One measurement in its own process; a failure is returned as {"failed": its last line}."""
    # The page's error in full, should it fail (Streamlit redacts it by default).
    env = {**os.environ, "COURSE_DB_URL": db_url, "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", str(root), "--learners", str(learners)]
    done = subprocess.run([*cmd, "--repeats", str(repeats)], env=env, capture_output=True, text=True, cwd=root)
    if done.returncode != 0:
        print(f"measuring {root} failed:\n{done.stderr[-3000:]}", file=sys.stderr, flush=True)
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return {"failed": lines[-1][:300] if lines else f"exit status {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _count_events(db_url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
    engine.dispose()
    return int(total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", default="2000", help="comma-separated sizes, e.g. 2000,20000,100000")
    parser.add_argument("--repeats", type=int, default=3, help="next renders timed per size (median printed)")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL from COURSE_TEST_PG_URL instead of SQLite")
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the old code ('none' to skip)")
    parser.add_argument("--db-url", help="measure this database, seeded before for the one size given (kept)")
    parser.add_argument("--measure", metavar="ROOT", help=argparse.SUPPRESS)  # one measurement, in its own process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure), int(args.learners), args.repeats)))
        return 0
    sys.path.insert(0, str(ROOT))  # seeding uses this checkout's store
    sizes = [int(s) for s in args.learners.split(",") if s.strip()]
    server = os.environ.get("COURSE_TEST_PG_URL", "").strip()
    if args.db_url and len(sizes) != 1:
        raise SystemExit("--db-url measures one database: give the one size it was seeded with in --learners")
    if args.pg and not server and not args.db_url:
        raise SystemExit(
            "--pg needs COURSE_TEST_PG_URL (scripts/pg.sh start; export COURSE_TEST_PG_URL=$(scripts/pg.sh url))"
        )
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        codes = [("new", ROOT)]
        if args.baseline != "none":
            codes.append((f"old ({args.baseline})", _baseline_tree(args.baseline, tmp)))
        try:
            for n in sizes:
                schema = f"bench_{uuid.uuid4().hex[:12]}"
                fresh = not args.db_url
                if args.db_url:
                    db_url = args.db_url
                elif args.pg:
                    _pg_admin(server, f"CREATE SCHEMA {schema}")
                    db_url = _pg_schema_url(server, schema)
                else:
                    db_url = f"sqlite:///{tmp / f'bench-{n}.sqlite'}"
                try:
                    t0 = time.perf_counter()
                    if fresh:
                        events = seed(db_url, n, random.Random(7))
                        print(
                            f"seeded {n:,} learners, {events:,} events in {time.perf_counter() - t0:.0f} s", flush=True
                        )
                    else:
                        events = _count_events(db_url)
                        print(f"measuring {db_url} as seeded before: {n:,} learners, {events:,} events", flush=True)
                    built = rebuild_summary(db_url)
                    print(f"  summaries rebuilt from the events (analytics-rebuild): {built:.1f} s", flush=True)
                    for name, root in codes:
                        load_before = os.getloadavg()[0]
                        r = _run_measure(root, db_url, n, args.repeats)
                        # 1-minute load average as the measurement started and ended (2 cores)
                        r["load"] = f"{load_before:.1f} to {os.getloadavg()[0]:.1f}"
                        rows.append((name, n, events, r))
                        print(f"  {name}: {_summary(r)}", flush=True)
                finally:
                    if args.pg and fresh:
                        _pg_admin(server, f"DROP SCHEMA {schema} CASCADE")
        finally:
            if args.baseline != "none":
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp / "baseline")])
                subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"])
    db = "PostgreSQL" if args.pg else "SQLite"
    print(f"\nTrainer dashboard, all cohorts, signed in under AppTest, {db}:\n")
    print(
        "| code | learners | events | first render | its CPU | next render | memory added by first render "
        "| peak memory | load average |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, n, events, r in rows:
        if "failed" in r:
            print(f"| {name} | {n:,} | {events:,} | failed: {r['failed']} | | | | | {r['load']} |")
            continue
        cpu = f"{r['first_cpu_s']:.2f} s" if "first_cpu_s" in r else ""
        print(
            f"| {name} | {n:,} | {events:,} | {r['first_s']:.2f} s | {cpu} | {r['next_s']:.3f} s | "
            f"{r['added_mib']:.0f} MiB | {r['peak_mib']:.0f} MiB | {r['load']} |"
        )
    return 0


def _summary(r: dict[str, Any]) -> str:
    if "failed" in r:
        return f"failed: {r['failed']} (load {r['load']})"
    return (
        f"first {r['first_s']:.2f} s (CPU {r.get('first_cpu_s', float('nan')):.2f} s), next {r['next_s']:.3f} s, "
        f"added {r['added_mib']:.0f} MiB, "
        f"peak {r['peak_mib']:.0f} MiB, load {r['load']}"
    )


if __name__ == "__main__":
    sys.exit(main())
