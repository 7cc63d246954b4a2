"""Every path of a real public scenario, walked in the app from its YAML (issue 27): a path
added to modules/scenarios/family-repeats-a-myth.yaml is walked here without new test code."""

from __future__ import annotations

import streamlit as st

from tests.app.test_scenarios_ui import PUBLIC, walk_every_path
from tests.app.test_walkthrough import go

SCENARIO = "family-repeats-a-myth"


def test_every_path_of_a_real_public_scenario(real_course):
    st.cache_resource.clear()
    scenario = real_course.scenarios[SCENARIO]
    from tests.app.test_scenarios_ui import new_app

    at = new_app()
    at.radio[0].set_value(PUBLIC)
    at = at.button(key=next(b.key for b in at.button if b.label == "Start the course")).click().run()
    at.query_params["step"] = f"scenario:{scenario.id}"
    at = go(at, scenario.module)
    headings = {s.id: s.heading for s in real_course.module(scenario.module).sections}
    walk_every_path(at, scenario, headings)
