"""Where a learner is in a branching scenario, derived from their events alone.

Every choice event carries the whole path of its play-through (docs/authoring.md), so the
latest one says which step the learner is on, or which ending they reached: a reload, another
device or a resumed session opens the same step. Pure: no streamlit, no store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from course.events import ANSWERED, COMPLETED, Event
from course.schema import BranchingScenario, Choice, Ending, Step


@dataclass(frozen=True)
class Play:
    """One play-through: the choices made so far and where they lead."""

    path: tuple[str, ...]
    step: Step | None  # the step to choose at, None at an ending
    ending: Ending | None
    taken: tuple[tuple[Step, Choice], ...]
    last_event_id: str | None  # the choice event this was derived from (None: not started)

    @property
    def number(self) -> int:
        """1-based number of the step on screen, counting the steps of this play-through."""
        return len(self.taken) + 1


def _path_of(event: Event) -> tuple[str, ...] | None:
    path = (event.context or {}).get("path")
    if isinstance(path, list) and all(isinstance(p, str) for p in path):
        return tuple(path)
    return None


def choice_events(scenario_id: str, events: Iterable[Event]) -> list[Event]:
    """The learner's choice events in `scenario_id`, oldest first."""
    prefix = f"scenario-step/{scenario_id}/"
    return sorted(
        (e for e in events if e.verb == ANSWERED and e.activity.startswith(prefix) and _path_of(e) is not None),
        key=lambda e: e.timestamp,
    )


def play(scenario: BranchingScenario, path: Iterable[str], last_event_id: str | None = None) -> Play:
    """Where `path` leads. A path the content no longer fits (a choice renamed or removed since)
    is cut at the first choice that is no longer there, so the learner goes on from the last
    step that still exists instead of losing their place or seeing an error."""
    step, ending, taken = scenario.walk(list(path))
    fitted = tuple(c.id for _, c in taken)
    return Play(fitted, step, ending, tuple(taken), last_event_id)


def current(scenario: BranchingScenario, events: Iterable[Event]) -> Play:
    """The play-through the learner's latest choice in this scenario belongs to."""
    chosen = choice_events(scenario.id, events)
    if not chosen:
        return play(scenario, ())
    latest = chosen[-1]
    return play(scenario, _path_of(latest) or (), latest.event_id)


def completed(events: Iterable[Event]) -> set[str]:
    """Ids of the scenarios the learner has played to an ending at least once."""
    return {
        e.activity.removeprefix("scenario/")
        for e in events
        if e.verb == COMPLETED and e.activity.startswith("scenario/")
    }


def completed_scenario_id(event: Event) -> str | None:
    """The scenario a completed event is for, or None for any other event."""
    if event.verb == COMPLETED and event.activity.startswith("scenario/"):
        return event.activity.removeprefix("scenario/")
    return None
