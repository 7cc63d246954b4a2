"""Soak: 1,000 learner walks over 30 minutes on one replica, then every record checked.

    python bench/soak.py                            # 1,000 walks over 30 minutes, temporary SQLite
    python bench/soak.py --minutes 3                # a short soak: 100 walks over 3 minutes
    python bench/soak.py --db-url postgresql+psycopg://...   # on PostgreSQL, as deployed

One course server (a fresh process on a free 127.0.0.1 port, the production shape of one
replica). Walks start at an even pace, one every `minutes * 60 / walks` seconds (at most
`--max-concurrent` at once); each is bench/load.py's learner (choose a track, Start, Next,
every quiz answer clicked, Submit, My progress, 3 s think time) in its own websocket, which
closes when the walk is done, as a learner closing the tab. `--walks` defaults to 1,000 per
30 minutes.

Afterwards, for every walk that finished, the learner is found in the store by the resume code
that My progress showed them, and their record is checked: the track registered, the module's
parts recorded as read, one answer per question of the quiz, the quiz passed, and no answer
left among those kept before submitting. Memory: the server's RSS is sampled every 5 s; the
figure compares the RSS at the end (once every walk is done and Streamlit has had
`--settle` seconds to drop the closed sessions) with the RSS when the first 200 walks had
finished. Goal (issue 24): no errors, every record complete, end RSS within 20 % of that level.

The load average is sampled with the memory. Results: bench/results/NAME.{json,md}. Only
127.0.0.1 is contacted; every loop is bounded (the walks, the pace, each run's 60 s timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from _common import ROOT, bench_module, start_server

from course import events as ev
from course.loader import load_course
from course.progress import OVERVIEW, steps
from course.records.store import open_store

load = bench_module("load")
MEMORY_MARK = 200  # walks finished when the reference memory level is read


async def soak(url: str, pid: int, plan: Any, args: argparse.Namespace) -> dict[str, Any]:
    interval = args.minutes * 60 / args.walks
    gate = asyncio.Semaphore(args.max_concurrent)
    results: list[dict[str, Any]] = []
    samples: list[tuple[float, int | None, float]] = []  # seconds since start, RSS KiB, load average
    mark: dict[str, Any] = {}
    start = time.perf_counter()
    finished = 0

    async def one(i: int) -> None:
        nonlocal finished
        await asyncio.sleep(i * interval)
        track = plan.tracks[i % len(plan.tracks)]
        res = load.LearnerResult()
        out: dict[str, Any] = {"track": track, "code": None, "errors": []}
        async with gate:
            client = load.StreamlitClient(url, cookie=uuid.uuid4().hex, timeout=args.timeout)
            try:
                run = await load.course_learner(client, plan, track, args.think, res)
                code_el = run.find("code", lambda e: "resume=" in e.el.code_text)
                found = re.search(r"[?&]resume=([^\s&]+)", code_el.el.code_text)
                out["code"] = found.group(1) if found else None
            except load.StepFailed as exc:
                out["errors"].append(f"{res.reached}: {exc}")
            except Exception as exc:  # a dropped connection, a protocol surprise
                out["errors"].append(f"{res.reached}: {type(exc).__name__}: {exc}")
            finally:
                try:
                    await asyncio.wait_for(client.close(), 10)
                except Exception as exc:  # closing a broken socket: nothing left to keep
                    out["errors"].append(f"closing: {type(exc).__name__}")
        out["page_steps"] = [d for name, d in res.interactions if name != load.ANSWER]
        results.append(out)
        finished += 1
        if finished == min(MEMORY_MARK, args.walks):
            mark.update(rss_kib=load.rss_kib(pid), at_s=round(time.perf_counter() - start, 1))

    async def sampler() -> None:
        while True:
            samples.append((round(time.perf_counter() - start, 1), load.rss_kib(pid), os.getloadavg()[0]))
            await asyncio.sleep(5.0)

    watch = asyncio.create_task(sampler())
    try:
        await asyncio.gather(*(one(i) for i in range(args.walks)))
        await asyncio.sleep(args.settle)
        end_rss = load.rss_kib(pid)
    finally:
        watch.cancel()
    return {
        "results": results,
        "samples": samples,
        "mark": mark,
        "end_rss_kib": end_rss,
        "duration_s": round(time.perf_counter() - start, 1),
    }


def check_records(db_url: str, plan: Any, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Every finished walk's record, read back from the store."""
    store = open_store(db_url)
    problems: list[str] = []
    checked = 0
    try:
        for r in results:
            if r["errors"] or not r["code"]:
                continue
            learner = store.learner_for_resume_code(r["code"])
            if learner is None:
                problems.append(f"resume code of a {r['track']} learner not found")
                continue
            checked += 1
            track = r["track"]
            module = plan.module[track]
            quiz = plan.course.quizzes[module.quiz]
            events = store.events(learner)
            verbs = [(e.verb, e.activity) for e in events]
            read = {a for v, a in verbs if v == ev.EXPERIENCED}
            parts = [s for s in steps(module)[1 : 1 + plan.pages[track]] if s != OVERVIEW]
            wanted_parts = {ev.section_activity(module.id, s) for s in parts if s in {x.id for x in module.sections}}
            questions = {ev.question_activity(q.id) for _, q in quiz.items(track)}
            answered = [a for v, a in verbs if v == ev.ANSWERED and a in questions]
            missing = []
            if not any(v == ev.REGISTERED and e.track == track for e, (v, _) in zip(events, verbs, strict=True)):
                missing.append("track registration")
            if not wanted_parts <= read:
                missing.append(f"parts read {sorted(wanted_parts - read)}")
            if sorted(answered) != sorted(questions):
                missing.append(f"{len(answered)} answers for {len(questions)} questions")
            if (ev.PASSED, ev.quiz_activity(quiz.id)) not in verbs:
                missing.append("the quiz passed")
            if store.drafts(learner, ev.quiz_activity(quiz.id), track, 1):
                missing.append("answers still kept as drafts")
            if missing:
                problems.append(f"learner {learner[:8]}… ({track}): missing {', '.join(missing)}")
    finally:
        store.engine.dispose()
    return {"checked": checked, "incomplete": len(problems), "problems": problems[:20]}


