"""A module quiz: answer, submit, read per-option feedback and explanations, retry."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from course.events import FAILED, PASSED, quiz_activity
from course.grading import QuizResult, is_answered
from course.learning import Refusal
from course.progress import PASSED_STATUS
from course.schema import Gradable, Module, Quiz, Scenario
from course.ui import kept, language, listen, nav, state
from course.ui.common import live_region, notice, require_track
from course.ui.i18n import _, current_language, ngettext
from course.ui.kept import Keep
from course.ui.question_widgets import (
    FEEDBACK,
    QUESTIONS_ANCHOR,
    QUESTIONS_HEADING,
    QUIZ_INSTRUCTIONS,
    RESULT_ANCHOR,
    RESULT_HEADING,
    fitting,
    group_questions,
    question_control,
    question_feedback,
    question_widget,
    response,
    restore,
    restored_message,
    scenario_header,
)

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def render(module_id: str) -> None:
    course = state.course()
    module = course.module(module_id)
    quiz = course.quizzes[module.quiz]
    with language.content("quiz-title"):  # the staff track's quizzes are English only
        st.title(quiz.title)
    if language.content_in_english():
        language.english_only_note()
    notice()  # on every state of the page: locked, waiting for scenarios, or open
    track_id = require_track()
    if track_id is None:
        return
    track = course.track(track_id)
    mp = state.session().progress().module(module_id)
    if mp.is_locked:
        st.warning(mp.locked_reason(current_language()), icon=":material/lock:")
        return
    if not mp.quiz_open:
        from course.ui.scenario_view import quiz_waits

        quiz_waits(module, mp)
        return
    items = quiz.items(track_id)
    result = st.session_state.get(_result_key(quiz.id, track_id))
    _submitted_elsewhere(quiz.id, track_id, result)
    attempt = _attempt(quiz.id, track_id, mp.attempts, result)
    st.session_state.setdefault(f"started-{quiz.id}-{track_id}-{attempt}", time.time())
    st.write(
        _("{n} questions · pass mark {mark}% ({needed} correct) · attempt {attempt}").format(
            n=len(items), mark=track.pass_mark, needed=-(-track.pass_mark * len(items) // 100), attempt=attempt
        )
    )
    if quiz.intro:
        with language.content("quiz-intro"):
            st.write(quiz.intro)
    note = st.session_state.get(_elsewhere_key(quiz.id, track_id))
    showing_result = result is not None and result[0] == attempt
    if note is not None and note[0] == attempt and note[2] == ("result" if showing_result else "form"):
        st.info(note[1], icon=":material/tab:")
    status = st.empty()
    if result is not None and result[0] == attempt:
        r = result[1]
        summary = _("{score} of {total} correct ({percent}%). The pass mark is {mark}%.").format(
            score=r.score, total=r.max_score, percent=f"{r.percent:.0f}", mark=r.pass_mark
        )
        if r.passed:
            live_region(status, _("Passed. {summary}").format(summary=summary), "good")
        elif mp.status == PASSED_STATUS:
            live_region(
                status,
                _(
                    "This attempt did not reach the pass mark. {summary} The module stays passed: "
                    "your best result counts."
                ).format(summary=summary),
                "bad",
            )
        else:
            live_region(
                status,
                _("Not passed yet. {summary} Read the feedback below, then try again.").format(summary=summary),
                "bad",
            )
        _show_result(module, quiz, r, items, track_id)
    else:
        _show_form(quiz, items, attempt, track_id, track.pass_mark, status)


def _result_key(quiz_id: str, track_id: str) -> str:
    """Results and attempts are kept per track: the tracks ask different questions."""
    return f"result-{quiz_id}-{track_id}"


def _attempt_key(quiz_id: str, track_id: str) -> str:
    return f"attempt-{quiz_id}-{track_id}"


def _elsewhere_key(quiz_id: str, track_id: str) -> str:
    """(attempt, message, "form" or "result"): what another tab of this learner did, shown
    with that attempt's questions or with its result."""
    return f"elsewhere-{quiz_id}-{track_id}"


def recorded_result(quiz_id: str, track_id: str, attempt: int) -> str | None:
    """How a recorded attempt went, in words ("attempt 3, 85%, passed"), or None if this
    attempt has no result on the learner's record."""
    for e in reversed(state.session().events()):
        if (
            e.verb in (PASSED, FAILED)
            and e.activity == quiz_activity(quiz_id)
            and e.track == track_id
            and e.attempt == attempt
        ):
            passed = e.verb == PASSED
            if e.score is not None and e.max_score:
                said = (
                    _("attempt {attempt}, {percent}%, passed")
                    if passed
                    else _("attempt {attempt}, {percent}%, not passed")
                )
                return said.format(attempt=attempt, percent=f"{100 * e.score / e.max_score:.0f}")
            return (_("attempt {attempt}, passed") if passed else _("attempt {attempt}, not passed")).format(
                attempt=attempt
            )
    return None


