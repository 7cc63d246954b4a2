"""The learner service: one object per learner, and every action a learner takes.

Pages read their widgets and make one call here (`choose_track`, `view_section`,
`submit_quiz`, `submit_knowledge_check`, `submit_survey`, `submit_refresher`, `choose_in_scenario`,
`answer_check`, `join_cohort`, `delete_records`, and for answers kept before a submit
`save_draft`, `drafts`, `clear_drafts`, `flush_drafts`, `adopt_drafts`); each returns a typed
result, or a `Refusal` saying why nothing was recorded. The service owns the learner's event log (read through a
`PendingWriter`, so when the database cannot be reached the learner's work waits in memory
and is written when it is back) and builds every event through `course.events`.

No streamlit here: the UI keeps one `Learner` per browser session (course/ui/state.py) and
hands it the few things only the UI knows (how to reach the store, what to do on the first
write). Progress is never stored: `progress()` projects it from the events.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from course import events as ev
from course.drafts import Draft, DraftsAdopted, DraftSaved, DraftWaiting, Keep, WaitingDrafts
from course.events import ANSWERED, COMPLETED, FAILED, PASSED, Action, Event
from course.grading import QuestionResult, QuizResult, grade_question, grade_quiz, is_answered, passes
from course.progress import LearnerProgress, current_track, project
from course.records import OUTCOME_VERBS, AttemptTaken, Cohort, PendingWriter, Store, StoreUnavailable
from course.refresh import Item
from course.schema import BranchingScenario, Course, Gradable, Quiz, Step, Survey

_log = logging.getLogger(__name__)

UNREACHABLE = "the course database cannot be reached"


@dataclass(frozen=True)
class Refusal:
    """Nothing was recorded, and why: `reason` is the kind (`missing`, `unreachable`,
    `no-cohort`, `other-track`), `missing` the 1-based numbers of the questions unanswered."""

    reason: str
    missing: tuple[int, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class QuizSubmitted:
    """A quiz attempt recorded. `attempt` is the number it was recorded as: another tab that
    took the number first moves it to the next one (`renumbered`)."""

    result: QuizResult
    attempt: int
    renumbered: bool


@dataclass(frozen=True)
class CheckSubmitted:
    """A knowledge check (pre-test or post-test) recorded."""

    result: QuizResult


@dataclass(frozen=True)
class SurveySubmitted:
    survey_id: str
    phase: str


@dataclass(frozen=True)
class RefresherSubmitted:
    set_number: int
    results: tuple[tuple[Item, QuestionResult], ...]
    right: int
    percent: float


class _Offline:
    """Stands in for the store until the database can be reached at all."""

    def append(self, event: Event) -> None:
        raise StoreUnavailable(UNREACHABLE)

    def append_many(self, events: list[Event]) -> None:
        raise StoreUnavailable(UNREACHABLE)

    def events(self, learner_id: str) -> list[Event]:
        raise StoreUnavailable(UNREACHABLE)


class Hooks(Protocol):
    """What only the UI knows, handed to the service: how to reach the store (None while it
    cannot be reached), what to do on a learner's first write, and where the draft answers
    not yet written wait (one `WaitingDrafts` per browser session, shared by every learner
    the session has been: each draft carries the learner it was chosen by)."""

    def store(self) -> Store | None: ...

    def registered(self, store: Store, learner_id: str) -> None: ...

    def waiting_drafts(self) -> WaitingDrafts: ...


@dataclass
class PlainHooks:
    """Hooks from plain functions (the defaults do nothing): used by scripts and tests."""

    connect: Callable[[], Store | None] = lambda: None
    on_registered: Callable[[Store, str], None] = lambda store, learner_id: None
    waiting: WaitingDrafts = field(default_factory=WaitingDrafts)

    def store(self) -> Store | None:
        return self.connect()

    def registered(self, store: Store, learner_id: str) -> None:
        self.on_registered(store, learner_id)

    def waiting_drafts(self) -> WaitingDrafts:
        return self.waiting


class Learner:
    """One learner: identity, event log, derived progress, and the actions they take.

    `claim` is a resume code this tab carries (the browser's cookie or a resume link) that
    could not be checked because the database was unreachable. While it is set the learner is
    a stand-in: it never registers as a new learner and writes nothing, so an outage cannot
    hand the learner a new identity; once the code can be checked, it becomes that learner
    and whatever was done meanwhile goes onto their record (`sync`)."""

    def __init__(self, learner_id: str, course: Callable[[], Course], hooks: Hooks, claim: str | None = None):
        self.learner_id = learner_id
        self.resume_code: str | None = None
        self.registered = False  # a learners row exists in the store
        self.display_name: str | None = None
        self.cohort: str | None = None
        self.claim = claim
        self.language = "en"  # kept on each non-English event: results split by language
        self._course = course
        self.hooks = hooks
        db = hooks.store() if claim is None else None
        self.writer = PendingWriter(db if db is not None else _Offline())
        # What this script run has read: a page asks for events and progress several times,
        # and each store read is a query whose rows each wait their turn for the interpreter
        # lock under load (docs/performance.md, finding 5). Cleared by begin_run() and by writes.
        self._events: list[Event] | None = None
        self._progress: LearnerProgress | None = None
        # The learner's stored events as last read: while the database is unreachable pages
        # draw from this copy (plus what is pending), so a result or the progress table does
        # not turn into "Choose a track first" (issue 18, defect 5).
        self._stored: list[Event] | None = None
        self._unread = False  # this run's read failed and no copy of the record is held
        self.settled = False  # set by the run whose sync() turned a claim into its learner
        self.renumbered: dict[str, int] = {}  # event id -> the attempt it was recorded as
        # The track as last worked out from the events: the menu is built before the page reads
        # anything this run, and lists this track's modules (see the router).
        self.last_track: str | None = None
        # Sections already recorded as viewed in this browser session: one event per section
        # per session, however often the learner pages back and forth.
        self.seen: set[str] = set()

    def begin_run(self) -> None:
        """A new script run: read the store afresh (another tab or replica may have written)."""
        self._events = None
        self._progress = None

    # ------------------------------------------------------------------ the event log
    def events(self) -> list[Event]:
        """Stored and pending events, oldest first, read once per script run. While the
        database is down: the copy last read in this tab (if any) and the pending ones."""
        if self._events is None:
            pending = list(self.writer.pending)
            if self.claim is not None:
                self._events, self._unread = pending, True
            else:
                merged = self.writer.events(self.learner_id)
                if self.writer.available and not isinstance(self.writer.store, _Offline):
                    waiting = {e.event_id for e in pending}
                    self._stored = [e for e in merged if e.event_id not in waiting]
                    self._unread = False
                else:
                    known = self._stored or []
                    seen = {e.event_id for e in known}
                    mine = [e for e in pending if e.learner_id == self.learner_id and e.event_id not in seen]
                    merged = sorted([*known, *mine], key=lambda e: e.timestamp)
                    # A learner with a record this tab has never read: their track and
                    # progress are unknown, which is not the same as having none.
                    self._unread = self.registered and self._stored is None
                self._events = merged
        return list(self._events)

    @property
    def unread(self) -> bool:
        """True when this learner has (or claims) a record that cannot be read right now and
        this tab holds no copy of it: pages say so instead of offering a fresh start."""
        if self._events is None:
            self.events()
        return self._unread

    @property
    def offline(self) -> bool:
        """True while anything this learner did is not yet in the database."""
        return bool(self.writer.pending) or isinstance(self.writer.store, _Offline) or not self.writer.available

    def record(self, action: Action) -> Event:
        """Record one action (see `record_many`)."""
        return self.record_many([action])[0]

    def record_many(self, actions: Sequence[Action]) -> list[Event]:
        """Several actions in one write (a quiz's answers and its result), as recorded: a quiz
        result another tab took the attempt number of comes back renumbered."""
        if self.language != "en":
            actions = [replace(a, context={**(a.context or {}), "language": self.language}) for a in actions]
        events = [a.by(self.learner_id, self.cohort) for a in actions]
        self.sync(register=True)
        self._written(lambda: self.writer.append_many(events))
        self.begin_run()  # what was read before this write is out of date
        return [replace(e, attempt=self.renumbered[e.event_id]) if e.event_id in self.renumbered else e for e in events]

    def sync(self, register: bool = False) -> None:
        """Attach the store if it has come back, settle a claimed identity, register the
        learner once they have done something worth keeping, and write any pending events."""
        if self.claim is not None:
            self._settle()
            if self.claim is not None:
                return  # still unknown: never register a new learner or write in the meantime
        if isinstance(self.writer.store, _Offline):
            db = self.hooks.store()
            if db is None:
                return
            self.writer.store = db
        if not self.registered and (register or self.writer.pending):
            try:
                self._register()
            except StoreUnavailable:
                return
        if self.writer.pending:
            self._written(self.writer.flush)

    def _written(self, write: Callable[[], object]) -> None:
        """Run a write of pending events. A quiz result whose attempt number another tab
        recorded first is renumbered to the learner's next attempt, with the answers submitted
        with it, and written again: both submissions stay on the record, each numbered once."""
        for round_ in range(6):  # each round another tab took the next number too: rare, and bounded
            try:
                write()
                return
            except AttemptTaken as taken:
                # Every write here adds its events to the writer before trying the store, so
                # on each return below they are still pending, in order, for a later write.
                waiting = list(self.writer.pending)
                if round_ == 5:
                    return
                try:
                    nxt = self.writer.store.next_attempt(taken.learner_id, taken.activity, taken.track)
                except StoreUnavailable:
                    return
                moved = _renumbered(waiting, taken, nxt, self.renumbered)
                if moved is None:
                    _log.error("%s, and it is not one of this session's results; left pending", taken)
                    return
                self.writer = PendingWriter(self.writer.store, self.writer.retry_after_s)
                write = functools.partial(self.writer.append_many, moved)

    def _settle(self) -> None:
        """Check the claimed resume code now that the database may be back. Valid: become
        that learner, and move what was done meanwhile onto their record. Not valid (the
        records were deleted): carry on as a new learner, as a wrong link does."""
        db = self.hooks.store()
        if db is None or self.claim is None:
            return
        try:
            found = db.learner_for_resume_code(self.claim)
            row = db.learner(found) if found is not None else None
        except StoreUnavailable:
            return
        code, self.claim = self.claim, None
        waiting = list(self.writer.pending)
        self.writer = PendingWriter(db, self.writer.retry_after_s)
        self.begin_run()
        if found is None:
            if waiting:
                self._written(lambda: self.writer.append_many(waiting))
            return
        previous, self.learner_id = self.learner_id, found
        self.registered, self.resume_code, self.settled = True, code, True
        self.display_name = row.display_name if row else None
        self.cohort = row.cohort if row else None
        if waiting:
            moved = [replace(e, learner_id=found, cohort=self.cohort) for e in waiting]
            self._written(lambda: self.writer.append_many(moved))
        self.hooks.waiting_drafts().reown(previous, found)  # answers kept meanwhile are theirs too

    def _register(self) -> None:
        db = self.writer.store
        if db.learner(self.learner_id) is None:
            _, self.resume_code = db.create_learner(display_name=self.display_name, learner_id=self.learner_id)
            self.hooks.registered(db, self.learner_id)
        self.registered = True

    # ------------------------------------------------------------------ derived state
    @property
    def track(self) -> str | None:
        self.last_track = current_track(self.events())
        return self.last_track

    def progress(self) -> LearnerProgress:
        if self._progress is None:
            self._progress = project(self._course(), self.events())
        return self._progress

    # ------------------------------------------------------------------ actions
    def choose_track(self, track_id: str, *, display_name: str | None = None, cohort: str | None = None) -> Event:
        """Choose (or change) the track; a name for the certificate and a cohort code already
        checked (`find_cohort`) go onto the record with it when it can be written."""
        if cohort:
            self.cohort = cohort
        if display_name:
            self.display_name = display_name
        recorded = self.record(ev.track_chosen(track_id))
        db = self.hooks.store()
        if db is not None and self.registered:
            if self.display_name:
                db.set_display_name(self.learner_id, self.display_name)
            if self.cohort:
                db.join_cohort(self.learner_id, self.cohort)
        return recorded

    def find_cohort(self, code: str, track_id: str) -> Cohort | Refusal:
        """The cohort `code` names, if this learner may join it on `track_id`; else why not
        (`unreachable`, `no-cohort`, or `other-track` with the cohort's track as detail)."""
        db = self.hooks.store()
        if db is None:
            return Refusal("unreachable")
        found = db.cohort(code)
        if found is None:
            return Refusal("no-cohort")
        if found.track != track_id:
            return Refusal("other-track", detail=found.track)
        return found

    def join_cohort(self, cohort: Cohort) -> Cohort | Refusal:
        """Join a cohort found by `find_cohort`; a Refusal when it cannot be saved now."""
        db = self.hooks.store()
        try:
            self.sync(register=True)
            saved = db is not None and self.registered and db.join_cohort(self.learner_id, cohort.code) is not None
        except (StoreUnavailable, KeyError):
            saved = False
        if not saved:
            return Refusal("unreachable")
        self.cohort = cohort.code
        return cohort

    def view_section(self, module_id: str, section_id: str, track: str | None) -> Event | None:
        """Record a section as viewed, once per session; None when it already was."""
        activity = ev.section_activity(module_id, section_id)
        if activity in self.seen:
            return None
        self.seen.add(activity)
        return self.record(ev.section_viewed(module_id, section_id, track))

    def submit_quiz(
        self,
        quiz: Quiz,
        responses: Mapping[str, Any],
        track: str,
        attempt: int,
        pass_mark: int,
        duration_s: float | None = None,
    ) -> QuizSubmitted | Refusal:
        """Grade and record a quiz attempt (its answers and its result in one write)."""
        items = quiz.items(track)
        missing = _missing([q for _, q in items], responses)
        if missing:
            return Refusal("missing", missing)
        result = grade_quiz(quiz, dict(responses), pass_mark, track)
        actions = [
            ev.quiz_answer(q.id, track, attempt, r.correct, responses[q.id])
            for (_, q), r in zip(items, result.results, strict=True)
        ]
        actions.append(
            ev.quiz_submitted(
                quiz.id, track, attempt, result.score, result.max_score, result.passed, duration_s=duration_s
            )
        )
        recorded = self.record_many(actions)
        final = recorded[-1].attempt or attempt
        return QuizSubmitted(result, final, final != attempt)

    def submit_knowledge_check(self, quiz: Quiz, responses: Mapping[str, Any], track: str) -> CheckSubmitted | Refusal:
        """Grade and record the pre-test or post-test (no pass mark: every answer counts)."""
        items = quiz.items(track)
        missing = _missing([q for _, q in items], responses)
        if missing:
            return Refusal("missing", missing)
        result = grade_quiz(quiz, dict(responses), pass_mark=100, track=track)
        actions = [
            ev.knowledge_test_answer(q.id, quiz.id, track, r.correct, responses[q.id])
            for (_, q), r in zip(items, result.results, strict=True)
        ]
        actions.append(ev.knowledge_test_completed(quiz.id, track, result.score, result.max_score))
        self.record_many(actions)  # one write for the whole check
        return CheckSubmitted(result)

    def submit_survey(
        self, survey: Survey, phase: str, answers: Mapping[str, int | None], track: str
    ) -> SurveySubmitted | Refusal:
        """Record the attitude survey for one phase (start or end); every statement rated."""
        missing = tuple(n for n, item in enumerate(survey.items, start=1) if answers.get(item.id) is None)
        if missing:
            return Refusal("missing", missing)
        actions = [
            ev.survey_answer(item.id, survey.id, phase, item.theme, track, answers[item.id]) for item in survey.items
        ]
        actions.append(ev.survey_completed(survey.id, phase, track))
        self.record_many(actions)  # one write for the whole survey
        return SurveySubmitted(survey.id, phase)

    def submit_refresher(
        self,
        items: Sequence[Item],
        responses: Mapping[str, Any],
        set_number: int,
        track: str,
        pass_mark: int,
        at: datetime,
    ) -> RefresherSubmitted | Refusal:
        """Grade and record one refresher set, answers and outcome at the time `at`."""
        missing = tuple(
            n for n, i in enumerate(items, start=1) if not is_answered(i.question, responses.get(i.question_id))
        )
        if missing:
            return Refusal("missing", missing)
        results = tuple((i, grade_question(i.question, responses[i.question_id])) for i in items)
        right = sum(r.correct for _, r in results)
        actions = [
            ev.refresher_answer(i.question_id, i.module_id, set_number, track, r.correct, responses[i.question_id], at)
            for i, r in results
        ]
        passed = passes(right, len(results), pass_mark)
        actions.append(ev.refresher_completed(set_number, track, right, len(results), passed, at))
        self.record_many(actions)
        return RefresherSubmitted(set_number, results, right, 100.0 * right / len(results))

    def choose_in_scenario(
        self, scenario: BranchingScenario, step: Step, choice_id: str, path: Sequence[str], track: str
    ) -> Event:
        """Record a choice at `step` (and the ending it reaches, if it does); returns the
        choice's event."""
        new_path = [*path, choice_id]
        actions = [ev.scenario_choice(scenario.id, scenario.module, step.id, new_path, track)]
        choice = next(c for c in step.choices if c.id == choice_id)
        ending = scenario.ending(choice.next)
        if ending is not None:
            actions.append(
                ev.scenario_completed(scenario.id, scenario.module, ending.id, ending.rating, new_path, track)
            )
        return self.record_many(actions)[0]

    def answer_check(
        self, module_id: str, section_id: str, check_id: str, option_id: str, correct: bool, track: str | None
    ) -> Event:
        """Record an inline check's answer (never scored)."""
        return self.record(ev.check_answered(module_id, section_id, check_id, option_id, correct, track))

    # ------------------------------------------------------------------ draft answers
    def save_draft(self, keep: Keep, item: str, answer: Any, slot: str) -> DraftSaved | DraftWaiting | Refusal:
        """Keep one answer as it is chosen (`slot` names its widget), under this learner. When
        the database cannot take it, it waits (`DraftWaiting`) and is written with the next
        answer that can be; the learner is never stopped from answering. A `Refusal`
        (`invalid`, the reason as detail) when the store will not take it at all (an item id
        too long, an answer that is not JSON): not an answer this app made, so it is dropped."""
        self.hooks.waiting_drafts().put(slot, Draft(self.learner_id, keep, item, answer))
        done = self.flush_drafts()
        if slot not in done:
            return DraftWaiting(keep, item)
        if done[slot]:
            return Refusal("invalid", detail=done[slot])
        return DraftSaved(keep, item)

    def flush_drafts(self) -> dict[str, str]:
        """Write the drafts waiting in this session, oldest first, each under the learner it was
        chosen by; stop at the first that fails. Returns the slots no longer waiting (each with
        "" when written, or why it was dropped). Nothing is written while this learner is a
        stand-in: whose answers these are is not known until the claimed code is checked."""
        if self.claim is not None:
            return {}
        db = self.hooks.store()
        if db is None:
            return {}
        return self.hooks.waiting_drafts().flush(db)

    def drafts(self, keep: Keep) -> dict[str, Any]:
        """This learner's answers kept for one attempt, by item: those in the database, and
        those still waiting in this session ({} when none)."""
        answers: dict[str, Any] = {}
        db = self.hooks.store()
        if db is not None:
            with contextlib.suppress(StoreUnavailable):
                answers = db.drafts(self.learner_id, keep.activity, keep.track, keep.attempt)
        answers.update(self.hooks.waiting_drafts().for_attempt(self.learner_id, keep))
        return answers

    def clear_drafts(self, keep: Keep) -> None:
        """Forget the kept answers once the activity is submitted. If the database cannot be
        reached they stay there, but they belong to an attempt now recorded, so they are never
        filled in again."""
        self.hooks.waiting_drafts().forget(keep.activity, keep.track)
        db = self.hooks.store()
        if db is None:
            return
        with contextlib.suppress(StoreUnavailable):
            db.clear_drafts(self.learner_id, keep.activity, keep.track)

    def adopt_drafts(self, held: Mapping[str, Draft]) -> DraftsAdopted | None:
        """Drafts handed over from elsewhere (the browser's copy after a reload), by slot,
        checked against this learner's record: only their own are adopted (a shared computer's
        previous learner's are refused) and only for an attempt not yet submitted (else they
        would overwrite a newer one); a slot already waiting in this session keeps its own,
        newer answer. None, with nothing adopted, until the record can be read."""
        if self.claim is not None or self.unread or self.hooks.store() is None:
            return None
        recorded = self.events()
        if not self.writer.available:
            return None  # checked against the record, not a copy of it
        done = {
            (ev.draft_activity_of(e), e.track, e.attempt or 1)
            for e in recorded
            if e.verb in (PASSED, FAILED, COMPLETED)
        }
        waiting = self.hooks.waiting_drafts()
        adopted: list[str] = []
        attempts: list[Keep] = []
        refused: list[str] = []
        for slot, draft in held.items():
            if slot in waiting:
                continue  # this session's own copy, or a newer answer to the same question
            keep = draft.keep
            if draft.learner_id != self.learner_id or (keep.activity, keep.track, keep.attempt) in done:
                refused.append(slot)
                continue
            waiting.put(slot, draft)
            adopted.append(slot)
            attempts.append(keep)
        self.flush_drafts()
        return DraftsAdopted(tuple(adopted), tuple(attempts), tuple(refused))

    def delete_records(self) -> None | Refusal:
        """Delete this learner's records everywhere; a Refusal when the database cannot be
        reached (nothing was deleted). The caller then starts the browser session afresh."""
        db = self.hooks.store()
        if db is None:
            return Refusal("unreachable")
        try:
            db.delete_learner(self.learner_id)
        except StoreUnavailable:
            return Refusal("unreachable")
        return None


def _missing(questions: Sequence[Gradable], responses: Mapping[str, Any]) -> tuple[int, ...]:
    """1-based numbers of the questions without an answer."""
    return tuple(n for n, q in enumerate(questions, start=1) if not is_answered(q, responses.get(q.id)))


def _renumbered(waiting: list[Event], taken: AttemptTaken, attempt: int, log: dict[str, int]) -> list[Event] | None:
    """`waiting` with the refused quiz result, and the answers submitted just before it in the
    same write, moved to `attempt` (noted in `log` by event id); None if it is not there."""
    out = list(waiting)
    key = (taken.learner_id, taken.activity, taken.track, taken.attempt)
    for i, e in enumerate(out):
        if e.verb in OUTCOME_VERBS and (e.learner_id, e.activity, e.track, e.attempt) == key:
            j = i
            while j >= 0 and (j == i or (out[j].verb, out[j].track, out[j].attempt) == (ANSWERED, e.track, e.attempt)):
                out[j] = replace(out[j], attempt=attempt)
                log[out[j].event_id] = attempt
                j -= 1
            return out
    return None


__all__ = [
    "CheckSubmitted",
    "DraftSaved",
    "DraftWaiting",
    "DraftsAdopted",
    "Hooks",
    "Keep",
    "Learner",
    "PlainHooks",
    "QuizSubmitted",
    "RefresherSubmitted",
    "Refusal",
    "SurveySubmitted",
]
