"""Where a page step's server CPU goes: py-spy samples a course server while learners walk.

    python bench/profile_steps.py                  # 20 walks, one learner at a time
    python bench/profile_steps.py --walks 40 --concurrency 5
    python bench/profile_steps.py --by-step         # each page step's script CPU, piece by piece

A fresh course server (temporary SQLite) is sampled by py-spy (`--gil`: only the thread that
holds the interpreter lock is sampled, so a sample is CPU the process spent, whichever thread
spent it) while `bench/load.py`'s learners walk the course: choose a track, open a module,
Next, open the quiz, answer each question, submit, My progress. Each sample is charged to
the first frame, from the innermost outwards, that belongs to a known package, so the
standard library's `json` called by Altair counts as Altair, and asyncio's loop running
Streamlit's sends counts as Streamlit's event loop:

- ours: `course/`, `streamlit_app.py`
- Streamlit (script side: elements, widgets, session state; and its event loop and server:
  tornado, starlette, uvicorn, websockets, asyncio), protobuf
- pydantic, SQL (SQLAlchemy, sqlite3, psycopg), Altair / Vega-Lite (altair, jsonschema,
  narwhals), pandas / pyarrow, other

Also: each of our page render functions' inclusive share, and the top functions by self time.
`--by-step` instead times each page step's script runs with the script thread's own CPU clock,
and inside them the course's main pieces (the router, identity, each page's parts) and
Streamlit's (navigation, the page's run, the callbacks before a run): bench/step_timer/ is put
on the server's PYTHONPATH, and the learner names the step it is on (see `_label_steps`). One
learner at a time, so every run belongs to the step named. py-spy is not used then.
py-spy (pinned in requirements.in) needs ptrace on the server process: run as its owner, or as
root where `kernel.yama.ptrace_scope` allows. Results go to bench/results/profile.{json,md}.
Only 127.0.0.1 is contacted; every loop is bounded; timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import ROOT, bench_module, start_server

from course.loader import load_course

load = bench_module("load")

# (category, pattern on a frame's file path); the first frame from the leaf that matches wins.
CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    ("ours", re.compile(r"^(course/|streamlit_app\.py)")),
    ("pydantic", re.compile(r"(^|/)pydantic(_core)?/")),
    ("SQL", re.compile(r"(^|/)(sqlalchemy|psycopg|psycopg2|sqlite3)/")),
    ("Altair / Vega-Lite", re.compile(r"(^|/)(altair|jsonschema|narwhals|referencing|jsonschema_specifications)/")),
    ("pandas / pyarrow", re.compile(r"(^|/)(pandas|pyarrow|numpy)/")),
    ("protobuf", re.compile(r"(^|/)(google/)?protobuf/")),
    ("Streamlit event loop and server", re.compile(r"(^|/)(tornado|starlette|uvicorn|websockets|anyio)/")),
    ("Streamlit", re.compile(r"(^|/)streamlit/")),
]
EVENT_LOOP_FILES = re.compile(r"(^|/)(asyncio/|selectors\.py)")
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def parse_frame(frame: str) -> tuple[str, str]:
    m = FRAME.match(frame.strip())
    return (m.group("func"), m.group("file")) if m else (frame.strip(), "")


def categorise(stack: list[tuple[str, str]]) -> str:
    """`stack` root first; the innermost frame from a known package decides."""
    for _func, file in reversed(stack):
        for name, pattern in CATEGORIES:
            if pattern.search(file):
                return name
    if any(EVENT_LOOP_FILES.search(f) for _, f in stack):
        return "Streamlit event loop and server"  # asyncio with no package frame: the loop itself
    return "other (Python, threading)"


def aggregate(raw: str) -> dict[str, Any]:
    """py-spy's raw (collapsed) output: `frame;frame;... count` per line, root first."""
    cats: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    ours_inclusive: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        head, _, count = line.rpartition(" ")
        if not head or not count.isdigit():
            continue
        n = int(count)
        stack = [parse_frame(f) for f in head.split(";") if f and not f.startswith(("process ", "thread "))]
        if not stack:
            continue
        total += n
        cats[categorise(stack)] += n
        script = any(f == "ScriptRunner._run_script_thread" for f, _ in stack)
        threads["script threads" if script else "event loop and other threads"] += n
        func, file = stack[-1]
        self_time[f"{func} ({_short(file)})"] += n
        seen: set[str] = set()
        for func, file in stack:
            short = _short(file)
            if short.startswith("course/ui/pages/") and func == "render" and short not in seen:
                pages[short] += n
                seen.add(short)
            if (short.startswith("course/") or short == "streamlit_app.py") and f"{func}@{short}" not in seen:
                ours_inclusive[f"{func} ({short})"] += n
                seen.add(f"{func}@{short}")
    return {
        "samples": total,
        "categories": dict(cats.most_common()),
        "threads": dict(threads.most_common()),
        "pages": dict(pages.most_common()),
        "ours_inclusive_top": dict(ours_inclusive.most_common(30)),
        "self_top": dict(self_time.most_common(30)),
    }


