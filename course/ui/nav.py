"""Links between pages and where the focus goes after a move: what every page may use.

The pages themselves are built by course/ui/router.py, the one module that imports them;
pages link to each other here by key ("home", "module:<id>", ...), never by importing one
another, so the UI's imports run one way (see docs/architecture.md)."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from course.ui.i18n import content_language, current_language

PAGES_KEY = "_course_pages"


def pages() -> dict[str, StreamlitPage]:
    """This session's pages. Never shared between sessions: every session's script runs on
    its own thread, and a page object handed to another session's st.switch_page fails."""
    return st.session_state.setdefault(PAGES_KEY, {})


def page(key: str) -> StreamlitPage:
    return pages()[key]


MENU_TRACK_KEY = "_course_menu_track"


MENU_LANGUAGE_KEY = "_course_menu_language"


def menu_language() -> tuple[str, str]:
    """What the menu's words depend on: the interface's language and the content's (module
    titles), which differ on the staff track."""
    return current_language(), content_language()


def menu_is_for(track: str | None) -> bool:
    """True when this run's menu (built by the router before the page ran) lists `track`'s
    modules, in the learner's language: False right after a page recorded a first or
    different track, or the learner's saved language was read, so that page reruns
    (`st.rerun()`) and the menu shows the track's own modules in its order and words."""
    return st.session_state.get(MENU_TRACK_KEY) == track and st.session_state.get(MENU_LANGUAGE_KEY) == menu_language()


FOCUS_KEY = "focus-heading"


def go(key: str, **query: str) -> None:
    focus_after_run("h1")  # the new page's title takes the focus (see after_page)
    st.switch_page(pages()[key], query_params=query or None)


# Runs when its element is drawn: the page's first element matching `target` (a heading, or
# a question's first control) gets the focus, which otherwise falls to the page body, so a
# keyboard or screen reader user would start again from the top of the document. Until a run
# ends, the elements of the page being left stay on screen marked stale, and on a busy machine
# their script could act after the new page had begun to draw (late animation frames, or a
# stale element drawn again; docs/accessibility.md): so a script whose own element is stale or
# gone does nothing (each is told apart by its `marker`, new on every move). A stale match is
# not the new page's, and a focus on a stale element (the button just pressed) is about to
# fall to the body, so it counts as out of the page. `scroll`: "top" brings the view back to
# the top, "center" brings the target to the middle of the view (clear of the sticky header).
# Its body is constant, so the Content-Security-Policy can allow it by its hash (see
# course/ui/web.py): what changes (marker, target, force, scroll) is in data- attributes.
FOCUS_SCRIPT = """<script data-focus="{marker}" data-target="{target}" data-force="{force}" data-scroll="{scroll}">
(() => {
  const me = document.currentScript;
  const { target: selector, force, scroll } = me.dataset;
  const stale = (el) => !!el.closest('[data-stale="true"]');
  const mine = () => me.isConnected && !stale(me);
  let frames = 0;
  const go = () => {
    if (!mine()) return;
    const main = document.querySelector('[data-testid="stMain"]');
    const target = main && [...main.querySelectorAll(selector)].find((h) => !stale(h));
    if (!target) {
      if (frames++ < 120) requestAnimationFrame(go);
      return;
    }
    const active = document.activeElement;
    if (force === "true" || !main.contains(active) || stale(active)) {
      if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
    if (scroll === "top") {
      main.scrollTo(0, 0);
      window.scrollTo(0, 0);
    } else if (scroll === "center") {
      target.scrollIntoView({ block: "center" });
    }
  };
  requestAnimationFrame(() => requestAnimationFrame(go));
})();
</script>"""

_MOVES_KEY = "focus-moves"


def focus(target: str, *, force: bool = False, scroll: str = "top") -> None:
    """Move the focus to the page's first element matching the CSS selector `target` once
    this run is drawn: only if the focus is no longer in the page (its button is gone), unless
    `force`. `scroll`: "top", "center" (the target) or "none". One invisible element."""
    moves = st.session_state.get(_MOVES_KEY, 0) + 1
    st.session_state[_MOVES_KEY] = moves
    attributes = {"marker": f"move-{moves}", "target": target, "force": str(force).lower(), "scroll": scroll}
    script = FOCUS_SCRIPT
    for name, value in attributes.items():
        script = script.replace("{" + name + "}", html.escape(value, quote=True), 1)
    st.html(script, unsafe_allow_javascript=True)


def focus_after_run(target: str) -> None:
    """After this run (or the next, if it stops for a rerun or a page switch), move the focus
    to `target`: "h1" a new page's title, or a heading or control that replaced what the
    focus was on. Set in a button's callback or just before `st.rerun()`."""
    st.session_state[FOCUS_KEY] = target


def after_page() -> None:
    """After a button opened another page (or replaced the part of the page it was on), move
    the focus where `focus_after_run` asked, as Previous and Next do within a module: a page's
    title with the view at the top; anything else brought to the middle of the view. On that
    run only."""
    target = st.session_state.pop(FOCUS_KEY, None)
    if isinstance(target, str) and target:
        focus(target, scroll="top" if target == "h1" else "center")


def button(label: str, to: str, *, key: str | None = None, query: dict[str, str] | None = None, **options: Any) -> None:
    """A button that opens page `to`. It switches page in its callback, before this page's
    script runs again, so the page being left is not drawn once more on the way out
    (docs/performance.md, finding 9). `options` are `st.button`'s."""
    st.button(label, key=key, on_click=go, args=(to,), kwargs=query or {}, **options)


def open_module(module_id: str, step: str) -> None:
    """A button's callback that opens a module at `step` (or its quiz), as in `button`: the page
    with the button is not drawn again on the way out (Home and My progress)."""
    if step == "quiz":
        go(f"quiz:{module_id}")
    go(f"module:{module_id}", step=step)
