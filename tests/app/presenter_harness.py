"""A small app for AppTest: one of the presenter-mode pages, chosen in session_state.

The real app registers these pages in `st.navigation`; here a test picks the page by setting
`st.session_state["harness-page"]` ("presenter", "audience" or "join") before `run()`, and
sets `st.session_state["trainer"] = True` to be a signed-in trainer.
"""

import streamlit as st

from course.ui import nav
from course.ui.pages import audience, join, presenter

st.set_page_config(page_title="Presenter mode (test harness)", layout="centered")

PAGES = {
    "presenter": presenter.render_presenter,
    "audience": audience.render_audience,
    "join": join.render_join,
}
PAGES[st.session_state.get("harness-page", "presenter")]()
nav.after_page()  # as the app does: the focus goes where a button asked
