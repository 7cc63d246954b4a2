"""A branching scenario as a part of its module, and a section's inline checks.

A scenario shows one screen at a time: a step (situation, vitals table, choices), then the
chosen option's feedback with Continue, and at an ending its rating in words, its debrief and
links to the sections that teach the point, with "Go back and try the other choice" and
"Start again". Each choice is an event holding the whole path so far (course.events), so the
step on screen is derived from the learner's events: a reload resumes it. "Go back" and "Start
again" are not events (nothing was chosen): the step they lead to is kept in the session and in
the address (`?back=`), so a reload shows that step, not the ending again. The new screen's
heading (the first h3 of the page) takes the focus and a status region announces it. There is
no timer anywhere.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from course import scenario_play
from course.events import check_of
from course.i18n import N_
from course.progress import ModuleProgress
from course.schema import CITATION_MARK, BranchingScenario, InlineCheck, Module, Section, Step
from course.ui import language, nav, state
from course.ui.common import dollars, escape_markdown, live_region
from course.ui.i18n import _, current_language

STEP_PREFIX = "scenario:"
RATING_ICONS = {"safe": ":material/check_circle:", "acceptable": ":material/error:", "unsafe": ":material/cancel:"}
# An ending's rating in words (course.schema.RATING_WORDS), marked here to be shown translated.
RATING_WORDS = {"safe": N_("Safe"), "acceptable": N_("Acceptable, with gaps"), "unsafe": N_("Unsafe")}
NOT_RATED = N_("Not rated")


def step_id(scenario: BranchingScenario) -> str:
    """The module page's `?step=` value of a scenario (":" cannot occur in a section id)."""
    return f"{STEP_PREFIX}{scenario.id}"


def label(scenario: BranchingScenario) -> str:
    return _("Practice: {title}").format(title=scenario.title)


def _feedback_key(sid: str) -> str:
    return f"scenario-feedback-{sid}"


def _override_key(sid: str) -> str:
    return f"scenario-back-{sid}"


BACK_PARAM = "back"  # `?back=<latest choice event id>.<choices kept>`: survives a reload


def _back_value(path: tuple[str, ...], last_event_id: str) -> str:
    return f"{last_event_id}.{len(path)}"


def _back_from_address(play: scenario_play.Play) -> tuple[str, ...] | None:
    """The path "Go back" or "Start again" left, as the address holds it: only for the
    latest choice event (a later choice replaces it), and only a part of the recorded path
    (a typed or stale address cannot lead anywhere the learner has not been)."""
    value = st.query_params.get(BACK_PARAM)
    if not value or play.last_event_id is None:
        return None
    event_id, _, kept = value.rpartition(".")
    if event_id != play.last_event_id or not kept.isdigit() or int(kept) >= len(play.path):
        return None
    return play.path[: int(kept)]


def _current(scenario: BranchingScenario) -> scenario_play.Play:
    """The learner's play-through: from their events, unless they went back or started again
    since their latest choice (kept for this session and in the address, so a reload keeps
    it; their next choice is an event)."""
    play = scenario_play.current(scenario, state.session().events())
    override = st.session_state.get(_override_key(scenario.id))
    if override is not None and override[1] == play.last_event_id:
        return scenario_play.play(scenario, override[0], play.last_event_id)
    back = _back_from_address(play)
    if back is not None:
        return scenario_play.play(scenario, back, play.last_event_id)
    return play


# --------------------------------------------------------------------------- callbacks


def _choose(scenario: BranchingScenario, step: Step, choice_id: str, path: tuple[str, ...], track: str) -> None:
    recorded = state.session().choose_in_scenario(scenario, step, choice_id, path, track)
    st.session_state[_feedback_key(scenario.id)] = recorded.event_id
    st.session_state.pop(_override_key(scenario.id), None)
    st.query_params.pop(BACK_PARAM, None)
    nav.focus_after_run("h3")


def _continue(scenario: BranchingScenario) -> None:
    st.session_state.pop(_feedback_key(scenario.id), None)
    nav.focus_after_run("h3")


def _go_back(scenario: BranchingScenario, path: tuple[str, ...], last_event_id: str | None) -> None:
    st.session_state[_override_key(scenario.id)] = (path, last_event_id)
    if last_event_id is not None:
        st.query_params[BACK_PARAM] = _back_value(path, last_event_id)
    st.session_state.pop(_feedback_key(scenario.id), None)
    nav.focus_after_run("h3")


def _to_section(section_id: str) -> None:
    st.query_params["step"] = section_id
    nav.focus_after_run("h2")


