"""Soak: 1,000 learner walks over 30 minutes on one replica, then every record checked.

    python bench/soak.py                            # 1,000 walks over 30 minutes, temporary SQLite
    python bench/soak.py --minutes 3                # a short soak: 100 walks over 3 minutes
    python bench/soak.py --db-url postgresql+psycopg://...   # on PostgreSQL, as deployed
    python bench/soak.py --minutes 3 --restarts 2   # the replica restarted twice mid-quiz

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

**Restarts** (`--restarts N`): N times, evenly over the minutes the walks start in, the soak
waits (up to 60 s) until at least one walk is on its quiz with an answer given and not yet
submitted, then restarts the replica: SIGTERM to the server, as deploy/down.sh and a process
manager stop one, and a new process on the same port, where the learners' browsers (or nginx)
reach it again. Every walker is then bench/load.py's `ReconnectingClient`, which does what a
learner's browser does with a dropped connection:

1. it keeps the cookies the app set, as the page's cookie script has the browser do (the
   learner's resume code is one: course/ui/identity.py);
2. when the websocket closes, or cannot be opened, during or before a click, it connects again
   to the same address every 0.5 s (for up to `--reconnect-timeout`, 120 s), sending those
   cookies (a walk that starts during the restart waits for the server the same way);
3. once connected it opens the page it was on, with its query string and no widget values of
   its own: a reload, so the page shows only what the new server read from the store;
4. on a quiz page, every answer the walker had clicked before the drop must be shown chosen
   again (restored from the kept drafts); one that is not is reported as a kept answer lost;
5. it repeats the click that was lost (once) and carries on with the walk: the remaining
   answers, Submit, My progress.

The walks caught mid-quiz are reported: reconnected, finished, record complete in the store,
kept answers checked and lost, and how long the learner waited (drop to page shown again).
Memory is compared only when the last restart came before the mark (else the end and the mark
are different processes).

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


class Replica:
    """The soak's one server, which `restart()` replaces with a new process on the same port:
    the learners' browsers reconnect to the address they had, as behind a load balancer."""

    def __init__(self, tmp: Path, db_url: str):
        self.tmp, self.db_url = tmp, db_url
        self.logs = [tmp / "server-0.log"]
        self.server = start_server("course", tmp, db_url, log_name="server-0")
        self.url = self.server.url

    @property
    def pid(self) -> int:
        return self.server.pid

    def restart(self) -> float:
        """Stop the server (SIGTERM, as deploy/down.sh and a process manager do) and start a
        new one on its port; returns the seconds from the stop to the new one's health."""
        down = time.perf_counter()
        self.server.stop()
        name = f"server-{len(self.logs)}"
        self.logs.append(self.tmp / f"{name}.log")
        self.server = start_server("course", self.tmp, self.db_url, log_name=name, port=self.server.port)
        return round(time.perf_counter() - down, 2)

    def stop(self) -> None:
        self.server.stop()


def shown_answer(e: Any) -> str | None:
    """What a quiz widget shows as chosen, as the browser would send it (None: nothing)."""
    el = e.el
    if e.kind == "checkbox":
        return str(el.value if el.set_value else el.default)
    if el.set_value and el.HasField("raw_value"):
        return el.raw_value
    return el.options[el.default] if el.HasField("default") and 0 <= el.default < len(el.options) else None


def kept_answers_lost(plan: Any, track: str, answered: int, run: Any) -> list[str]:
    """Of the first `answered` answer clicks of this track's quiz, those the reloaded quiz page
    (`run`) does not show as chosen: answers kept before a restart that did not survive it."""
    quiz = plan.course.quizzes[plan.module[track].quiz]
    form = f"{track}-1"
    lost = []
    for qid, kind, suffix, (_, value) in load.answer_clicks(quiz, track)[:answered]:
        try:
            widget = run.widget_with_key(kind, f"q-{quiz.id}-{form}-{qid}{suffix}")
        except load.StepFailed:
            lost.append(f"{qid}{suffix}: not on the page after the reload ({run.heading()!r})")
            continue
        if shown_answer(widget) != str(value):
            lost.append(f"{qid}{suffix}: shows {shown_answer(widget)!r}, was {value!r}")
    return lost


