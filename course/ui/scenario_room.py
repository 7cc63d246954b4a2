"""Play a branching scenario with the room, through the existing room polls.

Each step is a poll whose question id names the scenario, the step and the choice that led
there: ``scenario:<scenario>:<step>:<choice>`` (``-`` at the start). The projector and the
phones draw it as any poll (its "case" is the feedback on the room's last choice, then the
situation; its options are the choices), so the room votes on their phones; the presenter
reveals the tally and follows the choice with most votes (or another, to show where it leads),
which opens the next step's poll. An ending is a poll with no options: the projector shows its
rating and debrief, the phones say no question is open. Nothing here is stored elsewhere: a
presenter's refresh, or another presenter's browser, reads the same room.
"""

from __future__ import annotations

import string

import streamlit as st

from course.i18n import DEFAULT, N_, gettext_for
from course.polls import PollQuestion, poll_questions
from course.records import Poll, Presentation, RoomEnded, Store, StoreUnavailable
from course.schema import CITATION_MARK, BranchingScenario, Choice, Course, Ending, Step
from course.ui import room as shared
from course.ui.common import dollars

PREFIX = "scenario:"
MAX_QUESTION_ID = 128  # the poll store's limit (records.Store.open_poll)


def poll_id_for(scenario_id: str, node: str, via: str | None) -> str:
    """The poll question id of a step or ending reached by choice `via` (None at the start)."""
    full = f"{PREFIX}{scenario_id}:{node}:{via or '-'}"
    return full if len(full) <= MAX_QUESTION_ID else f"{PREFIX}{scenario_id}:{node}:-"


def is_scenario_poll(question_id: str) -> bool:
    return question_id.startswith(PREFIX)


def parse(course: Course, question_id: str) -> tuple[BranchingScenario, Step | None, Ending | None, str | None] | None:
    """(scenario, step, ending, the choice id that led here) of a scenario poll, or None."""
    parts = question_id.removeprefix(PREFIX).split(":")
    if len(parts) != 3 or parts[0] not in course.scenarios:
        return None
    scenario = course.scenarios[parts[0]]
    via = None if parts[2] == "-" else parts[2]
    step, ending = scenario.step(parts[1]), scenario.ending(parts[1])
    if step is None and ending is None:
        return None
    return scenario, step, ending, via


def room_scenarios(course: Course, room: Presentation) -> list[BranchingScenario]:
    """The room's module's scenarios that a track of the room's audience sees."""
    audiences = {t.id: t.audience for t in course.settings.tracks}
    return [
        s for s in course.module_scenarios(room.module_id) if any(audiences.get(t) == room.audience for t in s.tracks)
    ]


def _plain(text: str) -> str:
    """Markdown for the room: citation marks are left out (the projector has no reference list)."""
    return dollars(" ".join(CITATION_MARK.sub("", text).split()))


def _via_choice(scenario: BranchingScenario, node: str, via: str | None) -> Choice | None:
    for step in scenario.steps:
        for c in step.choices:
            if c.id == via and c.next == node:
                return c
    return None


def _case(scenario: BranchingScenario, step: Step, via: str | None, lang: str = DEFAULT) -> str:
    chosen = _via_choice(scenario, step.id, via)
    text = f"**{dollars(scenario.title)}**\n\n"
    if chosen is not None:
        chose, next_ = gettext_for(lang, N_("The room chose:")), gettext_for(lang, N_("What happens next:"))
        text += f"**{chose}** {_plain(chosen.text)}\n\n{_plain(chosen.feedback)}\n\n**{next_}** "
    text += _plain(step.situation)
    if step.vitals is not None:
        rows = "; ".join(
            ", ".join(f"{c}: {v}" for c, v in zip(step.vitals.columns, r, strict=False)) for r in step.vitals.rows
        )
        text += f"\n\n{dollars(step.vitals.caption)}: {dollars(rows)}."
    return text


def room_question(course: Course, room: Presentation, poll: Poll, lang: str = DEFAULT) -> PollQuestion | None:
    """The open poll as the room sees it: one of the module's quiz questions, or a step of a
    scenario the room plays; None for a question this room may not see, or a scenario's
    ending (it has no options). `course` is in the room's language `lang`."""
    if is_scenario_poll(poll.question_id):
        return poll_question(course, room, poll.question_id, lang)
    for q in poll_questions(course, room.module_id, room.audience):
        if q.id == poll.question_id:
            return q
    return None


def poll_question(course: Course, room: Presentation, question_id: str, lang: str = DEFAULT) -> PollQuestion | None:
    """The step of a scenario poll as a `PollQuestion`; None for an ending, a scenario this
    room's audience does not see, or a step no longer in the content."""
    found = parse(course, question_id)
    if found is None:
        return None
    scenario, step, _, via = found
    if step is None or scenario not in room_scenarios(course, room):
        return None
    options = tuple(
        (c.id, f"{letter}. {c.text}") for letter, c in zip(string.ascii_uppercase, step.choices, strict=False)
    )
    prompt = gettext_for(lang, N_("What should we do?"))
    return PollQuestion(question_id, prompt, _case(scenario, step, via, lang), options, "")


# --------------------------------------------------------------------------- presenter


