"""Trainer dashboard: cohorts, completion funnel, scores, stuck learners, item analysis,
knowledge and attitude change, and exports. Reached only through the trainer navigation."""

from __future__ import annotations

import tempfile
import time as time_module
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, BinaryIO, cast

import pandas as pd
import streamlit as st

from course import analytics, analytics_db, charts, dates
from course.analytics import MIN_GROUP
from course.i18n import LANGUAGES
from course.records import MAX_COHORT_NAME, Store, StoreUnavailable
from course.schema import Course
from course.typed import clean_name, name_problem
from course.ui import chart_view, lms_panel, nav, renewal_report, scenario_report, state, trainer_access
from course.ui.common import app_url, escape_markdown, plain_table

ALL = "All learners"
# Figures are keyed on the newest stored event, so any new event makes the next render
# recompute them. This is only a backstop for a write committed out of order (PostgreSQL can
# commit a lower event number after a higher one): such an event shows within this long.
FRESH_FOR_S = 60
# While events keep arriving, figures younger than this are shown again (saying how old they
# are) instead of being recomputed on every render: a busy hospital writes events every second.
REUSE_FOR_S = 10
STUCK_SHOWN = 100  # rows of the stuck-learner table on the page; the CSV has every one


@st.cache_resource(show_spinner=False)
def _computed_at() -> dict:
    """Selection -> (newest event number, when) of the figures last computed for it."""
    return {}


def _figures_as_of(selection: analytics_db.Selection, newest: analytics_db.Newest) -> tuple[int, float]:
    """The event number to compute (or reuse) the figures at, and when they were computed."""
    seen = _computed_at()
    previous = seen.get(selection)
    now = time_module.time()
    if previous and (previous[0] == newest.seq or now - previous[1] < REUSE_FOR_S):
        return previous
    seen[selection] = (newest.seq, now)
    return seen[selection]


def _store() -> Store:
    """The course database (render() stops before any figure is asked for without one)."""
    db = state.store()
    if db is None:
        raise StoreUnavailable("no course database")
    return db


Key = tuple[analytics_db.Selection, int]  # a selection and the newest event its figures count
_PER_LEARNER = frozenset({"tracks", "funnel", "scores", "stuck", "sizes"})  # read the per-learner summary


def _fig(kind: str, key: Key, extra: Any = None) -> Any:
    """`_figure` for a (selection, event number) key."""
    return _figure(kind, key[0], key[1], extra)


@st.cache_resource(ttl=FRESH_FOR_S, max_entries=64, show_spinner="Working out the figures…")
def _figure(kind: str, selection: analytics_db.Selection, newest_seq: int, extra: Any = None) -> Any:
    """One figure of one selection, computed in the database once per new event at most and
    shared by every trainer looking at the same selection (`newest_seq` is in the key)."""
    db = _store()
    course = state.english_course()
    if kind == "learners":  # one read of the per-learner summary, shared by the figures below
        return analytics_db.learners(db, selection)
    learners = _figure("learners", selection, newest_seq) if kind in _PER_LEARNER else None
    if kind == "tracks":
        return analytics_db.learner_tracks(db, selection, learners)
    if kind == "funnel":
        return analytics_db.funnel(db, course, selection, extra, learners)
    if kind == "scores":
        return analytics_db.score_distribution(db, selection, extra[0], track=extra[1], learners=learners)
    if kind == "items":
        return analytics_db.item_analysis(db, course, selection, extra)
    if kind == "changes":
        return analytics_db.changes(db, course, selection)
    if kind == "by-language":
        return analytics_db.changes_by_language(db, course, selection)
    if kind == "stuck":
        now = datetime.now(UTC)
        return analytics_db.stuck_list(db, course, selection, now, int(extra), STUCK_SHOWN, learners=learners)
    if kind == "scenario-events":  # the few events the scenario and check reports read
        return analytics_db.scenario_events(db, course, selection)
    if kind == "refresher-events":  # the refresher sets and answers the renewal report reads
        return analytics_db.refresher_events(db, course, selection)
    if kind == "sizes":
        return analytics_db.export_sizes(db, selection, extra, course, learners=learners)
    raise ValueError(kind)


# Each figure's chart as Vega-Lite JSON, kept while the figure itself is cached (by identity:
# `_figure` hands out the same object until a new event arrives), so a render that recomputes
# nothing builds no Altair chart either (they cost most of a next render: docs/performance.md).
# Kept per text size too: a chart is built for the trainer's text size (Display settings), so
# at 200% its text doubles and its text rows wrap for that size, not for 100% (issue 22).
_PREPARED: dict[tuple[int, str, float], tuple[object, chart_view.Prepared]] = {}


