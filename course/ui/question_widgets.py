"""The widget kit: draws any quiz question with Streamlit, in one layout for every type, and
reads its answer back. Used by the quiz, the knowledge check and the refreshers alike.

A question type (course/questions/) describes its widget as data, a `WidgetSpec` of one of
three kinds; this module draws each kind and owns the widget keys. Every question looks the
same whatever its type (issue 22):

    Question 3. Which of these belong in a talk about consent?     <- number and prompt
    Choose all that apply.                                          <- what kind of answer, once
    [the choices]

For a radio group (one answer) those two lines are the widget's own label, so the group's
accessible name is the question and its instruction as written (no Markdown marks read out).
For checkboxes and position pickers they are a legend naming the question's group (see
`group_questions`). Both are styled alike by `LAYOUT_CSS`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Protocol

import streamlit as st

from course.i18n import DEFAULT, N_
from course.questions import QuestionResult, Response
from course.schema import Gradable, Quiz, Scenario
from course.ui import kept, language
from course.ui.common import dollars
from course.ui.i18n import _, current_language
from course.ui.kept import Keep

__all__ = [
    "GROUP",
    "ITEM",
    "LAYOUT_CSS",
    "chosen",
    "fitting",
    "group_questions",
    "groups_html",
    "question_control",
    "question_feedback",
    "question_legend",
    "question_widget",
    "response",
    "restore",
    "statement_legend",
    "widget_key",
    "widget_keys",
]


class Values(Protocol):
    """Widget values by key: `st.session_state`, or a plain dict of values to restore."""

    def get(self, key: str, /) -> Any: ...


GROUP = "qgroup-"  # a question answered with several widgets: a named group
ITEM = "qitem-"  # a question answered with one widget


def widget_key(quiz: Quiz, form: int | str, *parts: str) -> str:
    """A widget's key: the quiz, which form (track and attempt), the question."""
    return "-".join(["q", quiz.id, str(form), *parts])


def question_legend(n: int, q: Gradable) -> str:
    """The two lines over every question's choices: its number and prompt, then what kind of
    answer is wanted. Plain text: it is also the screen reader's name for the question."""
    prompt, instruction = q.prompt_and_instruction(_)
    return _("Question {n}. {prompt}").format(n=n, prompt=prompt) + f"\n\n{instruction}"


def statement_legend(n: int, text: str, labels: Mapping[int, str]) -> str:
    """An attitude-survey statement in the same layout as a question: its number and text, then
    what kind of answer is wanted (the ends of the scale, in words)."""
    lo, hi = min(labels), max(labels)
    return (
        _("Statement {n}. {text}").format(n=n, text=text)
        + "\n\n"
        + _("Choose one, from {lo} ({lo_label}) to {hi} ({hi_label}).").format(
            lo=lo, lo_label=labels[lo], hi=hi, hi_label=labels[hi]
        )
    )


def question_widget(quiz: Quiz, form: int | str, n: int, q: Gradable, keep: Keep) -> Response:
    """Draw one question's widgets, as a fragment of its own whose answer is saved as it is
    chosen (course/ui/kept.py); return the answer as it stands (see `response`)."""
    kept.fragment(_draw_question, f"{quiz.id}.{q.id}")(quiz, form, n, q, keep)
    return response(quiz, form, q, st.session_state)


def _draw_question(quiz: Quiz, form: int | str, n: int, q: Gradable, keep: Keep) -> None:
    # Prompts and options hold at most one $ (two would be read as maths; the validator
    # checks), so they need no escaping that a screen reader would read out.
    legend = question_legend(n, q)
    key = widget_key(quiz, form, q.id)
    spec = q.widget()
    save: dict[str, Any] = dict(on_change=_keep_answer, args=(quiz, form, q, keep))
    if spec.kind == "choose_one":
        texts = {value: _(text) if spec.interface_words else text for value, text in spec.choices}
        with language.content(f"question-{key}"), st.container(key=f"{ITEM}{key}"):
            st.radio(
                legend,
                list(texts),
                index=None,
                format_func=texts.__getitem__,
                key=key,
                horizontal=spec.horizontal,
                **save,
            )
    else:
        # a named group: see group_questions(); the staff track's words are English only
        with language.content(f"question-{key}"), st.container(key=f"{GROUP}{key}"):
            st.markdown(legend)
            if spec.kind == "tick_each":
                for value, text in spec.choices:
                    st.checkbox(text, key=f"{key}-{value}", **save)
            else:  # rank_each: a position picker per item, for a keyboard and a screen reader
                positions = list(range(1, len(spec.choices) + 1))
                for value, text in spec.choices:
                    st.selectbox(
                        _("Position of “{item}”").format(item=text),
                        positions,
                        index=None,
                        key=f"{key}-{value}",
                        placeholder=_("Choose a position"),
                        **save,
                    )
    if kept.unsaved(kept.UNSAVED + key):
        st.warning(_(kept.NOT_SAVED), icon=":material/cloud_off:")  # a status region (WCAG 4.1.3)
    kept.mirror_one(kept.UNSAVED + key)  # the browser's copy in step: a reload loses no answer


