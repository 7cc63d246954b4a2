"""Cold start: `bash scripts/app.sh` to the first rendered Home in Chromium, and a replica restart.

    python bench/coldstart.py                # 3 of each
    python bench/coldstart.py --repeats 1

1. **app.sh**: with the environment already installed (.venv and Debian packages), the clock
   starts when `bash scripts/app.sh` is started (it checks the environment, validates the
   course, then starts Streamlit) and stops when Chromium shows Home's track choice. Chromium
   is started before the clock, as a learner's browser is already open; it asks for the page
   as soon as the server answers its health check.
2. **replica restart**: a replica started as deploy/up.sh starts one (`python -m streamlit run
   streamlit_app.py`, no validation first), to Home shown in Chromium: what the first learner
   after a restart waits for (the server loads and validates the course on its first page).

Each server gets a free 127.0.0.1 port and a temporary SQLite file (COURSE_DB_URL), so the
repository's data/ is untouched; it is stopped (its own process group, by id) after each
measurement. Goal (issue 24): under 3 s for both. The load average is printed with each
figure. Results: bench/results/NAME.{json,md}. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import CHROMIUM, CHROMIUM_ARGS, ROOT, bench_module

from course.devserver import free_port, http_get

HOME_TEXT = "Choose how you want to take the course"
FLOOR_TEXT = "hello"  # bench/floor_app.py's first line


def _healthy(url: str) -> bool:
    try:
        return http_get(f"{url}/_stcore/health", timeout=0.5) == b"ok"
    except OSError:
        return False


def _cpu_s(pid: int) -> float | None:
    """The server process's own CPU time so far (user + system, every thread), in seconds:
    far less sensitive to the machine's load than the wall clock."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process group this script started (app.sh execs Streamlit in it)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def one(
    browser: Any,
    command: list[str],
    env: dict[str, str],
    url: str,
    log: Path,
    timeout: float,
    cwd: Path = ROOT,
    text: str = HOME_TEXT,
) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = start + timeout
            while not _healthy(url):
                if proc.poll() is not None or time.perf_counter() > deadline:
                    raise SystemExit(f"the server did not start; see {log}")
                time.sleep(0.05)
            healthy = time.perf_counter() - start
            context = browser.new_context()
            try:
                page = context.new_page()
                page.goto(url)
                page.get_by_text(text, exact=text != HOME_TEXT).first.wait_for(state="visible", timeout=timeout * 1000)
                shown = time.perf_counter() - start
                cpu = _cpu_s(proc.pid)  # app.sh execs the server: the same process
            finally:
                context.close()
        finally:
            _stop(proc)
    return {
        "healthy_s": round(healthy, 2),
        "home_shown_s": round(shown, 2),
        "server_cpu_s": None if cpu is None else round(cpu, 2),
        "loadavg": f"{load_before:.1f} → {os.getloadavg()[0]:.1f}",
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="measurements of each (default 3)")
    p.add_argument("--timeout", type=float, default=120.0, help="per start, s (default 120)")
    p.add_argument("--baseline", help="also a replica restart of the course at this git revision (same run)")
    p.add_argument(
        "--floor",
        action="store_true",
        help="also the floor: bench/floor_app.py (one line of text) started the same way, to that text shown",
    )
    p.add_argument("--name", default="coldstart", help="results name under bench/results/ (default coldstart)")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows: dict[str, list[dict[str, Any]]] = {"app.sh": [], "replica restart": []}
    bench_load = bench_module("load")
    with tempfile.TemporaryDirectory(prefix="course-coldstart-") as tmp_name, sync_playwright() as pw:
        tmp = Path(tmp_name)
        old_tree = None
        if args.baseline:
            _script, _env, old_tree = bench_load.app_script(f"course@{args.baseline}", tmp)
            # The same installed environment: its app.sh finds .venv and its stamp, as ours does.
            (old_tree / ".venv").symlink_to(ROOT / ".venv")
            rows[f"app.sh, course@{args.baseline}"] = []
            rows[f"replica restart, course@{args.baseline}"] = []
        if args.floor:
            rows["floor app (bench/floor_app.py)"] = []
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # One start of each tree first, not measured: it writes the kept course
            # (data/course-cache/), which a change to the content or to the course package
            # invalidates, so every measured start is a restart on unchanged code and content.
            for tree in (ROOT, old_tree):
                if tree is not None:
                    port = free_port()
                    prime = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true"]
                    prime += ["--server.address", "127.0.0.1", "--server.port", str(port)]
                    env = {"COURSE_DB_URL": f"sqlite:///{tmp / 'prime.sqlite'}", "COURSE_CERT_SECRET": "bench-only"}
                    one(browser, prime, env, f"http://127.0.0.1:{port}", tmp / "prime.log", args.timeout, cwd=tree)
            for i in range(args.repeats):
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                env = {
                    "PORT": str(port),
                    "COURSE_DB_URL": f"sqlite:///{tmp / f'records-{i}.sqlite'}",
                    "COURSE_CERT_SECRET": "bench-only-certificate-key",
                }
                rows["app.sh"].append(one(browser, ["bash", "scripts/app.sh"], env, url, tmp / "app.log", args.timeout))
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                replica = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true"]
                replica += ["--server.address", "127.0.0.1", "--server.port", str(port)]
                replica += ["--global.developmentMode", "false", "--server.fileWatcherType", "none"]
                replica += ["--browser.gatherUsageStats", "false"]
                rows["replica restart"].append(one(browser, replica, env, url, tmp / "replica.log", args.timeout))
                if old_tree is not None:
                    port = free_port()
                    url = f"http://127.0.0.1:{port}"
                    rows[f"app.sh, course@{args.baseline}"].append(
                        one(
                            browser,
                            ["bash", "scripts/app.sh"],
                            {**env, "PORT": str(port)},
                            url,
                            tmp / "old-app.log",
                            args.timeout,
                            cwd=old_tree,
                        )
                    )
                    port = free_port()
                    url = f"http://127.0.0.1:{port}"
                    cmd = [*replica[:-7], str(port), *replica[-6:]]  # the same, on a new port
                    rows[f"replica restart, course@{args.baseline}"].append(
                        one(browser, cmd, env, url, tmp / "old.log", args.timeout, cwd=old_tree)
                    )
                if args.floor:
                    port = free_port()
                    url = f"http://127.0.0.1:{port}"
                    cmd = [*replica[:4], str(ROOT / "bench" / "floor_app.py"), *replica[5:-7], str(port), *replica[-6:]]
                    rows["floor app (bench/floor_app.py)"].append(
                        one(browser, cmd, env, url, tmp / "floor.log", args.timeout, text=FLOOR_TEXT)
                    )
                print(f"  {i + 1}: app.sh {rows['app.sh'][-1]}, restart {rows['replica restart'][-1]}", file=sys.stderr)
        finally:
            browser.close()
            bench_load.remove_worktrees(tmp)
    lines = [
        "### coldstart: to Home shown in Chromium",
        "",
        "| start | runs | server healthy, median (s) | Home shown, median / worst (s) | server CPU to Home shown, median (s) "
        "| goal under 3 s | load average |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for what, runs in rows.items():
        shown = sorted(r["home_shown_s"] for r in runs)
        healthy = sorted(r["healthy_s"] for r in runs)
        median = statistics.median(shown)
        cpus = [r["server_cpu_s"] for r in runs if r.get("server_cpu_s") is not None]
        cpu = f"{statistics.median(cpus):.2f}" if cpus else "–"
        lines.append(
            f"| {what} | {len(runs)} | {statistics.median(healthy):.2f} | {median:.2f} / {shown[-1]:.2f} | {cpu} | "
            f"{'met' if shown[-1] < 3 else 'not met'} | {', '.join(r['loadavg'] for r in runs)} |"
        )
    md = "\n".join(lines)
    print(md)
    bench_load.save(args.name, {"machine": bench_load.machine(), "settings": vars(args), "runs": rows}, md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
