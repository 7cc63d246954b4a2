"""PDF benchmark: the whole facilitator pack set and a certificate, WeasyPrint (HTML + print
CSS, PDF/UA-1) against the fpdf2 renderer the course used before, measured in the same run.

    python bench/pdf_bench.py                     # new renderer here, old one from git ref 8e3480a
    python bench/pdf_bench.py --old-ref 8e3480a --repeats 3

The whole pack set is every module in both audiences (7 x 2 = 14 PDFs), each made from the
course data as `python -m course export --format pdf` does: build the pack, lay it out, write
the PDF. A certificate is one PDF with a Latin name and one with a Devanagari name (the old
renderer loads a Noto font for it). Each figure is the median of `--repeats` runs in a warm
process (the first run, which loads fonts and imports, is reported apart), wall-clock and CPU
seconds, plus the file sizes.

The old renderer runs from a temporary `git worktree` of `--old-ref` (the last commit with
course/pdf_fonts.py and the fpdf2 layout), in a subprocess that imports that tree's `course`
package. It needs fpdf2 and uharfbuzz, which this project no longer installs: when this
Python lacks them, they are installed once with pip into bench/.old-deps (git-ignored).
Results go to bench/results/pdf.json and pdf.md. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
OLD_DEPS = ROOT / "bench" / ".old-deps"
OLD_PINS = ("fpdf2==2.8.9", "uharfbuzz==0.57.0", "defusedxml==0.7.1")
NAMES = {"latin": "Ada Lovelace", "devanagari": "अनन्या शर्मा"}

# Runs inside a process whose sys.path starts with the tree to measure; prints one JSON line.
MEASURE = r"""
import json, statistics, sys, time
from datetime import UTC, datetime
from pathlib import Path
root, repeats = Path(sys.argv[1]), int(sys.argv[2])
from course.loader import load_course
from course.export import facilitator_pack_pdf
from course.certificates import Certificate, render_pdf
course = load_course(root)
jobs = [(m.id, a) for m in course.modules for a in ("public", "staff")]

def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c

def pack_set():
    return {f"{m}-{a}": facilitator_pack_pdf(course, m, a) for m, a in jobs}

names = json.loads(sys.argv[3])
def certificate(name):
    cert = Certificate("KT-7HQM-2XPA-C9RW", name, course.settings.title, course.settings.version,
                       datetime(2026, 3, 1, 14, 30, tzinfo=UTC), 92.31)
    return render_pdf(cert)

result = {}
first, w, c = timed(pack_set)
result["packs_first"] = {"wall_s": w, "cpu_s": c}
runs = [timed(pack_set)[1:] for _ in range(repeats)]
result["packs"] = {"wall_s": statistics.median(r[0] for r in runs), "cpu_s": statistics.median(r[1] for r in runs),
                   "bytes": {k: len(v) for k, v in first.items()}, "pages": {}}
for label, name in names.items():
    data, w, c = timed(lambda: certificate(name))
    runs = [timed(lambda: certificate(name))[1:] for _ in range(max(repeats, 3))]
    result[f"certificate_{label}"] = {"first_wall_s": w, "wall_s": statistics.median(r[0] for r in runs),
                                      "cpu_s": statistics.median(r[1] for r in runs), "bytes": len(data)}
print(json.dumps(result))
"""


def measure(tree: Path, repeats: int, extra_path: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (tree, extra_path) if p)}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tree), str(repeats), json.dumps(NAMES)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"measuring {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def old_deps() -> Path | None:
    """A folder with fpdf2 and uharfbuzz for the old renderer, or None if this Python has them."""
    probe = subprocess.run([sys.executable, "-c", "import fpdf, uharfbuzz"], capture_output=True, check=False)
    if probe.returncode == 0:
        return None
    if not (OLD_DEPS / "fpdf").is_dir():
        print(f"installing {', '.join(OLD_PINS)} into {OLD_DEPS} for the old renderer", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(OLD_DEPS), *OLD_PINS],
            check=True,
        )
    return OLD_DEPS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old-ref", default="8e3480a", help="git ref with the fpdf2 renderer")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--name", default="pdf")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="course-old-pdf-") as tmp:
        old_tree = Path(tmp) / "old"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old_tree), args.old_ref], check=True
        )
        try:
            deps = old_deps()
            print(f"new renderer (this tree), {args.repeats} repeats ...", file=sys.stderr)
            new = measure(ROOT, args.repeats)
            print(f"old renderer ({args.old_ref}), {args.repeats} repeats ...", file=sys.stderr)
            old = measure(old_tree, args.repeats, deps)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old_tree)], check=False)

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit.stdout.strip(),
        "old_ref": args.old_ref,
        "repeats": args.repeats,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "new": new,
        "old": old,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"{args.name}.md").write_text(report(result), encoding="utf-8")
    print(report(result))


def report(r: dict) -> str:
    new, old = r["new"], r["old"]

    def kib(n: float) -> str:
        return f"{n / 1024:,.0f} KiB"

    def row(label: str, key: str) -> str:
        a, b = new[key], old[key]
        return (
            f"| {label} | {a['wall_s']:.2f} s ({a['cpu_s']:.2f} s CPU) | {b['wall_s']:.2f} s ({b['cpu_s']:.2f} s CPU) "
            f"| {a['wall_s'] / b['wall_s']:.1f}x |"
        )

    pack_new, pack_old = new["packs"]["bytes"], old["packs"]["bytes"]
    lines = [
        f"# PDF rendering: WeasyPrint (PDF/UA-1) vs fpdf2 ({r['old_ref']}), same run",
        "",
        f"{r['when']}, commit {r['commit']}, {r['cpus']} CPUs, load average at the end "
        f"{', '.join(f'{x:.1f}' for x in r['load_average'])}; median of {r['repeats']} warm runs.",
        "",
        "| what | new (WeasyPrint) | old (fpdf2) | new / old |",
        "| --- | --- | --- | --- |",
        row("all 14 packs (7 modules x 2 audiences)", "packs"),
        row("certificate, Latin name", "certificate_latin"),
        row("certificate, Devanagari name", "certificate_devanagari"),
        "",
        f"First pack set in a fresh process (imports, fonts): new {new['packs_first']['wall_s']:.2f} s, "
        f"old {old['packs_first']['wall_s']:.2f} s.",
        "",
        "| file sizes | new | old |",
        "| --- | --- | --- |",
        f"| all 14 packs together | {kib(sum(pack_new.values()))} | {kib(sum(pack_old.values()))} |",
        f"| largest pack | {kib(max(pack_new.values()))} | {kib(max(pack_old.values()))} |",
        f"| certificate, Latin | {kib(new['certificate_latin']['bytes'])} | {kib(old['certificate_latin']['bytes'])} |",
        f"| certificate, Devanagari | {kib(new['certificate_devanagari']['bytes'])} "
        f"| {kib(old['certificate_devanagari']['bytes'])} |",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
