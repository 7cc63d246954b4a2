"""My progress: how the learner is doing and what to do next, at a glance.

Top to bottom: how many modules are passed and the one next step (the page's only primary
button), the modules as status tiles above the full module table, the check-ins (in words,
as two small charts side by side on a wide screen, and the survey's table), scores and time,
certificate, records and change of track. Every chart has its takeaway as a caption and its
numbers as a table, so a screen reader user gets the same information."""

from __future__ import annotations

import json
import logging

import streamlit as st

from course import analytics, certificates, xapi
from course.i18n import N_
from course.learning import Refusal
from course.progress import NOT_STARTED, CheckIns, LearnerProgress, check_ins, completion_steps
from course.records import MAX_DISPLAY_NAME, StoreUnavailable
from course.typed import clean_name, name_problem
from course.ui import chart_view, identity, nav, renewal_view, state, widgets
from course.ui.common import app_url, escape_markdown, find_cohort, notice, require_track
from course.ui.i18n import _, current_language, ngettext

_log = logging.getLogger(__name__)


def render() -> None:
    course = state.course()
    st.title(_("My progress"))
    if st.session_state.pop("deleted-notice", False):
        st.success(
            _("Your records are deleted. You can start again whenever you like."), icon=":material/check_circle:"
        )
    track_id = require_track()
    if track_id is None:
        return
    notice()
    identity.resume_link_box()
    progress = state.session().progress()
    track = course.track(track_id)
    cohort = state.session().cohort
    st.write(
        _("Track: **{track}** · pass mark {mark}%").format(track=track.title, mark=track.pass_mark)
        + (" · " + _("cohort **{cohort}**").format(cohort=escape_markdown(cohort)) if cohort else "")
    )
    done = check_ins(course, state.session().events())
    scale = chart_view.text_scale()
    lang = current_language()
    _next_step(progress, done)
    widgets.due_line()
    st.header(_("Modules"))
    # Its table alternative is the module table right after it (the same statuses and more).
    chart_view.draw(
        chart_view.learner_chart("status", progress.modules, scale=scale, lang=lang), _("modules"), table=False
    )
    rows = []
    of = _("{done} of {total}")
    for n, mp in enumerate(progress.modules, start=1):
        rows.append(
            {
                _("Module"): f"{n}. {mp.title}",
                _("Status"): mp.shown_label(lang),
                _("Sections read"): of.format(done=mp.sections_seen, total=mp.sections_total),
                # Only on a track with practice scenarios (issue 27): none is "–", not "0 of 0".
                **(
                    {
                        _("Scenarios played"): of.format(done=mp.scenarios_done, total=mp.scenarios_total)
                        if mp.scenarios_total
                        else "–"
                    }
                    if any(m.scenarios_total for m in progress.modules)
                    else {}
                ),
                _("Quiz attempts"): mp.attempts,
                _("Best score"): f"{mp.best_percent:.0f}%" if mp.best_percent is not None else "–",
                _("Latest score"): f"{mp.latest_percent:.0f}%" if mp.latest_percent is not None else "–",
            }
        )
    chart_view.rows_table(rows)  # the same rows, the same table: converted once (docs/performance.md)
    _check_ins(done, scale, lang)
    _score_and_time_charts(progress, scale, lang)
    if track.certificate:
        _certificate(progress, track_id)
    joined = st.session_state.pop("joined-cohort", None)
    if joined:
        st.success(
            _("You joined the cohort “{cohort}”. Your trainer now sees your progress.").format(
                cohort=escape_markdown(joined)
            ),
            icon=":material/group:",
        )
    elif not cohort:
        _join_cohort(track_id)
    _records()

    st.header(_("Change track"))
    others = [t for t in course.settings.tracks if t.id != track_id]
    with st.form("change-track"):
        choice = st.radio(_("Switch to"), [t.title for t in others], index=None)
        st.caption(_("Each track keeps its own quiz results; switching back later restores them."))
        if st.form_submit_button(_("Switch track")):
            if choice is None:
                st.error(_("Choose a track to switch to."), icon=":material/error:")
            else:
                state.session().choose_track(next(t.id for t in others if t.title == choice))
                st.rerun()


CERTIFICATES_UNREACHABLE = N_("Certificates need the course database, which can't be reached right now.")


