"""Every app test gets its own SQLite database, certificate key and once-only log lines."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def isolated_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'course.sqlite'}"
    monkeypatch.setenv("COURSE_DB_URL", url)
    monkeypatch.setenv("COURSE_CERT_SECRET", "test-secret-for-certificates-0123456789")
    from course.ui import state

    # What the server logs once per process is logged once per test here.
    monkeypatch.setattr(state, "_REPORTED", set())
    monkeypatch.setattr(state, "_OUTAGE", set())
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()