# --------------------------------------------------------------------------- the page part


def render(module: Module, scenario: BranchingScenario, track_id: str) -> None:
    with language.content("scenario-title"):  # the staff track's scenarios are English only
        st.header(scenario.title)
    st.caption(
        _("Practice scenario · about {minutes} minutes · no time limit, nothing is scored").format(
            minutes=scenario.estimated_minutes
        )
    )
    with language.content("scenario-summary"):
        st.write(dollars(scenario.summary))
    status = st.empty()
    play = _current(scenario)
    showing_feedback = (
        play.last_event_id is not None
        and st.session_state.get(_feedback_key(scenario.id)) == play.last_event_id
        and bool(play.taken)
    )
    if showing_feedback:
        _feedback(module, scenario, play, status)
    elif play.ending is not None:
        _ending(module, scenario, play, status)
    elif play.step is not None:
        _step(module, scenario, play, play.step, track_id, status)


def _references(module: Module, texts: list[str]) -> None:
    """Numbered citations, as sections show them: [n] in the text, the list below."""
    numbers: dict[str, int] = {}
    for text in texts:
        for ref in CITATION_MARK.findall(text):
            numbers.setdefault(ref, len(numbers) + 1)
    if not numbers:
        return
    refs = {r.id: r for r in module.references}
    st.subheader(_("References"), anchor=False)
    with language.english("scenario-references"):  # publication titles stay as published (lang="en")
        st.markdown(
            "\n".join(
                f"{n}. {refs[ref].citation} [{refs[ref].url}]({refs[ref].url})"
                if refs[ref].url
                else f"{n}. {refs[ref].citation}"
                for ref, n in numbers.items()
                if ref in refs
            )
        )


def _cite(text: str, texts: list[str]) -> str:
    numbers: dict[str, int] = {}
    for t in texts:
        for ref in CITATION_MARK.findall(t):
            numbers.setdefault(ref, len(numbers) + 1)
    return CITATION_MARK.sub(lambda m: f"<sup>[{numbers[m.group(1)]}]</sup>", dollars(text))


def vitals_table(step: Step) -> None:
    """The step's vitals as a real table with a caption and column headers (no index column)."""
    if step.vitals is None:
        return
    st.markdown(f"**{escape_markdown(step.vitals.caption)}**")
    frame = pd.DataFrame(step.vitals.rows, columns=step.vitals.columns)
    st.table(frame.map(escape_markdown), hide_index=True)


def _step(
    module: Module,
    scenario: BranchingScenario,
    play: scenario_play.Play,
    step: Step,
    track_id: str,
    status: DeltaGenerator,
) -> None:
    live_region(status, _("Step {n}. Read what is happening, then choose what you would do.").format(n=play.number))
    st.subheader(_("Step {n}: what is happening").format(n=play.number), anchor=False)
    texts = [step.situation]
    with language.content("situation"):
        st.markdown(_cite(step.situation, texts), unsafe_allow_html=True)
        vitals_table(step)
    st.subheader(_("What do you do?"), anchor=False)
    with language.content("choices"):
        for c in step.choices:
            st.button(
                c.text,
                key=f"choose-{scenario.id}-{step.id}-{c.id}",
                width="stretch",
                on_click=_choose,
                args=(scenario, step, c.id, play.path, track_id),
            )
    _references(module, texts)


def _feedback(module: Module, scenario: BranchingScenario, play: scenario_play.Play, status: DeltaGenerator) -> None:
    step, choice = play.taken[-1]
    live_region(status, _("Your choice is saved. Read the feedback, then press Continue."))
    st.subheader(_("Step {n}: feedback on your choice").format(n=len(play.taken)), anchor=False)
    st.markdown("**" + _("You chose:") + f"** {dollars(choice.text)}")
    texts = [choice.feedback]
    with language.content("choice-feedback"):
        st.markdown(_cite(choice.feedback, texts), unsafe_allow_html=True)
    st.button(
        _("Continue"),
        key=f"continue-{scenario.id}",
        type="primary",
        icon=":material/arrow_forward:",
        on_click=_continue,
        args=(scenario,),
    )
    _references(module, texts)


