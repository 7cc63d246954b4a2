"""Config reads that do not queue on Streamlit's config lock, with the same answers."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
from streamlit import config

from course.ui import streamlit_tuning
from tests.conftest import run_in_own_loop


@pytest.fixture
def tuned():
    assert streamlit_tuning.install()
    yield
    streamlit_tuning.uninstall()


def _in_thread(fn) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    thread.start()
    return thread, result


def test_every_option_reads_the_same_as_streamlits_own_function():
    original = config.get_option
    keys = list(config.get_config_options())
    expected = {key: original(key) for key in keys}
    assert streamlit_tuning.install()
    try:
        assert config.get_option is not original
        assert {key: config.get_option(key) for key in keys} == expected
        with pytest.raises(RuntimeError, match="not defined"):
            config.get_option("no.suchOption")
    finally:
        streamlit_tuning.uninstall()
    assert config.get_option is original


def test_a_read_does_not_wait_while_another_thread_holds_the_config_lock(tuned):
    with config._config_lock:
        thread, result = _in_thread(lambda: config.get_option("global.minCachedMessageSize"))
        thread.join(timeout=10)
        assert not thread.is_alive(), "the read waited for the config lock"
    assert result == [config.get_config_options()["global.minCachedMessageSize"].value]


def test_while_the_config_is_re_parsed_reads_take_the_locked_path(tuned, monkeypatch):
    monkeypatch.setitem(streamlit_tuning._state, "reparsing", 1)
    with config._config_lock:  # as the re-parsing thread holds it
        thread, result = _in_thread(lambda: config.get_option("server.headless"))
        thread.join(timeout=0.5)
        assert thread.is_alive(), "a read during a re-parse must wait for it to finish"
    thread.join(timeout=10)
    assert not thread.is_alive() and len(result) == 1


def test_a_forced_re_parse_is_counted_while_it_runs_and_gives_the_same_options(tuned):
    seen = []
    before = {key: config.get_option(key) for key in config.get_config_options()}
    original_update = config._update_config_with_toml

    def spy(*args, **kwargs):
        seen.append(streamlit_tuning._state["reparsing"])
        return original_update(*args, **kwargs)

    config._update_config_with_toml = spy
    try:
        config.get_config_options(force_reparse=True)
    finally:
        config._update_config_with_toml = original_update
    assert streamlit_tuning._state["reparsing"] == 0
    assert seen and all(count == 1 for count in seen), "counted while the files are read"
    assert {key: config.get_option(key) for key in config.get_config_options()} == before


def test_a_temporarily_replaced_get_option_is_left_alone(monkeypatch):
    # AppTest swaps in its own get_option during every run to switch on its test mode.
    def theirs(key: str):
        return "theirs"

    monkeypatch.setattr(config, "get_option", theirs)
    assert streamlit_tuning.install() is False
    assert config.get_option is theirs


# --- TCP_NODELAY on accepted connections -------------------------------------------------


async def _accepted_nodelay(listener: socket.socket, before=None) -> int:
    """Accept one connection on `listener` with asyncio, as Streamlit's server does, and
    report TCP_NODELAY on the server's side of it. `before(transport)` runs once accepted."""
    accepted: asyncio.Future = asyncio.get_running_loop().create_future()

    class Server(asyncio.Protocol):
        def connection_made(self, transport):
            accepted.set_result(transport)

    server = await asyncio.get_running_loop().create_server(Server, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
    try:
        transport = await asyncio.wait_for(accepted, 10)
        if before is not None:
            before(transport)
        return transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


def _listener() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as Streamlit binds it
    sock.bind(("127.0.0.1", 0))
    assert sock.proto == 0
    return sock


def test_connections_accepted_from_a_socket_bound_with_proto_0_get_tcp_nodelay():
    streamlit_tuning.uninstall_tcp_nodelay()
    assert run_in_own_loop(lambda: _accepted_nodelay(_listener())) == 0, "asyncio leaves Nagle on for these"
    assert streamlit_tuning.install_tcp_nodelay()
    try:
        assert run_in_own_loop(lambda: _accepted_nodelay(_listener())) != 0
    finally:
        streamlit_tuning.uninstall_tcp_nodelay()


def test_connections_already_open_when_it_is_installed_get_tcp_nodelay_too():
    streamlit_tuning.uninstall_tcp_nodelay()
    try:
        assert (
            run_in_own_loop(
                lambda: _accepted_nodelay(_listener(), before=lambda _: streamlit_tuning.install_tcp_nodelay())
            )
            != 0
        )
    finally:
        streamlit_tuning.uninstall_tcp_nodelay()


_THEME_SECTIONS = ("theme", "theme.light", "theme.dark", "theme.sidebar", "theme.light.sidebar", "theme.dark.sidebar")


def _theme_message() -> bytes:
    """The theme part of a run's new_session message, built the way Streamlit builds it."""
    from streamlit.proto.NewSession_pb2 import CustomThemeConfig
    from streamlit.runtime import app_session

    msg = CustomThemeConfig()
    targets = (msg, msg.light, msg.dark, msg.sidebar, msg.light.sidebar, msg.dark.sidebar)
    for target, section in zip(targets, _THEME_SECTIONS, strict=True):
        app_session._populate_theme_msg(target, section)
    return msg.SerializeToString(deterministic=True)


def test_each_run_is_sent_the_same_theme_and_a_re_parsed_config_changes_it():
    from streamlit.runtime import app_session

    config.get_config_options(force_reparse=True)  # the repository's .streamlit/config.toml
    expected = _theme_message()
    original = app_session._populate_theme_msg
    assert streamlit_tuning.install()
    try:
        assert app_session._populate_theme_msg is not original
        assert _theme_message() == expected
        assert _theme_message() == expected  # the second run, from what was kept
        config.get_config_options(force_reparse=True)  # a new options dict, as an edited file gives
        config._set_option("theme.primaryColor", "#123456", "test")
        changed = _theme_message()
    finally:
        streamlit_tuning.uninstall()
    assert app_session._populate_theme_msg is original
    assert changed != expected
    assert changed == _theme_message()  # Streamlit's own function, on the re-parsed config
    config.get_config_options(force_reparse=True)
