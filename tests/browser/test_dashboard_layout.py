"""The trainer dashboard as a trainer sees it at 1280 px (issue 22): the period field shows its
whole date range, at 100% and at 200% text."""

from __future__ import annotations

import pytest

from tests.browser.a11y import click
from tests.browser.conftest import TRAINER_PASSCODE, wait_ready


def _signed_in_dashboard(page, server) -> None:
    page.goto(f"{server.url}/trainer-sign-in")
    wait_ready(page)
    page.get_by_label("Trainer passcode").fill(TRAINER_PASSCODE)
    click(page, "button", "Sign in")
    assert page.locator("h1").first.inner_text() == "Trainer dashboard"


@pytest.mark.parametrize("zoom", ["100%", "200%"])
def test_the_date_field_shows_the_whole_period_at_1280_px(page, course_server, zoom):
    _signed_in_dashboard(page, course_server)
    if zoom != "100%":
        page.evaluate(f"document.documentElement.style.fontSize = '{zoom}'")
        wait_ready(page)  # no run: the page's frames, until React has redrawn what resizing changed
    box = page.locator("[data-testid=stDateInput]", has_text="Dates")
    shown = box.locator("[data-testid=stDateInputFieldsScroller]")
    start, end = (box.locator("input[type=date]").nth(i).input_value() for i in range(2))
    assert start and end  # a range: start and end dates
    # Both dates fit the box: nothing of "2026-09-08 – 2026-12-07" is cut off or scrolled away.
    clipped = shown.evaluate("el => el.scrollWidth > el.clientWidth + 1")
    assert not clipped, f"the Dates field cuts off {start} – {end} at {zoom} text"
