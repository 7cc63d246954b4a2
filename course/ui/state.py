"""Cached singletons (the parsed course) and the current learner's session.

The course is parsed once per process with `st.cache_resource`: a rerun does no YAML work.
Progress lives behind `LearnerSession`, which appends events to an `EventLog`; pages never
touch the log directly, so the database store can replace the session log without any page
changing.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from course.events import REGISTERED, Event, EventLog, MemoryEventLog
from course.loader import CourseError, Problem, load_course
from course.progress import LearnerProgress, current_track, project
from course.schema import Course

CONTENT_ROOT_ENV = "COURSE_CONTENT_ROOT"


@dataclass(frozen=True)
class Loaded:
    course: Course | None
    problems: tuple[Problem, ...]
    root: str


@st.cache_resource(show_spinner=False)
def _load(root: str) -> Loaded:
    try:
        return Loaded(load_course(Path(root) if root else None), (), root)
    except CourseError as exc:
        return Loaded(None, tuple(exc.problems), root)


def loaded() -> Loaded:
    return _load(os.environ.get(CONTENT_ROOT_ENV, ""))


def course() -> Course:
    result = loaded()
    assert result.course is not None, "pages render only when the course loaded"
    return result.course


class LearnerSession:
    """The current browser session's learner: id, event log and derived progress."""

    def __init__(self, log: EventLog, learner_id: str):
        self.log = log
        self.learner_id = learner_id

    def record(self, **fields) -> Event:
        event = Event(learner_id=self.learner_id, **fields)
        self.log.append(event)
        return event

    def events(self) -> list[Event]:
        return self.log.events(self.learner_id)

    @property
    def track(self) -> str | None:
        return current_track(self.events())

    def choose_track(self, track_id: str) -> None:
        self.record(verb=REGISTERED, activity="course", track=track_id)

    def progress(self) -> LearnerProgress:
        return project(course(), self.events())


def session() -> LearnerSession:
    """This browser session's learner. Until the records store lands, events live in the
    session: they survive reruns and page switches, not a browser refresh."""
    if "learner" not in st.session_state:
        st.session_state["learner"] = LearnerSession(MemoryEventLog(), uuid.uuid4().hex)
    return st.session_state["learner"]