def _keep_answer(quiz: Quiz, form: int | str, q: Gradable, keep: Keep) -> None:
    """A widget's callback: save its question's answer as it now stands."""
    key = widget_key(quiz, form, q.id)
    kept.save(keep, q.id, chosen(quiz, form, q, st.session_state), kept.UNSAVED + key)


def _value(key: str, q: Gradable, values: Values) -> Any:
    """The widget's value from the session's values: one value, or one per choice."""
    spec = q.widget()
    if spec.kind == "choose_one":
        return values.get(key)
    return {v: values.get(f"{key}-{v}") for v, _ in spec.choices}


def chosen(quiz: Quiz, form: int | str, q: Gradable, values: Values) -> Any:
    """What the learner has chosen so far, as it is kept (the question type's draft)."""
    return q.draft(_value(widget_key(quiz, form, q.id), q, values))


def widget_keys(quiz: Quiz, form: int | str, q: Gradable) -> list[str]:
    key = widget_key(quiz, form, q.id)
    spec = q.widget()
    return [key] if spec.kind == "choose_one" else [f"{key}-{v}" for v, _ in spec.choices]


def restore(quiz: Quiz, form: int | str, questions: list[Gradable], keep: Keep) -> int:
    """Fill in the answers kept for this attempt (kept.restore); how many questions got one back."""
    by_id = {q.id: q for q in questions}
    return kept.restore(
        keep,
        {q.id: widget_keys(quiz, form, q) for q in questions},
        lambda item, answer: fitting(quiz, form, by_id[item], answer),
    )


def fitting(quiz: Quiz, form: int | str, q: Gradable, answer: Any) -> dict[str, Any]:
    """The widget values, by key, for a kept answer, or {} if there is none or it does not fit."""
    key = widget_key(quiz, form, q.id)
    value = q.widget_value(answer)
    if value is None:
        return {}
    if q.widget().kind == "choose_one":
        return {key: value}
    return {f"{key}-{v}": x for v, x in value.items()}


def response(quiz: Quiz, form: int | str, q: Gradable, values: Values) -> Response:
    """A question's answer from its widgets' values, by key: an option id, True/False, a list of
    option ids, or an order of option ids (None while a position is missing or repeated)."""
    return q.response(chosen(quiz, form, q, values))


def question_control(quiz: Quiz, form: int | str, q: Gradable) -> str:
    """A CSS selector for a question's first control (radio, checkbox or position picker), by
    its widget's key or its group's key, which Streamlit puts in a class."""
    key = widget_key(quiz, form, q.id)
    return f".st-key-{key} input, .st-key-{GROUP}{key} input"


# Every question's legend is styled alike, whether it is a radio group's label or the legend
# of a group of checkboxes or position pickers: the number and prompt as body text in a
# heavier weight, the instruction under it in the body's weight. Weight by CSS, not "**",
# so that a screen reader, which gets a label as written, hears no Markdown marks. In rem,
# with !important, to stay level with the text-size setting (course/ui/display.py).
LAYOUT_CSS = """
.stApp [class*="st-key-qitem-"] [data-testid="stWidgetLabel"] p,
.stApp [class*="st-key-qgroup-"] > [data-testid="stElementContainer"]:first-child [data-testid="stMarkdownContainer"] p {
  font-size: 1rem !important; line-height: 1.5 !important; margin: 0 0 0.25rem 0 !important; }
.stApp [class*="st-key-qitem-"] [data-testid="stWidgetLabel"] p:first-child,
.stApp [class*="st-key-qgroup-"] > [data-testid="stElementContainer"]:first-child [data-testid="stMarkdownContainer"] p:first-child {
  font-weight: 600; }
"""

