"""Loaded by a course server that `bench/profile_steps.py --by-step` starts (this folder is put
first on its PYTHONPATH): the script thread's CPU time of each script run, and of the course's
and Streamlit's main pieces inside it, charged to the page step the benchmark's learner is on.

The learner writes the step's name to `$COURSE_STEP_TIMER.step` before each interaction (empty
between them); each run reads it when it starts. Each piece is timed with the thread's own CPU
clock (`time.thread_time`), so time the thread spends waiting (the database, the interpreter
lock) is not counted. A few dozen wrapped functions, not a profiler: what it adds to a run is
well under its resolution. Results go to `$COURSE_STEP_TIMER.json` every second. Nothing here
runs unless that variable is set.
"""

from __future__ import annotations

import os

if os.environ.get("COURSE_STEP_TIMER"):
    import collections
    import importlib
    import json
    import threading
    import time
    from typing import Any

    from streamlit.runtime.scriptrunner import script_runner

    BASE = os.environ["COURSE_STEP_TIMER"]
    # module:function or module:Class.method; a name that no longer exists is skipped.
    PIECES = [
        "course.ui.state:begin_run",
        "course.ui.language:settle",
        "course.ui.router:build",
        "course.ui.trainer_access:is_trainer",
        "streamlit.commands.navigation:_navigation",
        "course.ui.identity:before_page",
        "course.learning:Learner.events",
        "course.learning:Learner.progress",
        "streamlit.navigation.page:StreamlitPage.run",
        "course.ui.identity:after_page",
        "course.ui.kept:mirror",
        "course.ui.pages.home:render",
        "course.ui.pages.home:choose_track",
        "course.ui.pages.module:render",
        "course.ui.pages.quiz:render",
        "course.ui.pages.quiz:_submit",
        "course.ui.pages.quiz:_show_form",
        "course.ui.pages.quiz:_show_result",
        "course.ui.pages.quiz:_actions",
        "course.ui.pages.my_progress:render",
        "course.ui.pages.my_progress:_next_step",
        "course.ui.pages.my_progress:_check_ins",
        "course.ui.pages.my_progress:_score_and_time_charts",
        "course.ui.pages.my_progress:_certificate",
        "course.ui.pages.my_progress:_join_cohort",
        "course.ui.pages.my_progress:_records",
        "course.ui.identity:resume_link_box",
        "course.ui.widgets:due_line",
        "course.ui.chart_view:draw",
        "course.ui.chart_view:rows_table",
        "streamlit.runtime.state.session_state:SessionState.on_script_will_rerun",
    ]
    totals: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    runs: collections.Counter[str] = collections.Counter()
    local = threading.local()
    lock = threading.Lock()

    def _timed(fn: Any, name: str) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                step = getattr(local, "step", "")
                if step:
                    with lock:
                        totals[step][name] += time.thread_time() - start

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        timed.__name__ = getattr(fn, "__name__", name)
        timed.__qualname__ = getattr(fn, "__qualname__", name)
        return timed

    def _wrap_pieces() -> None:
        for piece in PIECES:
            module_name, attr = piece.split(":")
            try:
                owner: Any = importlib.import_module(module_name)
                *path, last = attr.split(".")
                for part in path:
                    owner = getattr(owner, part)
                setattr(owner, last, _timed(getattr(owner, last), piece))
            except (ImportError, AttributeError):
                continue

    wrapped: list[bool] = []
    run_script = script_runner.ScriptRunner._run_script

    def _run_script(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not wrapped:  # the first run: the course's modules are imported by now
            wrapped.append(True)
            _wrap_pieces()
        try:
            with open(BASE + ".step", encoding="utf-8") as f:
                local.step = f.read().strip()
        except OSError:
            local.step = ""
        start = time.thread_time()
        try:
            return run_script(self, *args, **kwargs)
        finally:
            if local.step:
                with lock:
                    totals[local.step]["script run (all of it)"] += time.thread_time() - start
                    runs[local.step] += 1
            local.step = ""

    script_runner.ScriptRunner._run_script = _run_script  # type: ignore[method-assign]

    def _dump() -> None:
        while True:
            time.sleep(1.0)
            with lock:
                data = {"runs": dict(runs), "seconds": {k: dict(v) for k, v in totals.items()}}
            with open(BASE + ".json", "w", encoding="utf-8") as f:
                json.dump(data, f)

    threading.Thread(target=_dump, name="step-timer", daemon=True).start()
