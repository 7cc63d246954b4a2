"""Three work-arounds for Streamlit 1.67 costs that show in what learners wait for.

**Config lock.** This one shows only with many learners at once.

`streamlit.config.get_option` takes one process-wide lock on every call, and Streamlit calls
it for every element a script sends (`forward_msg_cache.populate_hash_if_needed`) and every
widget it draws. Script threads share the interpreter lock, so a thread that is paused while
it holds the config lock makes every other session's thread queue behind it, each waiting up
to a switch interval (5 ms) for its turn. At 50 concurrent learners py-spy found script
threads spending about 30 % of their time waiting there (docs/performance.md, finding 5).
Upstream noted the cost when the lock was added (streamlit/streamlit#2860, review).

`install()` makes reads lock-free: the options dict is read directly, as the code in
Streamlit's own `get_config_options` fast path already does. While the config files are
being re-parsed (a new dict is filled in), reads go through the original, locked function,
so a half-built dict is never read. Writes (`set_option`) are unchanged.

**Nagle's algorithm on the websocket.** Streamlit's server binds its listening socket itself
and hands it to uvicorn. The socket is made with `proto` 0, and connections accepted from it
inherit that. asyncio turns `TCP_NODELAY` on only for sockets that report `IPPROTO_TCP`
(`asyncio.base_events._set_nodelay`), so every learner's websocket keeps Nagle's algorithm on.
A page is sent as one websocket frame per element. When a small frame waits for the ACK of
the one before it, and the browser delays that ACK (40 ms on Linux), the rest of the page
arrives 40 ms late. Pages of about 30 elements or more hit this on a few percent of
interactions (docs/performance.md, finding 9; uvicorn issue Kludex/uvicorn#3149).
`install_tcp_nodelay()` makes asyncio set `TCP_NODELAY` on every TCP connection it accepts
from now on, whatever `proto` says, and sets it on the connections already open.

**The theme, rebuilt for every script run.** Every run starts with a `new_session` message
that carries the app's theme, and Streamlit builds it from the config each time: six
sections read option by option, and each of the course's font faces parsed from a dict into
protobuf (`json_format.ParseDict`). py-spy put this at 8 % of the course server's CPU, about
1 ms per run (docs/performance.md, issue 24). The theme changes only when the config files
are re-parsed (Streamlit then fills a new options dict), so `install()` also keeps each
section's message, built by Streamlit's own function, for as long as the options dict is the
same object, and copies it into each run's message.
"""

from __future__ import annotations

import asyncio.base_events
import asyncio.selector_events
import contextlib
import functools
import gc
import logging
import socket
import threading
from typing import Any

from streamlit import config
from streamlit.config_option import ConfigOption
from streamlit.runtime import app_session

_log = logging.getLogger(__name__)
_state: dict[str, Any] = {"installed": False, "reparsing": 0}
_count_lock = threading.Lock()


def install() -> bool:
    """Patch `streamlit.config` once per process; False if this Streamlit lacks what it needs."""
    if _state["installed"]:
        return True
    original_get = getattr(config, "get_option", None)
    original_parse = getattr(config, "get_config_options", None)
    if not callable(original_get) or not callable(original_parse) or not hasattr(config, "_config_options"):
        _log.warning("streamlit.config has changed; config reads stay locked (slower under load)")
        return False
    if getattr(original_get, "__module__", None) != config.__name__:
        # Someone has replaced get_option for now (AppTest patches it during each run to
        # turn on its test mode): leave theirs alone; a later call may install.
        return False

    @functools.wraps(original_parse)
    def get_config_options(
        force_reparse: bool = False, options_from_flags: dict[str, Any] | None = None
    ) -> dict[str, ConfigOption]:
        if not force_reparse:
            return original_parse(force_reparse, options_from_flags)
        # Counted before the dict is replaced and until it is complete, so a reader that
        # picks up the new dict early always sees the count and takes the locked path.
        with _count_lock:
            _state["reparsing"] += 1
        try:
            return original_parse(force_reparse, options_from_flags)
        finally:
            with _count_lock:
                _state["reparsing"] -= 1

    @functools.wraps(original_get)
    def get_option(key: str) -> Any:
        options = config._config_options  # read the reference first, then check
        if options is None or _state["reparsing"] or key not in options:
            return original_get(key)
        return options[key].value

    config.get_config_options = get_config_options
    config.get_option = get_option
    _state["installed"] = True
    _state["originals"] = (original_get, original_parse)
    _install_theme_cache()
    return True


