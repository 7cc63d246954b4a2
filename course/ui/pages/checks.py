"""Check-ins: a knowledge test and the attitude survey at the start and at the end.

The pre-test and post-test measure learning across the course (no pass mark); the attitude
survey is the course's own feedback measure, not a validated scale. Each is taken once per
phase so that start and end compare like with like.
"""

from __future__ import annotations

import streamlit as st

from course.events import knowledge_test_activity, survey_phase_activity
from course.learning import Refusal
from course.progress import check_ins
from course.schema import Quiz, Survey
from course.ui import kept, listen, nav, state
from course.ui.common import notice, require_track
from course.ui.i18n import _
from course.ui.kept import Keep
from course.ui.question_widgets import (
    FEEDBACK,
    ITEM,
    group_questions,
    question_control,
    question_feedback,
    question_widget,
    restore,
    restored_message,
    statement_legend,
)


def render_start() -> None:
    _render("start", _("Before you start"), state.course().settings.pre_test)


def render_final() -> None:
    _render("end", _("Final check"), state.course().settings.post_test)


def _render(phase: str, title: str, test_id: str | None) -> None:
    course = state.course()
    st.title(title)
    track = require_track()
    if track is None:
        return
    notice()
    if phase == "start":
        st.write(
            _(
                "Two short check-ins before your first module: a knowledge check and a survey about views. "
                "They are optional and not marked pass or fail. Taking them again at the end shows what changed."
            )
        )
    else:
        st.write(
            _(
                "The same two check-ins as at the start, with new knowledge questions. "
                "They are best taken after you finish the modules."
            )
        )
    done = check_ins(course, state.session().events())
    if test_id:
        _knowledge(course.quizzes[test_id], done.pre_percent if phase == "start" else done.post_percent, track)
    survey_id = course.settings.attitude_survey
    if survey_id:
        taken = done.survey_start if phase == "start" else done.survey_end
        _survey(course.surveys[survey_id], phase, taken is not None, track)
    nav.button(_("Back to the course map"), "home", icon=":material/map:", key=f"checks-home-{phase}")


def _knowledge(quiz: Quiz, percent: float | None, track: str) -> None:
    st.header(_("Knowledge check"), anchor="knowledge-check")
    result_key = f"check-result-{quiz.id}"
    if percent is not None and result_key not in st.session_state:
        st.success(
            _("Done: you answered {percent}% correctly.").format(percent=f"{percent:.0f}"),
            icon=":material/check_circle:",
        )
        return
    if quiz.intro:
        st.write(quiz.intro)
    items = quiz.items(track)
    if result_key in st.session_state:
        result = st.session_state[result_key]
        st.success(
            _("Thank you. You answered {score} of {total} correctly ({percent}%).").format(
                score=result.score, total=result.max_score, percent=f"{result.percent:.0f}"
            ),
            icon=":material/check_circle:",
        )
        with st.expander(_("See the answers and why")):
            for n, ((_scenario, q), r) in enumerate(zip(items, result.results, strict=True), start=1):
                with st.container(border=True, key=f"{FEEDBACK}{n}"):
                    question_feedback(n, q, r, {})
        return
    keep = Keep(knowledge_test_activity(quiz.id), track, 1)
    restored = restore(quiz, 1, [q for _, q in items], keep)
    if restored:
        st.info(restored_message(restored, len(items), _("Submit knowledge check")), icon=":material/info:")
    responses = {}
    for n, (_scenario, q) in enumerate(items, start=1):
        responses[q.id] = question_widget(quiz, 1, n, q, keep)
        listen.question(n, q, key=f"listen-check-{quiz.id}-{q.id}")  # drawn only when turned on
    group_questions(f"check-{quiz.id}")
    if not st.button(_("Submit knowledge check"), type="primary", key=f"submit-check-{quiz.id}"):
        return
    submitted = state.session().submit_knowledge_check(quiz, responses, track)  # one write for the whole check
    if isinstance(submitted, Refusal):
        missing = submitted.missing
        st.error(
            _("Answer every question before you submit. Still to answer: {listed}. Your answers are kept.").format(
                listed=", ".join(map(str, missing))
            ),
            icon=":material/error:",
        )
        nav.focus(question_control(quiz, 1, items[missing[0] - 1][1]), force=True, scroll="center")
        return
    result = submitted.result
    kept.clear(keep)
    st.session_state[result_key] = result
    nav.focus_after_run("h2#knowledge-check")  # the questions and their button are gone
    st.rerun()


def _survey(survey: Survey, phase: str, taken: bool, track: str) -> None:
    st.header(_("Attitude survey"), anchor="attitude-survey")
    if taken:
        st.success(_("Done: thank you for your answers."), icon=":material/check_circle:")
        return
    st.write(survey.intro)
    labels = {survey.scale.min + i: label for i, label in enumerate(survey.scale.labels)}
    keep = Keep(survey_phase_activity(survey.id, phase), track, 1)
    keys = {item.id: f"survey-{survey.id}-{phase}-{item.id}" for item in survey.items}
    restored = kept.restore(
        keep,
        {item_id: [key] for item_id, key in keys.items()},
        # an answer off the scale is left out
        lambda item_id, v: {keys[item_id]: v} if isinstance(v, int) and not isinstance(v, bool) and v in labels else {},
    )
    if restored:
        st.info(restored_message(restored, len(survey.items), _("Submit survey"), "statements"), icon=":material/info:")
    for n, item in enumerate(survey.items, start=1):
        kept.fragment(_statement, f"{survey.id}.{phase}.{item.id}")(n, item.id, item.text, keys[item.id], labels, keep)
        listen.statement(n, item.text, labels, key=f"listen-{keys[item.id]}")  # drawn only when turned on
    group_questions(f"survey-{survey.id}-{phase}")  # the questions' layout style
    if not st.button(_("Submit survey"), type="primary", key=f"submit-survey-{survey.id}-{phase}"):
        return
    answers_by_item = {item.id: st.session_state.get(keys[item.id]) for item in survey.items}
    submitted = state.session().submit_survey(survey, phase, answers_by_item, track)  # one write for the whole survey
    if isinstance(submitted, Refusal):
        missing = [(n, survey.items[n - 1]) for n in submitted.missing]
        st.error(
            _("Answer every statement before you submit. Still to answer: {listed}. Your answers are kept.").format(
                listed=", ".join(str(n) for n, _item in missing)
            ),
            icon=":material/error:",
        )
        nav.focus(f".st-key-{keys[missing[0][1].id]} input", force=True, scroll="center")
        return
    kept.clear(keep)
    nav.focus_after_run("h2#attitude-survey")  # the questions and their button are gone
    st.rerun()


def _statement(n: int, item_id: str, text: str, key: str, labels: dict[int, str], keep: Keep) -> None:
    """One survey statement, a fragment of its own whose answer is kept as it is chosen."""
    with st.container(key=f"{ITEM}{key}"):  # laid out as every question is (question_widgets)
        st.radio(
            statement_legend(n, text, labels),  # plain: screen readers get the label as written
            list(labels),
            index=None,
            format_func=lambda v: f"{v} – {labels[v]}",
            key=key,
            on_change=lambda: kept.save(keep, item_id, st.session_state.get(key), kept.UNSAVED + key),
        )
    if kept.unsaved(kept.UNSAVED + key):
        st.warning(_(kept.NOT_SAVED), icon=":material/cloud_off:")  # a status region (WCAG 4.1.3)
    kept.mirror_one(kept.UNSAVED + key)  # the browser's copy in step: a reload loses no answer
