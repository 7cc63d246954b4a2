"""Pure projections: a learner's events -> track, per-module status, scores and unlocks.

Nothing here reads a database or the UI; give it the course and the events and it answers
the same way every time. Progress counts only quiz attempts made on the learner's current
track, because tracks differ in pass mark and in the questions they include.

A module is passed when its quiz is passed on the track and the track's completion rule
(course.yaml `completion:`, e.g. staff: every section read and every scenario played) is met.
The rule reads the records as they are, not their order, so a quiz passed before a rule asked
for the sections counts once they are read (docs/authoring.md, "Completion rules"). Progress,
the quiz gate, the dashboard's funnel (`passed_modules_by_learner`), the LMS completions and
the certificate all ask this module, so they agree.
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
    knowledge_test_activity,
    question_of,
    quiz_activity,
    section_activity,
    survey_activity,
)
from course.i18n import DEFAULT, N_, gettext_for, ngettext_for, quoted
from course.scenario_play import completed as completed_scenarios
from course.schema import Course, Module, Survey, Track

LOCKED, NOT_STARTED, IN_PROGRESS, NEEDS_RETRY, PASSED_STATUS = (
    "locked",
    "not_started",
    "in_progress",
    "needs_retry",
    "passed",
)
# In English, as records and the trainer's dashboard use them; `ModuleProgress.shown_label`
# gives a learner's language.
STATUS_LABELS = {
    LOCKED: N_("Locked"),
    NOT_STARTED: N_("Not started"),
    IN_PROGRESS: N_("In progress"),
    NEEDS_RETRY: N_("Quiz not yet passed"),
    PASSED_STATUS: N_("Passed"),
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

    def still_to_do(self, lang: str = DEFAULT) -> str:
        """What the completion rule still asks before the quiz, counted: "2 of 5 sections
        read, 0 of 1 practice scenarios played" (in `lang`). Empty when the quiz is open."""
        kinds = {kind for kind, _, _ in self.quiz_waits_for}
        parts = []
        if "section" in kinds:
            parts.append(
                gettext_for(lang, N_("{done} of {total} sections read")).format(
                    done=self.sections_seen, total=self.sections_total
                )
            )
        if "scenario" in kinds:
            said = ngettext_for(
                lang,
                "{done} of {total} practice scenario played",
                "{done} of {total} practice scenarios played",
                self.scenarios_total,
            )
            parts.append(said.format(done=self.scenarios_done, total=self.scenarios_total))
        return ", ".join(parts)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def shown_label(self, lang: str = DEFAULT) -> str:
        """The status in words in `lang` ("Passed", "Aprobado")."""
        return gettext_for(lang, STATUS_LABELS[self.status])

    @property
    def is_locked(self) -> bool:
        return self.status == LOCKED

    def locked_reason(self, lang: str = DEFAULT) -> str:
        if not self.locked_by:
            return ""
        names = ", ".join(quoted(t, lang) for t in self.locked_titles)
        said = ngettext_for(
            lang,
            "This module opens when you pass the quiz for {names}.",
            "This module opens when you pass the quizzes for {names}.",
            len(self.locked_by),
        )
        return said.format(names=names)


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


@dataclass(frozen=True)
class _Done:
    """What a learner's events show done on one track: the facts the completion rule reads."""

    seen: frozenset[str]  # section activity ids opened (on any track: reading is reading)
    played: frozenset[str]  # scenario ids played to an ending
    passed_quizzes: frozenset[str]  # quiz activity ids passed on this track
    scores: dict[str, list[float]]  # quiz activity -> percent per attempt on this track, in order
    last_seen_section: dict[str, str]  # module id -> the section opened last


def _done(course: Course, events: list[Event], track: str) -> _Done:
    seen: set[str] = set()
    last_seen_section: dict[str, str] = {}
    scores: dict[str, list[float]] = {}
    passed_quizzes: set[str] = set()
    section_owner = {section_activity(m.id, s.id): (m.id, s.id) for m in course.modules for s in m.sections}
    for e in sorted(events, key=lambda e: e.timestamp):
        if e.verb == EXPERIENCED and e.activity in section_owner:
            module_id, section_id = section_owner[e.activity]
            seen.add(e.activity)
            last_seen_section[module_id] = section_id
        elif e.verb in (PASSED, FAILED) and e.track == track:
            pct = 100.0 * (e.score or 0) / e.max_score if e.max_score else 0.0
            scores.setdefault(e.activity, []).append(pct)
            if e.verb == PASSED:
                passed_quizzes.add(e.activity)
    return _Done(
        frozenset(seen), frozenset(completed_scenarios(events)), frozenset(passed_quizzes), scores, last_seen_section
    )


def _waits_for(course: Course, track: str, module: Module, done: _Done) -> tuple[tuple[str, str, str], ...]:
    """What the track's completion rule still asks of this module before its quiz counts."""
    rule = course.track(track).completion
    left: list[tuple[str, str, str]] = []
    if rule.sections == "all":
        left += [
            ("section", s.id, s.heading) for s in module.sections if section_activity(module.id, s.id) not in done.seen
        ]
    if rule.scenarios == "all":
        left += [
            ("scenario", sc.id, sc.title)
            for sc in course.module_scenarios(module.id, track)
            if sc.id not in done.played
        ]
    return tuple(left)


def _is_passed(course: Course, track: str, module: Module, done: _Done) -> bool:
    # The rule, not the order of events, decides: a quiz passed before the rule asked for the
    # sections (records from before it was set) counts once the sections left are read.
    return quiz_activity(module.quiz) in done.passed_quizzes and not _waits_for(course, track, module, done)


