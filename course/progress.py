"""Pure projections: a learner's events -> track, per-module status, scores and unlocks.

Nothing here reads a database or the UI; give it the course and the events and it answers
the same way every time. Progress counts only quiz attempts made on the learner's current
track, because tracks differ in pass mark and in the questions they include.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from course.events import (
    ANSWERED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    REGISTERED,
    Event,
    quiz_activity,
    section_activity,
)
from course.scenario_play import completed as completed_scenarios
from course.schema import Course, Module, Survey

LOCKED, NOT_STARTED, IN_PROGRESS, NEEDS_RETRY, PASSED_STATUS = (
    "locked",
    "not_started",
    "in_progress",
    "needs_retry",
    "passed",
)
STATUS_LABELS = {
    LOCKED: "Locked",
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    NEEDS_RETRY: "Quiz not yet passed",
    PASSED_STATUS: "Passed",
}
STATUS_ICONS = {
    LOCKED: ":material/lock:",
    NOT_STARTED: ":material/radio_button_unchecked:",
    IN_PROGRESS: ":material/pending:",
    NEEDS_RETRY: ":material/replay:",
    PASSED_STATUS: ":material/check_circle:",
}

OVERVIEW, SUMMARY, QUIZ = "overview", "summary", "quiz"


def steps(module: Module) -> list[str]:
    """The pages of a module in reading order: overview, each section, summary, quiz."""
    return [OVERVIEW, *(s.id for s in module.sections), SUMMARY, QUIZ]


@dataclass(frozen=True)
class ModuleProgress:
    module_id: str
    title: str
    status: str
    estimated_minutes: int
    sections_seen: int
    sections_total: int
    attempts: int
    best_percent: float | None
    latest_percent: float | None
    resume_step: str
    locked_by: tuple[str, ...]  # ids of modules whose quiz must be passed first
    locked_titles: tuple[str, ...]
    # The track's completion rule (course.yaml `completion:`): what must be done before the
    # quiz opens, as (kind, id, title) with kind "section" or "scenario"; empty when nothing.
    quiz_waits_for: tuple[tuple[str, str, str], ...] = ()
    scenarios_done: int = 0
    scenarios_total: int = 0

    @property
    def quiz_open(self) -> bool:
        return not self.quiz_waits_for

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_locked(self) -> bool:
        return self.status == LOCKED

    def locked_reason(self) -> str:
        if not self.locked_by:
            return ""
        names = ", ".join(f"“{t}”" for t in self.locked_titles)
        noun = "quiz" if len(self.locked_by) == 1 else "quizzes"
        return f"This module opens when you pass the {noun} for {names}."


@dataclass(frozen=True)
class LearnerProgress:
    track: str | None
    modules: tuple[ModuleProgress, ...]

    @property
    def passed(self) -> int:
        return sum(m.status == PASSED_STATUS for m in self.modules)

    @property
    def fraction(self) -> float:
        return self.passed / len(self.modules) if self.modules else 0.0

    @property
    def complete(self) -> bool:
        return bool(self.modules) and self.passed == len(self.modules)

    def module(self, module_id: str) -> ModuleProgress:
        for m in self.modules:
            if m.module_id == module_id:
                return m
        raise KeyError(module_id)

    def next_module(self) -> ModuleProgress | None:
        """The first open module not yet passed: where Continue takes the learner."""
        for m in self.modules:
            if m.status not in (PASSED_STATUS, LOCKED):
                return m
        return None


def current_track(events: Iterable[Event]) -> str | None:
    track = None
    for e in sorted(events, key=lambda e: e.timestamp):
        if e.verb == REGISTERED:
            track = e.track
    return track


def project(course: Course, events: list[Event], track: str | None = None) -> LearnerProgress:
    """Project a learner's events onto the modules of `track` (default: their current one)."""
    events = sorted(events, key=lambda e: e.timestamp)
    track = track or current_track(events)
    if track is None:
        return LearnerProgress(None, ())
    tr = course.track(track)
    seen: set[str] = set()
    last_seen_section: dict[str, str] = {}
    scores: dict[str, list[float]] = {}
    passed_quizzes: set[str] = set()
    section_owner = {section_activity(m.id, s.id): (m.id, s.id) for m in course.modules for s in m.sections}
    played = completed_scenarios(events)
    for e in events:
        if e.verb == EXPERIENCED and e.activity in section_owner:
            module_id, section_id = section_owner[e.activity]
            seen.add(e.activity)
            last_seen_section[module_id] = section_id
        elif e.verb in (PASSED, FAILED) and e.track == track:
            pct = 100.0 * (e.score or 0) / e.max_score if e.max_score else 0.0
            scores.setdefault(e.activity, []).append(pct)
            if e.verb == PASSED:
                passed_quizzes.add(e.activity)

    def waits_for(module: Module) -> tuple[tuple[str, str, str], ...]:
        """What the track's completion rule still asks of this module before its quiz."""
        left: list[tuple[str, str, str]] = []
        if tr.completion.sections == "all":
            left += [
                ("section", s.id, s.heading) for s in module.sections if section_activity(module.id, s.id) not in seen
            ]
        if tr.completion.scenarios == "all":
            left += [
                ("scenario", sc.id, sc.title) for sc in course.module_scenarios(module.id, track) if sc.id not in played
            ]
        return tuple(left)

    def is_passed(module: Module) -> bool:
        return quiz_activity(module.quiz) in passed_quizzes and not waits_for(module)

    out = []
    previous: Module | None = None
    for module in course.track_modules(track):
        blockers = [course.module(r) for r in module.requires if r in tr.modules]
        if tr.sequencing == "sequential" and previous is not None and previous not in blockers:
            blockers.insert(0, previous)
        open_blockers = [b for b in blockers if not is_passed(b)]
        locked_by = tuple(b.id for b in open_blockers)
        quiz_scores = scores.get(quiz_activity(module.quiz), [])
        n_seen = sum(section_activity(module.id, s.id) in seen for s in module.sections)
        module_scenarios = course.module_scenarios(module.id, track)
        if is_passed(module):
            status = PASSED_STATUS
        elif locked_by:
            status = LOCKED
        elif quiz_scores:
            status = NEEDS_RETRY
        elif n_seen or any(sc.id in played for sc in module_scenarios):
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        out.append(
            ModuleProgress(
                module_id=module.id,
                title=module.title,
                status=status,
                estimated_minutes=module.estimated_minutes,
                sections_seen=n_seen,
                sections_total=len(module.sections),
                attempts=len(quiz_scores),
                best_percent=max(quiz_scores) if quiz_scores else None,
                latest_percent=quiz_scores[-1] if quiz_scores else None,
                resume_step=_resume_step(
                    module, last_seen_section.get(module.id), bool(quiz_scores), status == PASSED_STATUS
                ),
                locked_by=locked_by,
                locked_titles=tuple(b.title for b in open_blockers),
                quiz_waits_for=waits_for(module),
                scenarios_done=sum(sc.id in played for sc in module_scenarios),
                scenarios_total=len(module_scenarios),
            )
        )
        previous = module
    return LearnerProgress(track, tuple(out))


