"""The floor for bench/load.py: the smallest Streamlit app with one interaction.

Whatever this app costs per session and per rerun is Streamlit's own cost; the course is
measured against it in the same run.

With FLOOR_ELEMENTS=K in the environment (load.py's app `floor+K`), each press also draws K
paragraphs of text: what Streamlit costs to send a page of K elements with no app logic at
all, to compare with a course page that sends about as many.

With FLOOR_NODELAY=1 (load.py's app `floor-nodelay`) it first turns Nagle's algorithm off on
its websockets, as the course does (course/ui/streamlit_tuning.py): Streamlit's cost without
the 40 ms stalls that Streamlit as shipped has after each websocket ping (docs/performance.md,
finding 13).
"""

import os
import sys

import streamlit as st

if os.environ.get("FLOOR_NODELAY") == "1":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from course.ui.streamlit_tuning import install_tcp_nodelay

    install_tcp_nodelay()

st.write("hello")
if st.button("Press me"):
    st.write("pressed")
    extra = int(os.environ.get("FLOOR_ELEMENTS", "0"))
    for i in range(1, extra + 1):
        st.markdown(
            f"Paragraph {i} of {extra}. It stands in for one element of a course page: a paragraph, "
            "a heading, a caption or a widget, about as long as the course's own paragraphs are."
        )