def markdown(out: dict[str, Any], records: dict[str, Any], args: argparse.Namespace) -> str:
    results = out["results"]
    errors = [e for r in results for e in r["errors"]]
    page = [d for r in results for d in r["page_steps"]]
    p95 = load.percentile(page, 95)
    mark = out["mark"].get("rss_kib")
    end = out["end_rss_kib"]
    growth = (end - mark) / mark if mark and end else None
    loads = [s[2] for s in out["samples"]]
    walks_ok = len(results) - sum(1 for r in results if r["errors"])
    lines = [
        f"### soak: {args.walks} walks over {args.minutes:g} minutes on one replica ({args.db})",
        "",
        f"| walks finished | errors | records checked | incomplete | page steps p95 (ms) | RSS after {min(MEMORY_MARK, args.walks)} walks (MiB) | "
        "RSS at the end (MiB) | change | load average (min–max) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {walks_ok}/{args.walks} | {len(errors)} | {records['checked']} | {records['incomplete']} | "
        f"{'–' if p95 is None else f'{p95 * 1000:,.1f}'} | {'–' if not mark else f'{mark / 1024:,.1f}'} | "
        f"{'–' if not end else f'{end / 1024:,.1f}'} | {'–' if growth is None else f'{growth:+.1%}'} | "
        f"{min(loads):.1f}–{max(loads):.1f} |",
        "",
        f"- no errors: {'met' if not errors else 'not met'}; every record complete: "
        f"{'met' if records['incomplete'] == 0 and records['checked'] == walks_ok else 'not met'}; "
        f"end memory within 20 % of its level after the first {min(MEMORY_MARK, args.walks)} walks: "
        f"{'–' if growth is None else ('met' if abs(growth) <= 0.2 else 'not met')}",
    ]
    lines += [f"- error: {e}" for e in sorted(set(errors))[:10]]
    lines += [f"- record: {p}" for p in records["problems"][:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=30.0, help="how long the walks take to start (default 30)")
    p.add_argument("--walks", type=int, help="learner walks (default 1,000 per 30 minutes)")
    p.add_argument("--think", type=float, default=3.0, help="mean think time, s (default 3)")
    p.add_argument("--max-concurrent", type=int, default=200, help="walks at once at most (default 200)")
    p.add_argument("--settle", type=float, default=30.0, help="seconds after the last walk before the end RSS")
    p.add_argument("--timeout", type=float, default=60.0, help="per script run, s")
    p.add_argument("--db-url", default=os.environ.get("COURSE_BENCH_DB_URL"), help="records (default temp SQLite)")
    p.add_argument("--name", default="soak", help="results name under bench/results/ (default soak)")
    args = p.parse_args(argv)
    if args.walks is None:
        args.walks = max(1, round(1000 * args.minutes / 30))
    plan = load.make_plan(load_course(ROOT))
    with tempfile.TemporaryDirectory(prefix="course-soak-") as tmp_name:
        tmp = Path(tmp_name)
        db_url = args.db_url or f"sqlite:///{tmp / 'records.sqlite'}"
        args.db = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
        server = start_server("course", tmp, db_url, log_name="server")
        try:
            out = asyncio.run(soak(server.url, server.pid, plan, args))
        finally:
            server.stop()
        exceptions = load.server_exceptions(tmp / "server.log")
        records = check_records(db_url, plan, out["results"])
    md = markdown(out, records, args)
    md += "".join(f"\n- server log: {n} × `{e}`" for e, n in exceptions.items())
    print(md)
    settings = {k: v for k, v in vars(args).items() if k != "db_url"}
    load.save(
        args.name,
        {
            "machine": load.machine(),
            "settings": settings,
            "records": records,
            "memory": {"after_first": out["mark"], "end_rss_kib": out["end_rss_kib"], "samples": out["samples"]},
            "errors": [e for r in out["results"] for e in r["errors"]],
            "duration_s": out["duration_s"],
        },
        md,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
