"""Trainer dashboard: cohorts, completion funnel, scores, stuck learners, item analysis,
knowledge and attitude change, and exports. Reached only through the trainer navigation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from course import analytics, charts, dates, xapi
from course.analytics import MIN_GROUP
from course.records import MAX_COHORT_NAME
from course.typed import clean_name, name_problem
from course.ui import chart_view, lms_panel, nav, renewal_report, scenario_report, state, trainer_access
from course.ui.common import app_url, escape_markdown, plain_table

ALL = "All learners"
FRESH_FOR_S = 60  # trainers see figures at most a minute old; Refresh reloads at once


@st.cache_resource(ttl=FRESH_FOR_S, max_entries=8, show_spinner="Loading learner records…")
def _events(cohort: str | None, since: datetime | None, until: datetime | None) -> tuple:
    """The selection's events, shared by every trainer looking at the same selection."""
    db = state.store()
    events = db.events_for_cohort(cohort, since, until) if cohort else db.events_between(since, until)
    return tuple(events)


@st.cache_resource(ttl=FRESH_FOR_S, max_entries=64, show_spinner=False)
def _analysed(kind: str, key: tuple, extra: object = None):
    """One analysis of one selection, computed once per minute at most (see `_events`)."""
    course = state.course()
    events = _events(*key[:3])
    track = key[3]
    if kind == "funnel":
        return analytics.funnel(course, events, track)
    if kind == "scores":
        return analytics.score_distribution(events, extra, track=track)
    if kind == "items":
        return analytics.item_analysis(course, events, extra)
    if kind == "knowledge":
        return analytics.knowledge_gain(course, events)
    if kind == "attitudes":
        return analytics.attitude_change(course, events)
    if kind == "tracks":
        return analytics.learner_tracks(events)
    raise ValueError(kind)


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
    if st.button("Refresh figures", icon=":material/refresh:", help=f"Figures can be up to {FRESH_FOR_S} seconds old"):
        _events.clear()
        _analysed.clear()
    key = (cohort, since, until, track)
    events = _events(cohort, since, until)
    learner_tracks = _analysed("tracks", key)
    learners = set(learner_tracks)
    on_track = {lid for lid, t in learner_tracks.items() if t == track}
    st.write(
        f"**{len(learners)}** learner{'s' if len(learners) != 1 else ''} active in this period; "
        f"**{len(on_track)}** on the {track_title} track."
    )
    if len(on_track) < MIN_GROUP:
        st.info(
            f"Figures for groups of fewer than {MIN_GROUP} learners are hidden to protect their privacy.",
            icon=":material/visibility_off:",
        )

    steps = _analysed("funnel", key)
    st.header("Completion by module")
    chart = charts.funnel_chart(steps)
    chart_view.show(chart, charts.funnel_table(steps), "completion by module")

    st.header("Quiz scores")
    module_titles = {course.module(m).title: m for m in course.track(track).modules}
    picked = st.selectbox("Module", list(module_titles), key="dash-scores-module")
    dist = _analysed("scores", key, course.module(module_titles[picked]).quiz)
    chart = charts.score_distribution_chart(dist, course.track(track).pass_mark, title=f"Best quiz scores: {picked}")
    chart_view.show(chart, charts.score_distribution_table(dist), f"quiz scores for {picked}")

    stuck = _stuck(course, events)
    scenario_report.render(course, events)
    items = _items(course, key, module_titles)
    changes = _changes(key)
    scores = charts.score_distribution_table(dist).assign(quiz=course.module(module_titles[picked]).quiz)
    _exports(course, events, steps, items, changes, learners, stuck=stuck, scores=scores)
    renewal_report.render(course, events, cohort)  # issue 21: certificates due, refreshers
    lms_panel.render(db, course, cohort, since)


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
    with st.form("new-cohort", clear_on_submit=True):  # a second press does not make a twin
        # No max_chars: Streamlit drops a longer paste without a word; checked below.
        name = st.text_input("Cohort name", placeholder="e.g. Northside clinic, March intake")
        tracks = {t.title: t.id for t in course.settings.tracks}
        track = st.selectbox("Track", list(tracks))
        made = st.form_submit_button("Create cohort")
    if made:
        wanted = clean_name(name)  # invisible characters cannot make a blank name or a look-alike twin
        problem = wanted and name_problem(wanted, MAX_COHORT_NAME, "cohort name")
        if not wanted:
            st.error("Give the cohort a name, so you can find it later.", icon=":material/error:")
        elif problem:
            st.error(problem, icon=":material/error:")
        else:
            twin = next(
                (c for c in db.cohorts() if c.track == tracks[track] and c.name.casefold() == wanted.casefold()), None
            )
            if twin is not None:
                st.error(
                    f"There is already a cohort “{escape_markdown(twin.name)}” on this track (code {twin.code}). "
                    "Give its staff that code, or give the new cohort another name, such as one with the month.",
                    icon=":material/error:",
                )
            else:
                code = db.create_cohort(wanted, tracks[track], "trainer")
                st.success(
                    f"Cohort “{escape_markdown(wanted)}” created. Its code is {code}.", icon=":material/group_add:"
                )
    cohorts = db.cohorts()
    if cohorts:
        st.table(
            pd.DataFrame(
                [
                    {
                        "Cohort": escape_markdown(c.name),  # st.table reads Markdown: shown as typed
                        "Code": c.code,
                        "Track": c.track,
                        "Created": dates.day(c.created_at),
                    }
                    for c in cohorts
                ]
            ),
            hide_index=True,
        )


