"""The learner's language in the running app, and `_` to show an interface string in it.

The language lives in `st.session_state[LANG_KEY]` ("en" or "es"); the Home and Display
settings choice, a `?lang=` link, the learner's saved choice and the browser's locale set it
(course/ui/language.py, course/ui/display.py). The course content's language can differ: the
staff track's content is English only (`content_language`). Below every other UI module (it
imports none of them). Engine side: course/i18n.py.
"""

from __future__ import annotations

import streamlit as st

from course.i18n import DEFAULT, gettext_for, ngettext_for, supported
from course.translation import PUBLIC_TRACK

LANG_KEY = "course_lang"
PARAM = "lang"  # the address's ?lang=
CHOSEN_KEY = "course-lang-chosen"  # session: the language was chosen or linked, so it is kept in the address


def current_language() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT)
    return value if isinstance(value, str) else DEFAULT


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
    st.session_state[LANG_KEY] = lang
    st.session_state[CHOSEN_KEY] = True
    st.query_params[PARAM] = lang