def _show(figure: object, chart: Callable[[float], Any], table: Callable[[], pd.DataFrame], name: str) -> None:
    """chart_view.show for a dashboard figure, the chart (`chart(scale)`) built once per figure,
    name and text size."""
    scale = chart_view.text_scale()
    key = (id(figure), name, scale)
    entry = _PREPARED.get(key)
    if entry is None or entry[0] is not figure:
        if len(_PREPARED) >= 256:  # old figures' charts: start again rather than grow
            _PREPARED.clear()
        entry = (figure, chart_view.prepare(chart(scale), table()))
        _PREPARED[key] = entry
    chart_view.draw(entry[1], name)


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
    cols = st.columns(2)
    with cols[0]:
        cohort_label = st.selectbox("Cohort", [ALL, *labels], key="dash-cohort")
    with cols[1]:
        tracks = {t.title: t.id for t in course.settings.tracks}
        track_title = st.selectbox("Track", list(tracks), key="dash-track")
    # The period on a row of its own: in a third of the page its two dates were cut off at
    # 1280 px (issue 22), and a wider column still cuts them at 200% text.
    today = datetime.now(UTC).date()
    period = st.date_input("Dates", value=(today - timedelta(days=90), today), key="dash-dates", format="YYYY-MM-DD")
    since, until = _period(period)
    track = tracks[track_title]
    cohort = labels.get(cohort_label)
    selection = analytics_db.Selection(cohort, since, until)
    if st.button("Refresh figures", icon=":material/refresh:", help="Work the figures out again now"):
        _figure.clear()
        _computed_at().pop(selection, None)
    newest = analytics_db.newest(db)
    as_of_seq, as_of = _figures_as_of(selection, newest)
    key = (selection, as_of_seq)
    learner_tracks = _fig("tracks", key)
    learners = set(learner_tracks)
    on_track = {lid for lid, t in learner_tracks.items() if t == track}
    st.write(
        f"**{len(learners)}** learner{'s' if len(learners) != 1 else ''} active in this period; "
        f"**{len(on_track)}** on the {track_title} track."
    )
    st.caption(_freshness(newest, as_of_seq, as_of))
    if len(on_track) < MIN_GROUP:
        st.info(
            f"Figures for groups of fewer than {MIN_GROUP} learners are hidden to protect their privacy.",
            icon=":material/visibility_off:",
        )

    steps = _fig("funnel", key, track)
    st.header("Completion by module")
    _show(
        steps,
        lambda scale: charts.funnel_chart(steps, scale=scale),
        lambda: charts.funnel_table(steps),
        "completion by module",
    )

    st.header("Quiz scores")
    module_titles = {course.module(m).title: m for m in course.track(track).modules}
    picked = st.selectbox("Module", list(module_titles), key="dash-scores-module")
    dist = _fig("scores", key, (course.module(module_titles[picked]).quiz, track))
    _show(
        dist,
        lambda scale: charts.score_distribution_chart(
            dist, course.track(track).pass_mark, title=f"Best quiz scores: {picked}", scale=scale
        ),
        lambda: charts.score_distribution_table(dist),
        f"quiz scores for {picked}",
    )

    stuck = _stuck(key)
    scenario_report.render(course, _fig("scenario-events", key))
    items = _items(course, key, module_titles)
    changes = _changes(key)
    scores = charts.score_distribution_table(dist).assign(quiz=course.module(module_titles[picked]).quiz)
    _exports(course, key, steps, items, changes, learners, stuck=stuck, scores=scores)
    renewal_report.render(course, _fig("refresher-events", key), cohort)  # issue 21: certificates due, refreshers
    lms_panel.render(db, course, cohort, since)


def _freshness(newest: analytics_db.Newest, as_of_seq: int, as_of: float) -> str:
    """Say how current the figures are: every event stored when they were computed, which is
    this render unless events are arriving faster than REUSE_FOR_S (then say how old)."""
    if newest.timestamp is None:
        return "No learning events are stored yet."
    if as_of_seq == newest.seq:
        return (
            f"Figures include every learning event stored when this page was drawn, the newest made at "
            f"{newest.timestamp:%Y-%m-%d %H:%M:%S} UTC. New events are counted the next time the page is drawn."
        )
    age = max(0, round(time_module.time() - as_of))
    return (
        f"Figures are {age} second{'s' if age != 1 else ''} old: learning events stored since then are counted "
        f"within {REUSE_FOR_S} seconds, or at once with Refresh figures."
    )


def _period(value: object) -> tuple[datetime | None, datetime | None]:
    """The date input's value (one day, a range, or a range still being picked) as the
    half-open UTC interval it selects; (None, None) for no dates."""
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


def _cohorts(db: Store, course: Course) -> None:
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


def _stuck(key: Key) -> analytics_db.StuckList:
    st.header("Learners who may be stuck")
    days = st.number_input("No activity for at least this many days", min_value=1, max_value=365, value=14, step=1)
    stuck: analytics_db.StuckList = _fig("stuck", key, int(days))
    if not stuck.count:
        st.write("Nobody in this selection looks stuck.")
        return stuck
    st.caption("Learners are shown by their pseudonymous id only. Reach them through your cohort's usual channel.")
    if stuck.count > STUCK_SHOWN:
        # A hospital selection can list thousands: a table that long helps nobody and costs
        # every render. The CSV below has them all.
        st.caption(
            f"Showing the {STUCK_SHOWN} longest inactive of {stuck.count:,}. "
            "The Stuck learners CSV under Exports lists them all."
        )
    plain_table(
        pd.DataFrame(
            [
                {"Learner": s.learner_id[:8], "Why": s.reason, "Last active": dates.day(s.last_activity)}
                for s in stuck.shown
            ]
        )
    )
    return stuck


