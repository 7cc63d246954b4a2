"""The trainer dashboard's learning-platform panel: completions for a spreadsheet or LMS
import (course/lms/completions.py), and how forwarding to the LRS is going (pending and
failed statements, course/lms/outbox.py). One call from the dashboard."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from course import dates
from course.lms import completions, outbox
from course.records import Store, StoreUnavailable
from course.schema import Course
from course.ui import state


def render(db: Store, course: Course, cohort: str | None, since: datetime | None) -> None:
    st.header("Learning platforms")
    st.subheader("Completions for your LMS or spreadsheet")
    if cohort is None:
        st.write("Choose a cohort in the filters above to download its completions.")
    else:
        day = since.date() if since else date(2000, 1, 1)
        try:
            text = completions.to_csv(completions.rows(db, course, cohort, day))
        except (LookupError, StoreUnavailable) as exc:
            st.error(f"The completions cannot be read right now: {exc}", icon=":material/error:")
        else:
            st.download_button(
                "Completions (CSV)",
                text,
                file_name=f"completions-{cohort}-since-{day.isoformat()}.csv",
                mime="text/csv",
                icon=":material/download:",
                on_click="ignore",
            )
            st.caption(
                f"One row per learner and module, and per learner who completed the course, since {dates.day(day)}: "
                "learner id, e-mail when known, name, course code, item, completion date, score, pass or fail, "
                "certificate id (docs/lms.md)."
            )
    st.subheader("Statements forwarded to the learning record store")
    if not state.setting(outbox.ENDPOINT_SETTING):
        st.write("No learning record store is set up (COURSE_LRS_ENDPOINT), so nothing is forwarded.")
        return
    try:
        counts = outbox.counts(db)
        error = outbox.last_error(db)
    except StoreUnavailable as exc:
        st.error(f"The forwarding figures cannot be read right now: {exc}", icon=":material/error:")
        return
    cols = st.columns(3)
    cols[0].metric("Waiting to be sent", counts.pending)
    cols[1].metric("Refused by the LRS", counts.failed)
    cols[2].metric("Sent", counts.sent)
    if error and (counts.pending or counts.failed):
        st.warning(f"Last problem: {error}", icon=":material/sync_problem:")