def mid_quiz(res: Any) -> bool:
    """A walk on its quiz with at least one answer given and not yet submitted."""
    return res.reached == "quiz" and any(name == load.ANSWER for name, _ in res.interactions)


async def soak(replica: Replica, plan: Any, args: argparse.Namespace) -> dict[str, Any]:
    interval = args.minutes * 60 / args.walks
    gate = asyncio.Semaphore(args.max_concurrent)
    results: list[dict[str, Any]] = []
    samples: list[tuple[float, int | None, float]] = []  # seconds since start, RSS KiB, load average
    mark: dict[str, Any] = {}
    restarts: list[dict[str, Any]] = []
    live: dict[int, Any] = {}  # walks under way: their LearnerResult
    start = time.perf_counter()
    finished = 0

    async def one(i: int) -> None:
        nonlocal finished
        await asyncio.sleep(i * interval)
        track = plan.tracks[i % len(plan.tracks)]
        res = load.LearnerResult()
        out: dict[str, Any] = {"walk": i, "track": track, "code": None, "errors": [], "kept_lost": []}

        def check_kept(run: Any) -> None:  # the page a reconnected tab reopened
            answered = sum(1 for name, _ in res.interactions if name == load.ANSWER)
            if res.reached == "quiz" and answered:
                out["kept_checked"] = out.get("kept_checked", 0) + answered
                out["kept_lost"] += kept_answers_lost(plan, track, answered, run)

        async with gate:
            live[i] = res
            if args.restarts:
                client = load.ReconnectingClient(
                    replica.url,
                    cookie=uuid.uuid4().hex,
                    timeout=args.timeout,
                    reconnect_s=args.reconnect_timeout,
                    on_reload=check_kept,
                )
            else:
                client = load.StreamlitClient(replica.url, cookie=uuid.uuid4().hex, timeout=args.timeout)
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
                live.pop(i, None)
                try:
                    await asyncio.wait_for(client.close(), 10)
                except Exception as exc:  # closing a broken socket: nothing left to keep
                    out["errors"].append(f"closing: {type(exc).__name__}")
        out["reconnects"] = getattr(client, "reconnects", 0)
        out["outage_s"] = getattr(client, "outage_s", [])
        out["page_steps"] = [d for name, d in res.interactions if name != load.ANSWER]
        results.append(out)
        finished += 1
        if finished == min(MEMORY_MARK, args.walks):
            mark.update(rss_kib=load.rss_kib(replica.pid), at_s=round(time.perf_counter() - start, 1))

    async def sampler() -> None:
        while True:
            samples.append((round(time.perf_counter() - start, 1), load.rss_kib(replica.pid), os.getloadavg()[0]))
            await asyncio.sleep(5.0)

    async def restarter() -> None:
        """`--restarts` restarts, evenly over the minutes the walks start in; each waits (up to
        60 s) for a walk to be mid-quiz, so that at least one learner has answers kept."""
        for k in range(args.restarts):
            await asyncio.sleep(
                max(0.0, start + (k + 1) * args.minutes * 60 / (args.restarts + 1) - time.perf_counter())
            )
            deadline = time.perf_counter() + 60
            while not any(mid_quiz(r) for r in live.values()) and time.perf_counter() < deadline:
                await asyncio.sleep(0.2)
            caught = sorted(i for i, r in live.items() if mid_quiz(r))
            at = round(time.perf_counter() - start, 1)
            down_s = await asyncio.to_thread(replica.restart)
            restarts.append({"at_s": at, "down_s": down_s, "walks_under_way": len(live), "mid_quiz": caught})
            print(f"  restart {k + 1} at {at} s: {len(caught)} walks mid-quiz, back in {down_s} s", file=sys.stderr)

    watch = asyncio.create_task(sampler())
    try:
        await asyncio.gather(*(one(i) for i in range(args.walks)), restarter())
        await asyncio.sleep(args.settle)
        end_rss = load.rss_kib(replica.pid)
    finally:
        watch.cancel()
    return {
        "results": results,
        "samples": samples,
        "mark": mark,
        "end_rss_kib": end_rss,
        "restarts": restarts,
        "duration_s": round(time.perf_counter() - start, 1),
    }


