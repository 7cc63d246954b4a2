"""Widgets more than one page draws. Pages import from here, never from each other, so the
UI's imports run one way: router -> pages -> widgets and helpers -> state -> engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

from course import refresh
from course.ui import nav, state
from course.ui.i18n import _, ngettext

_MOUNTED: dict[str, Callable[..., Any]] = {}  # asset_component's elements, by name


_SCHEDULE_KEY = "refresh-schedule"  # session state: (course, what it was worked out from, the schedule)


def due_count(now: datetime | None = None) -> int:
    """How many of the learner's questions are due now (for Home and My progress)."""
    learner = state.session()
    track = learner.track
    if track is None:
        return 0
    course, events = state.course(), learner.events()
    # The schedule replays every answer of the passed modules (about 1 ms on My progress and
    # the course map) and changes only with the learner's record: kept for this session until
    # an event is added, removed or renumbered, the track changes or another course (language)
    # is read. When it falls due depends on the time, so `due` is asked every run.
    basis = (track, learner.learner_id, tuple((e.event_id, e.attempt, e.track) for e in events))
    kept = st.session_state.get(_SCHEDULE_KEY)
    if isinstance(kept, tuple) and len(kept) == 3 and kept[0] is course and kept[1] == basis:
        items = kept[2]
    else:
        items = refresh.schedule(course, events, track)
        st.session_state[_SCHEDULE_KEY] = (course, basis, items)
    return len(refresh.due(items, now or state.now()))


def due_line() -> None:
    """One line saying how many refresher questions are due, with the way to them."""
    n = due_count()
    if n:
        st.write(
            ngettext(
                "**{n}** question is due for a refresher.", "**{n}** questions are due for a refresher.", n
            ).format(n=n)
        )
        nav.button(_("Refresh what you learnt"), "refresh", icon=":material/psychology:", key="to-refresh")


def asset_component(component: str, assets: Path, js: str, **options: Any) -> Callable[..., Any]:
    """The components v2 element `component` ("package.name"), its script `js` served from the
    folder `assets`, known to the running Streamlit as one with files of its own.

    Streamlit serves a component's files only for a component declared with an `asset_dir` in
    an installed package's pyproject.toml; the course is not installed as a package, so it
    declares the same thing to the runtime's component manager directly (each runtime has its
    own: AppTest makes one per app). `options` go to `st.components.v2.component` (css, ...);
    the element is made once per process."""
    manager = get_bidi_component_manager()
    if manager.get_component_asset_root(component) is None:
        package, name = component.split(".")
        manifest = ComponentManifest(
            name=package, version="1", components=[ComponentConfig(name=name, asset_dir=assets.name)]
        )
        manager.register_from_manifest(manifest, assets.parent)
    if component not in _MOUNTED:
        _MOUNTED[component] = st.components.v2.component(component, js=js, **options)
    return _MOUNTED[component]
