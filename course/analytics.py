"""Cohort learning analytics: pure functions over learning events plus the course.

What a trainer's dashboard needs, computed from the append-only event log and nothing else:

- `funnel`: per module of a track, how many learners started it, tried its quiz, passed it;
- `score_distribution`: each learner's best (or latest) percent on one quiz;
- `stuck_learners`: learners who went quiet before finishing, or keep failing one quiz;
- `item_analysis`: Moodle-style question statistics (facility and discrimination index);
- `knowledge_gain` / `attitude_change`: paired before/after change with a 95% t interval;
- `results_by_language`: the same change among the learners of each language (issue 23);
- `time_per_module`: an estimate of minutes spent per module;
- `filter_events` and `to_csv_tables` for the dashboard's filters and downloads.

Privacy: every aggregate over fewer than `MIN_GROUP` learners is *suppressed*: its numbers are
None and its `suppressed` field says why, so no caller can show or export them by accident.
Stuck learners are individuals by nature: they are listed by pseudonymous learner id only,
and the UI must show that list (and its CSV) to trainers only.

The methods, with worked examples, are in docs/analytics.md. Nothing here imports streamlit.

Over 600 lines because it is one thing: the reference definition of every dashboard figure,
which `course.analytics_db` must match number for number (tests/store/test_analytics_db.py
runs both). Split across modules, the two sides of that comparison would be harder to read
against each other; the statistics helpers (`pearson`, the t interval) are small and used
only here.
"""

from __future__ import annotations

import csv
import io
import math
import operator
import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import Any, Literal, TypeVar

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
    quiz_of,
    section_activity,
    section_of,
    survey_activity,
)
from course.progress import check_ins, passed_modules_by_learner, project
from course.schema import Course, Gradable, Quiz, Scenario

# Small-cell suppression: the usual threshold for education and health statistics. With
# fewer learners, an average or a count can reveal one person's answers to a trainer who
# knows who is in the group.
MIN_GROUP = 5
SUPPRESSED_REASON = f"Hidden: fewer than {MIN_GROUP} learners, to protect their privacy"
# Below this many answers an item statistic moves a lot with one learner; shown, but marked.
UNCERTAIN_N = 20
TOO_EASY, TOO_HARD, NEGATIVE_DISCRIMINATION = "too easy", "too hard", "negative discrimination"
EASY_ABOVE, HARD_BELOW = 0.9, 0.2

# Time estimate (docs/analytics.md): a section view counts until the learner's next action
# began, at most SECTION_CAP; a quiz attempt counts its own recorded duration, at most QUIZ_CAP.
SECTION_CAP = timedelta(minutes=10)
QUIZ_CAP = timedelta(minutes=60)

K = TypeVar("K")


# --------------------------------------------------------------------------- suppression


@dataclass(frozen=True)
class Suppressed:
    """Stands in for a number that would describe fewer than MIN_GROUP learners."""

    reason: str = SUPPRESSED_REASON


def suppression_reason(n: int, min_group: int = MIN_GROUP) -> str | None:
    """The reason to hide an aggregate over `n` learners, or None when it may be shown."""
    if n >= min_group:
        return None
    return SUPPRESSED_REASON if min_group == MIN_GROUP else f"Hidden: fewer than {min_group} learners"


def suppress_small(
    groups: Mapping[K, Collection[str]], min_group: int = MIN_GROUP
) -> dict[K, Collection[str] | Suppressed]:
    """Each group of learner ids, or `Suppressed` in its place when it has too few learners.

    Aggregates are computed only over the groups that come back as collections."""
    out: dict[K, Collection[str] | Suppressed] = {}
    for key, members in groups.items():
        reason = suppression_reason(len(set(members)), min_group)
        out[key] = Suppressed(reason) if reason else members
    return out


# --------------------------------------------------------------------------- filters


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def filter_events(
    events: Iterable[Event],
    cohort: str | None = None,
    track: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Event]:
    """Events of one cohort and/or track, made in [since, until) (as `Store.events_for_cohort`).

    A naive datetime is taken as UTC. Stuck-learner and completion checks need a learner's
    whole history, so filter those by cohort only, not by date."""
    since = _utc(since) if since else None
    until = _utc(until) if until else None
    out = []
    for e in events:
        if cohort is not None and e.cohort != cohort:
            continue
        if track is not None and e.track != track:
            continue
        ts = _utc(e.timestamp)
        if since is not None and ts < since:
            continue
        if until is not None and ts >= until:
            continue
        out.append(e)
    return out