def _open(code: str, question_id: str) -> None:
    from course.ui import state

    db = state.store()
    try:
        if db is not None:
            db.open_poll(code, question_id)
    except RoomEnded:
        st.session_state[shared.PRESENTER_ERROR] = "The scenario did not move on: this room has ended."
    except StoreUnavailable:
        st.session_state[shared.PRESENTER_ERROR] = (
            "The scenario did not move on: the course database cannot be reached."
        )


def _start(code: str) -> None:
    from course.ui import state

    sid = st.session_state.get("room-scenario")
    scenario = state.course().scenarios.get(sid or "")
    if scenario is not None:
        _open(code, poll_id_for(scenario.id, scenario.start, None))


def starter(course: Course, room: Presentation) -> None:
    """With no poll open: pick one of the module's scenarios and put its first step to the room."""
    scenarios = room_scenarios(course, room)
    if not scenarios:
        return
    st.subheader("Play a scenario with the room", anchor=False)
    st.write(
        "The projector shows each step; people vote on their phones for what to do; you reveal the tally and "
        "follow the choice with most votes, or another one to show where it leads."
    )
    titles = {s.id: s.title for s in scenarios}
    shared.choose("Scenario", titles, key="room-scenario")
    st.button(
        "Start the scenario",
        key="room-scenario-start",
        type="primary",
        icon=":material/alt_route:",
        on_click=_start,
        args=(room.code,),
    )


def presenter_control(course: Course, db: Store, room: Presentation, poll: Poll) -> None:
    """The presenter's side of an open scenario poll: the step, the tally, and where to go."""
    found = parse(course, poll.question_id)
    question = poll_question(course, room, poll.question_id)
    if found is None or (found[1] is not None and question is None):
        db.close_poll(poll.poll_id)  # not a scenario this room may see: close it rather than show it
        st.rerun()
    scenario, step, ending, via = found
    st.subheader(f"Scenario: {scenario.title}", anchor=False)
    if ending is not None:
        chosen = _via_choice(scenario, ending.id, via)
        if chosen is not None:
            st.markdown(f"**The room chose:** {_plain(chosen.text)}\n\n{_plain(chosen.feedback)}")
        st.markdown(f"**Ending: {dollars(ending.title)}** · Outcome: **{ending.rating_words}**")
        st.markdown(_plain(ending.debrief))
        st.caption("The projector shows this ending. Talk it through, then close the scenario or play it again.")
        again, close = st.columns(2)
        with again:
            st.button(
                "Play it again from the start",
                key="room-scenario-again",
                icon=":material/restart_alt:",
                on_click=_open,
                args=(room.code, poll_id_for(scenario.id, scenario.start, None)),
                width="stretch",
            )
        with close:
            st.button(
                "Close the scenario",
                key="room-scenario-close",
                icon=":material/close:",
                on_click=shared.poll_action,
                args=(poll.poll_id, "close"),
                width="stretch",
            )
        return
    assert step is not None and question is not None
    st.markdown(question.case or "")
    if poll.revealed:
        st.success("The tally is on the audience screen.", icon=":material/visibility:")
    else:
        st.info(
            "Votes are coming in. The room does not see the tally until you reveal it.",
            icon=":material/visibility_off:",
        )
    shared.live_tally(poll.poll_id, question)
    st.button(
        "Reveal the tally",
        key="room-scenario-reveal",
        icon=":material/bar_chart:",
        type="primary",
        disabled=poll.revealed,
        on_click=shared.poll_action,
        args=(poll.poll_id, "reveal"),
    )
    tally = db.poll_tally(poll.poll_id)
    most = max((tally.get(c.id, 0) for c in step.choices), default=0)
    st.markdown("**Follow a choice** (the next step opens for the room):")
    for letter, c in zip(string.ascii_uppercase, step.choices, strict=False):
        votes = tally.get(c.id, 0)
        top = most > 0 and votes == most
        st.button(
            f"Follow {letter}: {c.text} ({votes} vote{'s' if votes != 1 else ''}{', most votes' if top else ''})",
            key=f"room-follow-{c.id}",
            type="primary" if top else "secondary",
            on_click=_open,
            args=(room.code, poll_id_for(scenario.id, c.next, c.id)),
        )
    st.button(
        "Stop the scenario",
        key="room-scenario-stop",
        icon=":material/close:",
        on_click=shared.poll_action,
        args=(poll.poll_id, "close"),
    )


# --------------------------------------------------------------------------- projector


def audience_ending(course: Course, room: Presentation, poll: Poll, lang: str = DEFAULT) -> bool:
    """Draw a scenario ending on the projector, in the room's language `lang` (`course` is in
    it); False (nothing drawn) for any other poll."""
    found = parse(course, poll.question_id)
    if found is None or found[2] is None or found[0] not in room_scenarios(course, room):
        return False
    scenario, _, ending, via = found
    assert ending is not None
    st.header(gettext_for(lang, N_("{scenario}: the ending")).format(scenario=scenario.title), anchor=False)
    chosen = _via_choice(scenario, ending.id, via)
    if chosen is not None:
        said = gettext_for(lang, N_("The room chose:"))
        st.markdown(f"**{said}** {_plain(chosen.text)}\n\n{_plain(chosen.feedback)}")
    st.subheader(ending.title, anchor=False)
    rating = gettext_for(lang, ending.rating_words)  # "Safe", "Unsafe"…: in the catalogue (scenario_view)
    st.markdown("**" + gettext_for(lang, N_("Outcome: {rating}")).format(rating=rating) + "**")
    st.markdown(_plain(ending.debrief))
    return True
