"""What a browser user feels: INP and LCP in Chromium while simulated learners load the server.

    python bench/vitals.py                        # 50 learners loading; 3 browser walks per app
    python bench/vitals.py --learners 5 --walks 1 # quick

For the course and for the floor app (the one-button app, as Streamlit ships it), each on a
fresh server with a temporary SQLite file: `--learners` simulated learners (bench/load.py's
websocket client, 3 s think time) walk the app over and over, and meanwhile a real Chromium
(Debian's, /usr/bin/chromium) does `--walks` walks, each in a new browser context (a new
learner): Home -> choose a track -> Start the first module -> Next -> the quiz (every answer
clicked) -> Submit answers -> My progress. On the floor: Home, then the button pressed as many
times as the course walk has clicks.

The `web-vitals` library (bench/vitals/package.json, pinned by its package-lock.json;
`npm ci --prefix bench/vitals` installs it) is injected into every page before the app's own
scripts, and reports:

- **LCP** of Home (the largest element painted before the first click), per walk;
- **INP** of the whole walk (Streamlit changes page without a reload, so one walk is one page
  visit), per walk; the figure is the 75th percentile over walks, as the Core Web Vitals
  report takes it over visits.

Also every interaction's own latency from the Event Timing API (the longest event of each
interaction; the API reports only those of 16 ms and more, so the others count as "under
16 ms"): its p75 and worst, over all walks.

Goal (issue 24): INP p75 at most 100 ms and LCP at most 1.5 s on this machine (Core Web Vitals
call 200 ms and 2.5 s "good"). The load average is printed with the figures. Results:
bench/results/NAME.{json,md}. Only 127.0.0.1 is contacted; every loop is bounded; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import CHROMIUM, CHROMIUM_ARGS, ROOT, bench_module, start_server

from course.loader import load_course

WEB_VITALS = ROOT / "bench" / "vitals" / "node_modules" / "web-vitals" / "dist" / "web-vitals.iife.js"
COLLECT = """
window.__vitals = {lcp: [], inp: [], events: {}};
webVitals.onLCP((m) => window.__vitals.lcp.push(m.value), {reportAllChanges: true});
webVitals.onINP((m) => window.__vitals.inp.push(m.value), {reportAllChanges: true});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.interactionId) continue;
    const seen = window.__vitals.events[e.interactionId] || 0;
    window.__vitals.events[e.interactionId] = Math.max(seen, e.duration);
  }
}).observe({type: "event", durationThreshold: 16, buffered: true});
"""

load = bench_module("load")


async def wait_ready(page: Any) -> None:
    """Streamlit has finished its run and drawn the page (as tests/browser/conftest.py)."""
    await page.wait_for_timeout(150)
    await page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60000)
    await page.wait_for_selector("[data-testid=stSkeleton]", state="detached", timeout=60000)
    await page.wait_for_selector('[data-stale="true"]', state="detached", timeout=60000)
    await page.wait_for_timeout(150)


async def course_walk(page: Any, url: str, plan: Any, track_id: str) -> int:
    """One learner's walk in the browser; returns the clicks made."""
    course = plan.course
    track = course.track(track_id)
    module = plan.module[track_id]
    quiz = course.quizzes[module.quiz]
    clicks = 0

    async def click(locator: Any) -> None:
        nonlocal clicks
        await locator.click()
        clicks += 1
        await wait_ready(page)

    await page.get_by_text(track.title, exact=True).click()
    clicks += 1
    await click(page.get_by_role("button", name="Start the course").first)
    await click(page.get_by_role("button", name=f"Start: {module.title}"))
    for _ in range(30):  # bounded: a module has fewer parts
        if await page.get_by_role("button", name="Take the quiz").count():
            break
        await click(page.get_by_role("button", name="Next:").first)
    await click(page.get_by_role("button", name="Take the quiz"))
    main = page.locator("[data-testid=stMain]")
    radios, boxes, selects = (main.locator(f"[data-testid={t}]") for t in ("stRadio", "stCheckbox", "stSelectbox"))
    r = c = s = 0
    for _, q in quiz.items(track_id):
        if q.type == "single":
            text = next(o.text for o in q.options if o.id == q.answer)
            await click(radios.nth(r).get_by_text(text, exact=True))
            r += 1
        elif q.type == "true_false":
            await click(radios.nth(r).get_by_text("True" if q.answer else "False", exact=True))
            r += 1
        elif q.type == "multiple":
            for o in q.options:
                if o.id in q.answer:
                    await click(boxes.nth(c).locator("label"))
                c += 1
        else:
            for o in q.options:
                box = selects.nth(s).locator("input")
                await box.click()
                await box.fill(str(q.answer.index(o.id) + 1))
                await page.keyboard.press("Enter")
                clicks += 1
                await wait_ready(page)
                s += 1
    await click(page.get_by_role("button", name="Submit answers"))
    if not await page.get_by_text("Passed.", exact=False).count():
        raise load.StepFailed("the browser's quiz was not passed")
    await click(page.get_by_role("link", name="My progress").first)
    if not await page.get_by_text("modules passed", exact=False).count():
        raise load.StepFailed("My progress did not show in the browser")
    return clicks


