"""A module page: overview (objectives), one section per step, then a summary with
takeaways and every reference. `?step=` in the URL keeps the learner's place on refresh."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from course import dates
from course.i18n import DEFAULT, N_, gettext_for
from course.progress import OVERVIEW, SUMMARY, steps
from course.schema import CITATION_MARK, BranchingScenario, Module, Reference, Section, Voice
from course.ui import chart_view, language, listen, nav, scenario_view, state
from course.ui.common import dollars, escape_markdown, notice, require_track
from course.ui.i18n import _, current_language


def render(module_id: str) -> None:
    course = state.course()
    module = course.module(module_id)
    with language.content("module-title"):  # the staff track's content is English only
        st.title(module.title)
    if language.content_in_english():
        language.english_only_note()
    notice()  # on every state of the page: locked, not on the track, or open
    track_id = require_track()
    if track_id is None:
        return
    track = course.track(track_id)
    if module_id not in track.modules:
        st.warning(_("This module is not part of the {track} track.").format(track=track.title), icon=":material/info:")
        return
    mp = state.session().progress().module(module_id)
    if mp.is_locked:
        st.warning(mp.locked_reason(current_language()), icon=":material/lock:")
        for blocker_id in mp.locked_by:
            blocker = course.module(blocker_id)
            nav.button(
                _("Go to “{module}”").format(module=blocker.title), f"module:{blocker.id}", key=f"goto-{blocker.id}"
            )
        return

    scenarios = course.module_scenarios(module.id, track_id)
    # The module's scenarios come after its sections, before its summary (the quiz has its own page).
    order = steps(module)[:-1]
    order[-1:-1] = [scenario_view.step_id(s) for s in scenarios]
    step = st.query_params.get("step", OVERVIEW)
    if step not in order:
        if step:
            # A link made before a part was renamed or removed, or mistyped: say so, rather
            # than show the overview as if it were the part asked for.
            st.info(
                _(
                    "This module has no part called “{part}”: it may have been renamed since the link "
                    "was made. Here is the module's overview; its parts follow with Next."
                ).format(part=escape_markdown(step)),
                icon=":material/link_off:",
            )
        step = OVERVIEW
        st.query_params["step"] = OVERVIEW
    index = order.index(step)
    st.caption(
        _("About {minutes} minutes · part {n} of {total}").format(
            minutes=module.estimated_minutes, n=index + 1, total=len(order)
        )
    )
    plain = _plain_toggle(track.audience)

    # The public track reads the public versions (objectives, summary, takeaways, captions);
    # staff who switch to the plain-language version read them too.
    audience = "public" if plain else "staff"
    if step == OVERVIEW:
        _overview(module, audience, scenarios)
    elif step == SUMMARY:
        _summary(module, audience)
    elif step.startswith(scenario_view.STEP_PREFIX):
        scenario_view.render(module, course.scenarios[step.removeprefix(scenario_view.STEP_PREFIX)], track_id)
    else:
        section = next(s for s in module.sections if s.id == step)
        _section(module, section, plain, track_id)
        _record_seen(module, section, track_id)
    _pager(module, order, index, scenarios)
    if st.session_state.pop(MOVED_KEY, None) == step:
        # After Previous or Next: the part's heading takes the focus and the view goes back to
        # the top, as opening a new page does; else a learner who pressed Next at the bottom of
        # a long part is left near the bottom of the next one.
        nav.focus("h2", force=True, scroll="top")


def _plain_toggle(audience: str) -> bool:
    """Staff may switch to the plain text (useful for explaining to patients); the public
    track only ever sees the plain text, because the clinical text can include amounts."""
    if audience == "public":
        return True
    key = "plain-language"
    st.session_state.setdefault(key, False)
    return st.toggle(
        _("Plain-language version"),
        key=key,
        help=_("Shorter sentences and everyday words. Switch off for the full clinical text."),
    )


def _overview(module: Module, audience: str, scenarios: Sequence[BranchingScenario] = ()) -> None:
    st.header(_("Overview"))
    with language.content("summary"):
        st.write(dollars(module.shown_summary(audience)))
    st.subheader(_("What you will learn"))
    with language.content("objectives"):
        st.markdown(dollars("\n".join(f"- {o.shown(audience)}" for o in module.objectives)))
    st.subheader(_("In this module"))
    with language.content("parts"):
        st.markdown("\n".join(f"{i}. {s.heading}" for i, s in enumerate(module.sections, start=1)))
    if scenarios:
        st.subheader(_("Practice scenarios"))
        st.markdown(_("After the sections, practise the decisions they teach (no time limit, nothing is scored):"))
        with language.content("scenarios"):
            st.markdown("\n".join(f"- {dollars(s.title)}: {dollars(s.summary)}" for s in scenarios))
    if module.review is not None:
        st.markdown(review_markdown(module, current_language()))


def review_markdown(module: Module, lang: str = DEFAULT) -> str:
    """When the module's content was last reviewed, its version, and what changed (one element),
    in `lang` (its date too)."""
    review = module.review
    assert review is not None
    text = gettext_for(lang, N_("Last reviewed {day} (version {version})")).format(
        day=dates.day(review.last_reviewed, lang), version=escape_markdown(review.version)
    )
    if not review.changes:
        return text
    changes = "\n".join(f"- {dollars(c)}" for c in review.changes)
    return f"{text}\n\n**" + gettext_for(lang, N_("What changed in this version:")) + f"**\n\n{changes}"


def _footnotes(text: str, numbers: dict[str, int]) -> str:
    return CITATION_MARK.sub(lambda m: f"<sup>[{numbers[m.group(1)]}]</sup>", text)


def _section(module: Module, section: Section, plain: bool, track_id: str) -> None:
    with language.content("section-heading"):
        st.header(section.heading)
    numbers = {ref: i for i, ref in enumerate(_cited(section), start=1)}
    text = section.plain if plain and section.plain else section.body
    listen.part(section.heading, text, key=f"listen-{module.id}-{section.id}")  # drawn only when turned on
    with language.content("section-text"):
        st.markdown(_footnotes(dollars(text), numbers), unsafe_allow_html=True)
    for n, voice in enumerate(section.voices):
        if voice.visible_to(track_id):
            with language.content(f"voice-{n}"):
                st.markdown(voice_html(voice, current_language()), unsafe_allow_html=True)
    audience = "public" if plain else "staff"
    for n, figure in enumerate(section.figures):
        with language.content(f"figure-{n}"):
            chart_view.draw(
                chart_view.figure(figure, audience, chart_view.text_scale(), lang=current_language()),
                figure.title,
                caption=figure.shown_caption(audience),
            )
    scenario_view.render_checks(module, section, track_id)
    if numbers:
        refs = {r.id: r for r in module.references}
        st.subheader(_("References"), anchor=False)
        with language.english("references"):  # publication titles stay as published (lang="en")
            st.markdown("\n".join(f"{n}. {_citation(refs[ref])}" for ref, n in numbers.items()))


def _cited(section: Section) -> list[str]:
    """Reference ids in the order first cited in the text, then any listed but not cited."""
    order: list[str] = []
    for text in (section.body, section.plain or ""):
        for ref in CITATION_MARK.findall(text):
            if ref not in order:
                order.append(ref)
    return order + [r for r in section.references if r not in order]


def _citation(ref: Reference) -> str:
    return f"{ref.citation} [{ref.url}]({ref.url})" if ref.url else ref.citation


VOICE_LABELS = {"composite": N_("Composite account"), "account": N_("In their own words")}


def voice_html(voice: Voice, lang: str = DEFAULT) -> str:
    """A first-person account as a figure: its label, the words as a block quote, and who is
    speaking as the caption, always shown. The label says "Composite account" when the words
    were written for the course, so nobody mistakes them for one real person's."""
    e = html.escape
    label = gettext_for(lang, VOICE_LABELS[voice.kind])
    paragraphs = "".join(f"<p>{e(' '.join(p.split()))}</p>" for p in voice.text.split("\n\n") if p.strip())
    return (
        f'<figure class="course-voice" aria-label="{e(label, quote=True)}" '
        'style="margin: 1rem 0; padding: 0.75rem 1rem; border: 1px solid currentColor; border-radius: 0.5rem;">'
        f'<p style="margin: 0 0 0.5rem 0;"><strong>{e(label)}</strong></p>'
        '<blockquote style="margin: 0; padding-left: 1rem; border-left: 4px solid currentColor;">'
        f"{paragraphs}</blockquote>"
        f'<figcaption style="margin-top: 0.5rem;">{e(" ".join(voice.attribution.split()))}</figcaption>'
        "</figure>"
    )


