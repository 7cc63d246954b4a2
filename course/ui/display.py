"""Learner display settings (larger text, high contrast, reduced motion, readable font) and
the CSS that applies them on every page, plus a focus indicator that is always visible."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from course.ui import state
from course.ui.i18n import adopt_saved

DEFAULTS: dict[str, object] = {
    "text_size": 100,
    "high_contrast": False,
    "reduced_motion": False,
    "readable_font": False,
    "listen": False,  # "Show Listen buttons" (course/ui/listen.py): off, so no second voice by default
}
TEXT_SIZES = (100, 125, 150, 200)
KEY = "display-settings"

# Always on. Streamlit hides the real radio and checkbox inputs, so the ring goes on the label
# that holds the focused input (WCAG 2.4.7 / 2.4.11).
BASE_CSS = """
:focus-visible { outline: 3px solid #0B4F8A !important; outline-offset: 2px !important; }
label:has(input:focus-visible) { outline: 3px solid #0B4F8A; outline-offset: 2px; border-radius: 4px; }
/* The empty part of a progress bar, dark enough to see against the page (WCAG 1.4.11). */
[data-testid="stProgressBarTrack"] { background-color: #C9D3DE; }
/* The date field's day/month/year segments are tiny targets; give each 24x24 px (WCAG 2.5.8). */
[data-testid="stDateInput"] [role="spinbutton"] { display: inline-block; min-width: 24px; min-height: 24px;
  line-height: 24px; text-align: center; }
/* A button or menu link says in full where it goes ("Next: A surprise in depression research
   (2000-2010s)"): its text wraps instead of ending in "..." (Streamlit cuts it to one line). */
.stApp button [data-testid="stMarkdownContainer"], .stApp button [data-testid="stMarkdownContainer"] p,
[data-testid="stSidebarNavLink"] span:not([data-testid="stIconMaterial"]),
[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"], [data-testid="stSidebarNavLink"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stSidebarNavLink"] { height: auto !important; min-height: 2rem; }
/* A collapsed sidebar sits off screen but its links stayed in the Tab order: a keyboard user
   on a phone passed through a dozen invisible stops (WCAG 2.4.3, 2.4.7). Hidden, they are not
   focusable; the menu button opens it as before. */
[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
/* On a phone the page title's longest words ("antidepressant") fit on a line instead of being
   broken mid-word; the other headings step down with it. In rem, so the larger text sizes
   still scale them. */
@media (max-width: 480px) {
  .stApp h1 { font-size: 2rem; } .stApp h2 { font-size: 1.625rem; } .stApp h3 { font-size: 1.375rem; } }
/* A quiz question's feedback heading is for moving between questions, not for linking to:
   no "link to heading" Tab stop on each. */
[class*="st-key-feedback-"] [data-testid="stHeaderActionElements"] { display: none; }
/* Lines break between words, never inside one ("Ketamin/e", "Educatio/n"). Streamlit sets
   word-break: break-word, which also lets a box shrink below its longest word and then cuts
   words anywhere; overflow-wrap: break-word breaks a word only when it alone is wider than
   the whole line, and hyphens: auto then hyphenates it where the page's language (its lang)
   allows, in browsers that have hyphenation data for it. */
.stApp p, .stApp li, .stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp label, .stApp a, .stApp td, .stApp th,
.stApp button, .stApp span, .stApp summary, [data-testid="stSidebarNavLink"] * {
  word-break: normal !important; overflow-wrap: break-word !important; hyphens: auto; -webkit-hyphens: auto; }
/* The browser's copy of unsaved answers (kept.mirror) is a component that draws nothing, in a
   box of no height that Streamlit makes scrollable: what it held (Streamlit's own error box,
   should the component fail to load, with a scrolling stack trace) made scroll regions no key
   could reach (axe scrollable-region-focusable), unseen in a box no one can see into. Nothing
   in it is for the learner, so it is not displayed; its script runs all the same. */
.st-key-kept-browser { display: none !important; }
/* A table cell's text never scrolls inside its cell (a scroll box no key could reach): a cell
   is as wide as its longest word, and the table scrolls as a whole instead (see below). */
[data-testid="stTable"] td [data-testid="stMarkdownContainer"],
[data-testid="stTable"] th [data-testid="stMarkdownContainer"] { overflow: visible !important; }
"""

# At a larger text size on a phone, Streamlit's spacing (in rem) grows with the text: at 200%
# on a 320-pixel screen its paddings left a button's label 94 pixels and a notice's text 136,
# narrower than one long word. Spacing goes back to a fixed few pixels there, and headings
# step down to no more than a little over the body text, so the longest words ("antidepressant",
# "administration:") fit on a line whole. The sizes stay in rem/vw: they still follow the text.
LARGE_TEXT_ON_A_PHONE_CSS = """
@media (max-width: 480px) {
  [data-testid="stMainBlockContainer"] { padding-left: 10px !important; padding-right: 10px !important; }
  [data-testid="stMain"] [data-testid="stVerticalBlock"][overflow="visible"] {
    padding-left: 10px !important; padding-right: 10px !important; }
  [data-testid="stAlertContainer"] { padding: 10px !important; }
  [data-testid="stAlertContainer"] > div > div { gap: 8px !important; }
  /* A notice's icon is decorative (its words and colour say the same) and took 40 pixels of
     a 300-pixel line: "(international" did not fit the crisis notice's text column. */
  [data-testid="stAlertContainer"] div:has(> span > [data-testid="stAlertDynamicIcon"]) { display: none !important; }
  [data-testid="stAlertContainer"] [data-testid="stMarkdownContainer"] { width: 100% !important; }
  [data-testid="stAlertContainer"] ul { padding-left: 0; margin-left: 1.1em !important; }
  [data-testid="stAlertContainer"] li { margin-left: 0 !important; }
  .stApp button { padding-left: 10px !important; padding-right: 10px !important; }
  .stApp button > div > span { gap: 6px !important; }
  [data-testid="stExpander"] summary { padding-left: 8px !important; padding-right: 8px !important; }
  .stApp h1 { font-size: min(2rem, 12vw) !important; }
  .stApp h2 { font-size: min(1.625rem, 10.5vw) !important; }
  .stApp h3 { font-size: min(1.375rem, 10vw) !important; }
  [data-testid="stSidebarContent"] [data-testid="stSidebarNavItems"] { padding-left: 6px; padding-right: 6px; }
}
"""

HIGH_CONTRAST_CSS = """
.stApp, .stApp p, .stApp li, .stApp label, .stApp span:not([data-testid="stIconMaterial"]),
.stApp h1, .stApp h2, .stApp h3, .stApp h4, .stApp caption, .stApp small,
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #000 !important; }
.stApp { background: #fff !important; }
.stApp a { color: #00209F !important; text-decoration: underline !important; }
[data-testid="stAlertContainer"] { background: #fff !important; border: 2px solid #000 !important; }
.stApp button, [data-baseweb="select"] > div, .stApp input, .stApp textarea { border: 2px solid #000 !important; }
.stApp button[kind="primary"], .stApp button[data-testid^="stBaseButton-primary"] { background: #000 !important; }
.stApp button[kind="primary"] *, .stApp button[data-testid^="stBaseButton-primary"] * { color: #fff !important; }
[data-testid="stVerticalBlockBorderWrapper"] { border-color: #000 !important; }
:focus-visible, label:has(input:focus-visible) { outline: 4px solid #000 !important; }
"""

REDUCED_MOTION_CSS = """
*, *::before, *::after { animation-duration: 0.001ms !important; animation-iteration-count: 1 !important;
  transition-duration: 0.001ms !important; scroll-behavior: auto !important; }
"""

READABLE_FONT_CSS = """
.stApp, .stApp p, .stApp li, .stApp label, .stApp button, .stApp input, .stApp h1, .stApp h2, .stApp h3,
.stApp span:not([data-testid="stIconMaterial"]) {
  font-family: Verdana, "DejaVu Sans", Tahoma, sans-serif !important; letter-spacing: 0.02em; word-spacing: 0.08em; }
.stApp p, .stApp li { line-height: 1.7 !important; }
"""


def current() -> dict[str, Any]:
    return {**DEFAULTS, **st.session_state.get(KEY, {})}


def text_size(settings: Mapping[str, Any]) -> int:
    """The text size in percent (a saved value that is not a number reads as 100)."""
    value = settings.get("text_size", 100)
    try:
        return int(value) if isinstance(value, int | float | str) else 100
    except (ValueError, OverflowError):
        return 100


def css(settings: Mapping[str, Any]) -> str:
    parts = [BASE_CSS]
    size = text_size(settings)
    if size != 100:
        parts.append(f"html {{ font-size: {size}% !important; }} .stApp {{ --st-font-scale: {size / 100}; }}")
        # Streamlit sizes some text in px; give those their usual size in rem, which the line
        # above has already scaled (size% again here would scale them twice): body text 16 px,
        # and fields 16 px; widget labels, buttons and captions 14 px.
        parts.append(LARGE_TEXT_ON_A_PHONE_CSS)
        parts.append(
            ".stApp p, .stApp li, .stApp input { font-size: 1rem !important; }"
            " .stApp label, .stApp label p, .stApp button, .stApp button p,"
            ' .stApp [data-testid="stWidgetLabel"] p, .stApp [data-testid="stCaptionContainer"] p'
            " { font-size: 0.875rem !important; }"
        )
    if settings.get("high_contrast"):
        parts.append(HIGH_CONTRAST_CSS)
    if settings.get("reduced_motion"):
        parts.append(REDUCED_MOTION_CSS)
    if settings.get("readable_font"):
        parts.append(READABLE_FONT_CSS)
    return "\n".join(parts)


def apply() -> None:
    st.html(f"<style>{css(current())}</style>")


# Streamlit draws an icon written in Markdown (":material/lock:") as role="img" named after
# the icon, so a screen reader read "radio_button_unchecked icon Not started" on the course
# map and "cancel icon Incorrect" in quiz feedback. Every such icon in the course stands
# beside words that say the same, so each is hidden from assistive technology, as Streamlit
# already does for the icons of buttons and alerts (WCAG 1.1.1).
# The same script makes a table that is wider than the screen (several columns on a phone, or
# at a large text size) a named region that takes the keyboard focus, so a keyboard user can
# scroll it sideways with the arrow keys; Streamlit's table box scrolls but cannot be focused
# (WCAG 2.1.1, axe scrollable-region-focusable). A table that fits is left alone.
# Installed once per tab; a mutation observer catches icons and tables drawn later, and a
# resize (a phone turned) checks the tables again.
_DECORATIVE_ICONS = """<script>
(() => {
  if (window.courseIconsHidden) return;
  window.courseIconsHidden = true;
  const hideIcons = () =>
    document
      .querySelectorAll('[data-testid="stMarkdownContainer"] span[role="img"][aria-label$=" icon"]:not([aria-hidden])')
      .forEach((icon) => icon.setAttribute("aria-hidden", "true"));
  const nameScrollingTables = () => {
    const names = new Set();
    document.querySelectorAll('[data-testid="stTable"] > div').forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        // Named by its columns (and numbered if two tables have the same): each region's
        // name is unique on the page (axe landmark-unique).
        const columns = Array.from(box.querySelectorAll("thead th")).map((th) => th.innerText.trim()).filter(Boolean);
        let name = `Table of ${columns.join(", ") || "data"}, scrolls sideways`;
        for (let n = 2; names.has(name); n++) name = `Table ${n} of ${columns.join(", ")}, scrolls sideways`;
        names.add(name);
        box.setAttribute("data-course-scrolls", "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (box.getAttribute("aria-label") !== name) box.setAttribute("aria-label", name);
      } else if (box.hasAttribute("data-course-scrolls")) {
        ["data-course-scrolls", "tabindex", "role", "aria-label"].forEach((name) => box.removeAttribute(name));
      }
    });
  };
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; nameScrollingTables(); });
  };
  // Icons at once (nothing can read the page between a drawing and this); the tables, which
  // need the page laid out, at the next frame.
  new MutationObserver(() => { hideIcons(); later(); }).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", later);
  hideIcons();
  nameScrollingTables();
})();
</script>"""


_ICONS_KEY = "icon-names-hidden"


def hide_icon_names() -> None:
    """One invisible element at the end of a session's first full run: the observer it starts
    lives as long as the tab, and a reload is a new session. Not on every run: each element
    a run sends costs the server time (docs/performance.md, finding 9)."""
    if not st.session_state.get(_ICONS_KEY):
        st.html(_DECORATIVE_ICONS, unsafe_allow_javascript=True)
        st.session_state[_ICONS_KEY] = True


# The learner's language is kept with the display settings, under this key (course/ui/language.py).
LANGUAGE = "lang"


def load_saved() -> None:
    """Take the learner's saved settings, and their language, from their record (after resume
    or sign-in)."""
    db = state.store()
    learner = state.session()
    if db is not None and learner.registered:
        saved = db.preferences(learner.learner_id)
        if saved:
            st.session_state[KEY] = {k: saved[k] for k in (*DEFAULTS, LANGUAGE) if k in saved}
            adopt_saved(saved.get(LANGUAGE))


def save(settings: dict[str, Any]) -> bool:
    """Keep settings in the session and, when the learner has a record, in the store. The
    learner's language, chosen apart from the settings form, is kept with them."""
    previous = st.session_state.get(KEY) or {}
    if LANGUAGE not in settings and LANGUAGE in previous:
        settings = {**settings, LANGUAGE: previous[LANGUAGE]}
    st.session_state[KEY] = settings
    db = state.store()
    learner = state.session()
    if db is None:
        return False
    learner.sync(register=True)
    return learner.registered and db.set_preferences(learner.learner_id, settings)