def _stuck(course, events) -> list:
    st.header("Learners who may be stuck")
    days = st.number_input("No activity for at least this many days", min_value=1, max_value=365, value=14, step=1)
    stuck = analytics.stuck_learners(course, events, datetime.now(UTC), inactive_days=int(days))
    if not stuck:
        st.write("Nobody in this selection looks stuck.")
        return stuck
    st.caption("Learners are shown by their pseudonymous id only. Reach them through your cohort's usual channel.")
    plain_table(
        pd.DataFrame(
            [{"Learner": s.learner_id[:8], "Why": s.reason, "Last active": dates.day(s.last_activity)} for s in stuck]
        )
    )
    return stuck


def _items(course, key, module_titles) -> list:
    st.header("Question analysis")
    st.write(
        "Facility is the share answering correctly on a first attempt. Discrimination is how well a question "
        "separates learners who did well on the rest of the quiz from those who did not (below 0 is a warning)."
    )
    picked = st.selectbox("Quiz", list(module_titles), key="dash-items-module")
    module = course.module(module_titles[picked])
    items = _analysed("items", key, module.quiz)
    chart = charts.item_facility_chart(items, title=f"How hard each question is: {picked}")
    chart_view.show(chart, charts.item_facility_table(items), f"question facility for {picked}")
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
                plain_table(
                    pd.DataFrame(
                        [
                            {"Answer": k, "Chosen": v, "Right answer": "yes" if k in item.answer_key else "no"}
                            for k, v in item.option_counts.items()
                        ]
                    )
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


def _changes(key) -> dict:
    st.header("Learning and attitude change")
    st.write("Paired by learner: only people who took both the start and the end check-ins count.")
    knowledge = _analysed("knowledge", key)
    chart = charts.change_chart([knowledge], unit="percentage points", title="Knowledge check: change")
    chart_view.show(chart, charts.change_table([knowledge]), "knowledge change")
    attitudes = _analysed("attitudes", key)
    if attitudes:
        chart = charts.change_chart(attitudes, unit="scale points", title="Attitudes: change by theme")
        chart_view.show(chart, charts.change_table(attitudes), "attitude change")
        st.caption("The attitude survey is the course's own feedback measure, not a validated scale.")
    return {"Knowledge check": knowledge, **attitudes}


def _exports(course, events, steps, items, changes, learners, stuck, scores: pd.DataFrame) -> None:
    st.header("Exports")
    tables = analytics.to_csv_tables(funnel=steps, items=items, stuck=stuck, changes=changes)
    tables = {"funnel": tables["funnel"], "scores": scores.to_csv(index=False), **tables}
    labels = {"funnel": "Completion", "scores": "Quiz scores", "items": "Questions", "stuck": "Stuck learners"}
    cols = st.columns(3)
    for n, (name, text) in enumerate(tables.items()):
        with cols[n % 3]:
            st.download_button(
                f"{labels.get(name, name.capitalize())} (CSV)",
                text,
                file_name=f"{name}.csv",
                mime="text/csv",
                icon=":material/download:",
                width="stretch",
                # No rerun on a click: a rerun made every file anew and cancelled the
                # downloads of the ones clicked just before (issue 18).
                on_click="ignore",
            )
    st.caption(
        "One CSV per table above. The quiz scores and question tables cover the quizzes chosen above them; "
        "the stuck learners table lists pseudonymous ids only."
    )
    if len(learners) < MIN_GROUP:
        st.caption(f"The xAPI export is not offered for fewer than {MIN_GROUP} learners.")
        return
    base = app_url() or "https://course.invalid"  # one base for every export, from any page
    st.download_button(
        "Learning records for this selection (xAPI JSON)",
        lambda: json.dumps(xapi.statements(events, base, course), indent=2),  # built only when asked for
        file_name="cohort-learning-records.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
    )
