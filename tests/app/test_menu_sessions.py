"""The menu is built once per track, language and trainer sign-in, and shared (as copies) by
every session that has the same (course/ui/router.py): each learner still sees the menu of
their own track, and no session's pages are another's."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.test_walkthrough import APP, choose_track, menu


@pytest.fixture
def app() -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def test_each_session_sees_the_menu_of_its_own_track(app, real_course):
    from course.ui import nav

    every_module = [f"{n}. {m.title}" for n, m in enumerate(real_course.modules, start=1)]
    assert menu(app) == every_module  # no track yet: every module, in course order

    public = real_course.track("public")
    at = choose_track(app, public.title)
    mine = [f"{n}. {real_course.module(mid).title}" for n, mid in enumerate(public.modules, start=1)]
    assert menu(at) == mine

    # Another browser, no track chosen yet: every module, not the first learner's menu.
    other = AppTest.from_file(APP, default_timeout=60).run()
    assert menu(other) == every_module
    staff = real_course.track("staff")
    other = choose_track(other, staff.title)
    assert menu(other) == [f"{n}. {real_course.module(mid).title}" for n, mid in enumerate(staff.modules, start=1)]

    # The first learner's next run: still their own track's menu.
    at = at.run()
    assert menu(at) == mine
    # The same menu for a second public learner, but their own page objects: Streamlit marks
    # the page a session may run on the object, so sessions never share one.
    third = choose_track(AppTest.from_file(APP, default_timeout=60).run(), public.title)
    assert menu(third) == mine
    pages_of = lambda t: {id(p) for p in t.session_state[nav.PAGES_KEY].values()}  # noqa: E731
    assert not pages_of(third) & pages_of(at)