def _items(course: Course, key: Key, module_titles: dict[str, str]) -> list[analytics.ItemStats]:
    st.header("Question analysis")
    st.write(
        "Facility is the share answering correctly on a first attempt. Discrimination is how well a question "
        "separates learners who did well on the rest of the quiz from those who did not (below 0 is a warning)."
    )
    picked = st.selectbox("Quiz", list(module_titles), key="dash-items-module")
    module = course.module(module_titles[picked])
    items = _fig("items", key, module.quiz)
    _show(
        items,
        lambda scale: charts.item_facility_chart(items, title=f"How hard each question is: {picked}", scale=scale),
        lambda: charts.item_facility_table(items),
        f"question facility for {picked}",
    )
    for n, item in enumerate(items, start=1):
        with st.expander(f"Question {n}: {item.prompt} ({item.question_id})"):
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


def _changes(key: Key) -> dict[str, analytics.Change]:
    st.header("Learning and attitude change")
    st.write("Paired by learner: only people who took both the start and the end check-ins count.")
    knowledge, attitudes = _fig("changes", key)
    _show(
        knowledge,
        lambda scale: charts.change_chart(
            [knowledge], unit="percentage points", title="Knowledge check: change", scale=scale
        ),
        lambda: charts.change_table([knowledge]),
        "knowledge change",
    )
    if attitudes:
        _show(
            attitudes,
            lambda scale: charts.change_chart(
                attitudes, unit="scale points", title="Attitudes: change by theme", scale=scale
            ),
            lambda: charts.change_table(attitudes),
            "attitude change",
        )
        st.caption("The attitude survey is the course's own feedback measure, not a validated scale.")
    _by_language(key)
    return {"Knowledge check": knowledge, **attitudes}


def _by_language(key: Key) -> None:
    """The same change for each language learners took the check-ins in, when there is more
    than one: each language's figures hidden on their own under 5 learners (docs/analytics.md)."""
    groups: list[analytics.LanguageResults] = _fig("by-language", key)
    if len(groups) < 2:
        return
    st.subheader("By language", anchor="changes-by-language")
    st.write("The same change among the learners who took the check-ins in each language.")
    tables = []
    for group in groups:
        table = charts.change_table({"Knowledge check": group.knowledge, **group.attitude})
        table.insert(0, "Language", LANGUAGES.get(group.language, group.language))
        tables.append(table)
    st.table(pd.concat(tables, ignore_index=True), hide_index=True)


def _exports(
    course: Course,
    key: Key,
    steps: list[analytics.FunnelStep],
    items: list[analytics.ItemStats],
    changes: dict[str, analytics.Change],
    learners: set[str],
    stuck: analytics_db.StuckList,
    scores: pd.DataFrame,
) -> None:
    st.header("Exports")
    csvs = analytics.to_csv_tables(funnel=steps, items=items, changes=changes)
    # The stuck list grows with the selection (20,000 rows in a large one): written only when
    # asked for, not on every render.
    tables: dict[str, str | Callable[[], str]] = {
        "funnel": csvs["funnel"],
        "scores": scores.to_csv(index=False),
        "items": csvs["items"],
        "stuck": lambda: analytics.to_csv_tables(stuck=stuck.all())["stuck"],
        "changes": csvs["changes"],
    }
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
        st.caption(f"The learning-record exports are not offered for fewer than {MIN_GROUP} learners.")
        return
    selection = key[0]
    base = app_url() or "https://course.invalid"  # one base for every export, from any page
    sizes = _fig("sizes", key, base)
    st.write(
        f"Learning records for this selection: **{sizes.events:,}** events, about "
        f"**{_size(sizes.xapi_bytes)}** as xAPI JSON and **{_size(sizes.csv_bytes)}** as CSV."
    )
    halves = st.columns(2)
    with halves[0]:
        st.download_button(
            f"Learning records (xAPI JSON, about {_size(sizes.xapi_bytes)})",
            # Built only when asked for, from the database a batch at a time.
            lambda: _spooled(analytics_db.xapi_chunks(_store(), selection, base, course)),
            file_name="cohort-learning-records.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",  # a click must not rerun the dashboard (issue 18, defect 10)
        )
    with halves[1]:
        st.download_button(
            f"Learning records (CSV, about {_size(sizes.csv_bytes)})",
            lambda: _spooled(analytics_db.events_csv_chunks(_store(), selection)),
            file_name="cohort-learning-records.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )


def _size(n: int) -> str:
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} bytes"


def _spooled(chunks: Iterable[str]) -> BinaryIO:
    """The export written chunk by chunk to a temporary file (in memory while small), so the
    events themselves are never all loaded; Streamlit then serves the file's bytes."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned open, Streamlit reads it)
    for chunk in chunks:
        out.write(chunk.encode("utf-8"))
    out.seek(0)
    return cast(BinaryIO, out)  # a binary file object; typeshed types the spooled file apart
