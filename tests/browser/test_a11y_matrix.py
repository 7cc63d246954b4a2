"""The display matrix in the default theme: every page at 1280 and 320 CSS pixels, at 100% and
200% text, in English and Spanish (the settings, the room and what is checked:
tests/browser/a11y_matrix.py, and `live_room` in tests/browser/conftest.py)."""

from __future__ import annotations

import pytest

from tests.browser.a11y_matrix import DEFAULT_THEME, every_page_at_both_widths


@pytest.mark.parametrize(("lang", "text_size", "high_contrast"), DEFAULT_THEME)
def test_every_page_has_no_violations_at_both_widths(
    browser, course_server, real_course, live_room, lang, text_size, high_contrast
):
    every_page_at_both_widths(browser, course_server, real_course, live_room, lang, text_size, high_contrast)