def _ending(module: Module, scenario: BranchingScenario, play: scenario_play.Play, status: DeltaGenerator) -> None:
    ending = play.ending
    assert ending is not None
    rating = _(RATING_WORDS.get(ending.rating or "", NOT_RATED))
    live_region(
        status,
        _("End of the scenario. Outcome: {rating}.").format(rating=rating),
        {"safe": "good", "unsafe": "bad"}.get(ending.rating or "", "neutral"),
    )
    st.subheader(_("Ending: {title}").format(title=ending.title), anchor=False)
    outcome = _("Outcome: {rating}").format(rating=rating)
    st.markdown(f"{RATING_ICONS.get(ending.rating or '', '')} **{outcome}**")
    texts = [ending.debrief]
    with language.content("debrief"):
        st.markdown(_cite(ending.debrief, texts), unsafe_allow_html=True)
    st.markdown(
        "**"
        + _("Your path:")
        + "**\n\n"
        + "\n".join(f"{i}. {dollars(c.text)}" for i, (_step, c) in enumerate(play.taken, 1))
    )
    st.markdown("**" + _("Read more in this module:") + "**")
    headings = {s.id: s.heading for s in module.sections}
    for sid in ending.sections:
        if sid in headings:
            st.button(
                _("Section: {heading}").format(heading=headings[sid]),
                key=f"ending-section-{scenario.id}-{sid}",
                icon=":material/menu_book:",
                on_click=_to_section,
                args=(sid,),
            )
    back, again = st.columns(2)
    with back:
        st.button(
            _("Go back and try the other choice"),
            key=f"back-{scenario.id}",
            icon=":material/undo:",
            width="stretch",
            on_click=_go_back,
            args=(scenario, play.path[:-1], play.last_event_id),
        )
    with again:
        st.button(
            _("Start again"),
            key=f"again-{scenario.id}",
            icon=":material/restart_alt:",
            width="stretch",
            on_click=_go_back,
            args=(scenario, (), play.last_event_id),
        )
    _references(module, texts)


# --------------------------------------------------------------------------- quiz gate


def quiz_waits(module: Module, mp: ModuleProgress) -> None:
    """A quiz the track's completion rule keeps closed: what is left, each a link to it."""
    course = state.course()
    scen = {s.id: s for s in course.scenarios.values()}
    # The track's rule (course.yaml `completion:`) asks for these before the quiz counts, so a
    # quiz opened by its address or an old link is not a way round reading the module.
    st.info(
        _("This quiz opens when you have done the parts below. So far: {done}. Each part left is a link to it.").format(
            done=mp.still_to_do(current_language())
        ),
        icon=":material/lock_clock:",
    )
    for kind, ident, title in mp.quiz_waits_for:
        step = step_id(scen[ident]) if kind == "scenario" and ident in scen else ident
        what = _("Play the scenario: {title}") if kind == "scenario" else _("Read the section: {title}")
        nav.button(what.format(title=title), f"module:{module.id}", key=f"left-{kind}-{ident}", query={"step": step})


# --------------------------------------------------------------------------- inline checks


def _last_answers(module: Module) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in state.session().events():
        check = check_of(e.activity)
        if check is not None and check[0] == module.id and isinstance(e.response, str):
            out[check[1]] = e.response
    return out


def _answered(module: Module, section: Section, check: InlineCheck, track_id: str) -> None:
    chosen = st.session_state.get(f"check-{module.id}-{check.id}")
    option = next((o for o in check.options if o.text == chosen), None)
    if option is None:
        return
    state.session().answer_check(module.id, section.id, check.id, option.id, option.correct, track_id)


def render_checks(module: Module, section: Section, track_id: str) -> None:
    """The section's inline checks: answer in place, feedback at once; recorded, not scored."""
    checks = [c for c in section.checks if c.visible_to(track_id)]
    if not checks:
        return
    st.subheader(_("Check your understanding"), anchor=False)
    st.caption(_("Not scored: a quick check for you. Your answer is kept."))
    answers = _last_answers(module)
    for check in checks:
        key = f"check-{module.id}-{check.id}"
        texts = [o.text for o in check.options]
        if key not in st.session_state and check.id in answers:
            st.session_state[key] = next((o.text for o in check.options if o.id == answers[check.id]), None)
        with language.content(key):  # the staff track's checks are English only
            chosen = st.radio(
                check.prompt,
                texts,
                index=None,
                key=key,
                on_change=_answered,
                args=(module, section, check, track_id),
            )
        option = next((o for o in check.options if o.text == chosen), None)
        if option is not None:
            if option.correct:
                st.success("**" + _("Correct.") + f"** {dollars(option.feedback)}", icon=":material/check_circle:")
            else:
                st.error("**" + _("Not correct.") + f"** {dollars(option.feedback)}", icon=":material/cancel:")
