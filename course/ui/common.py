"""Small pieces every page shares: the notice, status badges, track lookup."""

from __future__ import annotations

import streamlit as st

from course.progress import STATUS_ICONS, ModuleProgress
from course.ui import state


def notice() -> None:
    st.info(state.course().settings.notice, icon=":material/health_and_safety:")


def status_text(mp: ModuleProgress) -> str:
    """Status in words with an icon beside it: never colour alone."""
    text = f"{STATUS_ICONS[mp.status]} **{mp.label}**"
    if mp.best_percent is not None and mp.status != "passed":
        text += f" · best quiz score {mp.best_percent:.0f}%"
    elif mp.best_percent is not None:
        text += f" · quiz score {mp.best_percent:.0f}%"
    return text


def require_track() -> str | None:
    """The learner's track, or a prompt to choose one first (returns None then)."""
    track = state.session().track
    if track is None:
        st.warning("Choose how you want to take the course first: it sets which modules and text you see.")
        from course.ui import nav

        nav.button("Choose a track", "home", icon=":material/alt_route:", type="primary")
    return track


def live_region(slot, text: str, tone: str = "neutral") -> None:
    """A status message screen readers announce when it changes (WCAG 4.1.3).

    Streamlit's alerts are role="status" regions. Drawn into the same placeholder on every
    run, the browser keeps the one element and updates its text (a region that is replaced
    instead is often not read). Tone is carried by the words and the icon, never colour alone."""
    if tone == "good":
        slot.success(text, icon=":material/check_circle:")
    elif tone == "bad":
        slot.error(text, icon=":material/cancel:")
    else:
        slot.info(text, icon=":material/info:")
