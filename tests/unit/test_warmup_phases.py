"""Cold start (issue 24 goal 5): pages imported when first drawn, and the warm-up in two phases.

The first phase imports what Home's first run needs, and nothing of the other pages (Altair,
pandas, pyarrow, the charts); the second imports the rest once the first run is over, or when
nobody has come. Never two threads importing at once: a run that starts while the second phase
imports, or that draws a page whose module it has not imported yet, waits for it.

What a fresh process imports is checked in a fresh interpreter (a subprocess): this one has
imported every page already.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest

from course.ui import router, warmup

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "pyarrow", "altair", "course.charts", "course.poll_charts", "course.ui.chart_view")


def _fresh(code: str, tmp_path: Path) -> dict:
    """Run `code` in a new interpreter at the repository's root; it prints one JSON line."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COURSE_DB_URL": f"sqlite:///{tmp_path / 'records.sqlite'}",
        "COURSE_CERT_SECRET": "test-secret-for-certificates-0123456789",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_phase_imports_home_and_not_the_other_pages_or_their_libraries(tmp_path):
    found = _fresh(
        """
        import json, sys
        from course.ui import warmup
        warmup._warm()
        print(json.dumps({
            "pages": sorted(m for m in sys.modules if m.startswith("course.ui.pages.")),
            "heavy": sorted(m for m in HEAVY if m in sys.modules),
        }))
        """.replace("HEAVY", repr(HEAVY)),
        tmp_path,
    )
    assert found == {"pages": ["course.ui.pages.content_error", "course.ui.pages.home"], "heavy": []}


def test_homes_first_run_imports_nothing_the_first_phase_has_not(tmp_path):
    """The first run and the second phase never import side by side: the first run finds
    everything it imports already imported (the first phase waited for)."""
    found = _fresh(
        """
        import json, sys
        from streamlit.testing.v1 import AppTest
        from course.ui import warmup
        warmup._warm()
        before = set(sys.modules)
        at = AppTest.from_file(APP, default_timeout=120).run()
        print(json.dumps({
            "new": sorted(set(sys.modules) - before),
            "errors": [e.value for e in at.exception],
            "title": [t.value for t in at.title],
        }))
        """.replace("APP", repr(str(ROOT / "streamlit_app.py"))),
        tmp_path,
    )
    assert found["errors"] == []
    assert found["title"] == ["Ketamine therapy in mental health care"]  # Home, drawn
    assert found["new"] == []


def test_a_page_module_is_imported_when_its_page_is_first_drawn_and_once(tmp_path):
    found = _fresh(
        """
        import json, sys
        from streamlit.testing.v1 import AppTest

        runs = []

        class Count:  # counts how often the settings page's module is executed
            def find_spec(self, name, path=None, target=None):
                if name == "course.ui.pages.settings":
                    runs.append(name)
                return None

        sys.meta_path.insert(0, Count())
        at = AppTest.from_file(APP, default_timeout=120).run()
        on_home = sorted(m for m in sys.modules if m.startswith("course.ui.pages."))
        at.button(key="to-settings").click().run()
        first = sys.modules.get("course.ui.pages.settings")
        at.run()
        print(json.dumps({
            "on_home": on_home,
            "titles": [t.value for t in at.title],
            "executed": len(runs),
            "same": sys.modules.get("course.ui.pages.settings") is first is not None,
            "errors": [e.value for e in at.exception],
        }))
        """.replace("APP", repr(str(ROOT / "streamlit_app.py"))),
        tmp_path,
    )
    assert found["errors"] == []
    assert found["on_home"] == ["course.ui.pages.content_error", "course.ui.pages.home"]
    assert found["titles"] == ["Display settings"]
    assert found["executed"] == 1
    assert found["same"] is True


