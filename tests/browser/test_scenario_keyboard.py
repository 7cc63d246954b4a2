"""Issue 27 in a real browser: a public scenario played by keyboard alone, with axe at every
screen; each new screen's heading takes the focus (so a screen reader reads the new situation)
and a status region announces it. The path is the first choice at each step, from the YAML."""

from __future__ import annotations

import pytest

from tests.browser.a11y import FOCUS_VISIBLE_JS, audit
from tests.browser.conftest import start, wait_ready
from tests.browser.test_focus import focus_settles

pytestmark = pytest.mark.browser
SCENARIO = "friend-starting-treatment"
MODULE = "access-stigma"


def tab_to(page, label: str, limit: int = 80) -> None:
    """Press Tab until the focus is on the control named `label` (as a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if " ".join(label.split()) in " ".join(name.split()):  # an icon's ligature may come first
            assert page.evaluate(FOCUS_VISIBLE_JS)["ok"], f"the focus on {label!r} is not visible"
            return
    raise AssertionError(f"Tab never reached {label!r}")


def test_a_public_scenario_by_keyboard_alone_with_axe_at_each_step(page, course_server, real_course):
    scenario = real_course.scenarios[SCENARIO]
    start(page, course_server, "Community and self-paced learning")
    module = real_course.module(MODULE)
    number = [m.id for m in real_course.modules].index(MODULE) + 1
    page.get_by_role("link", name=f"{number}. {module.title}", exact=True).click()
    wait_ready(page)
    while page.get_by_role("heading", name=scenario.title).count() == 0:  # getting there is not the test
        page.get_by_role("button", name="Next:").first.click()
        wait_ready(page)
    page.get_by_role("heading", name=scenario.title).focus()  # from here on, the keyboard alone
    problems = audit(page, "scenario: step 1")
    step = scenario.step(scenario.start)
    n = 1
    while True:
        status = page.locator("[data-testid=stMain] [role=status], [data-testid=stMain] [role=alert]")
        assert status.filter(has_text=f"Step {n}.").count() == 1, "the new step is announced"
        choice = step.choices[0]
        tab_to(page, choice.text)
        page.keyboard.press("Enter")
        focus = focus_settles(page, "f.where === 'H3'")
        assert focus["text"] == f"Step {n}: feedback on your choice" and focus["inView"]
        problems += audit(page, f"scenario: feedback {n}")
        tab_to(page, "Continue")
        page.keyboard.press("Enter")
        focus = focus_settles(page, "f.where === 'H3'")
        ending = scenario.ending(choice.next)
        if ending is not None:
            assert focus["text"] == f"Ending: {ending.title}"
            announced = f"End of the scenario. Outcome: {ending.rating_words}."
            assert status.filter(has_text=announced).count() == 1, "the ending is announced, its rating in words"
            problems += audit(page, "scenario: ending")
            break
        n += 1
        step = scenario.step(choice.next)
        assert focus["text"] == f"Step {n}: what is happening"
        problems += audit(page, f"scenario: step {n}")
    tab_to(page, "Go back and try the other choice")
    page.keyboard.press("Enter")
    focus = focus_settles(page, "f.where === 'H3'")
    assert focus["text"] == f"Step {n}: what is happening"
    assert problems == []