async def floor_walk(page: Any, presses: int) -> int:
    for _ in range(presses):
        await page.get_by_role("button", name="Press me").click()
        await wait_ready(page)
    return presses


async def browser_walks(app: str, url: str, plan: Any, walks: int, presses: int) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    script = WEB_VITALS.read_text(encoding="utf-8") + COLLECT
    out = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(walks):
                # A new context is a new learner (no cookie). The injected script runs before
                # the app's own, outside the page's Content-Security-Policy (bypass_csp).
                context = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
                await context.add_init_script(script=script)
                page = await context.new_page()
                try:
                    start = time.perf_counter()
                    await page.goto(url)
                    await wait_ready(page)
                    home_s = time.perf_counter() - start
                    lcp = await page.evaluate("window.__vitals.lcp.slice(-1)[0] ?? null")
                    if app.startswith("course"):
                        clicks = await course_walk(page, url, plan, plan.tracks[i % len(plan.tracks)])
                    else:
                        clicks = await floor_walk(page, presses)
                    # web-vitals reports the final INP when the page is hidden.
                    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
                    await page.wait_for_timeout(200)
                    vitals = await page.evaluate("window.__vitals")
                finally:
                    await context.close()
                out.append(
                    {
                        "lcp_ms": lcp,
                        "inp_ms": vitals["inp"][-1] if vitals["inp"] else None,
                        "interaction_ms": sorted(vitals["events"].values()),
                        "clicks": clicks,
                        "home_ready_s": round(home_s, 2),
                    }
                )
                print(
                    f"  {app} browser walk {i + 1}: {out[-1]['lcp_ms']} ms LCP, INP {out[-1]['inp_ms']}",
                    file=sys.stderr,
                )
        finally:
            await browser.close()
    return out


