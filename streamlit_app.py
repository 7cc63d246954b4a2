"""Router only: page config, then st.navigation over the pages in course.ui."""

import streamlit as st

from course.ui import display, identity, nav, state, streamlit_tuning, trainer_access
from course.ui.pages import content_error

streamlit_tuning.install()  # once per process: lock-free config reads (see the module)
streamlit_tuning.install_tcp_nodelay()  # once per process: no 40 ms stalls in sending a page
st.set_page_config(page_title="Ketamine therapy course", page_icon=":material/school:", layout="centered")

state.begin_run()
loaded = state.loaded()
if loaded.course is None:
    st.navigation([st.Page(content_error.render, title="Content problems", url_path="problems")]).run()
else:
    page = st.navigation(nav.build(loaded.course), expanded=True)
    identity.before_page(page.url_path)
    nav.after_navigation(page.url_path)
    page.run()
    identity.after_page()
    trainer_access.after_page()
    nav.after_page()
    display.hide_icon_names()
    state.freeze_long_lived_objects()
