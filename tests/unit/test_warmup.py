"""A new server warms up on a thread of its own, and the router's first run waits for it."""

from __future__ import annotations

import sys
import threading

import pytest

from course.ui import warmup


def test_the_warm_up_imports_the_pages_and_a_failure_is_left_to_the_first_page(monkeypatch):
    from course.ui import state

    calls: list[str] = []

    def broken() -> None:
        calls.append("loaded")
        raise RuntimeError("content cannot be read")

    monkeypatch.setattr(state, "loaded", broken)
    warmup._warm()  # raises nothing: the first page loads the course and reports the problem

    assert calls == ["loaded"]
    assert all(name in sys.modules for name in warmup.MODULES)


def test_the_first_page_finds_the_course_the_warm_up_loaded(monkeypatch, tmp_path):
    import streamlit as st

    from course.ui import state

    monkeypatch.setenv("COURSE_DB_URL", f"sqlite:///{tmp_path / 'records.sqlite'}")
    st.cache_resource.clear()
    try:
        warmup._warm()
        parsed = []
        monkeypatch.setattr(state, "load_course", lambda *a, **k: parsed.append(1))
        assert state.loaded().course is not None  # from the cache: nothing parsed again
        assert parsed == []
    finally:
        st.cache_resource.clear()


def test_the_first_run_waits_for_the_warm_up_thread(monkeypatch):
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    monkeypatch.setattr(warmup, "_started", [thread])
    thread.start()
    threading.Timer(0.2, release.set).start()

    warmup.wait(timeout=10)

    assert not thread.is_alive()


def test_a_restarted_server_reads_back_the_course_that_validated(monkeypatch, course_copy, tmp_path):
    import streamlit as st

    from course import loader
    from course.ui import state

    monkeypatch.setattr(loader, "_kept", [])
    monkeypatch.setattr(warmup, "_started", [])
    monkeypatch.setattr(warmup, "_warm", lambda: None)
    monkeypatch.setenv("COURSE_CONTENT_ROOT", str(course_copy.root))
    monkeypatch.setenv("COURSE_DB_URL", f"sqlite:///{tmp_path / 'records.sqlite'}")
    warmup.start()  # what the server does as it imports streamlit_app
    st.cache_resource.clear()
    try:
        first = state.loaded().course
        st.cache_resource.clear()  # as a new process finds it
        for module in (loader, state):
            monkeypatch.setattr(module, "load_course", lambda *a, **k: pytest.fail("parsed the content again"))
        assert state.loaded().course == first is not None
    finally:
        st.cache_resource.clear()


def test_the_quicker_component_scan_finds_what_streamlits_own_filter_finds():
    import importlib.metadata

    from streamlit.components.v2 import manifest_scanner

    streamlits = manifest_scanner._is_likely_streamlit_component_package
    assert warmup.quicker_component_scan()
    try:
        quicker = manifest_scanner._is_likely_streamlit_component_package
        installed = list(importlib.metadata.distributions())
        assert [d.name for d in installed if quicker(d)] == [d.name for d in installed if streamlits(d)]
        assert "streamlit" in [d.name for d in installed if quicker(d)]
    finally:
        manifest_scanner._is_likely_streamlit_component_package = streamlits
        warmup._quick_scans.clear()


def test_a_package_that_mentions_streamlit_is_left_to_streamlits_filter():
    class Package:
        def __init__(self, metadata: str | None) -> None:
            self.metadata_text = metadata

        def read_text(self, name: str) -> str | None:
            return self.metadata_text

    asked: list[object] = []

    def streamlits(dist: object) -> bool:
        asked.append(dist)
        return True

    mentions = Package("Name: my-chart\nRequires-Dist: Streamlit>=1.40\n")
    unreadable = Package(None)
    assert warmup._mentions_streamlit(Package("Name: numpy\nSummary: arrays\n"), streamlits) is False
    assert warmup._mentions_streamlit(mentions, streamlits) is True
    assert warmup._mentions_streamlit(unreadable, streamlits) is True
    assert asked == [mentions, unreadable]


def test_the_warm_up_installs_nodelay_and_freezes_before_the_first_page(monkeypatch, tmp_path):
    import streamlit as st

    from course.ui import state, streamlit_tuning

    monkeypatch.setenv("COURSE_DB_URL", f"sqlite:///{tmp_path / 'records.sqlite'}")
    streamlit_tuning.uninstall_tcp_nodelay()
    st.cache_resource.clear()
    frozen: list[bool] = []
    monkeypatch.setattr("gc.freeze", lambda: frozen.append(True))
    try:
        warmup._warm()
        assert streamlit_tuning._nodelay["installed"]
        assert frozen == [True]
        state.freeze_long_lived_objects()  # the first run's own call: already done
        assert frozen == [True]
    finally:
        streamlit_tuning.uninstall_tcp_nodelay()
        st.cache_resource.clear()