async def measure(app: str, args: argparse.Namespace, plan: Any, tmp: Path) -> dict[str, Any]:
    server = start_server(app, tmp)
    presses = max(plan.per_track.values())
    done = asyncio.Event()
    background: list[Any] = []

    async def crowd() -> None:
        # Rounds of learners until the browser is done (bounded by it); then each leaves before
        # its next step rather than finishing a 75 s walk that measures nothing.
        while not done.is_set():
            background.append(
                await load.run_sessions(app, server.url, args.learners, plan, args.think, args.ramp, 60.0, stop=done)
            )

    try:
        await load.run_sessions(app, server.url, 1, plan, 0.0, 0.0, 60.0)  # warm up
        load_before = os.getloadavg()[0]
        task = asyncio.create_task(crowd()) if args.learners > 0 else None
        await asyncio.sleep(args.ramp + 2.0 if task else 0.0)
        try:
            walks = await browser_walks(app, server.url, plan, args.walks, presses)
        finally:
            done.set()
            if task is not None:
                await task
        load_after = os.getloadavg()[0]
    finally:
        server.stop()
    lcps = [w["lcp_ms"] for w in walks if w["lcp_ms"] is not None]
    inps = [w["inp_ms"] for w in walks if w["inp_ms"] is not None]
    clicks = sum(w["clicks"] for w in walks)
    long = sorted(d for w in walks for d in w["interaction_ms"])
    # Interactions the Event Timing API did not report took under 16 ms: counted as 16.
    every = [16.0] * max(0, clicks - len(long)) + long
    return {
        "app": app,
        "learners": args.learners,
        "walks": walks,
        "lcp_p75_ms": _round(load.percentile(lcps, 75)),
        "lcp_max_ms": _round(max(lcps) if lcps else None),
        "inp_p75_ms": _round(load.percentile(inps, 75)),
        "interaction_p75_ms": _round(load.percentile(every, 75)),
        "interaction_max_ms": _round(max(every) if every else None),
        "clicks": clicks,
        "background_errors": sum(b.errors for b in background),
        "background_learners": sum(b.n for b in background),
        "loadavg": f"{load_before:.1f} → {load_after:.1f}",
    }


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def markdown(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    def f(v: Any) -> str:
        return "–" if v is None else f"{v:,.0f}"

    lines = [
        f"### vitals: Chromium walks with {args.learners} simulated learners loading the server",
        "",
        "| app | browser walks | LCP of Home p75 / worst (ms) | INP p75 over walks (ms) | interaction p75 / worst (ms) | "
        "clicks | background learners (errors) | load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['app']} | {len(r['walks'])} | {f(r['lcp_p75_ms'])} / {f(r['lcp_max_ms'])} | {f(r['inp_p75_ms'])} | "
            f"{f(r['interaction_p75_ms'])} / {f(r['interaction_max_ms'])} | {r['clicks']} | "
            f"{r['background_learners']} ({r['background_errors']}) | {r['loadavg']} |"
        )
    c = next((r for r in rows if r["app"] == "course"), None)
    if c and c["inp_p75_ms"] is not None and c["lcp_p75_ms"] is not None:
        lines += [
            "",
            f"- INP p75 at most 100 ms: {'met' if c['inp_p75_ms'] <= 100 else 'not met'} ({f(c['inp_p75_ms'])} ms)",
            f"- LCP at most 1.5 s: {'met' if c['lcp_p75_ms'] <= 1500 else 'not met'} ({f(c['lcp_p75_ms'])} ms at p75)",
        ]
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    plan = load.make_plan(load_course(ROOT), args.pages)
    rows = []
    with tempfile.TemporaryDirectory(prefix="course-vitals-") as tmp_name:
        for app in args.apps:
            rows.append(await measure(app, args, plan, Path(tmp_name)))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--learners", type=int, default=50, help="simulated learners loading the server (default 50)")
    p.add_argument("--walks", type=int, default=3, help="Chromium walks per app (default 3)")
    p.add_argument("--apps", default="course,floor", help="apps, as bench/load.py names them (default course,floor)")
    p.add_argument("--think", type=float, default=3.0, help="the simulated learners' think time, s (default 3)")
    p.add_argument("--ramp", type=float, default=6.0, help="seconds over which they start (default 6)")
    p.add_argument("--pages", type=int, default=1, help="module pages the simulated learners read (default 1)")
    p.add_argument("--name", default="vitals", help="results name under bench/results/ (default vitals)")
    args = p.parse_args(argv)
    args.apps = [a for a in args.apps.split(",") if a]
    if not WEB_VITALS.exists():
        raise SystemExit("web-vitals is not installed: npm ci --prefix bench/vitals")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not installed at {CHROMIUM} (Debian package chromium)")
    rows = asyncio.run(run(args))
    md = markdown(rows, args)
    print(md)
    load.save(args.name, {"machine": load.machine(), "settings": vars(args), "apps": rows}, md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
