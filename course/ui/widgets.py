"""Widgets more than one page draws. Pages import from here, never from each other, so the
UI's imports run one way: router -> pages -> widgets and helpers -> state -> engine."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from course import refresh
from course.ui import nav, state
from course.ui.i18n import _, ngettext


def due_count(now: datetime | None = None) -> int:
    """How many of the learner's questions are due now (for Home and My progress)."""
    learner = state.session()
    if learner.track is None:
        return 0
    items = refresh.schedule(state.course(), learner.events(), learner.track)
    return len(refresh.due(items, now or state.now()))


def due_line() -> None:
    """One line saying how many refresher questions are due, with the way to them."""
    n = due_count()
    if n:
        st.write(
            ngettext(
                "**{n}** question is due for a refresher.", "**{n}** questions are due for a refresher.", n
            ).format(n=n)
        )
        nav.button(_("Refresh what you learnt"), "refresh", icon=":material/psychology:", key="to-refresh")
