"""The trainer dashboard's "Scenario paths" part: per scenario, how many learners took each
choice at each step and reached each ending, with a CSV of every scenario. Privacy as in the
rest of the dashboard: a step or the endings with fewer than MIN_GROUP learners show no numbers."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from course.events import Event
from course.scenario_analytics import all_scenario_paths, check_stats, paths_csv
from course.schema import RATING_WORDS, Course
from course.ui.common import plain_table


def render(course: Course, events: Sequence[Event]) -> None:
    """Draw the parts: scenario paths, then inline checks (each only when the course has some)."""
    _paths(course, events)
    _checks(course, events)


def _checks(course: Course, events: Sequence[Event]) -> None:
    stats = check_stats(course, events)
    if not stats:
        return
    st.header("Check your understanding: how the inline checks land")
    st.write(
        "For each ungraded check after a section, the learners who answered it and the share whose first "
        "answer was right. A low share points at a paragraph that does not land. Fewer than 5 learners: hidden."
    )
    titles = {m.id: m.title for m in course.modules}
    plain_table(
        pd.DataFrame(
            [
                {
                    "Module": titles[s.module_id],
                    "Section": s.section_id,
                    "Check": s.prompt,
                    "Learners": "hidden" if s.learners is None else s.learners,
                    "Right first time (%)": "hidden" if s.first_right is None else round(100 * s.first_right),
                }
                for s in stats
            ]
        )
    )


def _paths(course: Course, events: Sequence[Event]) -> None:
    if not course.scenarios:
        return
    st.header("Scenario paths")
    st.write(
        "Which choice learners took at each step of each practice scenario, and which ending they reached. "
        "Each learner counts once per choice they ever took, so replays do not inflate the numbers."
    )
    reports = all_scenario_paths(course, events)
    titles = {r.title: r for r in reports}
    picked = st.selectbox("Scenario", list(titles), key="dash-scenario")
    report = titles[picked]
    for n, step in enumerate(report.steps, start=1):
        with st.expander(f"Step {n} ({step.step_id}): {' '.join(step.situation.split())[:80]}…"):
            if step.suppressed:
                st.write(step.suppressed)
                continue
            st.markdown(f"Chosen by **{step.learners}** learner{'s' if step.learners != 1 else ''} at this step.")
            plain_table(
                pd.DataFrame(
                    [{"Choice": text, "Leads to": to, "Learners": count} for _, text, to, count in step.choices]
                )
            )
    st.subheader("Endings reached", anchor=False)
    if report.endings.suppressed:
        st.write(report.endings.suppressed)
    else:
        st.markdown(f"**{report.endings.learners}** learners reached an ending.")
        plain_table(
            pd.DataFrame(
                [
                    {"Ending": title, "Rating": RATING_WORDS.get(rating or "", "Not rated"), "Learners": count}
                    for _, title, rating, count in report.endings.endings
                ]
            )
        )
    st.download_button(
        "Scenario paths (CSV)",
        paths_csv(reports),
        file_name="scenario-paths.csv",
        mime="text/csv",
        icon=":material/download:",
        key="dash-scenario-csv",
        on_click="ignore",  # a click must not rerun the dashboard (issue 18, defect 10)
    )