def _short(file: str) -> str:
    file = file.replace("\\", "/")
    for marker in ("/site-packages/", f"{ROOT.as_posix()}/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return re.sub(r"^.*/lib/python3\.\d+/", "stdlib/", file)


def markdown(result: dict[str, Any]) -> str:
    agg = result["profile"]
    total = agg["samples"] or 1

    def share(n: int) -> str:
        return f"{n / total:.1%} | {n / total * result['server_cpu_ms_per_walk']:.0f}"

    lines = [
        f"### profile: {result['walks']} walks, concurrency {result['concurrency']}, "
        f"{agg['samples']:,} samples at {result['rate']} Hz (py-spy --gil), load average {result['loadavg']}",
        "",
        f"Server CPU per walk {result['server_cpu_ms_per_walk']:.0f} ms "
        f"({result['interactions_per_walk']:.0f} interactions, {result['page_steps_per_walk']:.0f} of them page steps); "
        "shares below are of all sampled CPU, page steps and answer clicks together.",
        "",
        "| where | share of CPU | ms per walk |",
        "|---|---:|---:|",
        *[f"| {k} | {share(v)} |" for k, v in agg["categories"].items()],
        "",
        "| thread | share of CPU | ms per walk |",
        "|---|---:|---:|",
        *[f"| {k} | {share(v)} |" for k, v in agg["threads"].items()],
        "",
        "Our page render functions, inclusive (everything they call):",
        "",
        "| page | share of CPU |",
        "|---|---:|",
        *[f"| {k} | {v / total:.1%} |" for k, v in agg["pages"].items()],
        "",
        "Our functions, inclusive (top 30):",
        "",
        *[f"- {v / total:.1%} {k}" for k, v in agg["ours_inclusive_top"].items()],
        "",
        "Self time (innermost frame, top 30):",
        "",
        *[f"- {v / total:.1%} {k}" for k, v in agg["self_top"].items()],
    ]
    return "\n".join(lines)


async def walk(url: str, plan: Any, walks: int, concurrency: int, pid: int) -> tuple[int, int, float]:
    """`walks` course walks, `concurrency` at a time; returns interactions, page steps, CPU s."""
    cpu0 = load.cpu_seconds(pid)
    interactions = page_steps = 0
    done = 0
    while done < walks:
        n = min(concurrency, walks - done)
        r = await load.run_sessions("course", url, n, plan, 0.05, 0.0, 60.0, cookies=True)
        if r.errors:
            raise SystemExit(f"profile walk failed: {r.error_samples}")
        interactions += r.interactions
        page_steps += round(r.interactions * (1 - r.answer_share))
        done += n
    cpu1 = load.cpu_seconds(pid)
    return interactions, page_steps, (cpu1 or 0.0) - (cpu0 or 0.0)


def _step_name(n: int, kwargs: dict[str, Any]) -> str:
    """The page step of a course walk's `n`th interaction (bench/load.py `course_learner`)."""
    trigger = str(kwargs.get("trigger") or "")
    if kwargs.get("page") == "progress":
        return "my progress"
    if kwargs.get("fragment"):
        return "answer click"
    if n == 1:
        return "choose track"
    if n == 2:
        return "open module"
    if "submit-" in trigger:
        return "submit quiz"
    if trigger.endswith("next"):  # the widget id ends with the button's key
        return "next page"
    return "open quiz"


def _label_steps(step_file: Path) -> None:
    """Have bench/load.py's client write the step it is about to take to `step_file` (and
    empty it after), for the server's step timer; a new session's first run is "home (new
    session)"."""

    interact, open_ = load.StreamlitClient.interact, load.StreamlitClient.open

    async def labelled_interact(self: Any, **kwargs: Any) -> Any:
        self._bench_steps = getattr(self, "_bench_steps", 0) + 1
        step_file.write_text(_step_name(self._bench_steps, kwargs))
        try:
            return await interact(self, **kwargs)
        finally:
            step_file.write_text("")

    async def labelled_open(self: Any, *args: Any, **kwargs: Any) -> Any:
        step_file.write_text("home (new session)")
        try:
            return await open_(self, *args, **kwargs)
        finally:
            step_file.write_text("")

    load.StreamlitClient.interact = labelled_interact  # type: ignore[method-assign]
    load.StreamlitClient.open = labelled_open  # type: ignore[method-assign]


def by_step(args: argparse.Namespace, plan: Any) -> int:
    """Each page step's script CPU, and its pieces', over `args.walks` walks (one at a time)."""
    with tempfile.TemporaryDirectory(prefix="course-steps-") as tmp_name:
        tmp = Path(tmp_name)
        base = tmp / "timer"
        step_file = Path(f"{base}.step")
        step_file.write_text("")
        script, extra_env, cwd = load.app_script(args.app, tmp)
        env = {
            **load.server_env(f"sqlite:///{tmp / 'records.sqlite'}"),
            **extra_env,
            "COURSE_STEP_TIMER": str(base),
            "PYTHONPATH": str(ROOT / "bench" / "step_timer"),
        }
        server = load.Server(env, tmp / "server.log", script=script, cwd=cwd, startup_timeout=90.0)
        try:
            asyncio.run(walk(server.url, plan, 2, 1, server.pid))  # warm: imports, caches, first pages
            _label_steps(step_file)
            load_before = os.getloadavg()[0]
            asyncio.run(walk(server.url, plan, args.walks, 1, server.pid))
            time.sleep(2.5)  # the timer writes its figures every second
            data = json.loads(Path(f"{base}.json").read_text())
        finally:
            server.stop()
            if "course@" in args.app:
                load.remove_worktrees(tmp)
    lines = [
        f"### Script CPU per page step, piece by piece: {args.app}, {args.walks} walks one at a time, "
        f"load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}",
        "",
        "Milliseconds of the script thread's CPU per script run (a piece's figure includes what it calls).",
    ]
    for step, seconds in data["seconds"].items():
        n = data["runs"].get(step, 0) or 1
        lines += ["", f"**{step}** ({n} runs)", "", "| piece | ms per run |", "|---|---:|"]
        lines += [f"| {k} | {v * 1000 / n:.2f} |" for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])]
    md = "\n".join(lines)
    print(md)
    load.save(args.name, {"machine": load.machine(), "app": args.app, "walks": args.walks, **data}, md)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--walks", type=int, default=20, help="course walks sampled (default 20)")
    p.add_argument("--concurrency", type=int, default=1, help="learners walking at once (default 1)")
    p.add_argument("--rate", type=int, default=250, help="py-spy samples per second (default 250)")
    p.add_argument("--name", default="profile", help="results name under bench/results/ (default profile)")
    p.add_argument("--app", default="course", help="course or course@REV (default course)")
    p.add_argument("--by-step", action="store_true", help="each step's script CPU, piece by piece (no py-spy)")
    args = p.parse_args(argv)
    if args.by_step:
        return by_step(args, load.make_plan(load_course(ROOT)))
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("py-spy is not installed: pip install -r requirements.txt")
    plan = load.make_plan(load_course(ROOT))
    with tempfile.TemporaryDirectory(prefix="course-profile-") as tmp_name:
        tmp = Path(tmp_name)
        server = start_server(args.app, tmp, log_name="server")
        raw = tmp / "raw.txt"
        try:
            asyncio.run(walk(server.url, plan, 2, 1, server.pid))  # warm: imports, caches, first pages
            spy_proc = subprocess.Popen(
                [spy, "record", "--pid", str(server.pid), "--rate", str(args.rate), "--gil", "--format", "raw"]
                + ["--output", str(raw), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            time.sleep(1.0)
            interactions, page_steps, cpu_s = asyncio.run(
                walk(server.url, plan, args.walks, args.concurrency, server.pid)
            )
            spy_proc.send_signal(signal.SIGINT)
            _, err = spy_proc.communicate(timeout=60)
            if not raw.exists():
                raise SystemExit(f"py-spy wrote no profile: {err.decode(errors='replace')[-500:]}")
        finally:
            server.stop()
            if "course@" in args.app:
                load.remove_worktrees(tmp)
        result = {
            "machine": load.machine(),
            "app": args.app,
            "walks": args.walks,
            "concurrency": args.concurrency,
            "rate": args.rate,
            "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "interactions_per_walk": interactions / args.walks,
            "page_steps_per_walk": page_steps / args.walks,
            "server_cpu_ms_per_walk": cpu_s * 1000 / args.walks,
            "profile": aggregate(raw.read_text(encoding="utf-8", errors="replace")),
        }
        load.RESULTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(raw, load.RESULTS / f"{args.name}.collapsed.txt")  # for flame graph tools
    md = markdown(result)
    print(md)
    load.save(args.name, result, md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