def completion_steps(track: Track, lang: str = DEFAULT) -> str:
    """The track's completion rule in words (in `lang`), for a sentence about any of its
    modules: "read every section, play each practice scenario to an ending, then pass its quiz"."""
    steps = []
    if track.completion.sections == "all":
        steps.append(gettext_for(lang, N_("read every section")))
    if track.completion.scenarios == "all":
        steps.append(gettext_for(lang, N_("play each practice scenario to an ending")))
    if not steps:
        return gettext_for(lang, N_("pass its quiz"))
    return gettext_for(lang, N_("{steps}, then pass its quiz")).format(steps=", ".join(steps))


def passed_modules(course: Course, events: list[Event], track: str) -> set[str]:
    """Ids of the modules of `track` that a learner's events complete under the track's rule:
    the quiz passed on this track and everything `completion:` asks done. The same answer as
    `project(...).module(id).status == "passed"`, without the rest of the projection (the
    trainer dashboard asks it of every learner)."""
    return passed_modules_by_learner(course, events, track).get(events[0].learner_id, set()) if events else set()


def passed_modules_by_learner(course: Course, events: Iterable[Event], track: str) -> dict[str, set[str]]:
    """`passed_modules` for every learner in `events` (any order, learners mixed), in one pass
    over the course's structure: learner id -> ids of the modules of `track` they completed."""
    per_learner: dict[str, list[Event]] = {}
    for e in events:
        per_learner.setdefault(e.learner_id, []).append(e)
    modules = course.track_modules(track)
    out = {}
    for learner, evs in per_learner.items():
        # Only what the rule reads: no ordering, scores or resume points (the dashboard asks
        # this of thousands of learners at once).
        seen = frozenset(e.activity for e in evs if e.verb == EXPERIENCED)
        passed = frozenset(e.activity for e in evs if e.verb == PASSED and e.track == track)
        done = _Done(seen, frozenset(completed_scenarios(evs)), passed, {}, {})
        out[learner] = {m.id for m in modules if _is_passed(course, track, m, done)}
    return out


def project(course: Course, events: list[Event], track: str | None = None) -> LearnerProgress:
    """Project a learner's events onto the modules of `track` (default: their current one)."""
    events = sorted(events, key=lambda e: e.timestamp)
    track = track or current_track(events)
    if track is None:
        return LearnerProgress(None, ())
    tr = course.track(track)
    done = _done(course, events, track)

    out = []
    previous: Module | None = None
    for module in course.track_modules(track):
        blockers = [course.module(r) for r in module.requires if r in tr.modules]
        if tr.sequencing == "sequential" and previous is not None and previous not in blockers:
            blockers.insert(0, previous)
        open_blockers = [b for b in blockers if not _is_passed(course, track, b, done)]
        locked_by = tuple(b.id for b in open_blockers)
        quiz_scores = done.scores.get(quiz_activity(module.quiz), [])
        n_seen = sum(section_activity(module.id, s.id) in done.seen for s in module.sections)
        module_scenarios = course.module_scenarios(module.id, track)
        waits = _waits_for(course, track, module, done)
        quiz_passed = quiz_activity(module.quiz) in done.passed_quizzes
        if quiz_passed and not waits:
            status = PASSED_STATUS
        elif locked_by:
            status = LOCKED
        elif quiz_scores and not quiz_passed:
            status = NEEDS_RETRY
        elif quiz_passed or n_seen or any(sc.id in done.played for sc in module_scenarios):
            # A quiz passed with the rule not yet met (a record from before the rule) is
            # in progress: what is left is reading, not another attempt.
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
                resume_step=_resume_step(module, done.last_seen_section.get(module.id), quiz_scores, status, waits),
                locked_by=locked_by,
                locked_titles=tuple(b.title for b in open_blockers),
                quiz_waits_for=waits,
                scenarios_done=sum(sc.id in done.played for sc in module_scenarios),
                scenarios_total=len(module_scenarios),
            )
        )
        previous = module
    return LearnerProgress(track, tuple(out))


def _resume_step(
    module: Module,
    last_section: str | None,
    scores: list[float],
    status: str,
    waits: tuple[tuple[str, str, str], ...],
) -> str:
    if status == PASSED_STATUS:
        return OVERVIEW  # "Review" opens the module's text; its quiz is one button away
    unread = [ident for kind, ident, _ in waits if kind == "section"]
    if status == IN_PROGRESS and scores and unread:
        return unread[0]  # the quiz is passed; the first section the rule still asks for
    if scores:
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
        if (
            e.verb == COMPLETED
            and e.activity in (knowledge_test_activity(s.pre_test or ""), knowledge_test_activity(s.post_test or ""))
            and e.max_score
        ):
            pct[e.activity] = 100.0 * (e.score or 0) / e.max_score
        elif e.verb == ANSWERED and e.context and s.attitude_survey and e.context.get("survey") == s.attitude_survey:
            answers.setdefault(e.context.get("phase", "start"), {})[question_of(e.activity) or e.activity] = int(
                e.response
            )
        elif e.verb == COMPLETED and e.activity == survey_activity(s.attitude_survey or "") and e.context:
            phase = e.context.get("phase", "start")
            done[phase] = dict(answers.get(phase, {}))
    survey = course.surveys.get(s.attitude_survey) if s.attitude_survey else None
    return CheckIns(
        pre_percent=pct.get(knowledge_test_activity(s.pre_test or "")),
        post_percent=pct.get(knowledge_test_activity(s.post_test or "")),
        survey_start=survey_theme_means(survey, done["start"]) if survey and "start" in done else None,
        survey_end=survey_theme_means(survey, done["end"]) if survey and "end" in done else None,
    )
