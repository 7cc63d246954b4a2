"""The floor for bench/load.py: the smallest Streamlit app with one interaction.

Whatever this app costs per session and per rerun is Streamlit's own cost; the course is
measured against it in the same run.
"""

import streamlit as st

st.write("hello")
if st.button("Press me"):
    st.write("pressed")
