"""Shown instead of the course when the content does not validate: the problems, readable."""

from __future__ import annotations

import streamlit as st

from course.ui import state


def render() -> None:
    result = state.loaded()
    st.title("The course content has problems")
    n = len(result.problems)
    st.error(
        f"The course cannot open because its content files have {n} problem{'s' if n != 1 else ''}. "
        "Please tell the course maintainers: each line below says which "
        "file, which line and what to fix.",
        icon=":material/error:",
    )
    st.header("Problems found")
    # Plain monospaced text: the same lines `python -m course validate` prints.
    st.text("\n".join(str(p) for p in result.problems))
    st.caption("Maintainers: run python -m course validate to see the same list, fix it, then restart the app.")
