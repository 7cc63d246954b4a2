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

In two phases since the pages are imported on first use (course/ui/router.py). Phase 1 is
what the first Home needs: the router, Home and the modules its run uses, the course and the
store, then the freeze. The first script run waits for phase 1 only (`script_run`). Phase 2
imports every other page and what they draw with (pandas, Altair, pyarrow, the PDF code) on the
same thread, once the first script run has finished (`AFTER_FIRST_RUN` later, so the browser
draws Home first) or after `IDLE_DELAY` with no run, so a server nobody visits is warmed too.
Phase 2 never imports beside a script run: it begins when the runs under way have finished,
and a run that starts while it is under way waits for it, as does a page whose module is not
imported yet (`wait`). Two threads importing modules that import each other can make Python
raise a deadlock error in one of them, so only one thread imports at a time.

Nothing here touches a learner's session: the course and the store are looked up through
`state.loaded()` and `state.store()`, the same cached calls the first page makes, so the first
page finds them in Streamlit's resource cache (or waits for the one call under way, as two
sessions would). A failure in either phase is logged and ignored: the first page then does the
same work itself and shows any content problem or outage as it always has.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.metadata
import logging
import threading
from collections.abc import Iterator
from typing import Any

_log = logging.getLogger(__name__)
_started: list[threading.Thread] = []
_quick_scans: set[Any] = set()  # the filters quicker_component_scan() put in Streamlit's place

# Phase 1: what the app script's run and Home import, so that the first Home run imports
# nothing (tests/unit/test_warmup_phases.py checks it against a real first run).
MODULES = (
    "course.ui.router",
    "course.ui.state",
    "course.ui.display",
    "course.ui.identity",
    "course.ui.language",
    "course.ui.lms_launch",
    "course.ui.nav",
    "course.ui.streamlit_tuning",
    "course.ui.trainer_access",
    "course.ui.signing",
    "course.ui.pages.content_error",
    "course.ui.pages.home",
    "course.lms.outbox",  # lms_launch.before_page, every run
    "course.ui.question_widgets",  # web.py's first page request, on the server's own thread
    "course.xapi",
    # Streamlit's own, in Home's first run: set_page_config reads the icon file with PIL and
    # numpy; a Material icon name is looked up in its list of names.
    "numpy",
    "PIL.Image",
    "PIL.ImageFile",
    "streamlit.material_icon_names",
)
# Phase 2: every other page and what it draws with.
LATER = (
    "course.ui.pages.module",
    "course.ui.pages.quiz",
    "course.ui.pages.my_progress",
    "course.ui.pages.checks",
    "course.ui.pages.refresh",
    "course.ui.pages.settings",
    "course.ui.pages.verify",
    "course.ui.pages.about",
    "course.ui.pages.join",
    "course.ui.pages.audience",
    "course.ui.pages.trainer",
    "course.ui.pages.presenter",
    "course.ui.chart_view",
    "course.ui.scenario_view",
)
AFTER_FIRST_RUN = 3.0  # s after the first script run ends: its page drawn before phase 2 takes the CPU
IDLE_DELAY = 10.0  # s after phase 1 with no script run finished: phase 2 all the same

# The phases' bookkeeping, all under `_turn`: `runs` script runs under way that began before
# phase 2 did (phase 2 waits for them), `ran` a script run has finished, `needed` a run waits
# for phase 2, `later` phase 2 has begun (runs that start now wait for it).
_turn = threading.Condition()
_phase: dict[str, Any] = {"runs": 0, "ran": False, "needed": False, "later": False}
_first_done = threading.Event()
_counted = threading.local()  # this script run is one of `runs`


def _warm() -> None:
    """Phase 1: what the first Home needs."""
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


def _warm_later() -> None:
    """Phase 2: every other page's module and what it imports, then those frozen too (the
    modules are shared by every session for the life of the process, as phase 1's are)."""
    try:
        for name in LATER:
            importlib.import_module(name)
        gc.collect()
        gc.freeze()
    except Exception:  # a page whose module is not imported imports it itself when drawn
        _log.warning("warm-up's second phase did not finish; the pages import what they need", exc_info=True)


def _phases() -> None:
    """The warm-up thread: phase 1; then, when the first run is over (or nobody came), and
    once no script run is under way, phase 2."""
    try:
        _warm()
    except Exception:  # _warm logs its own; this is anything else: the runs do the work
        _log.warning("warm-up's first phase failed; the first page does the work", exc_info=True)
    finally:
        gc.enable()  # turned off by start(), for the imports and the course's objects
        _first_done.set()
    with _turn:
        _turn.wait_for(lambda: _phase["ran"] or _phase["needed"], IDLE_DELAY)
        if _phase["ran"] and not _phase["needed"]:
            _turn.wait_for(lambda: _phase["needed"], AFTER_FIRST_RUN)
        _phase["later"] = True
        _turn.wait_for(lambda: _phase["runs"] == 0)
    if _started and _started[0] is threading.current_thread():  # not a warm-up since set aside (tests)
        _warm_later()


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
        # No collections until phase 1 is over: its imports and the course's objects are kept
        # for the life of the process, so collections of them in between find nothing, and
        # phase 1 ends with one full collection and the freeze (about 0.05 to 0.15 s of CPU
        # less, measured). Turned back on when phase 1 ends, however it ends.
        gc.disable()
        thread = threading.Thread(target=_phases, name="course-warmup", daemon=True)
        thread.start()
        _started.append(thread)
    return _started[0]


def _uncount() -> None:
    """This script run, if it is one of `runs`, stops counting as one (call holding `_turn`)."""
    if getattr(_counted, "run", False):
        _counted.run = False
        _phase["runs"] -= 1


def wait(timeout: float = 60.0) -> None:
    """The whole warm-up, both phases, done: for a script run about to import a module the
    warm-up has not imported yet (a page's module, course/ui/router.py), so that it never
    imports while the warm-up thread does (two threads importing modules that import each
    other can make Python raise a deadlock error in one of them). Asks phase 2 to begin now
    if it has not; returns at once when the warm-up is over or none was started."""
    if not (_started and _started[0].is_alive()):
        return
    with _turn:
        _uncount()  # or phase 2 would wait for the run waiting for it
        _phase["needed"] = True
        _turn.notify_all()
    _started[0].join(timeout)


@contextlib.contextmanager
def script_run(timeout: float = 60.0) -> Iterator[None]:
    """Around each run of the app script: waits for phase 1 (the first run after a start
    needs what it imports, loads and opens), then runs beside the warm-up only while phase 2
    has not begun; a run that starts once it has waits for it to finish."""
    if not _started:
        yield
        return
    _first_done.wait(timeout)
    with _turn:
        counted = not _phase["later"]
        if counted:
            _phase["runs"] += 1
            _counted.run = True
    if not counted:
        wait(timeout)
    try:
        yield
    finally:
        with _turn:
            _uncount()
            _phase["ran"] = True
            _turn.notify_all()
