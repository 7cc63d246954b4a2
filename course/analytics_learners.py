"""The dashboard's per-learner figures from a derived summary: one row per learner.

The funnel, the learners' tracks, last activity, the stuck-learner list, the quiz-score
distributions and the export's event count all depend on each learner's events only through a
few facts: their latest registration, the modules they opened and the quizzes they attempted
and passed on each track, their failed quizzes never passed, their best and latest score on
each quiz, their last event and how many events they have. The summary keeps those facts per
learner (`course.records.tables.learner_summary_table`, m012), so a render reads one row per
learner instead of every section view and quiz result (930,000 events at 20,000 learners).

- Worked out by `work_out` from one learner's events, oldest first. It needs no course
  content (which module a section belongs to is in its activity id), so the summary never
  has to be rebuilt for a new course version.
- Kept current: `append_many` marks every learner it stores events for, in the same
  transaction; `refresh` (run before every read) works the marked learners' rows out again
  from their own events. A learner erased loses their row in the erasing transaction.
- Rebuildable: `rebuild` (`python -m course analytics-rebuild`) works every row out from the
  events; a read finds the summary never built (just after the upgrade to m012) and builds it.
- Exact for any selection: a learner all of whose events lie in the selection's period and
  cohort gets their row as it is; one with none there is left out; one with some (a period
  starting in the middle of their course, a learner who changed cohort) is worked out by the
  same `work_out` from their events in the selection. Every figure is then a function of these
  per-learner facts, computed as `course.analytics` computes it from the events
  (tests/store/test_analytics_db.py compares them with ==).

The progress text holds no times and no ids, so the many learners who got equally far share
one text: it is decoded once, and the funnel counts each distinct text once, times how many
learners have it. Nothing here imports streamlit; docs/analytics.md describes the methods.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any, Literal, NamedTuple

import sqlalchemy as sa

from course import analytics
from course import events as ids
from course.analytics import Distribution, FunnelStep, Stuck, suppression_reason
from course.analytics_summary import Selection
from course.events import EXPERIENCED, FAILED, PASSED, REGISTERED
from course.records import Store
from course.records.summary import LEARNER_COLUMNS, PER_LEARNER
from course.records.tables import events_table, learner_summary_table
from course.schema import Course

FORMAT = 2  # of the progress and scores texts: a summary built in another format is rebuilt
FINGERPRINT = f"analytics_learner/{FORMAT}"
CHUNK = 500  # learner ids per IN list
ev = events_table.c
_DUMP = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


class Learner(NamedTuple):
    """One learner's facts in a selection. `progress` is the decoded progress text (see
    `work_out`), shared by every learner with the same text: read it, never change it.
    A named tuple: one is made per learner per read (100,000 at hospital scale), and a
    frozen dataclass took three times as long to make."""

    last: datetime  # their latest event in the selection
    events: int  # how many events of theirs the selection holds
    progress: dict[str, Any]
    scores: str  # their quiz results, one line per quiz (`_score_lines`), read by score_distribution


Learners = dict[str, Learner]


Facts = tuple[datetime, datetime, set[str | None], int, dict[str, Any], str]


def work_out(rows: Iterable[Any]) -> Facts | None:
    """One learner's facts from their event rows (verb, activity, track, cohort, score,
    max_score, timestamp), oldest first (time, then arrival): (first time, last time, the
    cohorts, the number of events, progress, scores); None for no rows. Progress holds:

    - `reg`: the track of their latest registration that names one, `fb`: the track of their
      latest event that names one (`analytics.learner_tracks` takes `reg`, else `fb`);
    - `cur`: the track of their latest registration, whatever it is (`progress.current_track`,
      for completion);
    - `t`: per track, [modules with a section viewed, quizzes attempted, quizzes passed] on it
      (sorted activity ids; the funnel and completion);
    - `f`: [quiz, fails] of every quiz failed and never passed, in the order first failed.

    Scores are per quiz [best percent, latest percent, {track: [best, latest]}] of its results,
    as text (`_score_lines`): kept apart from progress, which learners who got equally far
    share, while few share their exact scores.
    """
    first = last = None
    cohorts: set[str | None] = set()
    count = 0
    reg = fb = cur = None
    per_track: dict[str, tuple[set[str], set[str], set[str]]] = {}
    fails: dict[str, int] = {}
    passed: set[str] = set()
    scores: dict[str, list[Any]] = {}
    for r in rows:
        count += 1
        if first is None:
            first = r.timestamp
        last = r.timestamp
        cohorts.add(r.cohort)
        verb, activity, track = r.verb, r.activity, r.track
        if track:  # None and "" name no track
            fb = track
        if verb == REGISTERED:
            cur = track
            if track:
                reg = track
        elif verb == EXPERIENCED:
            section = ids.section_of(activity)
            if section is not None and track is not None:
                per_track.setdefault(track, (set(), set(), set()))[0].add(section[0])
        elif verb in (PASSED, FAILED):
            if track is not None:
                mine = per_track.setdefault(track, (set(), set(), set()))
                mine[1].add(activity)
                if verb == PASSED:
                    mine[2].add(activity)
            if verb == PASSED:
                passed.add(activity)
            else:
                fails[activity] = fails.get(activity, 0) + 1
            percent = analytics._percent(r)
            sc = scores.get(activity)
            if sc is None:
                sc = scores[activity] = [percent, percent, {}]
            elif percent > sc[0]:  # max() keeps the first of equal values: so does this
                sc[0] = percent
            sc[1] = percent
            if track is not None:
                on = sc[2].get(track)
                if on is None:
                    sc[2][track] = [percent, percent]
                else:
                    if percent > on[0]:
                        on[0] = percent
                    on[1] = percent
    if first is None or last is None:
        return None
    progress = {
        "reg": reg,
        "fb": fb,
        "cur": cur,
        "t": {t: [sorted(s), sorted(a), sorted(p)] for t, (s, a, p) in per_track.items()},
        "f": [[a, n] for a, n in fails.items() if a not in passed],
    }
    return first, last, cohorts, count, progress, _score_lines(scores)


def _score_lines(scores: dict[str, list[Any]]) -> str:
    """Scores as text: a line per quiz, each starting with a newline, then the quiz's activity
    (JSON), a tab, its scores (JSON; JSON never holds a raw tab or newline). A figure finds
    the one quiz it shows by its line's start, without decoding the others."""
    return "".join(f"\n{_DUMP(activity)}\t{_DUMP(sc)}" for activity, sc in sorted(scores.items()))


