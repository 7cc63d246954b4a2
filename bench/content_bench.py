"""Content benchmark: how long loading and validating the course takes, and how it grows.

    python bench/content_bench.py                      # the real course + 10, 50, 200 generated modules
    python bench/content_bench.py --sizes 3 --repeats 3 --no-cold   # a quick run

Times `course.loader.load_course` (parse the YAML with line numbers, validate against the
schema, cross-check ids, run the editorial checks) in a warm process, median of `--repeats`
runs, for the real course and for generated courses of N modules: modules/01-history.yaml
and quizzes/history.yaml cloned N times with new ids (module, quiz, objectives, questions)
into a temporary folder, text untouched. Measured in the same run, for the same files:

- the loader with its libyaml fast path switched off (PyYAML's pure-Python parser, as the
  loader parsed before), to show what the fast path saves;
- parsing alone, with PyYAML's pure-Python SafeLoader and with libyaml's CSafeLoader: the
  floor any loader pays;
- the loader with textstat's per-text caches cleared before each run: the cost when every
  plain-language text is new to the process (clones repeat the same text, which textstat
  caches, up to 128 texts);
- once, `load_course` in a new Python process (imports and textstat's first load of the CMU
  pronouncing dictionary): what `python -m course validate` and a server's first page pay.

Per-module cost (median / modules) at each size shows whether growth is linear. Target: the
real course loads and validates in under 150 ms. Timings are printed, never asserted.
Results go to bench/results/NAME.json and NAME.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import yaml_source  # noqa: E402
from course.loader import load_course  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_MS = 150.0
SOURCE_MODULE = "01-history.yaml"
SOURCE_QUIZ = "history.yaml"
# Lines that carry an id another file or check refers to: the module's and quiz's own id,
# the module's quiz, objective ids (and questions' objective), question ids, figure ids.
_ID_LINE = re.compile(r"^(\s*(?:- )?(?:id|quiz|objective): )(history)(\b[\w-]*)$", re.MULTILINE)


def generate_course(dest: Path, n: int) -> Path:
    """A valid course of `n` clones of the History module and its quiz, under `dest`."""
    (dest / "modules").mkdir(parents=True, exist_ok=True)
    (dest / "quizzes").mkdir(parents=True, exist_ok=True)
    module_text = (ROOT / "modules" / SOURCE_MODULE).read_text(encoding="utf-8")
    quiz_text = (ROOT / "quizzes" / SOURCE_QUIZ).read_text(encoding="utf-8")
    ids = []
    for k in range(1, n + 1):
        new_id = f"history-{k}"
        ids.append(new_id)
        # File names must look like NN-slug.yaml; the course order comes from course.yaml.
        (dest / "modules" / f"{k % 100:02d}-{new_id}.yaml").write_text(
            _ID_LINE.sub(rf"\g<1>{new_id}\g<3>", module_text), encoding="utf-8"
        )
        (dest / "quizzes" / f"{new_id}.yaml").write_text(
            _ID_LINE.sub(rf"\g<1>{new_id}\g<3>", quiz_text), encoding="utf-8"
        )
    settings = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))
    settings["modules"] = ids
    for track in settings["tracks"]:
        track["modules"] = ids
    for key in ("pre_test", "post_test", "attitude_survey"):  # they test the real modules' objectives
        settings.pop(key, None)
    (dest / "modules" / "course.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return dest


def yaml_files(root: Path) -> list[Path]:
    return sorted((root / "modules").glob("*.yaml")) + sorted((root / "quizzes").glob("*.yaml"))


def median_ms(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def parse_only(files: list[Path], loader_cls: type) -> Callable[[], None]:
    texts = [p.read_text(encoding="utf-8") for p in files]

    def run() -> None:
        for text in texts:
            yaml.load(text, Loader=loader_cls)  # noqa: S506 - SafeLoader / CSafeLoader only

    return run


def _clear_textstat_text_caches() -> None:
    """Forget every per-text result textstat cached; keep its dictionaries (CMU, Pyphen)."""
    import textstat.backend as backend

    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if not name.startswith(backend.__name__):
            continue
        for attr, fn in vars(module).items():
            if callable(getattr(fn, "cache_clear", None)) and attr not in ("get_cmudict", "get_pyphen"):
                fn.cache_clear()


def without_fast_yaml(fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        saved = yaml_source._FAST_LOADER
        yaml_source._FAST_LOADER = None
        try:
            return fn()
        finally:
            yaml_source._FAST_LOADER = saved

    return run


def cold_ms(root: Path, repeats: int) -> float:
    """load_course in a fresh interpreter: imports, first CMU dictionary load, the lot."""
    code = (
        "import sys, time; t = time.perf_counter(); sys.path.insert(0, sys.argv[1]); "
        "from course.loader import load_course; from pathlib import Path; load_course(Path(sys.argv[2])); "
        "print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code, str(ROOT), str(root)], check=True, capture_output=True, text=True, cwd=ROOT
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times) * 1000


def measure(name: str, root: Path, repeats: int, cold: bool) -> dict[str, Any]:
    course = load_course(root)  # warm: imports done, textstat's dictionary loaded, caches filled
    files = yaml_files(root)
    modules = len(course.modules)

    def uncached() -> None:
        _clear_textstat_text_caches()
        load_course(root)

    row = {
        "course": name,
        "modules": modules,
        "files": len(files),
        "kib": round(sum(p.stat().st_size for p in files) / 1024, 1),
        "load_ms": median_ms(lambda: load_course(root), repeats),
        "load_pure_python_yaml_ms": median_ms(without_fast_yaml(lambda: load_course(root)), repeats),
        "parse_pure_python_ms": median_ms(parse_only(files, yaml.SafeLoader), repeats),
        "parse_libyaml_ms": median_ms(parse_only(files, yaml.CSafeLoader), repeats)
        if hasattr(yaml, "CSafeLoader")
        else None,
        "load_uncached_text_ms": median_ms(uncached, max(1, repeats // 3)),
        "cold_process_ms": cold_ms(root, 3) if cold else None,
        "repeats": repeats,
    }
    row["per_module_ms"] = row["load_ms"] / modules
    row["per_module_uncached_ms"] = row["load_uncached_text_ms"] / modules
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    return f"{v:,.1f}" if isinstance(v, float) else str(v)


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| course | modules | YAML files | load + validate (ms) | per module (ms) | same, pure-Python YAML (ms) | "
        "parse only, pure-Python (ms) | parse only, libyaml (ms) | new text, uncached (ms) | "
        "per module, uncached (ms) | new process (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['course']} | {r['modules']} | {r['files']} | **{_fmt(r['load_ms'])}** | {_fmt(r['per_module_ms'])} | "
            f"{_fmt(r['load_pure_python_yaml_ms'])} | {_fmt(r['parse_pure_python_ms'])} | "
            f"{_fmt(r['parse_libyaml_ms'])} | {_fmt(r['load_uncached_text_ms'])} | "
            f"{_fmt(r['per_module_uncached_ms'])} | {_fmt(r['cold_process_ms'])} |"
        )
    return "\n".join(lines)


def verdicts(rows: list[dict[str, Any]]) -> list[str]:
    out = []
    real = next((r for r in rows if r["course"] == "real"), None)
    if real:
        ok = real["load_ms"] < TARGET_MS
        out.append(
            f"real course loads and validates in {real['load_ms']:.1f} ms: target under {TARGET_MS:.0f} ms "
            f"{'met' if ok else 'missed'} (pure-Python YAML: {real['load_pure_python_yaml_ms']:.1f} ms)"
        )
    generated = [r for r in rows if r["course"] != "real"]
    if len(generated) >= 2:
        small, large = generated[0], generated[-1]
        growth = large["per_module_ms"] / small["per_module_ms"]
        out.append(
            f"per-module cost {small['per_module_ms']:.2f} ms at {small['modules']} modules, "
            f"{large['per_module_ms']:.2f} ms at {large['modules']}: {growth:.2f}× "
            f"({'linear' if 0.67 <= growth <= 1.5 else 'not linear'})"
        )
    return out


def run(sizes: Iterable[int], repeats: int, cold: bool, real: bool = True) -> dict[str, Any]:
    rows = []
    if real:
        print("real course ...", file=sys.stderr, flush=True)
        rows.append(measure("real", ROOT, repeats, cold))
    with tempfile.TemporaryDirectory(prefix="course-content-bench-") as tmp:
        for n in sizes:
            print(f"{n} generated modules ...", file=sys.stderr, flush=True)
            root = generate_course(Path(tmp) / f"course-{n}", n)
            # Fewer repeats for big courses keep the run short; medians stay stable.
            rows.append(measure(f"generated {n}", root, max(3, min(repeats, repeats * 20 // n)), cold and n <= 50))
            shutil.rmtree(root)
    return {"rows": rows, "verdicts": verdicts(rows)}


def main(argv: Iterable[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10,50,200", help="generated course sizes in modules (default 10,50,200)")
    p.add_argument("--repeats", type=int, default=15, help="runs per measure; the median is reported (default 15)")
    p.add_argument("--no-cold", action="store_true", help="skip the new-process measure")
    p.add_argument("--no-real", action="store_true", help="generated courses only")
    p.add_argument("--name", default="content", help="results file name under the output folder")
    p.add_argument("--out-dir", type=Path, default=RESULTS, help="where to write NAME.json and NAME.md")
    args = p.parse_args(list(argv) if argv is not None else None)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    result = run(sizes, args.repeats, not args.no_cold, not args.no_real)
    md = table(result["rows"]) + "\n" + "".join(f"\n- {v}" for v in result["verdicts"])
    print(md)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    import platform

    import textstat

    payload = {
        "machine": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "pyyaml": yaml.__version__,
            "libyaml": getattr(yaml, "__with_libyaml__", False),
            "textstat": ".".join(map(str, textstat.__version__)),
        },
        **result,
    }
    (args.out_dir / f"{args.name}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    (args.out_dir / f"{args.name}.md").write_text(md + "\n", encoding="utf-8")
    print(f"\nwrote {args.out_dir / f'{args.name}.json'} and {args.name}.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
