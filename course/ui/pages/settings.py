"""Settings: display options that apply on every page and are kept with the learner's record."""

from __future__ import annotations

import streamlit as st

from course.ui import display, language
from course.ui.i18n import _


def render() -> None:
    st.title(_("Display settings"))
    st.write(_("Make the course easier to read. Your choices apply on every page and are saved with your progress."))
    # Outside the form: a new language applies at once (the form waits for Save settings).
    language.choice("settings")
    now = display.current()
    with st.form("display-settings-form"):
        size = st.select_slider(
            _("Text size"),
            options=list(display.TEXT_SIZES),
            value=int(now["text_size"]),
            format_func=lambda v: f"{v}%",
        )
        contrast = st.toggle(
            _("High contrast (black text, stronger borders and focus outlines)"), value=bool(now["high_contrast"])
        )
        motion = st.toggle(_("Reduce motion (no animations)"), value=bool(now["reduced_motion"]))
        font = st.toggle(_("Readable font (wider letters and more line spacing)"), value=bool(now["readable_font"]))
        listen = st.toggle(
            _("Show Listen buttons (your browser reads a part or question aloud)"), value=bool(now["listen"])
        )
        saved = st.form_submit_button(_("Save settings"), type="primary")
    if saved:
        settings = {"text_size": size, "high_contrast": contrast, "reduced_motion": motion, "readable_font": font}
        settings["listen"] = listen
        kept = display.save(settings)
        st.session_state["settings-saved"] = kept
        st.rerun()
    from course.ui import nav

    nav.button(_("Back to the course"), "home", icon=":material/home:", key="settings-home")
    if "settings-saved" in st.session_state:
        kept = st.session_state.pop("settings-saved")
        with st.container(key="settings-saved"):
            st.success(
                _("Settings saved.")
                if kept
                else _("Settings saved. They apply in this tab and will be saved with your progress once you start."),
                icon=":material/check_circle:",
            )
        # A status that arrives already holding its text is not read by every screen reader:
        # the focus goes to it, so it is read, and Tab carries on from there.
        nav.focus(".st-key-settings-saved [data-testid=stAlertContainer]", force=True, scroll="none")
