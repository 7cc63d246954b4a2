"""A work-around for a Streamlit 1.67 cost that shows only with many learners at once.

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
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

from streamlit import config

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
    def get_config_options(force_reparse: bool = False, options_from_flags: dict[str, Any] | None = None):
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
    return True


def uninstall() -> None:
    """Put Streamlit's own functions back (for tests)."""
    if _state["installed"]:
        config.get_option, config.get_config_options = _state.pop("originals")
        _state["installed"] = False
