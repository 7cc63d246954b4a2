"""Home: choose a track (first visit), then the course map with a Continue button."""

from __future__ import annotations

import streamlit as st

from course.i18n import N_
from course.progress import LOCKED, NOT_STARTED, PASSED_STATUS, check_ins
from course.records import MAX_DISPLAY_NAME
from course.typed import clean_name, name_problem
from course.ui import identity, language, nav, state, widgets
from course.ui.common import find_cohort, notice, status_text, waiting_for_record
from course.ui.i18n import _, current_language, ngettext

# In English; each is shown through `_()` (tests find the fields by these labels).
STAFF_CODE_LABEL = N_("Cohort code from your trainer (clinic staff only, optional)")
STAFF_NAME_LABEL = N_("Your name as it should appear on your certificate (clinic staff only, optional)")


def render() -> None:
    course = state.course()
    learner = state.session()
    st.title(course.settings.title)
    st.write(course.settings.description)
    notice()
    language.choice("home")
    nav.button(
        _("Display settings"),
        "settings",
        icon=":material/tune:",
        key="to-settings",
        help=_("Text size, contrast, motion, font"),
    )
    if learner.track is None and learner.unread:
        waiting_for_record()  # never the track form: it would make them a new learner
        return
    if learner.track is None:
        # The choice is recorded in the form button's callback, before this run builds the
        # menu, so the run the press causes draws the course map and a menu that already lists
        # the track's modules: one run (docs/performance.md, issue 24).
        choose_track()
        return
    widgets.due_line()
    course_map()


TRACK_FORM_ERROR = "track-form-error"  # session: what the track form's callback refused, shown once


def choose_track() -> None:
    """The track form. Its button records the choice in its callback (`_record_track`), before
    the run it causes, whose menu and page are then the track's; a choice it refuses is said
    under the form, the other answers kept."""
    course = state.course()
    st.header(_("Choose how you want to take the course"))
    st.write(_("You can change this later on the My progress page."))
    tracks = {t.title: t.id for t in course.settings.tracks}
    with st.form("choose-track"):
        st.radio(
            _("Track"),
            list(tracks),
            index=None,
            captions=[t.description for t in course.settings.tracks],
            key="track-choice",
        )
        st.markdown(_("**Clinic staff only** (leave blank otherwise)"))
        # Each label says it too: a screen reader tabbing to a field does not hear the line above.
        # No max_chars: Streamlit drops a paste longer than the limit without a word; the
        # length is checked below, and a code is found inside a pasted sentence.
        st.text_input(_(STAFF_CODE_LABEL), placeholder=_("e.g. {code}").format(code="KX7-P2M"), key="track-cohort")
        st.text_input(_(STAFF_NAME_LABEL), key="track-name")
        st.form_submit_button(_("Start the course"), type="primary", on_click=_record_track, args=(tracks,))
    refused = st.session_state.pop(TRACK_FORM_ERROR, None)
    if refused:
        st.error(refused, icon=":material/error:")


def _record_track(tracks: dict[str, str]) -> None:
    """The track form's callback: check the answers and record the choice, or keep why not
    for the form to say (`TRACK_FORM_ERROR`)."""
    problem = _track_problem(tracks)
    if problem is not None:
        st.session_state[TRACK_FORM_ERROR] = problem


def _track_problem(tracks: dict[str, str]) -> str | None:
    """Record the track the form names (with its cohort code and name); None once recorded,
    else what is wrong, in the learner's language."""
    choice = st.session_state.get("track-choice")
    if choice not in tracks:
        return _("Choose one of the tracks above, then press Start the course.")
    track_id = tracks[choice]
    name = clean_name(st.session_state.get("track-name") or "")
    problem = name and name_problem(name, MAX_DISPLAY_NAME, "name for your certificate")
    if problem:  # the same checks, in the learner's language
        problem = (
            _(
                "The name for your certificate is {length} characters long; it can have at most {limit}. "
                "Shorten it, then try again."
            )
            if len(name) > MAX_DISPLAY_NAME
            else _("The name for your certificate has no letters or digits in it. Type it again with letters.")
        ).format(length=len(name), limit=MAX_DISPLAY_NAME)
        return _("{problem} Your other answers are kept.").format(problem=problem)
    code = None
    cohort = st.session_state.get("track-cohort") or ""
    if cohort.strip():
        found, problem = find_cohort(cohort, track_id)
        if found is None:
            return _(
                "{problem} Or leave the code blank and join later from My progress. Your other answers are kept."
            ).format(problem=problem)
        code = found.code
    learner = state.session()
    learner.choose_track(track_id, display_name=name or None, cohort=code)
    # The record exists now: a reload before this run ends keeps it. In the sidebar, not the
    # page: an element at the page's top would move every element down for this run only, and
    # Streamlit would draw them all anew on the next (closing an expander the learner opened).
    with st.sidebar:
        identity.hold_learner()
    # The menu this run builds lists the track's modules (the router reads `last_track`).
    learner.last_track = track_id
    nav.focus_after_run("h2")  # the form's button is gone: focus "Your course: …"
    return None


