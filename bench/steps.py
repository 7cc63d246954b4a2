"""The course's own overhead on the same work: each page step against a floor sending as much.

    python bench/steps.py                         # 10 walks alone, then 50 learners at once
    python bench/steps.py --walks 3 --learners 10 --floor-presses 6   # quick
    python bench/steps.py --baseline 12abcde      # and the course at an earlier commit

For each page step (choose track, open module, Next, submit quiz, My progress):

- **server CPU per step**: one learner walks alone (`--walks` times, short think time) and the
  server's CPU (/proc/PID/stat, every thread, including script threads that have ended) is
  read before and after each step; the mean over the walks;
- **messages per step**: what the server sent for it (one per element, and a few per run);
- **p95 at `--learners` concurrent learners** (3 s think time, as bench/load.py);

and the same for `floor-nodelay+K`: the one-button floor app with Nagle's algorithm off (as
the course has it) drawing K more paragraphs per press, K chosen so that a press sends as many
messages as that step (the floor sends 7 per press with K = 0). Its CPU per press is measured
the same way (alone), its p95 with as many concurrent users as the course had learners.
K is rounded to a multiple of 5, so steps within a few messages of each other share a floor.

Goal (issue 24): course CPU per step at most 2x the matched floor's, p95 at most 1.5x.
The load average is read at the start and end of each measurement and printed with it: on a
shared machine it says how far to trust a figure. Results: bench/results/NAME.{json,md}.
Only 127.0.0.1 is contacted; every loop is bounded; timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from _common import ROOT, bench_module, start_server

from course.loader import load_course

load = bench_module("load")

PAGE_STEPS = ("choose track", "open module", "next page", "submit quiz", "my progress")
FLOOR_MESSAGES = 7  # what the floor app sends per press with no extra paragraphs


def loadavg() -> float:
    return round(os.getloadavg()[0], 2)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


async def alone(app: str, url: str, plan: Any, walks: int, pid: int, think: float, presses: int) -> dict[str, Any]:
    """`walks` walks one after another, server CPU read around each step."""
    cpu: dict[str, list[float]] = {}
    messages: dict[str, list[int]] = {}
    for i in range(walks):
        res = load.LearnerResult(cpu_probe=lambda: load.cpu_seconds(pid))
        client = load.StreamlitClient(url, cookie=uuid.uuid4().hex, timeout=60.0)
        try:
            if app.startswith("course"):
                await load.course_learner(client, plan, plan.tracks[i % len(plan.tracks)], think, res)
            else:
                await load.floor_user(client, presses, think, res)
        except load.StepFailed as exc:
            raise SystemExit(f"{app}: a walk alone failed at {res.reached}: {exc}") from None
        finally:
            await client.close()
        for name, seconds in res.cpu:
            cpu.setdefault(name, []).append(seconds * 1000)
        for name, sent, _runs in res.messages:
            messages.setdefault(name, []).append(sent)
    return {
        "cpu_ms": {k: round(_mean(v) or 0.0, 2) for k, v in cpu.items()},
        "cpu_samples": {k: len(v) for k, v in cpu.items()},
        "messages": {k: round(_mean([float(x) for x in v]) or 0.0, 1) for k, v in messages.items()},
    }


async def measure(app: str, args: argparse.Namespace, plan: Any, tmp: Path, presses: int) -> dict[str, Any]:
    """A fresh server: a warm-up walk, the walks alone, then `--learners` at once."""
    server = start_server(app, tmp)
    try:
        await alone(app, server.url, plan, 1, server.pid, 0.0, 3)  # imports, caches, first pages
        load_before = loadavg()
        solo = await alone(app, server.url, plan, args.walks, server.pid, args.solo_think, presses)
        solo["loadavg"] = [load_before, loadavg()]
        crowd: dict[str, Any] = {}
        if args.learners > 0 and (not app.startswith("course@") or args.baseline_crowd):
            await asyncio.sleep(1.0)
            load_before = loadavg()
            r = await load.run_sessions(
                app,
                server.url,
                args.learners,
                plan,
                args.think,
                args.ramp,
                60.0,
                load.Servers([server.pid]),
                presses=presses if not app.startswith("course") else None,
            )
            crowd = {
                "n": args.learners,
                "per_step_p95_ms": r.per_step_p95_ms,
                "page_steps_p95_ms": r.page_steps_p95_ms,
                "interaction_p95_ms": r.interaction_p95_ms,
                "errors": r.errors,
                "error_samples": r.error_samples,
                "server_cpu_ms_per_interaction": r.server_cpu_ms_per_interaction,
                "loadavg": [load_before, loadavg()],
            }
    finally:
        server.stop()
    print(f"  {app}: alone {solo['cpu_ms']} ms CPU; crowd p95 {crowd.get('per_step_p95_ms')}", file=sys.stderr)
    return {"app": app, "alone": solo, "crowd": crowd}


def matched_k(messages: float) -> int:
    """K for a floor press sending about `messages`: rounded to a multiple of 5 (within 2.5
    messages), so steps of nearly the same size share one floor server."""
    return max(0, 5 * round((messages - FLOOR_MESSAGES) / 5))


def _fmt(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:,.{digits}f}"


def table(course: dict[str, Any], floors: dict[int, dict[str, Any]], baseline: dict[str, Any] | None) -> str:
    lines = [
        "| step | messages | course CPU (ms) | floor-nodelay+K | floor CPU (ms) | CPU ratio (goal ≤ 2×) | "
        "course p95 (ms) | floor p95 (ms) | p95 ratio (goal ≤ 1.5×) |"
        + (" baseline CPU (ms) | baseline p95 (ms) |" if baseline else ""),
        "|---|---:|---:|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if baseline else ""),
    ]
    for step in PAGE_STEPS:
        msgs = course["alone"]["messages"].get(step)
        if msgs is None:
            continue
        k = matched_k(msgs)
        f = floors.get(k)
        c_cpu = course["alone"]["cpu_ms"].get(step)
        f_cpu = f["alone"]["cpu_ms"].get("press") if f else None
        c_p95 = course["crowd"].get("per_step_p95_ms", {}).get(step)
        f_p95 = f["crowd"].get("per_step_p95_ms", {}).get("press") if f else None
        row = (
            f"| {step} | {_fmt(msgs)} | {_fmt(c_cpu)} | +{k} | {_fmt(f_cpu)} | "
            f"{_ratio(c_cpu, f_cpu)} | {_fmt(c_p95)} | {_fmt(f_p95)} | {_ratio(c_p95, f_p95)} |"
        )
        if baseline:
            b_p95 = baseline["crowd"].get("per_step_p95_ms", {}).get(step) if baseline["crowd"] else None
            row += f" {_fmt(baseline['alone']['cpu_ms'].get(step))} | {_fmt(b_p95)} |"
        lines.append(row)
    c_all = [course["alone"]["cpu_ms"][s] for s in PAGE_STEPS if s in course["alone"]["cpu_ms"]]
    f_all = [
        floors[matched_k(course["alone"]["messages"][s])]["alone"]["cpu_ms"].get("press", 0.0)
        for s in PAGE_STEPS
        if s in course["alone"]["messages"] and matched_k(course["alone"]["messages"][s]) in floors
    ]
    lines.append(
        f"| **mean of the five** | | **{_fmt(_mean(c_all))}** | | **{_fmt(_mean(f_all))}** | "
        f"**{_ratio(_mean(c_all), _mean(f_all))}** | | | |" + (" | |" if baseline else "")
    )
    return "\n".join(lines)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


async def run(args: argparse.Namespace) -> dict[str, Any]:
    plan = load.make_plan(load_course(ROOT), args.pages)
    with tempfile.TemporaryDirectory(prefix="course-steps-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            course = await measure("course", args, plan, tmp, 0)
            baseline = await measure(f"course@{args.baseline}", args, plan, tmp, 0) if args.baseline else None
            ks = sorted(
                {matched_k(course["alone"]["messages"][s]) for s in PAGE_STEPS if s in course["alone"]["messages"]}
            )
            floors = {}
            for k in ks:
                floors[k] = await measure(f"floor-nodelay+{k}", args, plan, tmp, args.floor_presses)
        finally:
            load.remove_worktrees(tmp)
    return {"course": course, "baseline": baseline, "floors": {str(k): v for k, v in floors.items()}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--walks", type=int, default=10, help="walks alone per app, for CPU per step (default 10)")
    p.add_argument("--solo-think", type=float, default=0.2, help="think time of the walks alone, s (default 0.2)")
    p.add_argument("--learners", type=int, default=50, help="concurrent learners for p95 (default 50; 0: none)")
    p.add_argument("--think", type=float, default=3.0, help="their mean think time, s (default 3)")
    p.add_argument("--ramp", type=float, default=6.0, help="seconds over which they start (default 6)")
    p.add_argument("--floor-presses", type=int, default=25, help="presses per floor user (default 25)")
    p.add_argument("--pages", type=int, default=1, help="module pages read with Next (default 1)")
    p.add_argument("--baseline", help="also the course at this git revision (CPU alone; p95 too with --baseline-crowd)")
    p.add_argument("--baseline-crowd", action="store_true", help="measure the baseline's p95 under load too")
    p.add_argument("--name", default="steps", help="results name under bench/results/ (default steps)")
    args = p.parse_args(argv)
    result = asyncio.run(run(args))
    floors = {int(k): v for k, v in result["floors"].items()}
    md = (
        f"### {args.name}: each page step against floor-nodelay+K sending as many messages\n\n"
        f"CPU: {args.walks} walks alone (think {args.solo_think} s), load average "
        f"{result['course']['alone']['loadavg']}; p95: {args.learners} concurrent learners "
        f"(think {args.think} s), load average {result['course']['crowd'].get('loadavg')}; errors "
        f"{result['course']['crowd'].get('errors')}."
        + (f" Baseline: course@{args.baseline}." if args.baseline else "")
        + "\n\n"
        + table(result["course"], floors, result["baseline"])
    )
    print(md)
    load.save(args.name, {"machine": load.machine(), "settings": vars(args), **result}, md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
