"""My progress: overall progress bar, per-module status and scores, change of track."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from course.progress import check_ins
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
    st.caption("Your progress is kept for this browser session: it survives moving between pages, not a refresh.")

    _check_ins()

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


def _check_ins() -> None:
    course = state.course()
    done = check_ins(course, state.session().events())
    st.header("Check-ins")
    if done.pre_percent is None and done.post_percent is None and done.survey_start is None:
        st.write("You have not taken the check-ins yet. They are on the Before you start and Final check pages.")
        return
    before = f"{done.pre_percent:.0f}%" if done.pre_percent is not None else "not taken"
    after = f"{done.post_percent:.0f}%" if done.post_percent is not None else "not taken yet"
    line = f"Knowledge check: before **{before}**, after **{after}**"
    if done.gain is not None:
        line += f" (a change of **{done.gain:+.0f} points**)"
    st.markdown(line + ".")
    if done.survey_start is not None:
        rows = [
            {
                "Theme": theme,
                "Start (1 to 5)": f"{value:.1f}",
                "End (1 to 5)": f"{done.survey_end[theme]:.1f}" if done.survey_end else "not taken yet",
            }
            for theme, value in done.survey_start.items()
        ]
        st.markdown("Attitude survey, mean per theme (higher means more supportive views):")
        st.table(pd.DataFrame(rows), hide_index=True)
        st.caption("This is the course's own feedback measure, not a validated scale.")