def check_records(db_url: str, plan: Any, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Every finished walk's record, read back from the store; each walk's dict is marked with
    `record_complete`."""
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
            r["record_complete"] = not missing
            if missing:
                problems.append(f"learner {learner[:8]}… ({track}): missing {', '.join(missing)}")
    finally:
        store.engine.dispose()
    return {"checked": checked, "incomplete": len(problems), "problems": problems[:20]}


def memory_comparable(out: dict[str, Any]) -> bool:
    """The mark and the end are the same process: no restart after the mark was read."""
    at = out["mark"].get("at_s")
    return at is not None and all(r["at_s"] + r["down_s"] < at for r in out["restarts"])


def restart_summary(out: dict[str, Any]) -> dict[str, Any]:
    """What the restarts cost the learners who were mid-quiz (after check_records)."""
    by_walk = {r["walk"]: r for r in out["results"]}
    caught = sorted({i for r in out["restarts"] for i in r["mid_quiz"]})
    walks = [by_walk[i] for i in caught if i in by_walk]
    return {
        "restarts": len(out["restarts"]),
        "down_s": [r["down_s"] for r in out["restarts"]],
        "mid_quiz": len(caught),
        "reconnected": sum(1 for r in walks if r["reconnects"]),
        "finished": sum(1 for r in walks if not r["errors"] and r["code"]),
        "records_complete": sum(1 for r in walks if r.get("record_complete")),
        "kept_checked": sum(r.get("kept_checked", 0) for r in out["results"]),
        "kept_lost": [x for r in out["results"] for x in r["kept_lost"]][:20],
        "outage_s": sorted(s for r in out["results"] for s in r["outage_s"]),
        "errors": [e for r in walks for e in r["errors"]][:20],
    }


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
        f"{'–' if growth is None or not memory_comparable(out) else ('met' if abs(growth) <= 0.2 else 'not met')}",
    ]
    if out["restarts"]:
        s = restart_summary(out)
        outage = s["outage_s"]
        lines += [
            "",
            f"**Restarts mid-quiz**: the replica was restarted {s['restarts']} time(s) (SIGTERM, then a new "
            f"process on its port: {', '.join(f'{d:.1f}' for d in s['down_s'])} s until it answered its health "
            f"check), each while walks were on their quiz with answers given. Walks mid-quiz: {s['mid_quiz']}; "
            f"reconnected: {s['reconnected']}; finished their walk: {s['finished']}; record complete in the store: "
            f"{s['records_complete']}. Kept answers checked on the reloaded quiz page: {s['kept_checked']}, "
            f"lost: {len(s['kept_lost'])}. The learner's wait (drop to page shown again): "
            + (f"median {load.percentile(outage, 50):.1f} s, worst {outage[-1]:.1f} s." if outage else "–."),
            "",
            f"- a restart costs a learner mid-quiz nothing but the wait: "
            f"{'met' if s['mid_quiz'] and s['records_complete'] == s['mid_quiz'] and not s['kept_lost'] else 'not met'}",
        ]
        lines += [f"- kept answer lost: {x}" for x in s["kept_lost"][:10]]
        if not memory_comparable(out):
            lines.append(
                "- memory: the replica was restarted after the mark, so the end is another process: not compared"
            )
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
    p.add_argument(
        "--restarts",
        type=int,
        default=0,
        help="restart the replica this many times while walks are mid-quiz; walkers reconnect as a browser (default 0)",
    )
    p.add_argument("--reconnect-timeout", type=float, default=120.0, help="how long a walker tries to reconnect, s")
    p.add_argument("--name", default="soak", help="results name under bench/results/ (default soak)")
    args = p.parse_args(argv)
    if args.walks is None:
        args.walks = max(1, round(1000 * args.minutes / 30))
    plan = load.make_plan(load_course(ROOT))
    with tempfile.TemporaryDirectory(prefix="course-soak-") as tmp_name:
        tmp = Path(tmp_name)
        db_url = args.db_url or f"sqlite:///{tmp / 'records.sqlite'}"
        args.db = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
        replica = Replica(tmp, db_url)
        try:
            out = asyncio.run(soak(replica, plan, args))
        finally:
            replica.stop()
        exceptions: dict[str, int] = {}
        for log in replica.logs:
            for e, n in load.server_exceptions(log).items():
                exceptions[e] = exceptions.get(e, 0) + n
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
            "restarts": out["restarts"],
            "restart_summary": restart_summary(out) if out["restarts"] else None,
            "duration_s": out["duration_s"],
        },
        md,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