def _resume_step(module: Module, last_section: str | None, attempted: bool, passed: bool) -> str:
    if passed:
        return OVERVIEW  # "Review" opens the module's text; its quiz is one button away
    if attempted:
        return QUIZ  # not passed yet: back to the quiz
    # Where the learner left off: the last section they opened, or the start.
    return last_section or OVERVIEW


# --------------------------------------------------------------------------- check-ins


def likert_value(item_reverse: bool, value: int, low: int, high: int) -> int:
    """Reverse-scored items count the other way, so higher always means more supportive."""
    return low + high - value if item_reverse else value


def survey_theme_means(survey: Survey, responses: dict[str, int]) -> dict[str, float]:
    """Mean score per theme (scale units, higher = more supportive), from item -> raw answer."""
    sums: dict[str, list[int]] = {}
    for item in survey.items:
        if item.id in responses:
            v = likert_value(item.reverse, responses[item.id], survey.scale.min, survey.scale.max)
            sums.setdefault(item.theme, []).append(v)
    return {theme: sum(vs) / len(vs) for theme, vs in sums.items()}


@dataclass(frozen=True)
class CheckIns:
    pre_percent: float | None
    post_percent: float | None
    survey_start: dict[str, float] | None  # theme -> mean, None until taken
    survey_end: dict[str, float] | None

    @property
    def gain(self) -> float | None:
        if self.pre_percent is None or self.post_percent is None:
            return None
        return self.post_percent - self.pre_percent


def check_ins(course: Course, events: list[Event]) -> CheckIns:
    """The latest pre-test, post-test and survey results in a learner's events."""
    events = sorted(events, key=lambda e: e.timestamp)
    s = course.settings
    pct: dict[str, float] = {}
    answers: dict[str, dict[str, int]] = {"start": {}, "end": {}}
    done: dict[str, dict[str, int]] = {}
    for e in events:
        if e.verb == COMPLETED and e.activity in (f"test/{s.pre_test}", f"test/{s.post_test}") and e.max_score:
            pct[e.activity] = 100.0 * (e.score or 0) / e.max_score
        elif e.verb == ANSWERED and e.context and s.attitude_survey and e.context.get("survey") == s.attitude_survey:
            answers.setdefault(e.context.get("phase", "start"), {})[e.activity.removeprefix("question/")] = int(
                e.response
            )
        elif e.verb == COMPLETED and e.activity == f"survey/{s.attitude_survey}" and e.context:
            phase = e.context.get("phase", "start")
            done[phase] = dict(answers.get(phase, {}))
    survey = course.surveys.get(s.attitude_survey) if s.attitude_survey else None
    return CheckIns(
        pre_percent=pct.get(f"test/{s.pre_test}"),
        post_percent=pct.get(f"test/{s.post_test}"),
        survey_start=survey_theme_means(survey, done["start"]) if survey and "start" in done else None,
        survey_end=survey_theme_means(survey, done["end"]) if survey and "end" in done else None,
    )
