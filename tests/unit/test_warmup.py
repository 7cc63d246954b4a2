"""A new server warms up on a thread of its own, and the router's first run waits for it."""

from __future__ import annotations

import sys
import threading

from course.ui import warmup


def test_the_warm_up_imports_the_pages_and_a_failure_is_left_to_the_first_page(monkeypatch):
    import course.loader

    calls: list[object] = []

    def broken(root=None):
        calls.append(root)
        raise RuntimeError("content cannot be read")

    monkeypatch.setattr(course.loader, "load_course", broken)
    warmup._warm()  # raises nothing: the first page loads the course and reports the problem

    assert calls == [None]
    assert all(name in sys.modules for name in warmup.MODULES)


def test_the_first_run_waits_for_the_warm_up_thread(monkeypatch):
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    monkeypatch.setattr(warmup, "_started", [thread])
    thread.start()
    threading.Timer(0.2, release.set).start()

    warmup.wait(timeout=10)

    assert not thread.is_alive()
