"""Refresh page: a short set of the learner's due questions (spaced refreshers, course.refresh).

The questions, their per-option feedback and the answers kept as they are chosen are the
quiz page's; a refresher answer is recorded as an answer event marked `refresher`, so it
feeds the learner's schedule and the trainers' retention figures but never a module's status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from course import certificates, dates, refresh, renewal
from course.events import COMPLETED, Event, refresher_activity
from course.grading import QuestionResult
from course.learning import Refusal
from course.records import StoreUnavailable
from course.ui import kept, nav, question_widgets, renewal_view, state
from course.ui.common import live_region, notice, require_track
from course.ui.i18n import _, current_language, ngettext
from course.ui.kept import Keep

SET_KEY = "refresher-set"  # (attempt, question ids): the set on screen, fixed once drawn
RESULT_KEY = "refresher-result"  # (attempt, [(item, QuestionResult)], percent)
MISSING_KEY = "refresher-missing"


def _attempt(events: Iterable[Event]) -> int:
    return 1 + sum(e.verb == COMPLETED and e.activity == refresher_activity() for e in events)


def _renewal_open(track_id: str) -> bool:
    db, secret = state.store(), state.cert_secret()
    if db is None or secret is None:
        return False
    try:
        mine = certificates.for_learner(db, state.session().learner_id, secret)
    except StoreUnavailable:
        return False  # the set is then made of due questions only
    if not mine:
        return False
    opens = renewal.window_opens(state.course().track(track_id), mine[-1].expires_at)
    return opens is not None and state.now() >= opens


def render() -> None:
    st.title(_("Refresh what you learnt"))
    track_id = require_track()
    if track_id is None:
        return
    notice()
    course = state.course()
    learner = state.session()
    events = learner.events()
    attempt = _attempt(events)
    status = st.empty()
    result = st.session_state.get(RESULT_KEY)
    if result is not None and result[0] == attempt - 1:
        _show_result(result, status, track_id)
        return
    items = refresh.schedule(course, events, track_id)
    by_id = {i.question_id: i for i in items}
    shown = st.session_state.get(SET_KEY)
    if shown is None or shown[0] != attempt or not all(q in by_id for q in shown[1]):
        fill = _renewal_open(track_id)
        shown = (attempt, [i.question_id for i in refresh.next_set(items, state.now(), fill=fill)])
        st.session_state[SET_KEY] = shown
    chosen = [by_id[q] for q in shown[1]]
    st.write(
        _(
            "A few questions from the modules you have passed, each coming back when you are about to "
            "forget it. Your answers here never change a module you have passed."
        )
    )
    if not items:
        live_region(status, _("Nothing to refresh yet: pass a module's quiz, and its questions come back here."))
        return
    if not chosen:
        later = refresh.next_due(items, state.now())
        when = (
            " " + _("The next one is due on {day}.").format(day=dates.day(later, current_language())) if later else ""
        )
        live_region(status, _("Nothing is due right now.") + when, "good")
        return
    _show_form(chosen, attempt, track_id, status)


def _form(attempt: int) -> str:
    return f"refresh-{attempt}"


def _show_form(chosen: list[refresh.Item], attempt: int, track_id: str, status: DeltaGenerator) -> None:
    course = state.course()
    st.header(_("Questions"), anchor=question_widgets.QUESTIONS_ANCHOR)
    form = _form(attempt)
    keep = Keep(refresher_activity(), track_id, attempt)
    quizzes = {i.question_id: course.quizzes[i.quiz_id] for i in chosen}
    restored = kept.restore(
        keep,
        {i.question_id: question_widgets.widget_keys(quizzes[i.question_id], form, i.question) for i in chosen},
        lambda item, answer: question_widgets.fitting(
            quizzes[item], form, next(i.question for i in chosen if i.question_id == item), answer
        ),
    )
    for n, item in enumerate(chosen, start=1):
        if item.scenario is not None:
            question_widgets.scenario_header(item.scenario)
        question_widgets.question_widget(quizzes[item.question_id], form, n, item.question, keep)
    question_widgets.group_questions(form)
    st.button(
        _("Submit answers"),
        type="primary",
        icon=":material/send:",
        key=f"submit-{form}",
        on_click=_submit,
        args=(attempt, track_id),
    )
    missing = st.session_state.pop(MISSING_KEY, None)
    if missing:
        live_region(status, missing, "bad")
    elif restored:
        live_region(status, question_widgets.restored_message(restored, len(chosen)))
    else:
        live_region(
            status,
            ngettext("{n} question, about a minute each.", "{n} questions, about a minute each.", len(chosen)).format(
                n=len(chosen)
            )
            + " "
            + _(question_widgets.QUIZ_INSTRUCTIONS),
        )


def _submit(attempt: int, track_id: str) -> None:
    done = st.session_state.get(RESULT_KEY)
    if done is not None and done[0] == attempt:
        return  # a second press on its way before the result showed: recorded once
    course = state.course()
    learner = state.session()
    items = {i.question_id: i for i in refresh.schedule(course, learner.events(), track_id)}
    chosen = [items[q] for q in st.session_state[SET_KEY][1] if q in items]
    form = _form(attempt)
    values = cast(Mapping[str, Any], st.session_state)  # read only, by widget key
    responses = {
        i.question_id: question_widgets.response(course.quizzes[i.quiz_id], form, i.question, values) for i in chosen
    }
    pass_mark = course.track(track_id).pass_mark
    submitted = learner.submit_refresher(chosen, responses, attempt, track_id, pass_mark, state.now())
    if isinstance(submitted, Refusal):
        missing = submitted.missing
        st.session_state[MISSING_KEY] = (
            ngettext(
                "Answer every question before you submit. Still to answer: question {listed}.",
                "Answer every question before you submit. Still to answer: questions {listed}.",
                len(missing),
            ).format(listed=", ".join(map(str, missing)))
            + " "
            + _("Your answers so far are kept.")
        )
        return
    kept.clear(Keep(refresher_activity(), track_id, attempt))
    st.session_state[RESULT_KEY] = (attempt, list(submitted.results), submitted.percent)
    nav.focus_after_run(question_widgets.RESULT_HEADING)


def _show_result(
    result: tuple[int, list[tuple[refresh.Item, QuestionResult]], float], status: DeltaGenerator, track_id: str
) -> None:
    _attempt, results, percent = result
    course = state.course()
    right = sum(r.correct for _item, r in results)
    live_region(
        status,
        _("{right} of {total} right ({percent}%).").format(right=right, total=len(results), percent=f"{percent:.0f}"),
        "good" if right == len(results) else "neutral",
    )
    renewal_view.renew_if_met(track_id)
    st.header(_("Your result"), anchor=question_widgets.RESULT_ANCHOR)
    refs = {r.id: r.citation for m in course.modules for r in m.references}
    for n, (item, r) in enumerate(results, start=1):
        module = course.module(item.module_id)
        headings = {s.id: s.heading for s in module.sections}
        section_id = item.section_id or ""  # a section id is never empty: "" finds no heading
        heading = headings.get(section_id)
        with st.container(border=True, key=f"{question_widgets.FEEDBACK}{n}"):
            question_widgets.question_feedback(n, item.question, r, refs, heading)
            if heading:
                nav.button(
                    _("Read “{part}” in “{module}”").format(part=heading, module=module.title),
                    f"module:{module.id}",
                    query={"step": section_id},
                    icon=":material/menu_book:",
                    key=f"section-{n}",
                )
    if st.button(_("Done"), icon=":material/check:", key="refresh-done", type="primary"):
        st.session_state.pop(RESULT_KEY, None)
        st.rerun()
