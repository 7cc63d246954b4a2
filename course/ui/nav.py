"""The page registry: builds every `st.Page` once per run and lets pages link to each other."""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from course.schema import Course

PAGES_KEY = "_course_pages"


def _pages() -> dict[str, StreamlitPage]:
    """This session's pages. Never shared between sessions: every session's script runs on
    its own thread, and a page object handed to another session's st.switch_page fails."""
    return st.session_state.setdefault(PAGES_KEY, {})


def _bind(fn: Callable[[str], None], module_id: str, name: str) -> Callable[[], None]:
    def render() -> None:
        fn(module_id)

    render.__name__ = name  # Streamlit names callable pages after the function
    return render


def build(course: Course) -> list[StreamlitPage]:
    """All pages for `st.navigation`, as one flat list; quiz pages are hidden from the menu.

    Flat, not in sections: Streamlit 1.67 renders section groups as <div>s inside the menu's
    <ul>, which axe reports as invalid list markup (WCAG 1.3.1)."""
    from course.ui import trainer_access
    from course.ui.pages import checks, home, module, my_progress, presenter, quiz, refresh, settings, trainer, verify

    _PAGES: dict[str, StreamlitPage] = {}
    st.session_state[PAGES_KEY] = _PAGES
    _PAGES["home"] = st.Page(home.render, title="Home", icon=":material/home:", url_path="home", default=True)
    _PAGES["progress"] = st.Page(
        my_progress.render, title="My progress", icon=":material/insights:", url_path="progress"
    )
    _PAGES["refresh"] = st.Page(refresh.render, title="Refresh", icon=":material/psychology:", url_path="refresh")
    _PAGES["start-check"] = st.Page(
        checks.render_start, title="Before you start", icon=":material/flag:", url_path="start-check"
    )
    _PAGES["final-check"] = st.Page(
        checks.render_final, title="Final check", icon=":material/sports_score:", url_path="final-check"
    )
    _PAGES["settings"] = st.Page(settings.render, title="Display settings", icon=":material/tune:", url_path="settings")
    _PAGES["verify"] = st.Page(
        verify.render, title="Verify a certificate", icon=":material/verified:", url_path="verify"
    )
    module_pages = []
    # A learner whose track is known sees that track's modules, numbered in its order (a
    # staff-only module is not in a public learner's menu; its address still says whose it is);
    # before a track is chosen, every module in course order. The track is the one last worked
    # out: the menu is built before this run reads anything.
    learner = st.session_state.get("learner")
    track_id = getattr(learner, "last_track", None)
    shown = course.track(track_id).modules if track_id in {t.id for t in course.settings.tracks} else None
    numbers = {mid: n for n, mid in enumerate(shown or [m.id for m in course.modules], start=1)}
    for n, m in enumerate(course.modules, start=1):
        listed = m.id in numbers
        page = st.Page(
            _bind(module.render, m.id, f"module_{n}"),
            title=f"{numbers[m.id]}. {m.title}" if listed else m.title,
            url_path=m.id,
            visibility="visible" if listed else "hidden",
        )
        _PAGES[f"module:{m.id}"] = page
        _PAGES[f"quiz:{m.id}"] = st.Page(
            _bind(quiz.render, m.id, f"quiz_{n}"),
            title=f"Quiz: {m.title}",
            url_path=f"{m.id}-quiz",
            visibility="hidden",
        )
        module_pages.append(page)
    # The room links a presenter hands out are built from these two paths (see presenter.py).
    _PAGES["join"] = st.Page(
        presenter.render_join, title="Join a room poll", icon=":material/how_to_vote:", url_path="join"
    )
    _PAGES["audience"] = st.Page(
        presenter.render_audience,
        title="Audience view",
        icon=":material/cast:",
        url_path="audience",
        visibility="hidden",
    )
    # Trainer pages exist in the navigation only for a signed-in trainer, so a learner
    # cannot reach them by typing their address.
    titles = {"trainer": "Trainer dashboard", "present": "Present a module"}
    if trainer_access.is_trainer():
        _PAGES["trainer"] = st.Page(
            trainer.render, title=titles["trainer"], icon=":material/monitoring:", url_path="trainer"
        )
        _PAGES["present"] = st.Page(
            presenter.render_presenter, title=titles["present"], icon=":material/co_present:", url_path="present"
        )
        trainer_pages = [_PAGES["trainer"], _PAGES["present"]]
    else:
        _PAGES["trainer-sign-in"] = st.Page(
            trainer_access.render_sign_in, title="Trainer sign-in", icon=":material/badge:", url_path="trainer-sign-in"
        )
        # A trainer's bookmark of the dashboard or presenter, once the sign-in has lapsed,
        # opens the sign-in form (which then opens that page), not "Page not found" and Home.
        gates = [
            st.Page(
                _bind(trainer_access.render_gate, key, f"sign_in_for_{key}"),
                title=title,
                url_path=key,
                visibility="hidden",
            )
            for key, title in titles.items()
        ]
        trainer_pages = [_PAGES["trainer-sign-in"], *gates]
    return [
        _PAGES["home"],
        _PAGES["start-check"],
        *module_pages,
        _PAGES["final-check"],
        _PAGES["progress"],
        _PAGES["refresh"],
        _PAGES["settings"],
        _PAGES["verify"],
        _PAGES["join"],
        *trainer_pages,
        _PAGES["audience"],
        *(_PAGES[f"quiz:{m.id}"] for m in course.modules),
    ]


def after_navigation(current: str) -> None:
    """Finish a sign-in: the trainer pages exist from this run on, so open the page the
    trainer asked for (the dashboard unless they came by the presenter's address), unless the
    page being drawn (`current`, its url path) is already that one; either way its title
    takes the focus."""
    from course.ui import trainer_access

    target = st.session_state.pop(trainer_access.OPEN_AFTER_SIGN_IN, None)
    if target not in _pages():
        return
    if target != current:
        go(target)  # switches page: does not return
    # Signed in at the page's own address: the page is drawn in place of the form, and its
    # title takes the focus as after any move (the form's button is gone).
    focus_after_run("h1")


def page(key: str) -> StreamlitPage:
    return _pages()[key]


FOCUS_KEY = "focus-heading"


def go(key: str, **query: str) -> None:
    focus_after_run("h1")  # the new page's title takes the focus (see after_page)
    st.switch_page(_pages()[key], query_params=query or None)


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


def button(label: str, to: str, *, key: str | None = None, query: dict[str, str] | None = None, **options) -> None:
    """A button that opens page `to`. It switches page in its callback, before this page's
    script runs again, so the page being left is not drawn once more on the way out
    (docs/performance.md, finding 9). `options` are `st.button`'s."""
    st.button(label, key=key, on_click=go, args=(to,), kwargs=query or {}, **options)
