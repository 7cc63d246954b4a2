"""Spaced refreshers (issue 21): the FSRS schedule replayed from a learner's answer events, the
refresher set, and the trainers' retention figures, all at a pinned clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from course import refresh
from course.events import ANSWERED, COMPLETED, PASSED, REFRESHER, REGISTERED, Event, refresher_activity
from course.progress import PASSED_STATUS, project

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def first_module(course):
    module = course.track_modules("staff")[0]
    return module, [q for _, q in course.quizzes[module.quiz].items("staff")]


def passed_history(course, learner="L1", wrong=(), at=T0) -> list[Event]:
    """A learner who registered and passed the first staff module at `at`, answering the
    questions in `wrong` wrongly."""
    module, questions = first_module(course)
    events = [Event(learner, REGISTERED, "course", track="staff", timestamp=at - timedelta(hours=1))]
    for q in questions:
        ok = q.id not in wrong
        events.append(
            Event(
                learner,
                ANSWERED,
                f"question/{q.id}",
                track="staff",
                attempt=1,
                success=ok,
                score=float(ok),
                timestamp=at,
            )
        )
    right = len(questions) - len(wrong)
    events.append(
        Event(
            learner,
            PASSED,
            f"quiz/{module.quiz}",
            track="staff",
            attempt=1,
            score=right,
            max_score=len(questions),
            success=True,
            timestamp=at,
        )
    )
    return events


def fsrs_due(ratings: list[tuple[datetime, Rating]]) -> datetime:
    """FSRS's own answer, computed directly with the fsrs package and the course's settings."""
    scheduler = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = Card()
    for at, r in ratings:
        card, _ = scheduler.review_card(card, r, review_datetime=at)
    return card.due


def test_only_a_passed_modules_questions_enter_the_schedule(real_course):
    module, questions = first_module(real_course)
    events = passed_history(real_course)
    failed = [e for e in events if e.verb != PASSED]  # the same answers, but the module not passed
    assert refresh.schedule(real_course, failed) == []
    items = refresh.schedule(real_course, events)
    assert {i.question_id for i in items} == {q.id for q in questions}
    assert all(i.module_id == module.id for i in items)


def test_due_dates_from_a_known_history_match_fsrs_computed_directly(real_course):
    module, questions = first_module(real_course)
    hard, easy = questions[0].id, questions[1].id
    events = passed_history(real_course, wrong={hard})
    # Later refresher answers: the hard one right after four days, the easy one wrong after ten.
    t1, t2 = T0 + timedelta(days=4), T0 + timedelta(days=10)
    ctx = {REFRESHER: 1, "module": module.id}
    events += [
        Event("L1", ANSWERED, f"question/{hard}", track="staff", success=True, context=ctx, timestamp=t1),
        Event("L1", ANSWERED, f"question/{easy}", track="staff", success=False, context=ctx, timestamp=t2),
    ]
    due = {i.question_id: i.due for i in refresh.schedule(real_course, events)}
    assert due[hard] == fsrs_due([(T0, Rating.Again), (t1, Rating.Good)])
    assert due[easy] == fsrs_due([(T0, Rating.Good), (t2, Rating.Again)])
    assert due[questions[2].id] == fsrs_due([(T0, Rating.Good)])
    # What a learner notices: a question answered wrongly comes back sooner than one answered right.
    assert fsrs_due([(T0, Rating.Again)]) < fsrs_due([(T0, Rating.Good)])


def test_check_in_answers_do_not_count_and_events_in_any_order_give_the_same_schedule(real_course):
    module, questions = first_module(real_course)
    events = passed_history(real_course)
    pre = Event(
        "L1",
        ANSWERED,
        f"question/{questions[0].id}",
        success=False,
        context={"test": "pre-test"},
        timestamp=T0 - timedelta(days=1),
    )
    assert refresh.schedule(real_course, [*events, pre]) == refresh.schedule(real_course, list(reversed(events)))


def test_nothing_is_due_right_after_passing_and_the_set_is_at_most_five_of_the_most_overdue(real_course):
    events = passed_history(real_course)
    items = refresh.schedule(real_course, events)
    assert refresh.due(items, T0 + timedelta(hours=1)) == []
    assert refresh.next_set(items, T0 + timedelta(hours=1)) == []
    later = T0 + timedelta(days=400)
    chosen = refresh.next_set(items, later)
    assert len(chosen) == min(refresh.SET_SIZE, len(items))
    assert [i.due for i in chosen] == sorted(i.due for i in items)[: len(chosen)]
    # In a renewal window a set can always be had: the questions due soonest fill it.
    filled = refresh.next_set(items, T0 + timedelta(hours=1), fill=True)
    assert len(filled) == min(refresh.SET_SIZE, len(items))
    assert refresh.next_due(items, T0 + timedelta(hours=1)) == min(i.due for i in items)


def test_refresher_answers_never_change_a_passed_modules_status(real_course):
    module, questions = first_module(real_course)
    events = passed_history(real_course)
    before = project(real_course, events).module(module.id)
    wrong = [
        Event(
            "L1",
            ANSWERED,
            f"question/{q.id}",
            track="staff",
            success=False,
            context={REFRESHER: 1},
            timestamp=T0 + timedelta(days=30),
        )
        for q in questions
    ]
    done = Event(
        "L1",
        COMPLETED,
        refresher_activity(),
        track="staff",
        attempt=1,
        score=0,
        max_score=len(wrong),
        success=False,
        timestamp=T0 + timedelta(days=30),
    )
    after = project(real_course, [*events, *wrong, done]).module(module.id)
    assert after == before and after.status == PASSED_STATUS


def test_retention_by_module_and_month_matches_hand_counts_and_hides_small_groups(real_course):
    module, questions = first_module(real_course)
    q1, q2 = questions[0].id, questions[1].id

    def ans(learner: str, q: str, ok: bool, at: datetime) -> Event:
        return Event(
            learner, ANSWERED, f"question/{q}", track="staff", success=ok, context={REFRESHER: 1}, timestamp=at
        )

    march, april = datetime(2027, 3, 15, tzinfo=UTC), datetime(2027, 4, 2, tzinfo=UTC)
    events = []
    # March: five learners, two answers each; learners 1-3 both right, 4 one right, 5 none: 7 of 10.
    for n, rights in enumerate([(1, 1), (1, 1), (1, 1), (1, 0), (0, 0)], start=1):
        events += [ans(f"L{n}", q1, bool(rights[0]), march), ans(f"L{n}", q2, bool(rights[1]), march)]
    # April: four learners only: hidden.
    events += [ans(f"L{n}", q1, True, april) for n in range(1, 5)]
    # A quiz answer (no refresher mark) is not a refresher answer.
    events.append(Event("L9", ANSWERED, f"question/{q1}", track="staff", success=False, timestamp=march))
    rows = refresh.retention(real_course, events)
    assert [(r.module_id, r.month) for r in rows] == [(module.id, "2027-03"), (module.id, "2027-04")]
    assert (rows[0].learners, rows[0].answers, rows[0].right, rows[0].share_right) == (5, 10, 7, 0.7)
    assert rows[1].answers is None and rows[1].learners is None and "fewer than 5" in rows[1].suppressed
    sets = [Event(f"L{n}", COMPLETED, refresher_activity(), success=True, timestamp=march) for n in range(1, 6)]
    sets.append(Event("L1", COMPLETED, refresher_activity(), success=True, timestamp=march + timedelta(days=1)))
    sets.append(Event("L1", COMPLETED, refresher_activity(), success=True, timestamp=april))
    assert refresh.activity(sets) == [("2027-03", 6, 5, None), ("2027-04", None, None, rows[1].suppressed)]