_theme: dict[str, Any] = {"original": None, "sections": {}}


def _install_theme_cache() -> None:
    """Keep each theme section's message while the options dict stays the same object."""
    session_module: Any = app_session
    original = getattr(session_module, "_populate_theme_msg", None)
    if not callable(original) or _theme["original"] is not None:
        if not callable(original):
            _log.warning("streamlit's app_session has changed; the theme is rebuilt for every run")
        return
    sections: dict[str, tuple[object, Any]] = _theme["sections"]

    @functools.wraps(original)
    def populate_theme_msg(msg: Any, section: str = "theme") -> None:
        options = config._config_options
        if options is None or _state["reparsing"]:
            original(msg, section)
            return
        kept = sections.get(section)
        if kept is None or kept[0] is not options:
            built = type(msg)()
            original(built, section)
            kept = (options, built)
            sections[section] = kept  # one assignment: a reader sees the old pair or the new
        # Each run's message is new and empty, so merging gives what Streamlit would have built;
        # an empty section is not merged, which would mark it present where Streamlit leaves it out.
        if kept[1].ByteSize():
            msg.MergeFrom(kept[1])

    session_module._populate_theme_msg = populate_theme_msg
    _theme["original"] = original


def _uninstall_theme_cache() -> None:
    if _theme["original"] is not None:
        session_module: Any = app_session
        session_module._populate_theme_msg = _theme["original"]
        _theme["original"] = None
        _theme["sections"].clear()


def uninstall() -> None:
    """Put Streamlit's own functions back (for tests)."""
    if _state["installed"]:
        config.get_option, config.get_config_options = _state.pop("originals")
        _state["installed"] = False
        _uninstall_theme_cache()


_nodelay: dict[str, Any] = {"installed": False}
_TCP = (socket.AF_INET, socket.AF_INET6)


def _set_nodelay(sock: socket.socket) -> None:
    """asyncio's own `_set_nodelay`, without the check of `sock.proto`, which is 0 for a
    connection accepted from a socket made by `socket.socket()` even though it is TCP."""
    if sock.family in _TCP and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def install_tcp_nodelay() -> bool:
    """Once per process: TCP_NODELAY on every accepted connection, new and already open.
    False if this Python's asyncio lacks the hook (then nothing is changed)."""
    if _nodelay["installed"]:
        return True
    # asyncio's private helpers, typed as Any: replaced and looked up on purpose.
    base_events: Any = asyncio.base_events
    selector_events: Any = asyncio.selector_events
    original = getattr(base_events, "_set_nodelay", None)
    if not callable(original):
        _log.warning("asyncio has changed; websocket connections keep Nagle's algorithm (slower pages)")
        return False
    base_events._set_nodelay = _set_nodelay
    _nodelay.update(installed=True, original=original)
    # Connections accepted before this call (the first learner's, at least): once, at start-up.
    for obj in gc.get_objects():
        if isinstance(obj, selector_events._SelectorSocketTransport):
            sock = obj.get_extra_info("socket")
            if sock is not None and not obj.is_closing():
                with contextlib.suppress(OSError):  # closed between the check and the call
                    _set_nodelay(sock)
    return True


def uninstall_tcp_nodelay() -> None:
    """Put asyncio's own function back (for tests)."""
    if _nodelay["installed"]:
        base_events: Any = asyncio.base_events
        base_events._set_nodelay = _nodelay.pop("original")
        _nodelay["installed"] = False