def _join_cohort(track_id: str) -> None:
    """For a learner who left the cohort code blank when choosing a track (Home says they can
    join here later)."""
    with st.expander(_("Join your trainer's cohort"), icon=":material/group_add:"):
        with st.form("join-cohort"):
            # No max_chars: Streamlit drops a longer paste without a word (see Home).
            code = st.text_input(_("Cohort code from your trainer"), placeholder=_("e.g. KX7-P2M"))
            joined = st.form_submit_button(_("Join cohort"))
        if not joined:
            return
        if not code.strip():
            st.error(_("Type the cohort code your trainer gave you, then press Join cohort."), icon=":material/error:")
            return
        found, problem = find_cohort(code, track_id)
        if found is None:
            st.error(problem, icon=":material/error:")
            return
        if isinstance(state.session().join_cohort(found), Refusal):
            st.error(
                _("We can't reach the course database to save this right now. Try again in a few minutes."),
                icon=":material/cloud_off:",
            )
            return
        st.session_state["joined-cohort"] = found.name
        st.rerun()


def _next_step(progress: LearnerProgress, done: CheckIns) -> None:
    """How far the learner is, and the one thing to do next as the page's primary button."""
    course = state.course()
    with st.container(border=True):
        st.progress(
            progress.fraction,
            text=_("{passed} of {total} modules passed ({percent}%)").format(
                passed=progress.passed, total=len(progress.modules), percent=f"{100 * progress.fraction:.0f}"
            ),
        )
        nxt = progress.next_module()
        if nxt is not None:
            starting = nxt.status == NOT_STARTED
            n = progress.modules.index(nxt) + 1
            step = (_("start module {n}, {title}.") if starting else _("continue module {n}, {title}.")).format(
                n=n, title=escape_markdown(nxt.title)
            )
            st.markdown("**" + _("Next step:") + f"** {step}")
            st.button(
                (_("Start: {title}") if starting else _("Continue: {title}")).format(title=nxt.title),
                type="primary",
                icon=":material/play_arrow:",
                key="progress-next",
                on_click=nav.open_module,
                args=(nxt.module_id, nxt.resume_step),
            )
        elif progress.complete and course.settings.post_test and done.post_percent is None:
            st.markdown(
                "**"
                + _("Next step:")
                + "** "
                + _("you passed every module; take the final check to see what you learned.")
            )
            nav.button(
                _("Take the final check"),
                "final-check",
                icon=":material/sports_score:",
                key="progress-final",
                type="primary",
            )
        elif progress.complete:
            st.success(_("You have passed every module on this track."), icon=":material/celebration:")
        else:  # every module not passed is locked: the learner waits for nothing they can do here
            st.markdown("**" + _("Next step:") + "** " + _("the next module opens when you pass the quiz before it."))


def _change_charts(done: CheckIns, scale: float, lang: str) -> None:
    """Knowledge check and attitude survey, start against end: two small charts, side by side
    where the page is wide enough (Streamlit stacks columns on a narrow screen; at a large
    text size they stack everywhere, each then as wide as the page)."""
    have_knowledge = done.pre_percent is not None or done.post_percent is not None
    have_views = done.survey_start is not None
    columns = st.columns(2, gap="medium") if have_knowledge and have_views and scale < 1.5 else None
    if have_knowledge:
        with columns[0] if columns else st.container():
            chart_view.draw(
                chart_view.learner_chart("pre_post", done.pre_percent, done.post_percent, scale=scale, lang=lang),
                _("knowledge check"),
            )
    if done.survey_start is not None:
        end = done.survey_end or {}
        themes = tuple((t, (v, end.get(t))) for t, v in done.survey_start.items())
        with columns[1] if columns else st.container():
            chart_view.draw(
                chart_view.learner_chart("attitude", themes, scale=scale, lang=lang), _("attitude survey by theme")
            )


def _check_ins(done: CheckIns, scale: float, lang: str) -> None:
    """The check-ins in words, as charts, and the survey's theme means as a table."""
    st.header(_("Check-ins: since you started"))
    if done.pre_percent is None and done.post_percent is None and done.survey_start is None:
        st.write(_("You have not taken the check-ins yet. They are on the Before you start and Final check pages."))
        return
    before = f"{done.pre_percent:.0f}%" if done.pre_percent is not None else _("not taken")
    after = f"{done.post_percent:.0f}%" if done.post_percent is not None else _("not taken yet")
    line = _("Knowledge check: before **{before}**, after **{after}**").format(before=before, after=after)
    if done.gain is not None:
        line += " " + _("(a change of **{change} points**)").format(change=f"{done.gain:+.0f}")
    st.markdown(line + ".")
    _change_charts(done, scale, lang)
    if done.survey_start is not None:
        rows = [
            {
                _("Theme"): theme,
                _("Start (1 to 5)"): f"{value:.1f}",
                _("End (1 to 5)"): f"{done.survey_end[theme]:.1f}" if done.survey_end else _("not taken yet"),
            }
            for theme, value in done.survey_start.items()
        ]
        st.markdown(_("Attitude survey, mean per theme (higher means more supportive views):"))
        chart_view.rows_table(rows)
        st.caption(_("This is the course's own feedback measure, not a validated scale."))