def _submitted_elsewhere(quiz_id: str, track_id: str, result: tuple[int, QuizResult] | None) -> None:
    """The attempt this tab has on screen was submitted in another tab of the same learner:
    say so (and how it went) instead of silently starting the next attempt."""
    shown = st.session_state.get(_attempt_key(quiz_id, track_id))
    if shown is None or (result is not None and result[0] == shown):
        return
    how = recorded_result(quiz_id, track_id, shown)
    if how is None:
        return
    st.session_state[_elsewhere_key(quiz_id, track_id)] = (
        shown + 1,
        _(
            "This quiz was submitted in another tab: {how}. This is attempt {attempt}; its questions start empty."
        ).format(how=how, attempt=shown + 1),
        "form",
    )


def _attempt(quiz_id: str, track_id: str, recorded: int, result: tuple[int, QuizResult] | None) -> int:
    """The attempt on screen: the one whose result is shown, or the next after every attempt
    recorded on this track (in any session, so a resume link does not start again at 1)."""
    key = _attempt_key(quiz_id, track_id)
    shown = st.session_state.get(key)
    if shown is not None and result is not None and result[0] == shown:
        return shown
    attempt = max(shown or 0, recorded + 1)
    st.session_state[key] = attempt
    return attempt


def _form(track_id: str, attempt: int) -> str:
    return f"{track_id}-{attempt}"


def _show_form(
    quiz: Quiz,
    items: list[tuple[Scenario | None, Gradable]],
    attempt: int,
    track_id: str,
    pass_mark: int,
    status: DeltaGenerator,
) -> None:
    st.header(_("Questions"), anchor=QUESTIONS_ANCHOR)
    form = _form(track_id, attempt)
    keep = Keep(quiz_activity(quiz.id), track_id, attempt)
    restored = restore(quiz, form, [q for _, q in items], keep)
    scenario = None
    for n, (sc, q) in enumerate(items, start=1):
        if sc is not None and sc is not scenario:
            scenario_header(sc)
        scenario = sc
        question_widget(quiz, form, n, q, keep)
        listen.question(n, q, key=f"listen-{quiz.id}-{form}-{q.id}")  # drawn only when turned on
    group_questions(form)
    # Graded in the button's callback, before the page is drawn: the learner's result is
    # drawn in the same run, not after a second one (docs/performance.md, finding 8).
    st.button(
        _("Submit answers"),
        type="primary",
        icon=":material/send:",
        key=f"submit-{quiz.id}-{form}",
        on_click=_submit,
        args=(quiz.id, attempt, track_id, pass_mark),
    )
    missing = st.session_state.pop(_missing_key(quiz.id, form), None)
    if missing:
        message, first = missing
        live_region(status, message, "bad")  # announced once, from the top of the page
        st.markdown("**" + _("Not submitted.") + f"** {message}")  # beside the button too, but not read twice
        nav.focus(first, force=True, scroll="center")  # the first question still to answer
    elif restored:
        live_region(status, restored_message(restored, len(items)))
    else:
        live_region(status, _(QUIZ_INSTRUCTIONS))


def _missing_key(quiz_id: str, form: str) -> str:
    return f"unanswered-{quiz_id}-{form}"


