"""A module quiz: answer, submit, read per-option feedback and explanations, retry."""

from __future__ import annotations

import html
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from course.events import ANSWERED, FAILED, PASSED, question_activity, quiz_activity
from course.grading import QuestionResult, QuizResult, grade_quiz, is_answered
from course.progress import PASSED_STATUS
from course.schema import Gradable, Module, Quiz, Scenario
from course.ui import kept, nav, state
from course.ui.common import dollars, live_region, notice, require_track
from course.ui.kept import Keep

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def render(module_id: str) -> None:
    course = state.course()
    module = course.module(module_id)
    quiz = course.quizzes[module.quiz]
    st.title(quiz.title)
    notice()  # on every state of the page: locked, waiting for scenarios, or open
    track_id = require_track()
    if track_id is None:
        return
    track = course.track(track_id)
    mp = state.session().progress().module(module_id)
    if mp.is_locked:
        st.warning(mp.locked_reason(), icon=":material/lock:")
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
        f"{len(items)} questions · pass mark {track.pass_mark}% "
        f"({-(-track.pass_mark * len(items) // 100)} correct) · attempt {attempt}"
    )
    if quiz.intro:
        st.write(quiz.intro)
    note = st.session_state.get(_elsewhere_key(quiz.id, track_id))
    showing_result = result is not None and result[0] == attempt
    if note is not None and note[0] == attempt and note[2] == ("result" if showing_result else "form"):
        st.info(note[1], icon=":material/tab:")
    status = st.empty()
    if result is not None and result[0] == attempt:
        r = result[1]
        summary = f"{r.score} of {r.max_score} correct ({r.percent:.0f}%). The pass mark is {r.pass_mark}%."
        if r.passed:
            live_region(status, f"Passed. {summary}", "good")
        elif mp.status == PASSED_STATUS:
            live_region(
                status,
                f"This attempt did not reach the pass mark. {summary} The module stays passed: "
                "your best result counts.",
                "bad",
            )
        else:
            live_region(status, f"Not passed yet. {summary} Read the feedback below, then try again.", "bad")
        _show_result(module, quiz, r, items, track_id)
    else:
        _show_form(quiz, items, attempt, track_id, track.pass_mark, status)


QUIZ_INSTRUCTIONS = (
    "Answer every question, then press Submit answers. Each answer is saved as you choose it, "
    "so you can leave this page and finish later."
)


def restored_message(n: int, total: int, button: str = "Submit answers", what: str = "questions") -> str:
    if n < total:
        return (
            f"Your answers from before are back: {n} of {total} {what} are filled in. "
            f"Answer the rest, then press {button}."
        )
    return f"Your answers from before are back: all {total} {what} are filled in. Check them, then press {button}."


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
            percent = f", {100 * e.score / e.max_score:.0f}%" if e.score is not None and e.max_score else ""
            return f"attempt {attempt}{percent}, {'passed' if e.verb == PASSED else 'not passed'}"
    return None


def _submitted_elsewhere(quiz_id: str, track_id: str, result) -> None:
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
        f"This quiz was submitted in another tab: {how}. This is attempt {shown + 1}; its questions start empty.",
        "form",
    )


def _attempt(quiz_id: str, track_id: str, recorded: int, result) -> int:
    """The attempt on screen: the one whose result is shown, or the next after every attempt
    recorded on this track (in any session, so a resume link does not start again at 1)."""
    key = _attempt_key(quiz_id, track_id)
    shown = st.session_state.get(key)
    if shown is not None and result is not None and result[0] == shown:
        return shown
    attempt = max(shown or 0, recorded + 1)
    st.session_state[key] = attempt
    return attempt


def _key(quiz: Quiz, form: int | str, *parts: str) -> str:
    """A widget's key: the quiz, which form (track and attempt), the question."""
    return "-".join(["q", quiz.id, str(form), *parts])


def _form(track_id: str, attempt: int) -> str:
    return f"{track_id}-{attempt}"


