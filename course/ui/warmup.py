"""Warm a new server up before its first learner arrives (issue 24, cold start).

A server's first page used to pay for everything a process does once: importing the pages and
what they use (Altair, pandas, pyarrow, SQLAlchemy), and parsing and checking the course, whose
plain-language check reads textstat's pronouncing dictionary the first time (about 1.6 s of the
first page on an idle machine; docs/performance.md, "Cold start"). `start()` does that work on
a background thread as soon as the server has imported its ASGI app, while Streamlit is still
starting, so the first learner after a start or a replica restart waits for less of it.

Nothing here touches a learner's session: the course and the store are looked up through
`state.loaded()` and `state.store()`, the same cached calls the first page makes, so the first
page finds them in Streamlit's resource cache (or waits for the one call under way, as two
sessions would). A failure is logged and ignored: the first page then does the same work
itself and shows any content problem or outage as it always has.
"""

from __future__ import annotations

import importlib
import logging
import threading

_log = logging.getLogger(__name__)
_started: list[threading.Thread] = []

# The router's pages and the modules they draw with; imported on the first page otherwise.
MODULES = (
    "course.ui.router",
    "course.ui.state",
    "course.ui.pages.home",
    "course.ui.pages.module",
    "course.ui.pages.quiz",
    "course.ui.pages.my_progress",
    "course.ui.chart_view",
)


def _warm() -> None:
    try:
        for name in MODULES:
            importlib.import_module(name)
        from course.ui import state

        # The course as the first page asks for it: parsed, checked and kept in Streamlit's
        # resource cache, so the first page finds it there (a content problem is kept and
        # shown the same way). Then the store, opened (and its schema checked) the same way.
        state.loaded()
        state.store()
    except Exception:  # the first page does the same and reports what is wrong
        _log.debug("warm-up did not finish; the first page does the work", exc_info=True)


def start() -> threading.Thread:
    """Once per process: warm up on a daemon thread; returns that thread."""
    if not _started:
        from course.loader import use_kept_course

        use_kept_course()  # the course that validated before, read back from disk (course/loader.py)
        thread = threading.Thread(target=_warm, name="course-warmup", daemon=True)
        thread.start()
        _started.append(thread)
    return _started[0]


def wait(timeout: float = 60.0) -> None:
    """Called by the router before its own imports: a script run never imports a module while
    the warm-up thread is importing it too (two threads importing modules that import each
    other can make Python raise a deadlock error in one of them). The first run waits for
    work it would otherwise do itself; later runs find the thread finished."""
    if _started and _started[0].is_alive():
        _started[0].join(timeout)