def course_map() -> None:
    course = state.course()
    progress = state.session().progress()
    if progress.track is None:  # Home draws the map only once a track is chosen
        return
    track = course.track(progress.track)
    st.header(_("Your course: {track}").format(track=track.title))
    identity.resume_link_box()
    rule = (
        _("Take the modules one at a time: each opens when you pass the quiz before it.")
        if track.sequencing == "sequential"
        else _("Take the modules in any order.")
    )
    st.write(rule + " " + _("The pass mark for each quiz is **{percent}%**.").format(percent=track.pass_mark))
    passed = ngettext(
        "{passed} of {total} module passed", "{passed} of {total} modules passed", len(progress.modules)
    ).format(passed=progress.passed, total=len(progress.modules))
    st.progress(progress.fraction, text=passed)
    nav.button(_("View my progress"), "progress", icon=":material/insights:", key="to-progress")
    checks = check_ins(course, state.session().events())
    if (
        course.settings.pre_test
        and checks.pre_percent is None
        and not any(m.attempts or m.sections_seen for m in progress.modules)
    ):
        with st.container(border=True):
            st.markdown(
                _(
                    "**Before your first module:** a short knowledge check and attitude survey (about 10 minutes, "
                    "optional) let you see what you learn by the end."
                )
            )
            nav.button(_("Take the start check"), "start-check", icon=":material/flag:", key="to-start-check")
    if progress.complete and course.settings.post_test and checks.post_percent is None:
        with st.container(border=True):
            st.markdown(_("**You finished every module.** Take the final check to see how much you learned."))
            nav.button(
                _("Take the final check"),
                "final-check",
                icon=":material/sports_score:",
                key="to-final-check",
                type="primary",
            )
    nxt = progress.next_module()
    if nxt is not None:
        label = _("Start: {module}") if nxt.status == NOT_STARTED else _("Continue: {module}")
        st.button(
            label.format(module=nxt.title),
            type="primary",
            icon=":material/play_arrow:",
            key="continue-main",
            on_click=nav.open_module,
            args=(nxt.module_id, nxt.resume_step),
        )
    elif progress.complete:
        st.success(_("You have passed every module on this track. Well done."), icon=":material/celebration:")

    st.header(_("Course map"))
    for n, mp in enumerate(progress.modules, start=1):
        module = course.module(mp.module_id)
        with st.container(border=True):  # one text element per card: each element costs a message
            minutes = _("about {minutes} minutes").format(minutes=module.estimated_minutes)
            status = f"{status_text(mp)} · {minutes}"
            if mp.status == LOCKED:
                status += f"\n\n:material/lock: {mp.locked_reason(current_language())}"
            summary = module.shown_summary(track.audience)
            if language.content_in_english():
                # The staff track's content is English only: on a page in another language its
                # title and summary are a part of their own that says so (lang="en").
                with language.english(f"module-{mp.module_id}"):
                    st.markdown(f"### {n}. {module.title}\n\n{summary}")
                st.markdown(status)
            else:
                st.markdown(f"### {n}. {module.title}\n\n{status}\n\n{summary}")
            if mp.status == LOCKED:
                continue
            label = {
                PASSED_STATUS: _("Review module {number}"),
                NOT_STARTED: _("Start module {number}"),
            }.get(mp.status, _("Continue module {number}"))
            st.button(
                label.format(number=n),
                key=f"open-{mp.module_id}",
                help=module.title,
                on_click=nav.open_module,
                args=(mp.module_id, mp.resume_step),
            )
