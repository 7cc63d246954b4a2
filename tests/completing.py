"""What a track's completion rule asks, as events: for tests that pass a track through the store.

Tests that give a learner a passed quiz by appending a `passed` event (rather than answering it
in the app) add these too, so the learner has done what course.yaml's `completion:` asks of that
track (every section read, every scenario played) and the module counts as passed.
"""

from __future__ import annotations

from datetime import datetime

from course.events import EXPERIENCED, Event, scenario_completed, section_activity
from course.schema import Course


def rule_done(course: Course, learner_id: str, track: str, when: datetime) -> list[Event]:
    """Events for everything the completion rule of `track` asks besides the quizzes."""
    rule = course.track(track).completion
    out: list[Event] = []
    for module in course.track_modules(track):
        if rule.sections == "all":
            out += [
                Event(learner_id, EXPERIENCED, section_activity(module.id, s.id), track=track, timestamp=when)
                for s in module.sections
            ]
        if rule.scenarios == "all":
            for scenario in course.module_scenarios(module.id, track):
                ending = scenario.endings[0]
                fields = scenario_completed(scenario.id, scenario.module, ending.id, ending.rating, [], track)
                out.append(fields.by(learner_id, at=when))
    return out
