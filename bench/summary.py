"""The README's performance table, from the results bench/run_all.sh left in bench/results/.

    python bench/summary.py           # prints it and writes bench/results/summary.md

One row per goal of issue 24: the figure, what it is measured against in the same run (the
matched floor, the floor app, the course at the baseline commit), and the load average while
it was measured. A benchmark that has not run shows as "not run".
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
STEPS = ("choose track", "open module", "next page", "submit quiz", "my progress")


def _read(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _f(v: Any, digits: int = 1) -> str:
    return "–" if v is None else f"{v:,.{digits}f}"


def _k(messages: float) -> int:
    return max(0, 5 * round((messages - 7) / 5))


def steps_rows(d: dict[str, Any]) -> list[str]:
    course, floors, base = d["course"], d["floors"], d.get("baseline")
    cpu, msgs = course["alone"]["cpu_ms"], course["alone"]["messages"]
    p95 = course["crowd"].get("per_step_p95_ms", {})
    c_cpu, f_cpu, ratios_cpu, ratios_p95 = [], [], [], []
    for s in STEPS:
        if s not in msgs or str(_k(msgs[s])) not in floors:
            continue
        f = floors[str(_k(msgs[s]))]
        fc = f["alone"]["cpu_ms"].get("press")
        fp = f["crowd"].get("per_step_p95_ms", {}).get("press")
        c_cpu.append(cpu[s])
        f_cpu.append(fc or 0.0)
        if fc:
            ratios_cpu.append((cpu[s] / fc, s))
        if fp and p95.get(s):
            ratios_p95.append((p95[s] / fp, s))
    b_cpu = [base["alone"]["cpu_ms"][s] for s in STEPS if base and s in base["alone"]["cpu_ms"]]
    la = f"{course['alone'].get('loadavg')}, {course['crowd'].get('loadavg')}"
    rows = [
        f"| 1. own overhead: server CPU per page step, mean of the five (goal ≤ 2× the matched floor) | "
        f"**{_f(statistics.mean(c_cpu))} ms** ({_f(statistics.mean(c_cpu) / statistics.mean(f_cpu), 2)}×; "
        f"steps from {_f(min(ratios_cpu)[0], 2)}× to {_f(max(ratios_cpu)[0], 2)}×, {max(ratios_cpu)[1]}) | "
        f"floor-nodelay+K {_f(statistics.mean(f_cpu))} ms"
        + (f"; course@{d['settings']['baseline']} {_f(statistics.mean(b_cpu))} ms" if b_cpu else "")
        + f" | {la} |"
    ]
    if ratios_p95:
        worst = max(ratios_p95)
        rows.append(
            f"| 1. own overhead: page step p95 at {course['crowd'].get('n')} learners (goal ≤ 1.5× the matched floor) | "
            f"worst {_f(worst[0], 2)}× ({worst[1]}, {_f(p95[worst[1]])} ms), best {_f(min(ratios_p95)[0], 2)}× "
            f"({min(ratios_p95)[1]}); {course['crowd'].get('errors')} errors | floor-nodelay+K, same learners | "
            f"{course['crowd'].get('loadavg')} |"
        )
    return rows


def knee(levels: list[dict[str, Any]]) -> str:
    """Where the page steps' p95 crosses 100 ms: read off between the two measured levels
    around it (and that bracket), or beyond the levels measured."""
    pts = sorted((lv["n"], lv.get("page_steps_p95_ms")) for lv in levels if lv.get("page_steps_p95_ms"))
    if not pts:
        return "–"
    if pts[0][1] > 100:
        return f"below {pts[0][0]}"
    for (n0, p0), (n1, p1) in zip(pts, pts[1:], strict=False):
        if p0 <= 100 < p1:
            return f"about {round(n0 + (n1 - n0) * (100 - p0) / (p1 - p0))} (between {n0} and {n1})"
    return f"above {pts[-1][0]}"


def replica_rows(r1: dict[str, Any] | None, r2: dict[str, Any] | None) -> list[str]:
    rows = []
    runs = [(name, r) for name, r in (("1 replica", r1), ("2 replicas", r2)) if r]
    if not runs:
        return ["| 2. learners per machine | not run | | |"]
    rows.append(
        "| 2. knee: learners at which the page steps' p95 crosses 100 ms | "
        + "; ".join(
            f"{name}: {knee(r['levels'])} at {r.get('settings', {}).get('think_s', 3.0):g} s think time"
            for name, r in runs
        )
        + " | levels measured: "
        + "; ".join(f"{name} {','.join(str(lv['n']) for lv in r['levels'])}" for name, r in runs)
        + " | "
        + "; ".join(f"{lv['n']}: {lv.get('loadavg', '–')}" for _, r in runs for lv in r["levels"])
        + " |"
    )
    for n, goal in ((200, "page steps p95 ≤ 100 ms and 0 errors"), (400, "0 errors")):
        cells = []
        for name, r in runs:
            lv = next((lv for lv in r["levels"] if lv["n"] == n), None)
            if lv:
                cells.append(
                    f"{name}: p95 {_f(lv.get('page_steps_p95_ms'))} ms, {lv['errors']} errors, "
                    f"{lv['finished']}/{n} finished"
                )
        if cells:
            rows.append(f"| 2. {n} learners ({goal}) | {'; '.join(cells)} | | |")
    return rows


def vitals_rows(d: dict[str, Any]) -> list[str]:
    apps = {a["app"]: a for a in d["apps"]}
    c, f = apps.get("course"), apps.get("floor")
    if not c:
        return []
    floor = f" · floor {_f(f['inp_p75_ms'], 0)} ms" if f else ""
    floor_lcp = f" · floor {_f(f['lcp_p75_ms'], 0)} ms" if f else ""
    return [
        f"| 3. INP p75 in Chromium, {c['learners']} learners loading (goal ≤ 100 ms) | **{_f(c['inp_p75_ms'], 0)} ms** "
        f"over {len(c['walks'])} walks; interactions p75 {_f(c['interaction_p75_ms'], 0)} ms | {floor.lstrip(' ·')} | "
        f"{c['loadavg']} |",
        f"| 3. LCP of Home (goal ≤ 1.5 s) | **{_f(c['lcp_p75_ms'], 0)} ms** | {floor_lcp.lstrip(' ·')} | {c['loadavg']} |",
    ]


def soak_rows(d: dict[str, Any]) -> list[str]:
    s = d["settings"]
    mem = d["memory"]
    mark, end = mem["after_first"].get("rss_kib"), mem["end_rss_kib"]
    change = f"{(end - mark) / mark:+.1%}" if mark and end else "–"
    loads = [x[2] for x in mem["samples"]]
    return [
        f"| 4. soak: {s['walks']} walks over {s['minutes']:g} min on one replica ({s.get('db', '')}) | "
        f"{len(d['errors'])} errors; {d['records']['checked']} records checked, {d['records']['incomplete']} incomplete; "
        f"RSS {_f(mark / 1024 if mark else None)} → {_f(end / 1024 if end else None)} MiB ({change}) | "
        f"goal: 0 errors, all complete, within 20 % | {min(loads):.1f}–{max(loads):.1f} |"
    ] + restart_rows(d)


def restart_rows(d: dict[str, Any]) -> list[str]:
    r = d.get("restart_summary")
    if not r:
        return []
    wait = r["outage_s"]
    ok = r["mid_quiz"] and r["records_complete"] == r["mid_quiz"] and not r["kept_lost"]
    return [
        f"| 4. a replica restart mid-quiz costs a learner nothing but the wait | {r['restarts']} restart(s), "
        f"{r['mid_quiz']} learners mid-quiz: {r['reconnected']} reconnected, {r['records_complete']} records complete, "
        f"{r['kept_checked']} kept answers checked, {len(r['kept_lost'])} lost; wait "
        f"{_f(statistics.median(wait) if wait else None)} s median ({'met' if ok else 'not met'}) | "
        f"replica back in {', '.join(f'{x:.1f}' for x in r['down_s'])} s | |"
    ]


def cold_rows(d: dict[str, Any]) -> list[str]:
    rows = []
    runs = d["runs"]
    base = next((k for k in runs if "@" in k), None)
    for what in ("app.sh", "replica restart"):
        shown = [r["home_shown_s"] for r in runs.get(what, [])]
        if not shown:
            continue
        against = ""
        if what == "replica restart" and base and runs[base]:
            against = f"{base.split(', ')[1]}: {statistics.median([r['home_shown_s'] for r in runs[base]]):.2f} s"
        rows.append(
            f"| 5. cold start: {what} to Home in Chromium (goal < 3 s) | **{statistics.median(shown):.2f} s** "
            f"(median of {len(shown)}, worst {max(shown):.2f} s) | {against} | "
            f"{', '.join(r['loadavg'] for r in runs[what])} |"
        )
    return rows


def profile_rows(d: dict[str, Any]) -> list[str]:
    cats = d["profile"]["categories"]
    total = sum(cats.values()) or 1
    parts = ", ".join(f"{k} {v / total:.0%}" for k, v in cats.items())
    return [
        f"| where a walk's server CPU goes (py-spy, {d['walks']} walks) | {d['server_cpu_ms_per_walk']:.0f} ms per walk: "
        f"{parts} | | {d['loadavg']} |"
    ]


def main() -> int:
    lines = [
        "| goal (issue 24) | figure | same-run comparison | load average |",
        "|---|---|---|---|",
    ]
    steps = _read("steps")
    lines += steps_rows(steps) if steps else ["| 1. own overhead | not run | | |"]
    lines += replica_rows(_read("replicas-1"), _read("replicas-2"))
    vitals = _read("vitals")
    lines += vitals_rows(vitals) if vitals else ["| 3. INP and LCP | not run | | |"]
    soak = _read("soak")
    lines += soak_rows(soak) if soak else ["| 4. soak | not run | | |"]
    restarted = _read("soak-restart")  # the full run's restarts, apart from its long soak
    lines += restart_rows(restarted) if restarted else []
    cold = _read("coldstart")
    lines += cold_rows(cold) if cold else ["| 5. cold start | not run | | |"]
    profile = _read("profile")
    lines += profile_rows(profile) if profile else []
    md = "\n".join(lines)
    print(md)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.md").write_text(md + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