def _submit(quiz_id: str, attempt: int, track_id: str, pass_mark: int) -> None:
    """Grade and record a submission; the form's values are in the session state already."""
    done = st.session_state.get(_result_key(quiz_id, track_id))
    if (done is not None and done[0] == attempt) or st.session_state.get(f"submitted-{quiz_id}-{track_id}-{attempt}"):
        return  # a second press that was on its way before the result showed: recorded once
    quiz = state.course().quizzes[quiz_id]
    items = quiz.items(track_id)
    form = _form(track_id, attempt)
    responses = {q.id: response(quiz, form, q, st.session_state) for _, q in items}
    keep = Keep(quiz_activity(quiz.id), track_id, attempt)
    picked = _from_other_tabs(quiz, form, [q for _, q in items], responses, keep)
    started = st.session_state.get(f"started-{quiz.id}-{track_id}-{attempt}", time.time())
    submitted = state.session().submit_quiz(
        quiz, responses, track_id, attempt, pass_mark, duration_s=round(time.time() - started, 1)
    )  # one write for the whole submission
    if isinstance(submitted, Refusal):
        missing = list(submitted.missing)
        listed = ", ".join(str(n) for n in missing)
        ordering = any(items[n - 1][1].widget().kind == "rank_each" for n in missing)
        said = ngettext(
            "Answer every question before you submit. Still to answer: question {listed}.",
            "Answer every question before you submit. Still to answer: questions {listed}.",
            len(missing),
        ).format(listed=listed)
        if ordering:
            said += " " + _("For ordering questions, give each item a different position.")
        st.session_state[_missing_key(quiz_id, form)] = (
            said + " " + _("Your answers so far are kept."),
            question_control(quiz, form, items[missing[0] - 1][1]),
        )
        return
    result = submitted.result
    kept.clear(keep)
    final = submitted.attempt
    told = []
    if final != attempt:  # another tab recorded this attempt number first
        how = recorded_result(quiz.id, track_id, attempt)
        said = (
            _("This quiz was also submitted in another tab: {how}.").format(how=how)
            if how
            else _("This quiz was also submitted in another tab.")
        )
        told.append(said + " " + _("Your answers here are recorded as attempt {attempt}.").format(attempt=final))
    if picked:
        told.append(
            ngettext(
                "{n} answer you chose in another tab was included.",
                "{n} answers you chose in another tab were included.",
                picked,
            ).format(n=picked)
        )
    if told:
        st.session_state[_elsewhere_key(quiz.id, track_id)] = (final, " ".join(told), "result")
    st.session_state[f"submitted-{quiz_id}-{track_id}-{attempt}"] = True  # even if recorded as another number
    st.session_state[_attempt_key(quiz.id, track_id)] = final
    st.session_state[_result_key(quiz.id, track_id)] = (final, result)
    nav.focus_after_run(RESULT_HEADING)  # the questions and their button are gone


def _from_other_tabs(quiz: Quiz, form: str, questions: list[Gradable], responses: dict, keep: Keep) -> int:
    """Fill in, from the answers kept for this attempt, the questions this tab has no answer
    for: the learner answered them in another tab. Shown in this tab's widgets too, should the
    submission still lack some. Returns how many were picked up."""
    empty = [q for q in questions if not is_answered(q, responses[q.id])]
    if not empty:
        return 0
    answers = kept.kept(keep)
    picked = 0
    for q in empty:
        values = fitting(quiz, form, q, answers[q.id]) if q.id in answers else {}
        answer = response(quiz, form, q, values) if values else None
        if values and is_answered(q, answer):
            responses[q.id] = answer
            st.session_state.update(values)
            picked += 1
    return picked


def _show_result(
    module: Module, quiz: Quiz, result: QuizResult, items: list[tuple[Scenario | None, Gradable]], track_id: str
) -> None:
    st.header(_("Your result"), anchor=RESULT_ANCHOR)
    _actions(module, quiz, result, track_id, "top")
    refs = {r.id: r.citation for m in state.course().modules for r in m.references}
    headings = {s.id: s.heading for s in module.sections}
    scenario = None
    for n, ((sc, q), r) in enumerate(zip(items, result.results, strict=True), start=1):
        if sc is not None and sc is not scenario:
            scenario_header(sc)
        scenario = sc
        section = q.section or (sc.section if sc is not None else None)
        with st.container(border=True, key=f"{FEEDBACK}{n}"):
            question_feedback(n, q, r, refs, headings.get(section or ""))
    _actions(module, quiz, result, track_id, "bottom")


def _actions(module: Module, quiz: Quiz, result: QuizResult, track_id: str, where: str) -> None:
    course = state.course()
    ids = [m.module_id for m in state.session().progress().modules]
    at = ids.index(module.id) if module.id in ids else -1
    nxt = ids[at + 1] if 0 <= at < len(ids) - 1 else None
    cols = st.columns(3 if result.passed and nxt else 2)
    with cols[0]:
        if st.button(
            _("Try again"),
            icon=":material/replay:",
            key=f"retry-{where}",
            width="stretch",
            type="secondary" if result.passed else "primary",
        ):
            st.session_state[_attempt_key(quiz.id, track_id)] += 1
            nav.focus_after_run(QUESTIONS_HEADING)  # the button is gone: go to the new form
            st.rerun()
    if result.passed and nxt:
        with cols[1]:
            nav.button(
                _("Next module: {title}").format(title=course.module(nxt).title),
                f"module:{nxt}",
                icon=":material/arrow_forward:",
                key=f"next-{where}",
                type="primary",
                width="stretch",
            )
    with cols[-1]:
        nav.button(_("Course map"), "home", icon=":material/map:", key=f"home-{where}", width="stretch")