def test_each_loader_imports_the_page_module_it_is_named_for():
    loaders = [
        f
        for name, f in vars(router).items()
        if name.startswith("_")
        and getattr(f, "__module__", "") == router.__name__
        and isinstance(f, types.FunctionType)
        and f.__annotations__.get("return") == "ModuleType"
    ]
    pages = {p.stem for p in (ROOT / "course" / "ui" / "pages").glob("*.py")} - {"__init__", "content_error"}
    assert {router.module_name(load) for load in loaders} == {f"{router.PAGES}.{p}" for p in pages}
    for load in loaders:
        assert load().__name__ == router.module_name(load)


@pytest.fixture
def phases(monkeypatch):
    """A fresh set of the warm-up's bookkeeping, as a new process has it."""
    monkeypatch.setattr(warmup, "_turn", threading.Condition())
    monkeypatch.setattr(warmup, "_phase", {"runs": 0, "ran": False, "needed": False, "later": False})
    monkeypatch.setattr(warmup, "_first_done", threading.Event())
    monkeypatch.setattr(warmup, "_counted", threading.local())
    monkeypatch.setattr(warmup, "_started", [])
    done: list[str] = []
    monkeypatch.setattr(warmup, "_warm", lambda: done.append("first"))
    monkeypatch.setattr(warmup, "_warm_later", lambda: done.append("later"))

    def start() -> threading.Thread:
        thread = threading.Thread(target=warmup._phases, daemon=True)
        warmup._started.append(thread)
        thread.start()
        return thread

    return types.SimpleNamespace(done=done, start=start)


def test_the_second_phase_begins_after_the_first_run_has_finished(phases, monkeypatch):
    monkeypatch.setattr(warmup, "IDLE_DELAY", 60.0)
    monkeypatch.setattr(warmup, "AFTER_FIRST_RUN", 0.05)
    thread = phases.start()
    with warmup.script_run():
        assert phases.done == ["first"]  # the run waited for the first phase
        time.sleep(0.3)
        assert phases.done == ["first"]  # and the second does not begin beside it
    thread.join(10)
    assert phases.done == ["first", "later"]


def test_a_server_nobody_visits_is_warmed_all_the_same(phases, monkeypatch):
    monkeypatch.setattr(warmup, "IDLE_DELAY", 0.1)
    phases.start().join(10)
    assert phases.done == ["first", "later"]


