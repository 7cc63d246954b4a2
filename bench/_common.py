"""What the benchmark scripts share: the repository on sys.path, bench/load.py as a module, a
server for an app started and waited for, and the Chromium they drive.

bench/ is a folder of scripts run as files (`python bench/steps.py`), not a package. A script
run that way has bench/ on sys.path, so `from _common import ...` finds this file; a script
imported by `bench_module()` (as the smoke tests do) finds it already imported. Importing this
module puts the repository's root on sys.path, so `course` imports after it work either way.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
# Imported as `bench._common` (by the tests, from the repository's root), it is the same module
# the scripts import as `_common`.
sys.modules.setdefault("_common", sys.modules[__name__])

# The Chromium the browser benchmarks drive, as the browser tests do (re-exported for them).
from course.devserver import CHROMIUM, CHROMIUM_ARGS  # noqa: E402, F401


def bench_module(name: str, fresh: bool = False) -> ModuleType:
    """bench/NAME.py as the module `bench_NAME`, imported once per process (or again, with
    `fresh`). Every script asks for bench/load.py this way, so they all share one module: a
    test that redirects its RESULTS folder redirects every script's."""
    key = f"bench_{name}"
    if not fresh and key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def start_server(
    app: str, tmp: Path, db_url: str | None = None, log_name: str | None = None, port: int | None = None
) -> Any:
    """A fresh server for `app` (bench/load.py's names: course, course@REV, floor, floor+K, ...)
    on a free 127.0.0.1 port, once it answers its health check (up to 90 s: a loaded machine).
    Its records go to `db_url` (default: a new SQLite file in `tmp`), its log to `tmp`; `port`
    starts it on that port (a replica restarted where its learners reconnect).
    The caller stops it (`server.stop()`)."""
    load = bench_module("load")
    safe = log_name or load._safe(app)
    script, extra_env, cwd = load.app_script(app, tmp)
    env = {**load.server_env(db_url or f"sqlite:///{tmp / f'{safe}.sqlite'}"), **extra_env}
    return load.Server(env, tmp / f"{safe}.log", script=script, cwd=cwd, startup_timeout=90.0, port=port)
