"""The learner's language: which one this tab shows, how the learner changes it, where it is kept,
and the page's own `lang` attributes.

Which language, first run of a tab: a link's `?lang=`, then the course's language cookie (set
when the learner chose, so a new tab of the same browser opens in it), then the browser's own
language (`st.context.locale`), else English; the learner's saved choice replaces it once their
record is read (a resume link, a login, the browser's resume cookie: `display.load_saved`),
unless a link named the language. Once settled it is kept in the session (`LANG_KEY`).

A language the learner chose (on Home or in Display settings) or that a link carried is kept in
the address (`?lang=es`, put back after every page switch) so that a reload, which starts a new
session, keeps it; it goes with the learner's record beside their display settings (the `lang`
key of the saved preferences: `display.save`), and into the language cookie. Switching is a
change of this one session value: the learner, their record and their place are untouched.

The served page's `<html lang>` is set by the HTTP layer (course/ui/web.py, `PageLanguage`) from
the same sources; when the learner switches in the page, `after_page` sends a small script that
sets it on the running document, and marks every part drawn in `english()` with `lang="en"`.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from course.i18n import DEFAULT, LANGUAGES, TRANSLATED, negotiate, supported
from course.ui.i18n import (
    CHOSEN_KEY,
    LANG_KEY,
    PARAM,
    _,
    content_language,
    current_language,
    set_language,
    staff_learner,
)

COOKIE = "ketamine_course_lang"  # HttpOnly, set through the cookie route (course/ui/web.py reads it too)
SENT_KEY = "course-lang-sent"  # session: the language the running document was last told
COOKIE_WANTED = "course-lang-cookie"  # session: the language the cookie should hold, once set
COOKIE_HELD = "course-lang-cookie-held"  # session: the language the cookie was last set to from this tab
LABEL = "Language · Idioma"  # in both languages: a learner who cannot read the page still finds it
ENGLISH_PART = "lang-en-"  # key prefix of a container whose content is English (`english`)

# Sets the running document's language and marks English parts. A constant body (the
# Content-Security-Policy allows it by its hash, see course/ui/web.py): the language is read
# from its data- attribute. Streamlit's own index.html says lang="en" and the HTTP layer
# rewrites it per request; this follows an in-page switch. The observer (one per tab) gives
# every container drawn by `english()` its lang="en" (and one drawn by `part()` its language),
# on any run, so a screen reader reads English text with English rules inside a Spanish page
# (WCAG 3.1.2), and a Spanish room's slides with Spanish rules on the English presenter page.
LANG_SCRIPT = r"""<script data-lang="{lang}">
(() => {
  const lang = document.currentScript.dataset.lang;
  if (lang) document.documentElement.lang = lang;
  if (window.courseLanguageParts) return;
  window.courseLanguageParts = true;
  // Streamlit's own controls speak English whatever the page's language: on a page that is not
  // English, a control named only in English is marked lang="en" (WCAG 3.1.2), and a region
  // whose children are the page's words gets its name in the page's language instead.
  const chrome = new Set(["Collapse sidebar", "Expand sidebar", "Link to heading", "Open", "Close"]);
  const regions = { es: { "Sidebar": "Barra lateral", "App pages": "Páginas del curso", "Main menu": "Menú principal" } };
  const mark = () => {
    document
      .querySelectorAll('[class*="st-key-lang-"]:not([lang])')
      .forEach((part) => {
        const found = /(?:^|\s)st-key-lang-([a-z]{2})-/.exec(part.className);
        if (found) part.setAttribute("lang", found[1]);
      });
    const page = document.documentElement.lang || "en";
    document.querySelectorAll("[data-course-label]").forEach((el) => {
      const english = el.dataset.courseLabel;
      el.setAttribute("aria-label", page === "en" ? english : (regions[page] || {})[english] || english);
    });
    if (page === "en") return;
    document.querySelectorAll("[aria-label]:not([lang]):not([data-course-label])").forEach((el) => {
      const name = el.getAttribute("aria-label");
      const named = (regions[page] || {})[name];
      if (named) {
        el.dataset.courseLabel = name;
        el.setAttribute("aria-label", named);
      }
      else if (chrome.has(name)) el.setAttribute("lang", "en"); // a button: its name is its only words
    });
    document.querySelectorAll("a:not([lang])").forEach((link) => {
      if (link.textContent.trim() === "Skip to main content") link.setAttribute("lang", "en");
    });
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; mark(); });
  }).observe(document.body, { childList: true, subtree: true });
  mark();
})();
</script>"""


def lang_script(lang: str) -> str:
    return LANG_SCRIPT.replace("{lang}", html.escape(lang, quote=True), 1)


def _browser_locale() -> str | None:
    try:
        value = st.context.locale
    except Exception:  # no browser behind this run (a test harness)
        return None
    return value if isinstance(value, str) else None


def _cookie() -> str | None:
    from course.ui.common import browser_cookie

    return browser_cookie(COOKIE)


def settle() -> str:
    """This run's language (called first thing in every run, before the menu is built)."""
    linked = supported(st.query_params.get(PARAM))
    if linked is not None:
        if linked != st.session_state.get(LANG_KEY):
            set_language(linked)
        st.session_state[CHOSEN_KEY] = True
    elif LANG_KEY not in st.session_state:
        cookie = supported(_cookie())
        set_language(negotiate(cookie, _browser_locale()))
        if cookie is not None:
            st.session_state[CHOSEN_KEY] = True
    lang = current_language()
    if st.session_state.get(CHOSEN_KEY) and st.query_params.get(PARAM) != lang:
        # A page switch (the menu, or a button) leaves the address without it: put it back,
        # so a reload or a copied address opens in the same language.
        st.query_params[PARAM] = lang
    return lang