def _held_second_phase(phases, monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Phase 2 replaced by one that sets the first event once it has begun and finishes only
    when the second is set."""
    importing, release = threading.Event(), threading.Event()

    def later() -> None:
        importing.set()
        release.wait(10)
        phases.done.append("later")

    monkeypatch.setattr(warmup, "_warm_later", later)
    return importing, release


def test_a_run_that_starts_while_the_second_phase_imports_waits_for_it(phases, monkeypatch):
    monkeypatch.setattr(warmup, "IDLE_DELAY", 0.05)
    importing, release = _held_second_phase(phases, monkeypatch)
    thread = phases.start()
    assert importing.wait(10)
    entered: list[list[str]] = []

    def run() -> None:
        with warmup.script_run():
            entered.append(list(phases.done))

    script = threading.Thread(target=run, daemon=True)
    script.start()
    time.sleep(0.3)
    assert entered == []  # still waiting
    release.set()
    script.join(10)
    thread.join(10)
    assert entered == [["first", "later"]]


def _probe_page() -> types.ModuleType:
    """A loader, as the router's are, for a page module no one has imported."""
    module = types.ModuleType(router.module_name(_probe_page))
    module.render = lambda arg: drawn.append(arg)  # type: ignore[attr-defined]
    return module


drawn: list[str] = []


def test_a_page_whose_module_is_not_imported_waits_for_the_second_phase(phases, monkeypatch):
    monkeypatch.setattr(warmup, "IDLE_DELAY", 60.0)
    monkeypatch.setattr(warmup, "AFTER_FIRST_RUN", 60.0)
    importing, release = _held_second_phase(phases, monkeypatch)
    drawn.clear()
    page = router._page(_probe_page, "render", "m1", name="module_1")
    assert page.__name__ == "module_1"
    thread = phases.start()

    def run() -> None:
        with warmup.script_run():  # a run under way: the second phase has not begun
            page()

    script = threading.Thread(target=run, daemon=True)
    script.start()
    # The page asks for the second phase at once (no waiting for the delays) and the run
    # steps aside for it; the page is drawn when the second phase is over.
    assert importing.wait(10)
    time.sleep(0.2)
    assert drawn == []
    release.set()
    script.join(10)
    thread.join(10)
    assert drawn == ["m1"]
    assert phases.done == ["first", "later"]


def test_a_page_whose_module_is_imported_is_drawn_without_waiting(phases, monkeypatch):
    monkeypatch.setattr(warmup, "IDLE_DELAY", 60.0)
    monkeypatch.setattr(warmup, "AFTER_FIRST_RUN", 60.0)
    monkeypatch.setitem(sys.modules, router.module_name(_probe_page), types.ModuleType("imported"))
    drawn.clear()
    thread = phases.start()
    with warmup.script_run():
        router._page(_probe_page, "render", "m2")()
    assert drawn == ["m2"]
    assert thread.is_alive()  # the second phase still waits for its delay
    assert phases.done == ["first"]


def test_a_failure_in_the_second_phase_is_logged_and_the_pages_import_what_they_need(monkeypatch, caplog):
    monkeypatch.setattr(warmup, "LATER", ("course.ui.pages.settings", "course.ui.no_such_module"))
    frozen: list[bool] = []
    monkeypatch.setattr("gc.freeze", lambda: frozen.append(True))
    with caplog.at_level(logging.WARNING, logger=warmup.__name__):
        warmup._warm_later()  # raises nothing
    assert "second phase did not finish" in caplog.text
    assert frozen == []
    drawn.clear()
    router._page(_probe_page, "render", "m3")()  # no warm-up running: drawn at once
    assert drawn == ["m3"]


def test_the_second_phase_freezes_what_it_imported(monkeypatch):
    monkeypatch.setattr(warmup, "LATER", ("course.ui.pages.settings",))
    frozen: list[bool] = []
    monkeypatch.setattr("gc.freeze", lambda: frozen.append(True))
    warmup._warm_later()
    assert frozen == [True]
    assert "course.ui.pages.settings" in sys.modules


def test_a_failed_first_phase_lets_the_first_run_go_on_and_still_begins_the_second(phases, monkeypatch):
    def broken() -> None:
        raise RuntimeError("the warm-up thread itself failed")

    monkeypatch.setattr(warmup, "_warm", broken)
    monkeypatch.setattr(warmup, "IDLE_DELAY", 0.1)
    thread = phases.start()
    with warmup.script_run(timeout=10):
        pass  # not held up for the full timeout
    thread.join(10)
    assert phases.done == ["later"]


def test_collections_are_off_during_the_first_phase_and_back_on_after_it(phases, monkeypatch):
    import gc

    from course import loader

    monkeypatch.setattr(loader, "_kept", [])
    monkeypatch.setattr(warmup, "quicker_component_scan", lambda: True)  # Streamlit left as it is
    monkeypatch.setattr(warmup, "IDLE_DELAY", 0.05)
    seen: list[bool] = []
    monkeypatch.setattr(warmup, "_warm", lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    try:
        thread = warmup.start()
        thread.join(10)
        assert seen == [False]
        assert gc.isenabled()
    finally:
        gc.enable()


def test_collections_come_back_on_when_the_first_phase_fails(phases, monkeypatch):
    import gc

    from course import loader

    def broken() -> None:
        raise RuntimeError("the warm-up thread itself failed")

    monkeypatch.setattr(loader, "_kept", [])
    monkeypatch.setattr(warmup, "quicker_component_scan", lambda: True)  # Streamlit left as it is
    monkeypatch.setattr(warmup, "IDLE_DELAY", 0.05)
    monkeypatch.setattr(warmup, "_warm", broken)
    try:
        warmup.start().join(10)
        assert gc.isenabled()
    finally:
        gc.enable()