# A question answered with several widgets (checkboxes, position pickers) is a group named by
# its legend, as a fieldset and its legend would be: a screen reader moving to "It is given
# with monitoring after each dose, checkbox" hears which question it belongs to (WCAG 1.3.1).
# Streamlit has no fieldset, so its container (marked by its key's CSS class) gets the role.
_GROUPS = """<style>{css}</style><script data-form="{form}">
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


def groups_html(form: str) -> str:
    """The element `group_questions` draws (its script is allowed by its hash: course/ui/web.py)."""
    return _GROUPS.format(css=LAYOUT_CSS, form=html.escape(form, quote=True), group=GROUP)


def group_questions(form: str) -> None:
    """Name each multi-widget question's group, and style every question's legend (one
    invisible element per drawn form)."""
    st.html(groups_html(form), unsafe_allow_javascript=True)


def question_feedback(
    n: int, q: Gradable, r: QuestionResult, refs: dict[str, str], section_heading: str | None = None
) -> None:
    """One question's feedback as one block of text (prompt, verdict, the learner's choices,
    the right answer, why, the source): each element a page sends costs a message, and the
    result page of a long quiz sent over 80 (docs/performance.md, findings 9 and 11)."""
    # A heading per question, saying how it went, so a screen reader can move from one
    # question's feedback to the next, or to the ones answered wrong (WCAG 1.3.1, 2.4.6). In
    # the same block of text: one element per question, as before.
    verdict = ":material/check_circle: " + _("Correct") if r.correct else ":material/cancel: " + _("Incorrect")
    heading = _("Question {n}: {verdict}").format(n=n, verdict=verdict)
    source = refs.get(q.reference) if q.reference else None
    parts = [f"### {heading}", q.prompt, *q.feedback_parts(r, _)]
    if not r.correct:
        parts.append("**" + _("Correct answer:") + f"** {q.shown_answer(r, _)}")
    parts.append("**" + _("Why:") + f"** {r.explanation}")
    if section_heading and not r.correct:
        # The part of the module that teaches the answer (the question's `section:`), by the
        # name the module's Previous and Next buttons use.
        parts.append(
            "**" + _("Read again:") + "** " + _("the part “{part}” of this module.").format(part=section_heading)
        )
    if source is not None and current_language() == DEFAULT:
        parts.append("**" + _("Source:") + f"** {source}")
    elif source is not None:
        parts.append("**" + _("Source:") + "**")
    # The question's own words are English on a page in another language on the staff track.
    with language.content(f"feedback-{n}"):
        st.markdown(dollars("\n\n".join(parts)))
    if source is not None and current_language() != DEFAULT:
        # A publication's title stays as published: English, marked so (lang="en"), after
        # the label. On an English page it stays in the one block (one element per question).
        with language.english(f"source-{n}"):
            st.markdown(dollars(source))


# Shared by the quiz, the check-ins and the refreshers (pages never import each other).
FEEDBACK = "feedback-"  # each question's feedback box; its heading has no "link to heading" Tab stop
# Streamlit gives each heading an id made from its text; these headings are given their id
# (`anchor=`), so that it stays the same in every language.
RESULT_ANCHOR, QUESTIONS_ANCHOR = "your-result", "questions"
RESULT_HEADING, QUESTIONS_HEADING = f"h2#{RESULT_ANCHOR}", f"h2#{QUESTIONS_ANCHOR}"


QUIZ_INSTRUCTIONS = N_(
    "Answer every question, then press Submit answers. Each answer is saved as you choose it, "
    "so you can leave this page and finish later."
)


def restored_message(n: int, total: int, button: str | None = None, what: str = "questions") -> str:
    """Say that a kept draft is back: how many of the `total` questions (`what="statements"`:
    survey statements) have an answer again, and which button to press (Submit answers by
    default), in the learner's language."""
    button = _("Submit answers") if button is None else button
    if what == "statements":
        if n < total:
            said = _(
                "Your answers from before are back: {n} of {total} statements are filled in. "
                "Answer the rest, then press {button}."
            )
        else:
            said = _(
                "Your answers from before are back: all {total} statements are filled in. "
                "Check them, then press {button}."
            )
    elif n < total:
        said = _(
            "Your answers from before are back: {n} of {total} questions are filled in. "
            "Answer the rest, then press {button}."
        )
    else:
        said = _(
            "Your answers from before are back: all {total} questions are filled in. Check them, then press {button}."
        )
    return said.format(n=n, total=total, button=button)


def scenario_header(sc: Scenario) -> None:
    """The case a scenario question belongs to, above its questions (quiz and refreshers)."""
    with language.content(f"case-{sc.id}"):  # the staff track's case is English only
        st.subheader(_("Case: {title}").format(title=sc.title), anchor=False)
        st.markdown(f"> {sc.case}")
