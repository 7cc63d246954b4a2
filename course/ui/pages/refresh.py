"""Refresh page: a short set of the learner's due questions (spaced refreshers, course.refresh).

The questions, their per-option feedback and the answers kept as they are chosen are the
quiz page's; a refresher answer is recorded as an answer event marked `refresher`, so it
feeds the learner's schedule and the trainers' retention figures but never a module's status.
"""

from __future__ import annotations

import streamlit as st

from course import certificates, refresh, renewal
from course.events import ANSWERED, COMPLETED, REFRESHER, question_activity, refresher_activity
from course.grading import grade_question, is_answered, passes
from course.records import StoreUnavailable
from course.ui import kept, nav, renewal_view, state
from course.ui.common import live_region, notice, require_track
from course.ui.kept import Keep
from course.ui.pages import quiz as quiz_page

SET_KEY = "refresher-set"  # (attempt, question ids): the set on screen, fixed once drawn
RESULT_KEY = "refresher-result"  # (attempt, [(item, QuestionResult)], percent)
MISSING_KEY = "refresher-missing"


def due_count(now=None) -> int:
    """How many of the learner's questions are due now (for Home and My progress)."""
    learner = state.session()
    if learner.track is None:
        return 0
    items = refresh.schedule(state.course(), learner.events(), learner.track)
    return len(refresh.due(items, now or state.now()))


def due_line() -> None:
    """One line saying how many refresher questions are due, with the way to them."""
    n = due_count()
    if n:
        st.write(f"**{n}** question{'s are' if n != 1 else ' is'} due for a refresher.")
        nav.button("Refresh what you learnt", "refresh", icon=":material/psychology:", key="to-refresh")


def _attempt(events) -> int:
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
    st.title("Refresh what you learnt")
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
        "A few questions from the modules you have passed, each coming back when you are about to "
        "forget it. Your answers here never change a module you have passed."
    )
    if not items:
        live_region(status, "Nothing to refresh yet: pass a module's quiz, and its questions come back here.")
        return
    if not chosen:
        later = refresh.next_due(items, state.now())
        when = f" The next one is due on {renewal_view.day(later)}." if later else ""
        live_region(status, f"Nothing is due right now.{when}", "good")
        return
    _show_form(chosen, attempt, track_id, status)


def _form(attempt: int) -> str:
    return f"refresh-{attempt}"


def _show_form(chosen: list[refresh.Item], attempt: int, track_id: str, status) -> None:
    course = state.course()
    st.header("Questions")
    form = _form(attempt)
    keep = Keep(refresher_activity(), track_id, attempt)
    quizzes = {i.question_id: course.quizzes[i.quiz_id] for i in chosen}
    restored = kept.restore(
        keep,
        {i.question_id: quiz_page._widget_keys(quizzes[i.question_id], form, i.question) for i in chosen},
        lambda item, answer: quiz_page._fitting(
            quizzes[item], form, next(i.question for i in chosen if i.question_id == item), answer
        ),
    )
    for n, item in enumerate(chosen, start=1):
        if item.scenario is not None:
            quiz_page._scenario_header(item.scenario)
        quiz_page.question_widget(quizzes[item.question_id], form, n, item.question, keep)
    quiz_page.group_questions(form)
    st.button(
        "Submit answers",
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
        live_region(status, quiz_page.restored_message(restored, len(chosen)))
    else:
        live_region(status, f"{len(chosen)} questions, about a minute each. " + quiz_page.QUIZ_INSTRUCTIONS)


def _submit(attempt: int, track_id: str) -> None:
    done = st.session_state.get(RESULT_KEY)
    if done is not None and done[0] == attempt:
        return  # a second press on its way before the result showed: recorded once
    course = state.course()
    learner = state.session()
    items = {i.question_id: i for i in refresh.schedule(course, learner.events(), track_id)}
    chosen = [items[q] for q in st.session_state[SET_KEY][1] if q in items]
    form = _form(attempt)
    responses = {
        i.question_id: quiz_page.response(course.quizzes[i.quiz_id], form, i.question, st.session_state) for i in chosen
    }
    missing = [n for n, i in enumerate(chosen, start=1) if not is_answered(i.question, responses[i.question_id])]
    if missing:
        st.session_state[MISSING_KEY] = (
            "Answer every question before you submit. Still to answer: question"
            f"{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))}. Your answers so far are kept."
        )
        return
    results = [(i, grade_question(i.question, responses[i.question_id])) for i in chosen]
    right = sum(r.correct for _, r in results)
    pass_mark = course.track(track_id).pass_mark
    now = state.now()
    answers = [
        dict(
            verb=ANSWERED,
            activity=question_activity(i.question_id),
            track=track_id,
            # No attempt number: the set's number is in the context, and a quiz's analytics group
            # answers by (track, attempt), where a refresher answer must never join an attempt.
            score=float(r.correct),
            max_score=1.0,
            success=r.correct,
            response=responses[i.question_id],
            context={REFRESHER: attempt, "module": i.module_id},
            timestamp=now,
        )
        for i, r in results
    ]
    outcome = dict(
        verb=COMPLETED,
        activity=refresher_activity(),
        track=track_id,
        attempt=attempt,
        score=float(right),
        max_score=float(len(results)),
        success=passes(right, len(results), pass_mark),
        timestamp=now,
    )
    learner.record_many([*answers, outcome])
    kept.clear(Keep(refresher_activity(), track_id, attempt))
    st.session_state[RESULT_KEY] = (attempt, results, 100.0 * right / len(results))
    nav.focus_after_run(quiz_page.RESULT_HEADING)


def _show_result(result, status, track_id: str) -> None:
    _, results, percent = result
    course = state.course()
    right = sum(r.correct for _, r in results)
    live_region(
        status, f"{right} of {len(results)} right ({percent:.0f}%).", "good" if right == len(results) else "neutral"
    )
    renewal_view.renew_if_met(track_id)
    st.header("Your result")
    refs = {r.id: r.citation for m in course.modules for r in m.references}
    for n, (item, r) in enumerate(results, start=1):
        module = course.module(item.module_id)
        headings = {s.id: s.heading for s in module.sections}
        heading = headings.get(item.section_id or "")
        with st.container(border=True, key=f"{quiz_page.FEEDBACK}{n}"):
            quiz_page.question_feedback(n, item.question, r, refs, heading)
            if heading:
                nav.button(
                    f"Read “{heading}” in “{module.title}”",
                    f"module:{module.id}",
                    query={"step": item.section_id},
                    icon=":material/menu_book:",
                    key=f"section-{n}",
                )
    if st.button("Done", icon=":material/check:", key="refresh-done", type="primary"):
        st.session_state.pop(RESULT_KEY, None)
        st.rerun()