def _show_form(quiz: Quiz, items, attempt: int, track_id: str, pass_mark: int, status) -> None:
    st.header("Questions")
    form = _form(track_id, attempt)
    keep = Keep(quiz_activity(quiz.id), track_id, attempt)
    restored = restore(quiz, form, [q for _, q in items], keep)
    scenario = None
    for n, (sc, q) in enumerate(items, start=1):
        if sc is not None and sc is not scenario:
            _scenario_header(sc)
        scenario = sc
        question_widget(quiz, form, n, q, keep)
    group_questions(form)
    # Graded in the button's callback, before the page is drawn: the learner's result is
    # drawn in the same run, not after a second one (docs/performance.md, finding 8).
    st.button(
        "Submit answers",
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
        st.markdown(f"**Not submitted.** {message}")  # beside the button too, but not read twice
        nav.focus(first, force=True, scroll="center")  # the first question still to answer
    elif restored:
        live_region(status, restored_message(restored, len(items)))
    else:
        live_region(status, QUIZ_INSTRUCTIONS)


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
    missing = [n for n, (_, q) in enumerate(items, start=1) if not is_answered(q, responses[q.id])]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        ordering = any(items[n - 1][1].type == "ordering" for n in missing)
        st.session_state[_missing_key(quiz_id, form)] = (
            f"Answer every question before you submit. Still to answer: question{'s' if len(missing) > 1 else ''} "
            f"{listed}."
            + (" For ordering questions, give each item a different position." if ordering else "")
            + " Your answers so far are kept.",
            question_control(quiz, form, items[missing[0] - 1][1]),
        )
        return
    result = grade_quiz(quiz, responses, pass_mark, track_id)
    started = st.session_state.get(f"started-{quiz.id}-{track_id}-{attempt}", time.time())
    answers = [
        dict(
            verb=ANSWERED,
            activity=question_activity(q.id),
            track=track_id,
            attempt=attempt,
            score=float(r.correct),
            max_score=1.0,
            success=r.correct,
            response=responses[q.id],
        )
        for (_, q), r in zip(items, result.results, strict=True)
    ]
    outcome = dict(
        verb=PASSED if result.passed else FAILED,
        activity=quiz_activity(quiz.id),
        track=track_id,
        attempt=attempt,
        score=float(result.score),
        max_score=float(result.max_score),
        success=result.passed,
        duration_s=round(time.time() - started, 1),
    )
    recorded = state.session().record_many([*answers, outcome])  # one write for the whole submission
    kept.clear(keep)
    final = recorded[-1].attempt or attempt
    told = []
    if final != attempt:  # another tab recorded this attempt number first
        how = recorded_result(quiz.id, track_id, attempt)
        told.append(
            f"This quiz was also submitted in another tab{': ' + how if how else ''}. "
            f"Your answers here are recorded as attempt {final}."
        )
    if picked:
        told.append(
            f"{picked} answer{'s' if picked > 1 else ''} you chose in another tab "
            f"{'were' if picked > 1 else 'was'} included."
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
        values = _fitting(quiz, form, q, answers[q.id]) if q.id in answers else {}
        answer = response(quiz, form, q, values) if values else None
        if values and is_answered(q, answer):
            responses[q.id] = answer
            st.session_state.update(values)
            picked += 1
    return picked


def _scenario_header(sc: Scenario) -> None:
    st.subheader(f"Case: {sc.title}", anchor=False)
    st.markdown(f"> {sc.case}")


def question_widget(quiz: Quiz, form: int | str, n: int, q: Gradable, keep: Keep):
    """Draw one question's widgets, as a fragment of its own whose answer is saved as it is
    chosen (course/ui/kept.py); return the answer as it stands (see `response`)."""
    kept.fragment(_draw_question, f"{quiz.id}.{q.id}")(quiz, form, n, q, keep)
    return response(quiz, form, q, st.session_state)


def _draw_question(quiz: Quiz, form: int | str, n: int, q: Gradable, keep: Keep) -> None:
    # A plain label: Streamlit draws it as Markdown but also gives it, as written, to screen
    # readers as the group's name, so "**" would be read out.
    # Prompts and options hold at most one $ (two would be read as maths; the validator
    # checks), so they need no escaping that a screen reader would read out.
    label = f"Question {n}. {q.prompt}"
    key = _key(quiz, form, q.id)
    save = dict(on_change=_keep_answer, args=(quiz, form, q, keep))
    if q.type == "single":
        texts = {o.id: o.text for o in q.options}
        st.radio(label, list(texts), index=None, format_func=texts.__getitem__, key=key, **save)
    elif q.type == "true_false":
        st.radio(
            label,
            [True, False],
            index=None,
            format_func=lambda v: "True" if v else "False",
            key=key,
            horizontal=True,
            **save,
        )
    elif q.type == "multiple":
        with st.container(key=f"{GROUP}{key}"):  # a named group: see group_questions()
            hint = "" if "all that apply" in q.prompt.lower() else " *(choose all that apply)*"
            st.markdown(f"**{label}**{hint}")
            for o in q.options:
                st.checkbox(o.text, key=f"{key}-{o.id}", **save)
    else:
        # ordering: one position picker per item, so it works with a keyboard and a screen reader
        with st.container(key=f"{GROUP}{key}"):
            st.markdown(f"**{label}** *(give each item a position, 1 = first)*")
            positions = list(range(1, len(q.options) + 1))
            for o in q.options:
                st.selectbox(
                    f"Position of “{o.text}”",
                    positions,
                    index=None,
                    key=f"{key}-{o.id}",
                    placeholder="Choose a position",
                    **save,
                )
    if kept.unsaved(kept.UNSAVED + key):
        st.warning(kept.NOT_SAVED, icon=":material/cloud_off:")  # a status region (WCAG 4.1.3)
    kept.mirror_one(kept.UNSAVED + key)  # the browser's copy in step: a reload loses no answer


def _keep_answer(quiz: Quiz, form: int | str, q: Gradable, keep: Keep) -> None:
    """A widget's callback: save its question's answer as it now stands."""
    key = _key(quiz, form, q.id)
    kept.save(keep, q.id, chosen(quiz, form, q, st.session_state), kept.UNSAVED + key)


def chosen(quiz: Quiz, form: int | str, q: Gradable, values: Mapping[str, Any]):
    """What the learner has chosen so far, as it is kept: an option id or True/False (None
    before a choice), the option ids ticked, or each item's position (None where not given)."""
    key = _key(quiz, form, q.id)
    if q.type in ("single", "true_false"):
        return values.get(key)
    if q.type == "multiple":
        return [o.id for o in q.options if values.get(f"{key}-{o.id}")]
    return {o.id: values.get(f"{key}-{o.id}") for o in q.options}


def _widget_keys(quiz: Quiz, form: int | str, q: Gradable) -> list[str]:
    key = _key(quiz, form, q.id)
    return [key] if q.type in ("single", "true_false") else [f"{key}-{o.id}" for o in q.options]


def restore(quiz: Quiz, form: int | str, questions: list[Gradable], keep: Keep) -> int:
    """Fill in the answers kept for this attempt (kept.restore); how many questions got one back."""
    by_id = {q.id: q for q in questions}
    return kept.restore(
        keep,
        {q.id: _widget_keys(quiz, form, q) for q in questions},
        lambda item, answer: _fitting(quiz, form, by_id[item], answer),
    )


def _fitting(quiz: Quiz, form: int | str, q: Gradable, answer: Any) -> dict[str, Any]:
    """The widget values for a kept answer, or {} if there is none or it does not fit."""
    key = _key(quiz, form, q.id)
    if q.type == "true_false":
        return {key: answer} if isinstance(answer, bool) else {}
    ids = [o.id for o in q.options]
    if q.type == "single":
        return {key: answer} if isinstance(answer, str) and answer in ids else {}
    if q.type == "multiple":
        if not isinstance(answer, list) or not answer or not set(answer) <= set(ids):
            return {}
        return {f"{key}-{o}": o in answer for o in ids}
    if not isinstance(answer, dict):
        return {}
    placed = {
        o: pos
        for o, pos in answer.items()
        if o in ids and isinstance(pos, int) and not isinstance(pos, bool) and 1 <= pos <= len(ids)
    }
    return {f"{key}-{o}": pos for o, pos in placed.items()}


# A question answered with several widgets (checkboxes, position pickers) is a group named by
# its question, as a fieldset and its legend would be: a screen reader moving to "It is given
# with monitoring after each dose, checkbox" hears which question it belongs to (WCAG 1.3.1).
# Streamlit has no fieldset, so its container (marked by its key's CSS class) gets the role.
GROUP = "qgroup-"
_GROUPS = """<script data-form="{form}">
(() => {{
  const name = () => document.querySelectorAll('[class*="st-key-{group}"]').forEach((g, i) => {{
    const legend = g.querySelector('[data-testid="stMarkdownContainer"]');
    if (!legend) return;
    legend.id = legend.id || "question-legend-" + i;
    g.setAttribute("role", "group");
    g.setAttribute("aria-labelledby", legend.id);
  }});
  requestAnimationFrame(() => requestAnimationFrame(name));
}})();
</script>"""


def group_questions(form: str) -> None:
    """Name each multi-widget question's group (one invisible element per drawn form)."""
    st.html(_GROUPS.format(form=html.escape(form, quote=True), group=GROUP), unsafe_allow_javascript=True)


def question_control(quiz: Quiz, form: int | str, q: Gradable) -> str:
    """A CSS selector for a question's first control (radio, checkbox or position picker), by
    its widget's key or its group's key, which Streamlit puts in a class."""
    key = _key(quiz, form, q.id)
    return f".st-key-{key} input, .st-key-{GROUP}{key} input"


def response(quiz: Quiz, form: int | str, q: Gradable, values: Mapping[str, Any]):
    """A question's answer from its widgets' values, by key: an option id, True/False, a list of
    option ids, or an order of option ids (None while a position is missing or repeated)."""
    answer = chosen(quiz, form, q, values)
    if q.type != "ordering":
        return answer
    placed: dict[int, str] = {}
    for option, pos in answer.items():
        if pos is None or pos in placed:
            return None
        placed[pos] = option
    return [placed[p] for p in sorted(placed)]


FEEDBACK = "feedback-"  # each question's feedback box; its heading has no "link to heading" Tab stop
# Streamlit gives each heading an id made from its text.
RESULT_HEADING, QUESTIONS_HEADING = "h2#your-result", "h2#questions"


def _show_result(module: Module, quiz: Quiz, result: QuizResult, items, track_id: str) -> None:
    st.header("Your result")
    _actions(module, quiz, result, track_id, "top")
    refs = {r.id: r.citation for m in state.course().modules for r in m.references}
    headings = {s.id: s.heading for s in module.sections}
    scenario = None
    for n, ((sc, q), r) in enumerate(zip(items, result.results, strict=True), start=1):
        if sc is not None and sc is not scenario:
            _scenario_header(sc)
        scenario = sc
        section = q.section or (sc.section if sc is not None else None)
        with st.container(border=True, key=f"{FEEDBACK}{n}"):
            question_feedback(n, q, r, refs, headings.get(section or ""))
    _actions(module, quiz, result, track_id, "bottom")


def question_feedback(
    n: int, q: Gradable, r: QuestionResult, refs: dict[str, str], section_heading: str | None = None
) -> None:
    """One question's feedback as one block of text (prompt, verdict, the learner's choices,
    the right answer, why, the source): each element a page sends costs a message, and the
    result page of a long quiz sent over 80 (docs/performance.md, findings 9 and 11)."""
    # A heading per question, saying how it went, so a screen reader can move from one
    # question's feedback to the next, or to the ones answered wrong (WCAG 1.3.1, 2.4.6). In
    # the same block of text: one element per question, as before.
    verdict = ":material/check_circle: Correct" if r.correct else ":material/cancel: Incorrect"
    parts = [f"### Question {n}: {verdict}", q.prompt]
    lines = []
    for fb in r.feedback:
        if q.type == "ordering":
            lines.append(f"- “{fb.text}”: {fb.feedback}")
        elif fb.chosen:
            lines.append(f"- You chose “{fb.text}”: {fb.feedback}")
        elif q.type == "multiple" and fb.correct:
            lines.append(f"- You did not choose “{fb.text}”: {fb.feedback}")
    if q.type == "ordering":
        parts.append("Your order: " + " → ".join(f"“{fb.text}”" for fb in r.feedback))
    if lines:
        parts.append("\n".join(lines))
    if not r.correct:
        parts.append(f"**Correct answer:** {r.correct_answer}")
    parts.append(f"**Why:** {r.explanation}")
    if section_heading and not r.correct:
        # The part of the module that teaches the answer (the question's `section:`), by the
        # name the module's Previous and Next buttons use.
        parts.append(f"**Read again:** the part “{section_heading}” of this module.")
    if q.reference and q.reference in refs:
        parts.append(f"**Source:** {refs[q.reference]}")
    st.markdown(dollars("\n\n".join(parts)))


def _actions(module: Module, quiz: Quiz, result: QuizResult, track_id: str, where: str) -> None:
    course = state.course()
    ids = [m.module_id for m in state.session().progress().modules]
    at = ids.index(module.id) if module.id in ids else -1
    nxt = ids[at + 1] if 0 <= at < len(ids) - 1 else None
    cols = st.columns(3 if result.passed and nxt else 2)
    with cols[0]:
        if st.button(
            "Try again",
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
                f"Next module: {course.module(nxt).title}",
                f"module:{nxt}",
                icon=":material/arrow_forward:",
                key=f"next-{where}",
                type="primary",
                width="stretch",
            )
    with cols[-1]:
        nav.button("Course map", "home", icon=":material/map:", key=f"home-{where}", width="stretch")
