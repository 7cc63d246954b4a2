"""Shown instead of the course when the content does not validate: the problems, readable."""

from __future__ import annotations

import streamlit as st

from course.ui import state
from course.ui.i18n import _, ngettext


def render() -> None:
    result = state.loaded()
    st.title(_("The course content has problems"))
    n = len(result.problems)
    st.error(
        ngettext(
            "The course cannot open because its content files have {n} problem. Please tell the course "
            "maintainers: each line below says which file, which line and what to fix.",
            "The course cannot open because its content files have {n} problems. Please tell the course "
            "maintainers: each line below says which file, which line and what to fix.",
            n,
        ).format(n=n),
        icon=":material/error:",
    )
    st.header(_("Problems found"))
    # Plain monospaced text: the same lines `python -m course validate` prints.
    st.text("\n".join(str(p) for p in result.problems))
    st.caption("Maintainers: run python -m course validate to see the same list, fix it, then restart the app.")


def notice_for_trainers() -> None:
    """In production, content that does not validate is not served: learners get the last
    content that did, and a signed-in trainer sees this, on every page, until it is fixed."""
    from course.ui import trainer_access

    result = state.loaded()
    if not result.problems or result.course is None or not trainer_access.is_trainer():
        return
    n = len(result.problems)
    st.warning(
        f"For trainers: the course content has {n} problem{'s' if n != 1 else ''}, so learners are "
        "seeing the last content that validated. Please tell the course maintainers.",
        icon=":material/warning:",
    )
    with st.expander("Content problems"):
        st.text("\n".join(str(p) for p in result.problems))
        st.caption("Maintainers: run python -m course validate to see the same list, fix it, then restart the app.")