def _certificate(progress: LearnerProgress, track_id: str) -> None:
    course = state.course()
    learner = state.session()
    st.header(_("Certificate"))
    db = state.store()
    if db is None:
        st.write(_(CERTIFICATES_UNREACHABLE))
        return
    secret = state.cert_secret()
    if secret is None:
        st.warning(_(state.CERTIFICATES_OFF), icon=":material/key_off:")
        return
    try:
        mine = certificates.for_learner(db, learner.learner_id, secret)  # read once per run
        renewed = renewal_view.renew_if_met(track_id, mine)  # e.g. the changed modules were passed again
        if renewed is not None:
            mine = [*mine, renewed]
    except StoreUnavailable:  # the database stopped answering after start-up
        st.write(_(CERTIFICATES_UNREACHABLE))
        return
    if mine:
        renewal_view.show(mine[-1], track_id)
        return
    if not progress.complete:
        # the track's rule (course.yaml `completion:`)
        steps = completion_steps(course.track(track_id), current_language())
        st.write(
            _(
                "Complete every module on this track to earn a certificate your employer can verify. "
                "In each module, {steps}."
            ).format(steps=steps)
        )
        return
    with st.form("certificate"):
        name = st.text_input(_("Your full name, as it should appear"), value=learner.display_name or "")
        issue = st.form_submit_button(_("Issue my certificate"), type="primary")
    if issue:
        name = clean_name(name)  # no blank, look-alike or reversed names on a certificate
        if not name:
            st.error(_("Enter your name: it is printed on the certificate."), icon=":material/error:")
            return
        problem = name_problem(name, MAX_DISPLAY_NAME)
        if problem:
            st.error(problem, icon=":material/error:")
            return
        learner.sync(register=True)
        scores = [m.best_percent or 0.0 for m in progress.modules]
        track = course.track(track_id)
        try:
            certificates.issue(
                db,
                learner.learner_id,
                name,
                course,
                sum(scores) / len(scores),
                secret,
                state.now(),
                track.validity_months,
            )
            db.set_display_name(learner.learner_id, name)
        except StoreUnavailable:
            st.error(
                _(
                    "We can't reach the course database to issue your certificate right now. Nothing is lost: "
                    "try again in a few minutes."
                ),
                icon=":material/cloud_off:",
            )
            return
        learner.display_name = name
        st.rerun()


def _records() -> None:
    learner = state.session()
    st.header(_("Your records"))
    events = learner.events()
    st.write(
        ngettext(
            "The course keeps {n} learning record for you: what you opened, how you answered and your "
            "results. You can take a copy or delete them.",
            "The course keeps {n} learning records for you: what you opened, how you answered and your "
            "results. You can take a copy or delete them.",
            len(events),
        ).format(n=len(events))
    )
    base = app_url() or "https://course.invalid"  # one base for every export, from any page
    st.download_button(
        _("Download my records (xAPI JSON)"),
        lambda: json.dumps(xapi.statements(events, base, state.course()), indent=2),  # built only when asked for
        file_name="my-learning-records.json",
        mime="application/json",
        icon=":material/download:",
        disabled=not events,
    )
    with st.expander(_("Delete my records")):
        st.write(
            _(
                "This deletes your progress, quiz results, survey answers and any certificate, on every "
                "device. It cannot be undone."
            )
        )
        confirm = st.checkbox(_("I understand: delete all my records"), key="confirm-delete")
        if st.button(_("Delete my records"), type="primary", disabled=not confirm, icon=":material/delete_forever:"):
            if isinstance(learner.delete_records(), Refusal):
                st.error(_("We can't reach the course database right now, so nothing was deleted. Try again later."))
                return
            identity.new_session()
            st.session_state["deleted-notice"] = True
            st.rerun()


def _score_and_time_charts(progress: LearnerProgress, scale: float, lang: str) -> None:
    """Best quiz score per module, and the estimated time spent on each. Only this learner's
    own data: everything here comes from their own events."""
    course = state.course()
    events = state.session().events()
    minutes = analytics.time_per_module(course, events)
    on_track = {m.module_id for m in progress.modules}
    # To a tenth of a minute, as the table shows: the same numbers draw the same chart. Drawn
    # once there is a tenth of a minute to show (a few seconds' reading rounds to "0 min").
    by_title = tuple((course.module(mid).title, round(m, 1)) for mid, m in minutes.items() if mid in on_track)
    st.header(_("Scores and time"))
    chart_view.draw(
        chart_view.learner_chart("scores", progress.modules, scale=scale, lang=lang),
        _("best quiz score by module"),
    )
    if any(m for _title, m in by_title):
        chart_view.draw(chart_view.learner_chart("time", by_title, scale=scale, lang=lang), _("time per module"))
