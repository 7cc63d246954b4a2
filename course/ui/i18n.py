"""The learner's language in the running app, and `_` to show an interface string in it.

The language lives in `st.session_state[LANG_KEY]` ("en" or "es"); the Home and Display
settings choice, a `?lang=` link, the learner's saved choice and the browser's locale set it
(course/ui/language.py, course/ui/display.py). The course content's language can differ: the
staff track's content is English only (`content_language`). Below every other UI module (it
imports none of them). Engine side: course/i18n.py.
"""

from __future__ import annotations

import threading

import streamlit as st

from course.i18n import DEFAULT, gettext_for, ngettext_for, supported
from course.translation import PUBLIC_TRACK

LANG_KEY = "course_lang"
PARAM = "lang"  # the address's ?lang=
CHOSEN_KEY = "course-lang-chosen"  # session: the language was chosen or linked, so it is kept in the address


# This script run's language, looked up once: a run asks for it about 80 times (every `_()`),
# and each read of `st.session_state` costs about 5 µs (docs/performance.md, issue 24). Kept
# only on a thread whose run began with `begin_run()` (the router's runs); every change goes
# through `set_language`, which forgets it. Script runs each have a thread of their own.
_RUN = threading.local()


def begin_run() -> None:
    """A new script run (`course.ui.state.begin_run`): the language is read afresh."""
    _RUN.on = True
    _RUN.lang = None


def current_language() -> str:
    kept: str | None = getattr(_RUN, "lang", None)
    if kept is not None:
        return kept
    value = st.session_state.get(LANG_KEY, DEFAULT)
    lang = value if isinstance(value, str) else DEFAULT
    if getattr(_RUN, "on", False):
        _RUN.lang = lang
    return lang


def set_language(lang: str) -> None:
    """Show this session in `lang` from now on (the one way the language is changed)."""
    st.session_state[LANG_KEY] = lang
    _RUN.lang = None


def _(message: str) -> str:
    """`message` in the learner's language."""
    return gettext_for(current_language(), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return ngettext_for(current_language(), singular, plural, n)


def staff_learner() -> bool:
    """True when this tab's learner is on a track other than the public one (the staff track:
    its content is English only)."""
    learner = st.session_state.get("learner")
    if learner is None:
        return False
    track = learner.last_track
    if track is None and learner.registered:
        # Not worked out yet this session (a resume link, a reload): read once; a page reads
        # the track early on every run anyway, which keeps `last_track` current.
        track = learner.track
    return track is not None and track != PUBLIC_TRACK


def content_language() -> str:
    """The language the course content is shown in: the learner's, on the public track or
    before a track is chosen; English on the staff track."""
    lang = current_language()
    return DEFAULT if lang == DEFAULT or staff_learner() else lang


def adopt_saved(saved: object) -> None:
    """The learner's saved language, once their record is read (after a resume link, a login,
    a reload); a link's `?lang=` wins over it."""
    lang = supported(saved) if isinstance(saved, str) else None
    if lang is None or supported(st.query_params.get(PARAM)) is not None:
        return
    set_language(lang)
    st.session_state[CHOSEN_KEY] = True
    st.query_params[PARAM] = lang
