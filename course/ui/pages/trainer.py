"""Trainer dashboard: cohorts, completion funnel, scores, stuck learners, item analysis,
knowledge and attitude change, and exports. Reached only through the trainer navigation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from course import analytics, charts, xapi
from course.analytics import MIN_GROUP
from course.ui import chart_view, nav, state, trainer_access

ALL = "All learners"


def render() -> None:
    st.title("Trainer dashboard")
    if not trainer_access.is_trainer():
        st.error("This page is for trainers. Sign in on the Trainer sign-in page.", icon=":material/lock:")
        return
    trainer_access.sign_out_button()
    db = state.store()
    if db is None:
        st.error(
            "We can't reach the course database right now, so there is nothing to show.", icon=":material/cloud_off:"
        )
        return
    course = state.course()
    _cohorts(db, course)

    st.header("Filters")
    cohorts = db.cohorts()
    labels = {f"{c.name} ({c.code})": c.code for c in cohorts}
    cols = st.columns(3)
    with cols[0]:
        cohort_label = st.selectbox("Cohort", [ALL, *labels], key="dash-cohort")
    with cols[1]:
        tracks = {t.title: t.id for t in course.settings.tracks}
        track_title = st.selectbox("Track", list(tracks), key="dash-track")
    with cols[2]:
        today = datetime.now(UTC).date()
        period = st.date_input(
            "Dates", value=(today - timedelta(days=90), today), key="dash-dates", format="YYYY-MM-DD"
        )
    since, until = _period(period)
    track = tracks[track_title]
    cohort = labels.get(cohort_label)
    events = db.events_for_cohort(cohort, since, until) if cohort else db.events_between(since, until)
    events = analytics.filter_events(events, track=None, since=since, until=until)
    learners = {e.learner_id for e in events}
    on_track = {lid for lid, t in analytics.learner_tracks(events).items() if t == track}
    st.write(
        f"**{len(learners)}** learner{'s' if len(learners) != 1 else ''} active in this period; "
        f"**{len(on_track)}** on the {track_title} track."
    )
    if len(on_track) < MIN_GROUP:
        st.info(
            f"Figures for groups of fewer than {MIN_GROUP} learners are hidden to protect their privacy.",
            icon=":material/visibility_off:",
        )

    steps = analytics.funnel(course, events, track)
    st.header("Completion by module")
    chart = charts.funnel_chart(steps)
    chart_view.show(chart, charts.funnel_table(steps), chart.description, "completion by module")

    st.header("Quiz scores")
    module_titles = {course.module(m).title: m for m in course.track(track).modules}
    picked = st.selectbox("Module", list(module_titles), key="dash-scores-module")
    dist = analytics.score_distribution(events, course.module(module_titles[picked]).quiz)
    chart = charts.score_distribution_chart(dist, course.track(track).pass_mark, title=f"Best quiz scores: {picked}")
    chart_view.show(chart, charts.score_distribution_table(dist), chart.description, f"quiz scores for {picked}")

    _stuck(course, events)
    items = _items(course, events, module_titles)
    changes = _changes(course, events)
    _exports(course, events, steps, items, changes, learners)


def _period(value) -> tuple[datetime | None, datetime | None]:
    if isinstance(value, tuple) and len(value) == 2:
        start, end = value
    elif isinstance(value, tuple) and len(value) == 1:
        start, end = value[0], value[0]
    elif isinstance(value, date):
        start, end = value, value
    else:
        return None, None
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _cohorts(db, course) -> None:
    st.header("Cohorts")
    st.write("Create a cohort, then give its code to your staff: they enter it when they choose the staff track.")
    with st.form("new-cohort"):
        name = st.text_input("Cohort name", max_chars=80, placeholder="e.g. Northside clinic, March intake")
        tracks = {t.title: t.id for t in course.settings.tracks}
        track = st.selectbox("Track", list(tracks))
        made = st.form_submit_button("Create cohort")
    if made:
        if not name.strip():
            st.error("Give the cohort a name, so you can find it later.", icon=":material/error:")
        else:
            code = db.create_cohort(name.strip(), tracks[track], "trainer")
            st.success(f"Cohort “{name.strip()}” created. Its code is {code}.", icon=":material/group_add:")
    cohorts = db.cohorts()
    if cohorts:
        st.table(
            pd.DataFrame(
                [
                    {"Cohort": c.name, "Code": c.code, "Track": c.track, "Created": f"{c.created_at:%Y-%m-%d}"}
                    for c in cohorts
                ]
            ),
            hide_index=True,
        )


def _stuck(course, events) -> None:
    st.header("Learners who may be stuck")
    days = st.number_input("No activity for at least this many days", min_value=1, max_value=365, value=14, step=1)
    stuck = analytics.stuck_learners(course, events, datetime.now(UTC), inactive_days=int(days))
    if not stuck:
        st.write("Nobody in this selection looks stuck.")
        return
    st.caption("Learners are shown by their pseudonymous id only. Reach them through your cohort's usual channel.")
    st.table(
        pd.DataFrame(
            [
                {"Learner": s.learner_id[:8], "Why": s.reason, "Last active": f"{s.last_activity:%Y-%m-%d}"}
                for s in stuck
            ]
        ),
        hide_index=True,
    )


def _items(course, events, module_titles) -> list:
    st.header("Question analysis")
    st.write(
        "Facility is the share answering correctly on a first attempt. Discrimination is how well a question "
        "separates learners who did well on the rest of the quiz from those who did not (below 0 is a warning)."
    )
    picked = st.selectbox("Quiz", list(module_titles), key="dash-items-module")
    module = course.module(module_titles[picked])
    items = analytics.item_analysis(course, events, module.quiz)
    chart = charts.item_facility_chart(items, title=f"How hard each question is: {picked}")
    chart_view.show(chart, charts.item_facility_table(items), chart.description, f"question facility for {picked}")
    for n, item in enumerate(items, start=1):
        with st.expander(f"Question {n}: {item.prompt}"):
            if item.suppressed:
                st.write(item.suppressed)
                continue
            flags = ", ".join(item.flags) if item.flags else "none"
            line = (
                f"Answered by **{item.n}** · facility **{item.facility:.2f}** · discrimination "
                f"**{'n/a' if item.discrimination is None else f'{item.discrimination:.2f}'}** · flags: {flags}"
            )
            st.markdown(line)
            if item.uncertain:
                st.caption(
                    "Fewer than 20 learners answered: treat these figures as rough, they can change a lot "
                    "with a few more answers."
                )
            if item.option_counts:
                st.table(
                    pd.DataFrame(
                        [
                            {"Answer": k, "Chosen": v, "Right answer": "yes" if k in item.answer_key else "no"}
                            for k, v in item.option_counts.items()
                        ]
                    ),
                    hide_index=True,
                )
            if item.section:
                module_id, section_id = item.section
                st.page_link(
                    nav.page(f"module:{module_id}"),
                    label="Open the section this question tests",
                    icon=":material/menu_book:",
                    query_params={"step": section_id},
                )
    return items


def _changes(course, events) -> dict:
    st.header("Learning and attitude change")
    st.write("Paired by learner: only people who took both the start and the end check-ins count.")
    knowledge = analytics.knowledge_gain(course, events)
    chart = charts.change_chart([knowledge], unit="percentage points", title="Knowledge check: change")
    chart_view.show(chart, charts.change_table([knowledge]), chart.description, "knowledge change")
    attitudes = analytics.attitude_change(course, events)
    if attitudes:
        chart = charts.change_chart(attitudes, unit="scale points", title="Attitudes: change by theme")
        chart_view.show(chart, charts.change_table(attitudes), chart.description, "attitude change")
        st.caption("The attitude survey is the course's own feedback measure, not a validated scale.")
    return {"Knowledge check": knowledge, **attitudes}


def _exports(course, events, steps, items, changes, learners) -> None:
    st.header("Exports")
    tables = analytics.to_csv_tables(funnel=steps, items=items, changes=changes)
    cols = st.columns(len(tables))
    for col, (name, text) in zip(cols, tables.items(), strict=True):
        with col:
            st.download_button(
                f"{name.capitalize()} (CSV)", text, file_name=f"{name}.csv", mime="text/csv", icon=":material/download:"
            )
    if len(learners) < MIN_GROUP:
        st.caption(f"The xAPI export is not offered for fewer than {MIN_GROUP} learners.")
        return
    base = (st.context.url or "https://course.invalid").split("?")[0].rstrip("/")
    st.download_button(
        "Learning records for this selection (xAPI JSON)",
        json.dumps(xapi.statements(events, base, course), indent=2),
        file_name="cohort-learning-records.json",
        mime="application/json",
        icon=":material/download:",
    )