def _summary(module: Module, audience: str) -> None:
    st.header(_("Summary"))
    st.subheader(_("Key takeaways"))
    with language.content("takeaways"):
        st.markdown(dollars("\n".join(f"- {t}" for t in module.shown_takeaways(audience))))
    st.subheader(_("All references for this module"))
    with language.english("all-references"):  # publication titles stay as published (lang="en")
        st.markdown("\n".join(f"{i}. {_citation(r)}" for i, r in enumerate(module.references, start=1)))


def _record_seen(module: Module, section: Section, track_id: str) -> None:
    state.session().view_section(module.id, section.id, track_id)  # once per section per session


def _pager(module: Module, order: list[str], index: int, scenarios: Sequence[BranchingScenario] = ()) -> None:
    """Previous and Next change `?step=` in their button's callback, so the run the press
    causes draws the new step at once: one script run, where `st.switch_page` to the same
    page took two and a pause (docs/performance.md, finding 9)."""
    labels = {
        OVERVIEW: _("Overview"),
        SUMMARY: _("Summary"),
        **{s.id: s.heading for s in module.sections},
        **{scenario_view.step_id(s): scenario_view.label(s) for s in scenarios},
    }
    prev_col, next_col = st.columns(2)
    with prev_col:
        if index > 0:
            st.button(
                _("Previous: {part}").format(part=labels[order[index - 1]]),
                icon=":material/arrow_back:",
                key="prev",
                width="stretch",
                on_click=_go_to_step,
                args=(order[index - 1],),
            )
    with next_col:
        if index + 1 < len(order):
            st.button(
                _("Next: {part}").format(part=labels[order[index + 1]]),
                icon=":material/arrow_forward:",
                key="next",
                type="primary",
                width="stretch",
                on_click=_go_to_step,
                args=(order[index + 1],),
            )
        else:
            nav.button(
                _("Take the quiz"),
                f"quiz:{module.id}",
                icon=":material/quiz:",
                key="to-quiz",
                type="primary",
                width="stretch",
            )


MOVED_KEY = "_module-moved-to-step"


def _go_to_step(step: str) -> None:
    st.query_params["step"] = step
    st.session_state[MOVED_KEY] = step
