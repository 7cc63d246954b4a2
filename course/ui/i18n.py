"""The learner's language in the running app, and `_` to show an interface string in it.

The language lives in `st.session_state[LANG_KEY]` ("en" or "es"); the Home and Display
settings choice, a `?lang=` link, the learner's saved choice and the browser's locale set it
(course/ui/pages, course/ui/display.py). Engine side: course/i18n.py.
"""

from __future__ import annotations

import streamlit as st

from course.i18n import DEFAULT, gettext_for, ngettext_for

LANG_KEY = "course_lang"


def current_language() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT)
    return value if isinstance(value, str) else DEFAULT


def _(message: str) -> str:
    """`message` in the learner's language."""
    return gettext_for(current_language(), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return ngettext_for(current_language(), singular, plural, n)