def _by_learner(events: Iterable[Event]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        out[e.learner_id].append(e)
    for evs in out.values():
        evs.sort(key=lambda e: _utc(e.timestamp))
    return dict(out)


def _percent(e: Any) -> float:
    """A result's percent; `e` is an Event or a database row with its score columns."""
    return 100.0 * (e.score or 0.0) / e.max_score if e.max_score else 0.0


def _is_attempt(e: Event) -> bool:
    return e.verb in (PASSED, FAILED)


def learner_tracks(events: Iterable[Event]) -> dict[str, str | None]:
    """Each learner's track: their latest registration, else the track of their latest event
    that has one (a date filter can leave the registration out)."""
    out: dict[str, str | None] = {}
    for learner, evs in _by_learner(events).items():
        registered = [e.track for e in evs if e.verb == REGISTERED and e.track]
        any_track = [e.track for e in evs if e.track]
        out[learner] = registered[-1] if registered else (any_track[-1] if any_track else None)
    return out


# --------------------------------------------------------------------------- funnel


@dataclass(frozen=True)
class FunnelStep:
    """One module of a track: of `learners` on the track, how many started, tried, passed.

    Counts are None (and `suppressed` says why) when the track has fewer than MIN_GROUP
    learners in the events given."""

    module_id: str
    title: str
    learners: int | None
    started: int | None
    attempted: int | None
    passed: int | None
    suppressed: str | None = None


def funnel(course: Course, events: Sequence[Event], track: str) -> list[FunnelStep]:
    """Per module of `track`, in track order: learners who started it (opened any section or
    attempted its quiz), attempted its quiz, and passed it on this track, as the track's
    completion rule counts a pass (`progress.passed_modules`: a staff quiz counts once the
    module's sections are read and its scenarios played).

    The population is the learners whose track (see `learner_tracks`) is `track`."""
    population = {lid for lid, t in learner_tracks(events).items() if t == track}
    reason = suppression_reason(len(population))
    on_track = [e for e in events if e.learner_id in population and e.track == track]
    # Passed as the track's completion rule counts it (course.yaml `completion:`), as on the
    # learner's own page and for the certificate: not every passed quiz event.
    passed_by = passed_modules_by_learner(course, (e for e in events if e.learner_id in population), track)
    steps = []
    for module in course.track_modules(track):
        quiz = quiz_activity(module.quiz)
        prefix = section_activity(module.id, "")
        attempted = {e.learner_id for e in on_track if _is_attempt(e) and e.activity == quiz}
        passed = {lid for lid, done in passed_by.items() if module.id in done}
        viewed = {e.learner_id for e in on_track if e.verb == EXPERIENCED and e.activity.startswith(prefix)}
        if reason:
            steps.append(FunnelStep(module.id, module.title, None, None, None, None, reason))
        else:
            steps.append(
                FunnelStep(
                    module.id, module.title, len(population), len(viewed | attempted), len(attempted), len(passed)
                )
            )
    return steps


# --------------------------------------------------------------------------- score distribution


@dataclass(frozen=True)
class Distribution:
    """One percent score per learner on a quiz (their best or latest attempt), lowest first.

    `scores` is empty and `suppressed` says why when fewer than MIN_GROUP learners took it."""

    quiz_id: str
    which: Literal["best", "latest"]
    scores: tuple[float, ...]
    suppressed: str | None = None

    @property
    def n(self) -> int | None:
        return None if self.suppressed else len(self.scores)


def score_distribution(
    events: Iterable[Event], quiz_id: str, which: Literal["best", "latest"] = "best", track: str | None = None
) -> Distribution:
    """Each learner's best (default) or latest percent on quiz `quiz_id`: attempts made on
    `track` only when it is given (each track has its own pass mark, and a learner who
    switched track keeps separate results), else on every track."""
    if which not in ("best", "latest"):
        raise ValueError("which must be 'best' or 'latest'")
    activity = quiz_activity(quiz_id)
    per_learner: dict[str, list[float]] = {}
    for learner, evs in _by_learner(events).items():
        pcts = [
            _percent(e)
            for e in evs
            if _is_attempt(e) and e.activity == activity and (track is None or e.track == track)
        ]
        if pcts:
            per_learner[learner] = pcts
    reason = suppression_reason(len(per_learner))
    if reason:
        return Distribution(quiz_id, which, (), reason)
    pick = max if which == "best" else (lambda p: p[-1])
    return Distribution(quiz_id, which, tuple(sorted(pick(p) for p in per_learner.values())))


# --------------------------------------------------------------------------- stuck learners


@dataclass(frozen=True)
class Stuck:
    """A learner who may need a nudge. An individual: trainers only, pseudonymous id only."""

    learner_id: str
    reason: str
    last_activity: datetime


def _complete(course: Course, evs: list[Event]) -> bool:
    try:
        return project(course, evs).complete
    except KeyError:  # a track or module the course no longer has: not complete on this one
        return False


def stuck_learners(
    course: Course,
    events: Sequence[Event],
    now: datetime,
    inactive_days: int = 14,
    failed_twice: bool = True,
) -> list[Stuck]:
    """Learners with no activity for `inactive_days` or more while not complete, and (when
    `failed_twice`) learners who failed one quiz two or more times and never passed it.

    Pass each learner's whole history (filter by cohort, not by date): completion is projected
    from it. One row per learner, reasons joined with "; ", longest inactive first."""
    now = _utc(now)
    titles = {quiz_activity(m.quiz): m.title for m in course.modules}
    out = []
    for learner, evs in _by_learner(events).items():
        last = _utc(evs[-1].timestamp)
        reasons = []
        idle = now - last
        if idle >= timedelta(days=inactive_days) and not _complete(course, evs):
            reasons.append(f"No activity for {idle.days} days and the course is not complete")
        if failed_twice:
            fails: dict[str, int] = defaultdict(int)
            passed = {e.activity for e in evs if e.verb == PASSED}
            for e in evs:
                if e.verb == FAILED and e.activity not in passed:
                    fails[e.activity] += 1
            for activity, count in fails.items():
                if count >= 2:
                    name = titles.get(activity, quiz_of(activity) or activity)
                    reasons.append(f"Failed the quiz for “{name}” {count} times without passing")
        if reasons:
            out.append(Stuck(learner, "; ".join(reasons), last))
    return sorted(out, key=lambda s: (s.last_activity, s.learner_id))


# --------------------------------------------------------------------------- item analysis


@dataclass(frozen=True)
class ItemStats:
    """Moodle-style statistics for one gradable question, from each learner's first attempt.

    facility: mean score / max score, 0..1 (share answering correctly, as each item is worth 1).
    discrimination: corrected item-total correlation (Pearson r of the item score with the
    learner's score on the rest of that attempt); None when n < 3 or either has no variance.
    option_counts: single -> option id -> times chosen; multiple -> option id -> times included;
    true/false -> "true"/"false" -> times chosen; ordering -> "correct order"/"other order".
    first_position (ordering only): option id -> times placed first.
    answer_key: the keys of option_counts that are right.
    section: (module_id, section_id) the question tests, for a "review this" link.
    When fewer than MIN_GROUP learners answered, every number is None and `suppressed` says why.
    """

    question_id: str
    prompt: str
    type: str
    scenario_id: str | None
    section: tuple[str, str] | None
    answer_key: tuple[str, ...]
    n: int | None
    facility: float | None
    discrimination: float | None
    option_counts: dict[str, int] | None
    first_position: dict[str, int] | None
    flags: tuple[str, ...]
    uncertain: bool
    suppressed: str | None = None


def question_section(course: Course, question: Gradable, scenario_section: str | None = None) -> tuple[str, str] | None:
    """The section a question tests: its objective names the module; within it, the section
    the question (or its scenario) names (`section:`), else the first section citing the question's reference,
    else the module's first section."""
    for module in course.modules:
        if any(o.id == question.objective for o in module.objectives):
            named = question.section or scenario_section
            if named and any(s.id == named for s in module.sections):
                return module.id, named
            for section in module.sections:
                if question.reference and question.reference in section.references:
                    return module.id, section.id
            return module.id, module.sections[0].id
    return None


def _item_score(e: Event) -> float:
    if e.score is not None and e.max_score:
        return e.score / e.max_score
    return 1.0 if e.success else 0.0


def _is_test(course: Course, quiz_id: str) -> bool:
    return quiz_id in (course.settings.pre_test, course.settings.post_test)


def first_attempt_answers(course: Course, events: Iterable[Event], quiz_id: str) -> dict[str, dict[str, Event]]:
    """learner -> question id -> their answer event in their first attempt of `quiz_id`.

    Quiz answers are grouped by (track, attempt number) and the group that began earliest is
    kept; pre/post test answers (context {"test": id}) form one group. Within the group the
    first answer to each question counts: the quiz page numbers attempts per browser session,
    so one group can hold a later session's "attempt 1" too, and first answers stay first."""
    quiz = course.quizzes[quiz_id]
    qids = {q.id for _, q in quiz.items()}
    test = _is_test(course, quiz_id)
    attempts: dict[str, dict[Any, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for e in events:
        if e.verb != ANSWERED or question_of(e.activity) not in qids:
            continue
        ctx = e.context or {}
        if test:
            if ctx.get("test") != quiz_id:
                continue
            key: Any = "test"
        else:
            if "test" in ctx or "survey" in ctx:
                continue
            key = (e.track, e.attempt)
        attempts[e.learner_id][key].append(e)
    out: dict[str, dict[str, Event]] = {}
    for learner, by_attempt in attempts.items():
        first = min(by_attempt.values(), key=lambda evs: min(_utc(e.timestamp) for e in evs))
        answers: dict[str, Event] = {}
        for e in sorted(first, key=lambda e: _utc(e.timestamp)):
            answers.setdefault(question_of(e.activity) or "", e)
        out[learner] = answers
    return out


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when fewer than 3 pairs or either variable is constant."""
    n = len(xs)
    if n != len(ys) or n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    # The textbook sums, term by term in order (sum((x - mx) ** 2 for x in xs), ...), with the
    # loops run by map() in C: the same float operations in the same order, so the same bits
    # (tests/unit/test_analytics.py compares with the generator form), at a third of the cost.
    dx = list(map(operator.sub, xs, repeat(mx, n)))
    dy = list(map(operator.sub, ys, repeat(my, n)))
    sxx = sum(map(pow, dx, repeat(2, n)))
    syy = sum(map(pow, dy, repeat(2, n)))
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum(map(operator.mul, dx, dy))
    return sxy / math.sqrt(sxx * syy)


def _flags(facility: float, discrimination: float | None) -> tuple[str, ...]:
    flags = []
    if facility > EASY_ABOVE:
        flags.append(TOO_EASY)
    if facility < HARD_BELOW:
        flags.append(TOO_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    return tuple(flags)


def _whole_total(scores: list[tuple[str, float]]) -> float | None:
    """The sum of a learner's item scores when every one is a whole number (then any order of
    adding gives the same float, exactly), else None."""
    values = [v for _, v in scores]
    return sum(values) if all(map(float.is_integer, values)) else None


def _rest(scores: list[tuple[str, float]], whole: float | None, qid: str, score: float) -> float:
    """A learner's score on the rest of the attempt: exact subtraction for whole-number scores,
    else the sum in answer order (as it always was, so fractions round the same way)."""
    if whole is not None:
        return whole - score
    return sum(v for other, v in scores if other != qid)


def item_analysis(course: Course, events: Iterable[Event], quiz_id: str) -> list[ItemStats]:
    """Statistics for every gradable question of `quiz_id` (scenario parts included, all
    tracks), in quiz order, from each learner's first attempt. Works for the pre/post tests too."""
    return item_stats(course, quiz_id, first_attempt_answers(course, events, quiz_id))


def item_stats(course: Course, quiz_id: str, answers: Mapping[str, Mapping[str, Any]]) -> list[ItemStats]:
    """`item_analysis` from each learner's first-attempt answers (see `first_attempt_answers`);
    an answer needs `score`, `max_score`, `success` and `response` (an Event or a row).
    course.analytics_db gathers the answers in the database and shares this arithmetic."""
    quiz: Quiz = course.quizzes[quiz_id]
    # Each learner's (item score, rest of the attempt, response) per question, worked out once
    # per learner (not once per question), and once for learners who share one answers mapping
    # (course.analytics_summary gives alike rows one mapping); then, per question, the entries
    # of the learners who answered it, in the learners' order: the columns the statistics read.
    worked: dict[int, dict[str, tuple[float, float, Any]]] = {}
    per_learner = []
    for a in answers.values():
        entries = worked.get(id(a))
        if entries is None:
            scored = [(qid, _item_score(e)) for qid, e in a.items()]
            whole = _whole_total(scored)
            entries = worked[id(a)] = {
                qid: (score, whole - score if whole is not None else _rest(scored, whole, qid, score), e.response)
                for (qid, score), e in zip(scored, a.values(), strict=True)
            }
        per_learner.append(entries)
    columns = {qid: [w[qid] for w in per_learner if qid in w] for qid in dict.fromkeys(q.id for _, q in quiz.items())}
    out = []
    for scenario, q in quiz.items():
        sc_id = scenario.id if isinstance(scenario, Scenario) else None
        common: dict[str, Any] = dict(
            question_id=q.id,
            prompt=q.prompt,
            type=q.type,
            scenario_id=sc_id,
            section=question_section(course, q, scenario.section if scenario is not None else None),
            answer_key=q.answer_key(),
        )
        taken = columns[q.id]
        reason = suppression_reason(len(taken))
        if reason:
            out.append(
                ItemStats(
                    **common,
                    n=None,
                    facility=None,
                    discrimination=None,
                    option_counts=None,
                    first_position=None,
                    flags=(),
                    uncertain=True,
                    suppressed=reason,
                )
            )
            continue
        # The three columns, learners in order as gathered (itemgetter in C: zip(*taken) took
        # seconds at 100,000 learners, one argument per learner).
        item, rest, responses = (list(map(operator.itemgetter(k), taken)) for k in range(3))
        facility = sum(item) / len(item)
        disc = pearson(item, rest)
        counts, first = q.option_counts(responses)
        out.append(
            ItemStats(
                **common,
                n=len(item),
                facility=facility,
                discrimination=disc,
                option_counts=counts,
                first_position=first,
                flags=_flags(facility, disc),
                uncertain=len(item) < UNCERTAIN_N,
            )
        )
    return out


# --------------------------------------------------------------------------- paired change


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the regularised incomplete beta (Lentz's method)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """Student's t distribution function: 1 - I_{df/(df+t²)}(df/2, 1/2) / 2 for t >= 0."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom, by bisection on `t_cdf`.

    Exact to about 1e-10 (no scipy needed): t_quantile(0.975, 4) = 2.776, df 9 -> 2.262,
    df 19 -> 2.093, df 30 -> 2.042, and it tends to the normal 1.960 as df grows."""
    if not 0.0 < p < 1.0 or df <= 0:
        raise ValueError("need 0 < p < 1 and df > 0")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


@dataclass(frozen=True)
class Change:
    """Paired change (after - before) over the learners measured both times.

    mean ± t(0.975, n-1) · sd / √n; CI None when n < 2. Every number is None and
    `suppressed` says why when fewer than MIN_GROUP learners have both measures."""

    n: int | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    label: str = ""
    before_mean: float | None = None
    after_mean: float | None = None
    suppressed: str | None = None


def paired_change(
    before: Mapping[str, float],
    after: Mapping[str, float],
    label: str = "",
    min_group: int = MIN_GROUP,
) -> Change:
    """Mean paired difference after - before, with a 95% t confidence interval.

    Only learners in both mappings count. `min_group` exists for tests and method checks;
    the dashboard keeps the default."""
    both = sorted(set(before) & set(after))
    reason = suppression_reason(len(both), min_group)
    if reason or not both:
        return Change(None, None, None, None, label, suppressed=reason or "No learner has both measures")
    diffs = [after[k] - before[k] for k in both]
    n = len(diffs)
    mean = sum(diffs) / n
    low = high = None
    if n >= 2:
        half = t_quantile(0.975, n - 1) * statistics.stdev(diffs) / math.sqrt(n)
        low, high = mean - half, mean + half
    return Change(
        n,
        mean,
        low,
        high,
        label,
        before_mean=sum(before[k] for k in both) / n,
        after_mean=sum(after[k] for k in both) / n,
    )


def knowledge_gain(course: Course, events: Iterable[Event]) -> Change:
    """Post-test percent minus pre-test percent (percentage points), per learner who took both
    (their latest completion of each, as on My progress)."""
    before, after = {}, {}
    for learner, evs in _by_learner(events).items():
        c = check_ins(course, evs)
        if c.pre_percent is not None:
            before[learner] = c.pre_percent
        if c.post_percent is not None:
            after[learner] = c.post_percent
    return paired_change(before, after, label="Knowledge check (percentage points)")


def attitude_change(course: Course, events: Iterable[Event]) -> dict[str, Change]:
    """Per survey theme, in survey order: end-of-course theme mean minus start-of-course theme
    mean (scale points, reverse-scored items turned round, higher = more supportive)."""
    survey_id = course.settings.attitude_survey
    if not survey_id or survey_id not in course.surveys:
        return {}
    themes = list(dict.fromkeys(i.theme for i in course.surveys[survey_id].items))
    start: dict[str, dict[str, float]] = {t: {} for t in themes}
    end: dict[str, dict[str, float]] = {t: {} for t in themes}
    for learner, evs in _by_learner(events).items():
        c = check_ins(course, evs)
        for theme, value in (c.survey_start or {}).items():
            start.setdefault(theme, {})[learner] = value
        for theme, value in (c.survey_end or {}).items():
            end.setdefault(theme, {})[learner] = value
    return {t: paired_change(start[t], end[t], label=t) for t in themes}


# --------------------------------------------------------------------------- time per module


def _learner_module_seconds(course: Course, evs: list[Event]) -> dict[str, float]:
    quiz_module = {quiz_activity(m.quiz): m.id for m in course.modules}
    module_ids = {m.id for m in course.modules}
    # Answers are parts of a quiz submission, not actions of their own.
    actions = [e for e in evs if e.verb != ANSWERED]

    def began(e: Event) -> datetime:
        return _utc(e.timestamp) - timedelta(seconds=e.duration_s or 0.0)

    seconds: dict[str, float] = defaultdict(float)
    for i, e in enumerate(actions):
        section = section_of(e.activity) if e.verb == EXPERIENCED else None
        if section is not None:
            module_id = section[0]
            if module_id not in module_ids or i + 1 >= len(actions):
                continue  # the latest view is counted once the learner does something next
            gap = began(actions[i + 1]) - _utc(e.timestamp)
            seconds[module_id] += max(timedelta(0), min(gap, SECTION_CAP)).total_seconds()
        elif _is_attempt(e) and e.activity in quiz_module and e.duration_s:
            seconds[quiz_module[e.activity]] += min(e.duration_s, QUIZ_CAP.total_seconds())
    return seconds


def time_per_module(course: Course, events: Iterable[Event]) -> dict[str, float]:
    """Estimated minutes per module id (course order, modules with time only), summed over the
    learners in `events`; pass one learner's events for their own time.

    Quiz attempts count their recorded duration (capped at QUIZ_CAP); a section view counts the
    time until the learner's next action began, capped at SECTION_CAP."""
    total: dict[str, float] = defaultdict(float)
    for evs in _by_learner(events).values():
        for module_id, s in _learner_module_seconds(course, evs).items():
            total[module_id] += s
    return {m.id: total[m.id] / 60.0 for m in course.modules if total.get(m.id)}


@dataclass(frozen=True)
class ModuleTime:
    """Median estimated minutes on a module over the learners who spent any time on it."""

    module_id: str
    title: str
    learners: int | None
    median_minutes: float | None
    suppressed: str | None = None


def cohort_time_per_module(course: Course, events: Iterable[Event]) -> list[ModuleTime]:
    """Per module in course order: the median of learners' estimated minutes (suppressed
    below MIN_GROUP learners)."""
    per_module: dict[str, list[float]] = defaultdict(list)
    for evs in _by_learner(events).values():
        for module_id, s in _learner_module_seconds(course, evs).items():
            if s > 0:
                per_module[module_id].append(s / 60.0)
    out = []
    for m in course.modules:
        minutes = per_module.get(m.id, [])
        reason = suppression_reason(len(minutes))
        if reason:
            out.append(ModuleTime(m.id, m.title, None, None, reason))
        else:
            out.append(ModuleTime(m.id, m.title, len(minutes), statistics.median(minutes)))
    return out


# --------------------------------------------------------------------------- exports


def _csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def _r(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def to_csv_tables(
    funnel: Sequence[FunnelStep] | None = None,
    items: Sequence[ItemStats] | None = None,
    stuck: Sequence[Stuck] | None = None,
    changes: Mapping[str, Change] | Sequence[Change] | None = None,
) -> dict[str, str]:
    """CSV text per table given ("funnel", "items", "stuck", "changes").

    Suppressed rows keep their labels and carry the reason in a `suppressed` column; their
    number cells are empty, never a value. The "stuck" table lists individuals by pseudonymous
    learner id only: offer it to trainers only."""
    out: dict[str, str] = {}
    if funnel is not None:
        out["funnel"] = _csv(
            ["module_id", "module", "learners", "started", "attempted_quiz", "passed", "suppressed"],
            ([s.module_id, s.title, s.learners, s.started, s.attempted, s.passed, s.suppressed] for s in funnel),
        )
    if items is not None:
        out["items"] = _csv(
            [
                "question_id",
                "type",
                "scenario_id",
                "module_id",
                "section_id",
                "n",
                "facility",
                "discrimination",
                "option_counts",
                "first_position",
                "answer_key",
                "flags",
                "uncertain",
                "suppressed",
            ],
            (
                [
                    i.question_id,
                    i.type,
                    i.scenario_id,
                    i.section[0] if i.section else None,
                    i.section[1] if i.section else None,
                    i.n,
                    _r(i.facility),
                    _r(i.discrimination),
                    None if i.option_counts is None else "; ".join(f"{k}={v}" for k, v in i.option_counts.items()),
                    None if i.first_position is None else "; ".join(f"{k}={v}" for k, v in i.first_position.items()),
                    "; ".join(i.answer_key),
                    "; ".join(i.flags),
                    "yes" if i.uncertain else "no",
                    i.suppressed,
                ]
                for i in items
            ),
        )
    if stuck is not None:
        out["stuck"] = _csv(
            ["learner_id", "reason", "last_activity"],
            ([s.learner_id, s.reason, _utc(s.last_activity).isoformat()] for s in stuck),
        )
    if changes is not None:
        pairs = list(changes.items()) if isinstance(changes, Mapping) else [(c.label, c) for c in changes]
        out["changes"] = _csv(
            ["measure", "n", "before_mean", "after_mean", "mean_change", "ci95_low", "ci95_high", "suppressed"],
            (
                [
                    name or c.label,
                    c.n,
                    _r(c.before_mean),
                    _r(c.after_mean),
                    _r(c.mean),
                    _r(c.ci_low),
                    _r(c.ci_high),
                    c.suppressed,
                ]
                for name, c in pairs
            ),
        )
    return out


# --------------------------------------------------------------------------- by language


@dataclass(frozen=True)
class LanguageResults:
    """Knowledge and attitude change among the learners who took the check-ins in one
    language. Each `Change` is suppressed on its own when fewer than MIN_GROUP learners in
    this language have both measures, so a small language group is never identifiable."""

    language: str
    learners: int | None  # None when suppressed
    knowledge: Change
    attitude: dict[str, Change]


def learner_language(evs: Iterable[Event], course: Course) -> str:
    """The language a learner took their check-ins in: that of their latest knowledge check
    or survey completion (events carry `context.language` when not English; older events,
    made before the course spoke another language, are English)."""
    s = course.settings
    check_ins_done = {
        knowledge_test_activity(s.pre_test or ""),
        knowledge_test_activity(s.post_test or ""),
        survey_activity(s.attitude_survey or ""),
    }
    latest = max(
        (e for e in evs if e.verb == COMPLETED and e.activity in check_ins_done),
        key=lambda e: e.timestamp,
        default=None,
    )
    return str((latest.context or {}).get("language", "en")) if latest is not None else "en"


def results_by_language(course: Course, events: Iterable[Event]) -> list[LanguageResults]:
    """`knowledge_gain` and `attitude_change` for each language learners used, English first."""
    groups: dict[str, list[Event]] = {}
    counts: dict[str, int] = {}
    for evs in _by_learner(events).values():
        lang = learner_language(evs, course)
        groups.setdefault(lang, []).extend(evs)
        counts[lang] = counts.get(lang, 0) + 1
    out = []
    for lang in sorted(groups, key=lambda code: (code != "en", code)):
        n = counts[lang]
        out.append(
            LanguageResults(
                lang,
                None if suppression_reason(n) else n,
                knowledge_gain(course, groups[lang]),
                attitude_change(course, groups[lang]),
            )
        )
    return out
