"""Server time to render the trainer dashboard for a large cohort, against a bare page.

Seeds a SQLite database with N learners (default 5,000) who each work through the 7 staff
modules (section views, every quiz answer, pass or fail), then times full script runs of the
dashboard page with AppTest, and of a one-line page in the same process, and prints the ratio.
This is a benchmark: it prints figures and asserts nothing.

    .venv/bin/python bench/dashboard_bench.py [--learners 5000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course import events  # noqa: E402
from course.events import Event  # noqa: E402
from course.loader import load_course  # noqa: E402
from course.records import open_store  # noqa: E402


def seed(db_url: str, learners: int, rng: random.Random) -> tuple[str, int]:
    course = load_course(ROOT)
    store = open_store(db_url)
    code = store.create_cohort("Benchmark cohort", "staff", "bench")
    start = datetime.now(UTC) - timedelta(days=30)
    total = 0
    batch: list[Event] = []
    for n in range(learners):
        lid = f"bench-{n:05d}"
        skill = rng.random()
        t = start + timedelta(minutes=n % 1000)
        batch.append(events.track_chosen("staff").by(lid, code, at=t))
        for module_id in course.track("staff").modules:
            module = course.module(module_id)
            for s in module.sections:
                t += timedelta(minutes=3)
                batch.append(events.section_viewed(module.id, s.id, "staff").by(lid, code, at=t))
            items = [q for _, q in course.quizzes[module.quiz].items("staff")]
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
    return code, total


def time_runs(make, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        at = make()
        t0 = time.perf_counter()
        at.run()
        out.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        os.environ["COURSE_DB_URL"] = db_url
        t0 = time.perf_counter()
        code, n_events = seed(db_url, args.learners, rng)
        print(f"seeded {args.learners} learners, {n_events} events in {time.perf_counter() - t0:.1f} s")

        from streamlit.testing.v1 import AppTest

        def bare():
            return AppTest.from_string("import streamlit as st\nst.write('hello')", default_timeout=600)

        def dashboard():
            at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
            at.session_state["trainer"] = True
            at.session_state["open-trainer-dashboard"] = True
            return at

        cold = dashboard()
        t0 = time.perf_counter()
        cold.run()  # first render: parses the course, opens the store, loads and analyses the selection
        cold_s = time.perf_counter() - t0
        bare_s = time_runs(bare, args.repeats)
        dash_s = time_runs(dashboard, args.repeats)
        b, d = statistics.median(bare_s), statistics.median(dash_s)
        print(f"{'page':<34}{'median s':>10}{'runs':>8}")
        print(f"{'bare one-line page':<34}{b:>10.3f}{len(bare_s):>8}")
        print(f"{'dashboard, first (cold) render':<34}{cold_s:>10.3f}{1:>8}")
        print(f"{f'trainer dashboard, {args.learners} learners':<34}{d:>10.3f}{len(dash_s):>8}")
        print(f"ratio dashboard / bare: {d / b:.1f}x (warm), {cold_s / b:.1f}x (cold)")


if __name__ == "__main__":
    main()