def choose(lang: str) -> None:
    """The learner chose `lang` (Home, Display settings): shown from this run on, kept in the
    address, the browser's cookie and, with a record, saved with their display settings."""
    from course.ui import display

    lang = supported(lang) or DEFAULT
    set_language(lang)
    st.session_state[CHOSEN_KEY] = True
    st.query_params[PARAM] = lang
    st.session_state[COOKIE_WANTED] = lang
    chosen = dict(st.session_state.get(display.KEY) or {})
    chosen[display.LANGUAGE] = lang
    learner = st.session_state.get("learner")
    if learner is not None and learner.registered:
        display.save(chosen)  # a learner with a record: it goes onto it now
    else:
        # No record yet (choosing a language makes none): it goes onto the record with the
        # display settings when the learner's first step is saved (state._SessionHooks).
        st.session_state[display.KEY] = chosen


_CHOICE_KEYS = {"home": "lang-choice-home", "settings": "lang-choice-settings"}


def _chosen_in(key: str) -> None:
    label = st.session_state.get(key)
    found = next((code for code, name in LANGUAGES.items() if name == label), None)
    if found is not None and found != current_language():
        choose(found)


def choice(where: str) -> None:
    """The English / Español choice, applied as soon as it changes (no form, no button)."""
    key = _CHOICE_KEYS[where]
    st.session_state[key] = LANGUAGES[current_language()]  # follows a change made elsewhere
    # A select box, the usual shape of a language choice (a radio group here would be the page's
    # first, before the track choice a learner is looking for).
    st.selectbox(LABEL, list(LANGUAGES.values()), key=key, on_change=_chosen_in, args=(key,), width=240)
    if current_language() in TRANSLATED and staff_learner():
        english_only_note()


def english_only_note() -> None:
    """Say, in the page's language, that the staff track's content is English only."""
    st.info(
        _("The clinic staff track is available in English only: its modules and quizzes stay in English."),
        icon=":material/translate:",
    )


def content_in_english() -> bool:
    """True when the page's words are not English but its course content is (the staff track)."""
    return current_language() != DEFAULT and content_language() == DEFAULT


@contextmanager
def english(key: str) -> Iterator[None]:
    """A container whose content is English on a page that is not (the staff track's content,
    a reference list, publication titles): it carries lang="en" (`LANG_SCRIPT` marks it).
    On an English page, no container at all. `key` is unique on the page."""
    if current_language() == DEFAULT:
        yield
        return
    with st.container(key=ENGLISH_PART + key):
        yield


@contextmanager
def content(key: str) -> Iterator[None]:
    """Course content (a module's text, a quiz question): drawn in `english()` when the content
    is English on a page in another language (the staff track, `content_in_english`), else as
    it is. `key` is unique on the page."""
    if not content_in_english():
        yield
        return
    with english(key):
        yield


@contextmanager
def part(lang: str, key: str) -> Iterator[None]:
    """A container whose content is in `lang` (one of the course's languages), marked with its
    `lang` on a page in another language (`LANG_SCRIPT`); on a page in `lang`, no container.
    `key` is unique on the page."""
    if lang == current_language() or lang not in LANGUAGES:
        yield
        return
    with st.container(key=f"lang-{lang}-{key}"):
        yield


def after_page() -> None:
    """At the end of a run: tell the running document its language when it may not know it
    (a tab's first run, or a switch), and set the language cookie after a choice. Each is one
    invisible element, on those runs only."""
    lang = current_language()
    if st.session_state.get(SENT_KEY) != lang:
        st.html(lang_script(lang), unsafe_allow_javascript=True)
        st.session_state[SENT_KEY] = lang
    wanted = st.session_state.pop(COOKIE_WANTED, None)
    # What the browser holds: as last set from this tab, else as it connected with.
    held = st.session_state[COOKIE_HELD] if COOKIE_HELD in st.session_state else _cookie()
    if wanted is not None and wanted != held:
        from course.ui.common import set_browser_cookie

        set_browser_cookie(COOKIE, wanted)
        st.session_state[COOKIE_HELD] = wanted


__all__ = [
    "COOKIE",
    "LABEL",
    "LANG_SCRIPT",
    "PARAM",
    "after_page",
    "choice",
    "choose",
    "content",
    "content_in_english",
    "english",
    "english_only_note",
    "lang_script",
    "part",
    "settle",
]
