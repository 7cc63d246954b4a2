"""Issue 27: a room plays a branching scenario. The projector shows the step, three phones vote
through the room poll, the presenter reveals the tally and follows the choice with most votes,
and the room goes on to the next step until an ending, which the projector shows."""

from __future__ import annotations

from course.ui import scenario_room
from tests.app.test_presenter import audience_headings, db, no_errors, page_text, start, tab  # noqa: F401

MODULE = "access-stigma"


def test_a_room_plays_a_public_scenario_with_three_phones_to_an_ending(real_course, db):  # noqa: F811
    scenario = real_course.scenarios["friend-starting-treatment"]
    at, code = start(MODULE, "public")
    at.selectbox(key="room-scenario").set_value(scenario.id)
    at = no_errors(at.button(key="room-scenario-start").click().run())
    phones = [no_errors(tab("join", room=code)) for _ in range(3)]
    projector = no_errors(tab("audience", room=code))

    step = scenario.step(scenario.start)
    taken = []
    while step is not None:
        poll = db.current_poll(code)
        assert poll.question_id.startswith(f"scenario:{scenario.id}:{step.id}:")
        projector = no_errors(projector.run())
        assert "Question for the room" in audience_headings(projector)
        assert " ".join(step.choices[0].text.split()) in page_text(projector)
        # Two phones vote for the first choice, one for the second.
        first, second = step.choices[0], step.choices[1]
        for n, phone in enumerate(phones):
            phone = no_errors(phone.run())
            assert phone.header[0].value == "Question from the presenter"
            phone.radio(key=f"poll-choice-{poll.poll_id}").set_value(first.id if n < 2 else second.id)
            phones[n] = no_errors(phone.button(key=f"poll-send-{poll.poll_id}").click().run())
        assert db.poll_tally(poll.poll_id) == {first.id: 2, second.id: 1}
        at = no_errors(at.run())
        assert "Results" not in [s.value for s in projector.subheader]
        at = no_errors(at.button(key="room-scenario-reveal").click().run())
        projector = no_errors(projector.run())
        assert "Results" in [s.value for s in projector.subheader], "the tally is on the projector once revealed"
        follow = at.button(key=f"room-follow-{first.id}")
        assert follow.label.endswith("(2 votes, most votes)")
        at = no_errors(follow.click().run())
        taken.append(first)
        step = scenario.step(first.next)

    ending = scenario.ending(taken[-1].next)
    poll = db.current_poll(code)
    assert poll.question_id == scenario_room.poll_id_for(scenario.id, ending.id, taken[-1].id)
    projector = no_errors(projector.run())
    assert f"{scenario.title}: the ending" in audience_headings(projector)
    assert f"Outcome: {ending.rating_words}" in page_text(projector)
    assert ending.title in page_text(projector)
    phone = no_errors(phones[0].run())
    assert not phone.radio, "no vote at an ending"
    at = no_errors(at.button(key="room-scenario-close").click().run())
    assert db.current_poll(code) is None
    projector = no_errors(projector.run())
    assert f"{scenario.title}: the ending" not in audience_headings(projector), "the slides come back"


def test_a_public_room_is_never_offered_a_staff_only_scenario(real_course, db):  # noqa: F811
    staff_only = {s.title for s in real_course.module_scenarios("onboarding") if s.tracks == ["staff"]}
    assert staff_only
    at, _ = start("onboarding", "staff")
    assert set(at.selectbox(key="room-scenario").options) == staff_only
    at, _ = start("onboarding", "public")
    assert "Play a scenario with the room" not in page_text(at)
    assert not [s for s in at.selectbox if s.key == "room-scenario"]
