"""The router: builds every `st.Page` once per run, in menu order.

The one module that imports the pages (course/ui/pages/); nothing imports it but the app
script (streamlit_app.py). Pages reach each other through `course.ui.nav` by key, so no page
imports another page or this module, and course/ui has no import cycle
(tests/unit/test_ui_imports.py).

Each page's module is imported when the page is first drawn, not when the menu is built
(issue 24, cold start): a new server's first Home imports Home and what it uses, not the
charts, tables and PDF code of the other pages (pandas, Altair, pyarrow: about 0.6 s of CPU).
The warm-up thread imports the rest soon after (course/ui/warmup.py); a page whose module is
not imported yet waits for that thread first, so two threads never import at once.
"""

from __future__ import annotations

import copy
import sys
import threading
from collections.abc import Callable
from types import ModuleType

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from course.schema import Course
from course.ui import nav, trainer_access, warmup
from course.ui.i18n import _, current_language
from course.ui.nav import PAGES_KEY, focus_after_run, go

PAGES = "course.ui.pages"


# One loader per page module, each importing it by name (so tests/unit/test_ui_imports.py
# reads who imports the pages from the source): called when a page of that module is drawn.
def _about() -> ModuleType:
    from course.ui.pages import about

    return about


def _audience() -> ModuleType:
    from course.ui.pages import audience

    return audience


def _checks() -> ModuleType:
    from course.ui.pages import checks

    return checks


def _home() -> ModuleType:
    from course.ui.pages import home

    return home


def _join() -> ModuleType:
    from course.ui.pages import join

    return join


def _module() -> ModuleType:
    from course.ui.pages import module

    return module


def _my_progress() -> ModuleType:
    from course.ui.pages import my_progress

    return my_progress


def _presenter() -> ModuleType:
    from course.ui.pages import presenter

    return presenter


def _quiz() -> ModuleType:
    from course.ui.pages import quiz

    return quiz


def _refresh() -> ModuleType:
    from course.ui.pages import refresh

    return refresh


def _settings() -> ModuleType:
    from course.ui.pages import settings

    return settings


def _trainer() -> ModuleType:
    from course.ui.pages import trainer

    return trainer


def _verify() -> ModuleType:
    from course.ui.pages import verify

    return verify


def module_name(load: Callable[[], ModuleType]) -> str:
    """The page module a loader imports: `_my_progress` imports course.ui.pages.my_progress."""
    return f"{PAGES}.{load.__name__.removeprefix('_')}"


def _page(load: Callable[[], ModuleType], attr: str, *args: str, name: str | None = None) -> Callable[[], None]:
    """A page's callable: imports its module when first called, then calls `attr` of it with
    `args`. Named `name` (default `attr`): Streamlit names callable pages after the function,
    though every page here is given its title and url_path, which is what its identity (the
    script hash) is made from."""

    def render() -> None:
        if module_name(load) not in sys.modules:
            # Not imported by the warm-up yet: let it finish its imports first rather than
            # import beside it (two threads importing modules that import each other can
            # make Python raise a deadlock error in one of them). At once when it is done.
            warmup.wait()
        getattr(load(), attr)(*args)

    render.__name__ = name or attr
    render.__qualname__ = render.__name__
    return render


def _bind(fn: Callable[[str], None], arg: str, name: str) -> Callable[[], None]:
    """`fn(arg)` as a page's callable named `name` (for a function of a module imported already)."""

    def render() -> None:
        fn(arg)

    render.__name__ = name  # Streamlit names callable pages after the function
    return render


# The pages as built, per course object (one per language), track, interface language and
# trainer or not: building the 45 pages with their translated titles cost about 1 ms of every
# script run, and a menu depends on nothing else. Each run gets its own shallow copies (well
# under 0.1 ms), as `st.navigation` marks the page it returns as the one that may run: pages
# are never shared between sessions.
_BUILT: dict[tuple[int, str | None, str, bool], tuple[Course, dict[str, StreamlitPage], list[str]]] = {}
_BUILT_LOCK = threading.Lock()


def build(course: Course) -> list[StreamlitPage]:
    """All pages for `st.navigation`, as one flat list; quiz pages are hidden from the menu.

    Flat, not in sections: Streamlit 1.67 renders section groups as <div>s inside the menu's
    <ul>, which axe reports as invalid list markup (WCAG 1.3.1)."""
    learner = st.session_state.get("learner")
    track_id = getattr(learner, "last_track", None)
    # As worked out, even a track the content no longer has (so the check cannot loop).
    st.session_state[nav.MENU_TRACK_KEY] = track_id
    st.session_state[nav.MENU_LANGUAGE_KEY] = nav.menu_language()
    signed_in = trainer_access.is_trainer()
    key = (id(course), track_id, current_language(), signed_in)
    with _BUILT_LOCK:
        entry = _BUILT.get(key)
    if entry is None or entry[0] is not course:  # the entry holds its course: its id is not reused
        built, order = _build_pages(course, track_id, signed_in)
        entry = (course, built, order)
        with _BUILT_LOCK:
            if len(_BUILT) >= 64:  # another course was loaded (tests, a content change): start again
                _BUILT.clear()
            _BUILT[key] = entry
    _course, built, order = entry
    pages = {name: copy.copy(page) for name, page in built.items()}
    # The pages `nav` reaches by key, as before: the sign-in gates are not among them.
    st.session_state[PAGES_KEY] = {name: page for name, page in pages.items() if not name.startswith("gate:")}
    return [pages[name] for name in order]


