"""Home: choose a track (first visit), then the course map with a Continue button."""

from __future__ import annotations

import streamlit as st

from course.progress import LOCKED, NOT_STARTED, PASSED_STATUS, check_ins
from course.records import MAX_DISPLAY_NAME
from course.typed import clean_name, name_problem
from course.ui import identity, nav, state, widgets
from course.ui.common import find_cohort, notice, status_text, waiting_for_record

STAFF_CODE_LABEL = "Cohort code from your trainer (clinic staff only, optional)"
STAFF_NAME_LABEL = "Your name as it should appear on your certificate (clinic staff only, optional)"


def render() -> None:
    course = state.course()
    learner = state.session()
    st.title(course.settings.title)
    st.write(course.settings.description)
    notice()
    nav.button(
        "Display settings",
        "settings",
        icon=":material/tune:",
        key="to-settings",
        help="Text size, contrast, motion, font",
    )
    if learner.track is None and learner.unread:
        waiting_for_record()  # never the track form: it would make them a new learner
        return
    if learner.track is None:
        # The form is drawn in a placeholder, so that once a track is chosen the course map
        # replaces it in the same script run.
        slot = st.empty()
        with slot.container():
            if not choose_track():
                return
        nav.focus_after_run("h2")  # the form's button is gone: focus "Your course: …"
        if not nav.menu_is_for(learner.track):
            # The menu was built before the choice, with every module in course order: run
            # once more so it lists the track's modules in its numbering. The form stays on
            # screen until the course map replaces it (no blank flash); the focus request
            # above is kept for that run.
            st.rerun()
        slot.empty()
    widgets.due_line()
    course_map()


def choose_track() -> bool:
    """The track form; True once the learner's choice is saved."""
    course = state.course()
    st.header("Choose how you want to take the course")
    st.write("You can change this later on the My progress page.")
    tracks = {t.title: t for t in course.settings.tracks}
    with st.form("choose-track"):
        choice = st.radio(
            "Track",
            list(tracks),
            index=None,
            captions=[t.description for t in tracks.values()],
        )
        st.markdown("**Clinic staff only** (leave blank otherwise)")
        # Each label says it too: a screen reader tabbing to a field does not hear the line above.
        # No max_chars: Streamlit drops a paste longer than the limit without a word; the
        # length is checked below, and a code is found inside a pasted sentence.
        cohort = st.text_input(STAFF_CODE_LABEL, placeholder="e.g. KX7-P2M")
        name = st.text_input(STAFF_NAME_LABEL)
        submitted = st.form_submit_button("Start the course", type="primary")
    if submitted:
        if choice is None:
            st.error("Choose one of the tracks above, then press Start the course.", icon=":material/error:")
            return False
        learner = state.session()
        name = clean_name(name)
        problem = name and name_problem(name, MAX_DISPLAY_NAME, "name for your certificate")
        if problem:
            st.error(f"{problem} Your other answers are kept.", icon=":material/error:")
            return False
        code = None
        if cohort.strip():
            found, problem = find_cohort(cohort, tracks[choice].id)
            if found is None:
                st.error(
                    f"{problem} Or leave the code blank and join later from My progress. Your other answers are kept.",
                    icon=":material/error:",
                )
                return False
            code = found.code
        learner.choose_track(tracks[choice].id, display_name=name or None, cohort=code)
        return True
    return False


def course_map() -> None:
    course = state.course()
    progress = state.session().progress()
    if progress.track is None:  # Home draws the map only once a track is chosen
        return
    track = course.track(progress.track)
    st.header(f"Your course: {track.title}")
    identity.resume_link_box()
    rule = (
        "one at a time: each opens when you pass the quiz before it"
        if track.sequencing == "sequential"
        else "in any order"
    )
    st.write(f"Take the modules {rule}. The pass mark for each quiz is **{track.pass_mark}%**.")
    st.progress(progress.fraction, text=f"{progress.passed} of {len(progress.modules)} modules passed")
    nav.button("View my progress", "progress", icon=":material/insights:", key="to-progress")
    checks = check_ins(course, state.session().events())
    if (
        course.settings.pre_test
        and checks.pre_percent is None
        and not any(m.attempts or m.sections_seen for m in progress.modules)
    ):
        with st.container(border=True):
            st.markdown(
                "**Before your first module:** a short knowledge check and attitude survey (about 10 minutes, "
                "optional) let you see what you learn by the end."
            )
            nav.button("Take the start check", "start-check", icon=":material/flag:", key="to-start-check")
    if progress.complete and course.settings.post_test and checks.post_percent is None:
        with st.container(border=True):
            st.markdown("**You finished every module.** Take the final check to see how much you learned.")
            nav.button(
                "Take the final check",
                "final-check",
                icon=":material/sports_score:",
                key="to-final-check",
                type="primary",
            )
    nxt = progress.next_module()
    if nxt is not None:
        verb = "Start" if nxt.status == NOT_STARTED else "Continue"
        st.button(
            f"{verb}: {nxt.title}",
            type="primary",
            icon=":material/play_arrow:",
            key="continue-main",
            on_click=nav.open_module,
            args=(nxt.module_id, nxt.resume_step),
        )
    elif progress.complete:
        st.success("You have passed every module on this track. Well done.", icon=":material/celebration:")

    st.header("Course map")
    for n, mp in enumerate(progress.modules, start=1):
        module = course.module(mp.module_id)
        with st.container(border=True):  # one text element per card: each element costs a message
            card = (
                f"### {n}. {module.title}\n\n{status_text(mp)} · about {module.estimated_minutes} minutes"
                f"\n\n{module.shown_summary(track.audience)}"
            )
            if mp.status == LOCKED:
                st.markdown(f"{card}\n\n:material/lock: {mp.locked_reason()}")
                continue
            st.markdown(card)
            label = {PASSED_STATUS: "Review", NOT_STARTED: "Start"}.get(mp.status, "Continue")
            st.button(
                f"{label} module {n}",
                key=f"open-{mp.module_id}",
                help=module.title,
                on_click=nav.open_module,
                args=(mp.module_id, mp.resume_step),
            )
