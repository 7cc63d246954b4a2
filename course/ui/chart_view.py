"""Show a chart the accessible way: the chart (described by its alt text), a caption that
states the takeaway, and the same numbers as a table in an expander."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def show(chart, table: pd.DataFrame, caption: str, name: str) -> None:
    with st.container(border=True):
        st.altair_chart(chart, width="stretch")
        st.caption(caption)
        with st.expander(f"Data table: {name}"):
            st.table(table, hide_index=True)