def _compute(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Summary rows from event rows ordered by learner, then time and arrival."""
    for learner, mine in groupby(rows, key=lambda r: r.learner_id):
        facts = work_out(mine)
        if facts is None:
            continue
        first, last, cohorts, count, progress, scores = facts
        mixed = len(cohorts) > 1
        yield {
            "learner_id": learner,
            "first_at": first,
            "last_at": last,
            "cohort": None if mixed else next(iter(cohorts)),
            "mixed": mixed,
            "events": count,
            "progress": _DUMP(progress),
            "scores": scores,
        }


def rebuild(store: Store) -> int:
    """Work every learner's row out again from the events; returns how many rows there are."""
    return store.summary_rebuild(FINGERPRINT, _compute, PER_LEARNER)


def refresh(store: Store) -> None:
    """Bring the summary up to date: built if it never was (or in another format), else the
    rows of the learners marked since they were last worked out."""
    if store.summary_fingerprint(PER_LEARNER) != FINGERPRINT:
        rebuild(store)
        return
    pending = store.summary_pending(PER_LEARNER)
    if pending:
        store.summary_update(pending, _compute, PER_LEARNER)


def read(store: Store, selection: Selection) -> Learners:
    """Every learner with events in the selection -> their facts there, from the summary
    (brought up to date first), learners cut by the selection worked out from its events."""
    refresh(store)
    t = learner_summary_table.c
    since, until, cohort = selection.since, selection.until, selection.cohort
    none: list[sa.ColumnElement[bool]] = []
    inside: list[sa.ColumnElement[bool]] = []
    if until is not None:
        none.append(t.first_at >= until)  # none of their events are in the period
        inside.append(t.last_at < until)
    if since is not None:
        none.append(t.last_at < since)
        inside.append(t.first_at >= since)
    if cohort is not None:  # all made in another cohort (or in none)
        none.append(sa.and_(sa.not_(t.mixed), sa.or_(t.cohort.is_(None), t.cohort != cohort)))
        inside.append(sa.not_(t.mixed))
    query = sa.select(
        t.learner_id, sa.and_(sa.true(), *inside).label("inside"), t.last_at, t.events, t.progress, t.scores
    ).where(sa.not_(sa.or_(sa.false(), *none)))
    out: Learners = {}
    partial: list[str] = []
    decoded: dict[str, dict[str, Any]] = {}
    for lid, whole, last, count, text, scores in store.query_rows(query):  # by position: cheaper per row
        if not whole:
            partial.append(lid)
            continue
        progress = decoded.get(text)
        if progress is None:
            progress = decoded[text] = json.loads(text)
        out[lid] = Learner(last, count, progress, scores)
    for start in range(0, len(partial), CHUNK):
        query = (
            sa.select(*LEARNER_COLUMNS)
            .where(selection.where(events_table, ev.learner_id.in_(partial[start : start + CHUNK])))
            .order_by(ev.learner_id, ev.timestamp, ev.seq)
        )
        for learner, mine in groupby(store.query_rows(query), key=lambda r: r.learner_id):
            facts = work_out(mine)
            if facts is not None:  # the same text a row would hold, decoded the same way
                out[learner] = Learner(facts[1], facts[3], json.loads(_DUMP(facts[4])), facts[5])
    return out


# --------------------------------------------------------------------------- figures


def _distinct(learners: Learners) -> list[tuple[dict[str, Any], int]]:
    """Each distinct progress (by identity: one object per distinct text) and how many
    learners have it."""
    counts: dict[int, list[Any]] = {}
    for learner in learners.values():
        entry = counts.get(id(learner.progress))
        if entry is None:
            counts[id(learner.progress)] = [learner.progress, 1]
        else:
            entry[1] += 1
    return [(p, n) for p, n in counts.values()]


def _track(progress: dict[str, Any]) -> str | None:
    return progress["reg"] if progress["reg"] is not None else progress["fb"]


def last_activity(learners: Learners) -> dict[str, datetime]:
    """As `analytics_db.last_activity`: each learner -> the time of their latest event."""
    return {lid: learner.last for lid, learner in learners.items()}


def learner_tracks(learners: Learners) -> dict[str, str | None]:
    """As `analytics.learner_tracks`: the latest registration's track, else the latest event's."""
    return {lid: _track(learner.progress) for lid, learner in learners.items()}


def event_count(learners: Learners) -> int:
    """How many events the selection holds."""
    return sum(learner.events for learner in learners.values())


def funnel(course: Course, learners: Learners, track: str) -> list[FunnelStep]:
    """As `analytics.funnel`: of the learners whose track is `track`, how many started,
    attempted and passed each module's quiz on that track."""
    modules = course.track_modules(track)
    groups = [(p, n) for p, n in _distinct(learners) if _track(p) == track]
    population = sum(n for _, n in groups)
    reason = suppression_reason(population)
    if reason:
        return [FunnelStep(m.id, m.title, None, None, None, None, reason) for m in modules]
    on_track = [(p["t"].get(track), n) for p, n in groups]
    out = []
    for m in modules:
        quiz = ids.quiz_activity(m.quiz)
        started = attempted = passed = 0
        for t, n in on_track:
            if t is None:
                continue
            sections, tried, done = t
            if quiz in tried:
                started += n
                attempted += n
                if quiz in done:
                    passed += n
            elif m.id in sections:
                started += n
        out.append(FunnelStep(m.id, m.title, population, started, attempted, passed))
    return out


def score_distribution(
    learners: Learners, quiz_id: str, which: Literal["best", "latest"] = "best", track: str | None = None
) -> Distribution:
    """As `analytics.score_distribution`: each learner's best or latest percent on the quiz
    (on `track` when given), lowest first."""
    if which not in ("best", "latest"):
        raise ValueError("which must be 'best' or 'latest'")
    pick = 0 if which == "best" else 1
    start = f"\n{_DUMP(ids.quiz_activity(quiz_id))}\t"
    skip = len(start)
    decoded: dict[str, Any] = {}  # few learners share scores, but a quiz's line often repeats
    values = []
    for learner in learners.values():
        text = learner.scores
        at = text.find(start)
        if at < 0:
            continue
        end = text.find("\n", at + skip)
        line = text[at + skip :] if end < 0 else text[at + skip : end]
        sc = decoded.get(line)
        if sc is None:
            sc = decoded[line] = json.loads(line)
        if track is None:
            values.append(sc[pick])
        else:
            on = sc[2].get(track)
            if on is not None:
                values.append(on[pick])
    reason = suppression_reason(len(values))
    if reason:
        return Distribution(quiz_id, which, (), reason)
    return Distribution(quiz_id, which, tuple(sorted(values)))


def _stuck(
    course: Course, learners: Learners, now: datetime, inactive_days: int, failed_twice: bool
) -> Iterator[tuple[datetime, str, int | None, list[str]]]:
    """The stuck learners in no order: (last event, id, days idle if that is a reason, the
    fails to name). The reasons text is made later, only for the rows wanted."""
    now = analytics._utc(now)
    needed: dict[str, frozenset[str]] = {}
    for t in course.settings.tracks:
        try:
            quizzes = frozenset(ids.quiz_activity(m.quiz) for m in course.track_modules(t.id))
        except KeyError:
            continue
        if quizzes:
            needed[t.id] = quizzes
    titles = {ids.quiz_activity(m.quiz): m.title for m in course.modules}
    limit = timedelta(days=inactive_days)
    # Whether the course is complete and which fails to name depend on progress alone: worked
    # out once per distinct progress (learners who got equally far share one).
    known: dict[int, tuple[bool, list[str]]] = {}
    for lid, learner in learners.items():
        p = learner.progress
        facts = known.get(id(p))
        if facts is None:
            cur = p["cur"]
            mine = p["t"].get(cur) if cur in needed else None
            fails = []
            if failed_twice:
                for activity, count in p["f"]:
                    if count >= 2:
                        name = titles.get(activity, ids.quiz_of(activity) or activity)
                        fails.append(f"Failed the quiz for “{name}” {count} times without passing")
            facts = known[id(p)] = (mine is not None and needed[cur] <= set(mine[2]), fails)
        complete, fails = facts
        gap = now - analytics._utc(learner.last)
        if gap >= limit and not complete:
            yield learner.last, lid, gap.days, fails
        elif fails:
            yield learner.last, lid, None, fails


def _stuck_row(last: datetime, lid: str, idle: int | None, fails: list[str]) -> Stuck:
    if idle is None:
        return Stuck(lid, "; ".join(fails), last)
    return Stuck(lid, "; ".join([f"No activity for {idle} days and the course is not complete", *fails]), last)


def stuck_learners(
    course: Course, learners: Learners, now: datetime, inactive_days: int = 14, failed_twice: bool = True
) -> list[Stuck]:
    """As `analytics.stuck_learners`: idle for `inactive_days` without having passed every
    module quiz of their current track on it, or (with `failed_twice`) a quiz failed twice or
    more and never passed; longest inactive first."""
    found = sorted(_stuck(course, learners, now, inactive_days, failed_twice), key=_ORDER)
    return [_stuck_row(*f) for f in found]


_ORDER = itemgetter(0, 1)  # longest inactive first, then by id: as `analytics.stuck_learners`


@dataclass(frozen=True)
class StuckList:
    """The stuck learners of a selection as the dashboard shows them: how many, the first
    `shown` of them in order, and the whole list only when it is asked for (the CSV).

    At 100,000 idle learners, building and sorting every row cost more than the rest of the
    list's work; the page shows 100 of them."""

    count: int
    shown: list[Stuck]
    _all: Callable[[], list[Stuck]]

    def all(self) -> list[Stuck]:
        """Every stuck learner, longest inactive first (as `stuck_learners`)."""
        return self._all()


def stuck_list(
    course: Course,
    learners: Learners,
    now: datetime,
    inactive_days: int = 14,
    failed_twice: bool = True,
    shown: int = 100,
) -> StuckList:
    """`stuck_learners`, its first `shown` rows and its length worked out without the rest."""
    found = list(_stuck(course, learners, now, inactive_days, failed_twice))
    first = heapq.nsmallest(shown, found, key=_ORDER)
    return StuckList(
        len(found),
        [_stuck_row(*f) for f in first],
        lambda: [_stuck_row(*f) for f in sorted(found, key=_ORDER)],
    )
