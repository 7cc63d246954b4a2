"""Warm a new server up before its first learner arrives (issue 24, cold start).

A server's first page used to pay for everything a process does once: importing the pages and
what they use (Altair, pandas, pyarrow, SQLAlchemy), and parsing and checking the course, whose
plain-language check reads textstat's pronouncing dictionary the first time (about 1.6 s of the
first page on an idle machine; docs/performance.md, "Cold start"). `start()` does that work on
a background thread as soon as the server has imported its ASGI app, while Streamlit is still
starting, so the first learner after a start or a replica restart waits for less of it.

Since the first version (docs/performance.md, "Cold start"): the course is read back from the
copy kept on disk when nothing changed (`course.loader.load_course_cached`), the websocket
tuning is installed and the shared objects are frozen here rather than in the first page's
run, and Streamlit's scan of the installed packages for components reads each package's
metadata once instead of up to four times (`quicker_component_scan`).

Nothing here touches a learner's session: the course and the store are looked up through
`state.loaded()` and `state.store()`, the same cached calls the first page makes, so the first
page finds them in Streamlit's resource cache (or waits for the one call under way, as two
sessions would). A failure is logged and ignored: the first page then does the same work
itself and shows any content problem or outage as it always has.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import threading
from typing import Any

_log = logging.getLogger(__name__)
_started: list[threading.Thread] = []
_quick_scans: set[Any] = set()  # the filters quicker_component_scan() put in Streamlit's place

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
        from course.ui import streamlit_tuning

        # Before any learner connects, while few objects exist: installing it on the first
        # page walked every object in the process (about 0.2 s of that page) to find the
        # connections already open.
        streamlit_tuning.install_tcp_nodelay()
        for name in MODULES:
            importlib.import_module(name)
        from course.ui import state

        # The course as the first page asks for it: parsed, checked and kept in Streamlit's
        # resource cache, so the first page finds it there (a content problem is kept and
        # shown the same way). Then the store, opened (and its schema checked) the same way.
        state.loaded()
        state.store()
        # What every session shares is all here now: one full collection and the freeze on this
        # thread, before the first page, instead of at the end of the first page's run (0.1 to
        # 0.3 s of it). The first run's own call then finds it done.
        state.freeze_long_lived_objects()
    except Exception:  # the first page does the same and reports what is wrong
        _log.debug("warm-up did not finish; the first page does the work", exc_info=True)


def _mentions_streamlit(dist: Any, original: Any) -> bool:
    """Streamlit's own filter (`_is_likely_streamlit_component_package`), for the installed
    packages whose metadata mentions Streamlit at all. Its three tests (the name, the summary,
    a requirement) all read the metadata and look for "streamlit" in it, and it parses each
    package's metadata file up to four times: with the course's 90 packages, 0.25 s of the
    server's start. A package whose metadata file does not contain the word cannot pass any
    of them, so it is answered from one read of the file; every other package, and one
    without a readable file, goes to Streamlit's filter."""
    try:
        text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    except Exception:  # Streamlit's filter handles (and logs) what cannot be read
        text = None
    if text is not None and "streamlit" not in text.lower():
        return False
    return bool(original(dist))


def quicker_component_scan() -> bool:
    """Once per process, before Streamlit's runtime starts: its scan of the installed packages
    for components (Streamlit 1.67, `components/v2/manifest_scanner.py`) finds the same
    packages with `_mentions_streamlit` in front of its filter. False if Streamlit changed."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return False
    original = getattr(manifest_scanner, "_is_likely_streamlit_component_package", None)
    if original is None:
        return False
    if original in _quick_scans:  # installed already
        return True

    def likely(dist: importlib.metadata.Distribution) -> bool:
        return _mentions_streamlit(dist, original)

    _quick_scans.add(likely)
    manifest_scanner._is_likely_streamlit_component_package = likely
    return True


def start() -> threading.Thread:
    """Once per process: warm up on a daemon thread; returns that thread."""
    if not _started:
        quicker_component_scan()  # before st.App's runtime scans the packages
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
