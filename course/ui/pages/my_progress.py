"""My progress: overall progress bar, per-module status and scores, change of track."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from course.ui import state
from course.ui.common import notice, require_track


def render() -> None:
    course = state.course()
    st.title("My progress")
    track_id = require_track()
    if track_id is None:
        return
    notice()
    progress = state.session().progress()
    track = course.track(track_id)
    st.write(f"Track: **{track.title}** · pass mark {track.pass_mark}%")
    st.progress(
        progress.fraction, text=f"{progress.passed} of {len(progress.modules)} modules passed ({progress.fraction:.0%})"
    )
    if progress.complete:
        st.success("You have passed every module on this track.", icon=":material/celebration:")

    st.header("Modules")
    rows = []
    for n, mp in enumerate(progress.modules, start=1):
        rows.append(
            {
                "Module": f"{n}. {mp.title}",
                "Status": mp.label,
                "Sections read": f"{mp.sections_seen} of {mp.sections_total}",
                "Quiz attempts": mp.attempts,
                "Best score": f"{mp.best_percent:.0f}%" if mp.best_percent is not None else "–",
                "Latest score": f"{mp.latest_percent:.0f}%" if mp.latest_percent is not None else "–",
            }
        )
    st.table(pd.DataFrame(rows), hide_index=True)
    st.caption(
        "Your progress is kept for this browser session. Saving it across visits and devices "
        "arrives with learner records."
    )

    st.header("Change track")
    others = [t for t in course.settings.tracks if t.id != track_id]
    with st.form("change-track"):
        choice = st.radio("Switch to", [t.title for t in others], index=None)
        st.caption("Each track keeps its own quiz results; switching back later restores them.")
        if st.form_submit_button("Switch track"):
            if choice is None:
                st.error("Choose a track to switch to.", icon=":material/error:")
            else:
                state.session().choose_track(next(t.id for t in others if t.title == choice))
                st.rerun()