def _build_pages(course: Course, track_id: str | None, signed_in: bool) -> tuple[dict[str, StreamlitPage], list[str]]:
    """Every page by key, and the keys in menu order (see `build`)."""
    _PAGES: dict[str, StreamlitPage] = {}
    _PAGES["home"] = st.Page(
        _page(_home, "render"), title=_("Home"), icon=":material/home:", url_path="home", default=True
    )
    _PAGES["progress"] = st.Page(
        _page(_my_progress, "render"), title=_("My progress"), icon=":material/insights:", url_path="progress"
    )
    _PAGES["refresh"] = st.Page(
        _page(_refresh, "render"), title=_("Refresh"), icon=":material/psychology:", url_path="refresh"
    )
    _PAGES["start-check"] = st.Page(
        _page(_checks, "render_start"), title=_("Before you start"), icon=":material/flag:", url_path="start-check"
    )
    _PAGES["final-check"] = st.Page(
        _page(_checks, "render_final"), title=_("Final check"), icon=":material/sports_score:", url_path="final-check"
    )
    _PAGES["settings"] = st.Page(
        _page(_settings, "render"), title=_("Display settings"), icon=":material/tune:", url_path="settings"
    )
    _PAGES["verify"] = st.Page(
        _page(_verify, "render"), title=_("Verify a certificate"), icon=":material/verified:", url_path="verify"
    )
    _PAGES["about"] = st.Page(
        _page(_about, "render"), title=_("About this course"), icon=":material/info:", url_path="about"
    )
    module_pages = []
    # A learner whose track is known sees that track's modules, numbered in its order (a
    # staff-only module is not in a public learner's menu; its address still says whose it is);
    # before a track is chosen, every module in course order. The track is the one last worked
    # out: the menu is built before this run reads anything, so a page that records a track
    # reruns when this menu is not that track's (`nav.menu_is_for`; My progress's change of
    # track). Home's track form records the choice in its button's callback and sets it here.
    shown = course.track(track_id).modules if track_id in {t.id for t in course.settings.tracks} else None
    if shown is None and current_language() != "en":
        # Only the public track is translated: a visitor reading Spanish who has not chosen yet
        # sees its modules, so the menu holds no English title (WCAG 3.1.2, language of parts).
        shown = next((t.modules for t in course.settings.tracks if t.audience == "public"), None)
    numbers = {mid: n for n, mid in enumerate(shown or [m.id for m in course.modules], start=1)}
    for n, m in enumerate(course.modules, start=1):
        listed = m.id in numbers
        page = st.Page(
            _page(_module, "render", m.id, name=f"module_{n}"),
            title=f"{numbers[m.id]}. {m.title}" if listed else m.title,
            url_path=m.id,
            visibility="visible" if listed else "hidden",
        )
        _PAGES[f"module:{m.id}"] = page
        _PAGES[f"quiz:{m.id}"] = st.Page(
            _page(_quiz, "render", m.id, name=f"quiz_{n}"),
            title=_("Quiz: {module}").format(module=m.title),
            url_path=f"{m.id}-quiz",
            visibility="hidden",
        )
        module_pages.append(f"module:{m.id}")
    # The room links a presenter hands out are built from these two paths (see course/ui/room.py).
    _PAGES["join"] = st.Page(
        _page(_join, "render_join"), title=_("Join a room poll"), icon=":material/how_to_vote:", url_path="join"
    )
    _PAGES["audience"] = st.Page(
        _page(_audience, "render_audience"),
        title=_("Audience view"),
        icon=":material/cast:",
        url_path="audience",
        visibility="hidden",
    )
    # Trainer pages exist in the navigation only for a signed-in trainer, so a learner
    # cannot reach them by typing their address.
    titles = {"trainer": _("Trainer dashboard"), "present": _("Present a module")}
    if signed_in:
        _PAGES["trainer"] = st.Page(
            _page(_trainer, "render"), title=titles["trainer"], icon=":material/monitoring:", url_path="trainer"
        )
        _PAGES["present"] = st.Page(
            _page(_presenter, "render_presenter"),
            title=titles["present"],
            icon=":material/co_present:",
            url_path="present",
        )
        trainer_pages = ["trainer", "present"]
    else:
        _PAGES["trainer-sign-in"] = st.Page(
            trainer_access.render_sign_in,
            title=_("Trainer sign-in"),
            icon=":material/badge:",
            url_path="trainer-sign-in",
        )
        # A trainer's bookmark of the dashboard or presenter, once the sign-in has lapsed,
        # opens the sign-in form (which then opens that page), not "Page not found" and Home.
        for key, title in titles.items():
            _PAGES[f"gate:{key}"] = st.Page(
                _bind(trainer_access.render_gate, key, f"sign_in_for_{key}"),
                title=title,
                url_path=key,
                visibility="hidden",
            )
        trainer_pages = ["trainer-sign-in", *(f"gate:{key}" for key in titles)]
    order = [
        "home",
        "start-check",
        *module_pages,
        "final-check",
        "progress",
        "refresh",
        "settings",
        "verify",
        "about",
        "join",
        *trainer_pages,
        "audience",
        *(f"quiz:{m.id}" for m in course.modules),
    ]
    return _PAGES, order


def after_navigation(current: str) -> None:
    """Finish a sign-in: the trainer pages exist from this run on, so open the page the
    trainer asked for (the dashboard unless they came by the presenter's address), unless the
    page being drawn (`current`, its url path) is already that one; either way its title
    takes the focus."""
    target = st.session_state.pop(trainer_access.OPEN_AFTER_SIGN_IN, None)
    if target not in nav.pages():
        return
    if target != current:
        go(target)  # switches page: does not return
    # Signed in at the page's own address: the page is drawn in place of the form, and its
    # title takes the focus as after any move (the form's button is gone).
    focus_after_run("h1")
