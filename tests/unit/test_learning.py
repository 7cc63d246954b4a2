"""The learner service without Streamlit: each action records what a learner did, refuses what
it must not record, and keeps work through a database outage."""

from __future__ import annotations

import pytest

from course import events as ev
from course.drafts import Draft, DraftSaved, DraftWaiting, Keep
from course.learning import CheckSubmitted, Learner, PlainHooks, QuizSubmitted, Refusal, SurveySubmitted
from course.progress import PASSED_STATUS, check_ins
from course.records import Store, StoreUnavailable, open_store


def right(q) -> object:
    """The correct response to a question, whatever its type."""
    return list(q.answer) if isinstance(q.answer, list | tuple) else q.answer


class Flaky:
    """The store, unreachable while `up` is False (every call fails as an outage does)."""

    def __init__(self, store: Store):
        self.store, self.up = store, True

    def __getattr__(self, name: str):
        if not self.up:
            raise StoreUnavailable("the course database cannot be reached")
        return getattr(self.store, name)


@pytest.fixture
def db(sqlite_url: str):
    store = open_store(sqlite_url)
    yield store
    store.close()


def learner(course, connect) -> Learner:
    return Learner("L1", lambda: course, PlainHooks(connect=connect))


def test_a_passed_quiz_is_one_write_of_its_answers_and_its_result(real_course, db):
    me = learner(real_course, lambda: db)
    me.choose_track("staff")
    module = real_course.module(real_course.track("staff").modules[0])
    for section in module.sections:  # the staff track's completion rule: every section read first
        me.view_section(module.id, section.id, "staff")
    quiz = real_course.quizzes[module.quiz]
    responses = {q.id: right(q) for _, q in quiz.items("staff")}
    done = me.submit_quiz(quiz, responses, "staff", attempt=1, pass_mark=80, duration_s=42.0)
    assert isinstance(done, QuizSubmitted) and done.result.passed and done.attempt == 1
    stored = db.events("L1")
    assert [e.verb for e in stored].count(ev.ANSWERED) == len(responses)
    outcome = stored[-1]
    assert (outcome.verb, outcome.activity, outcome.attempt, outcome.duration_s) == (
        ev.PASSED,
        ev.quiz_activity(quiz.id),
        1,
        42.0,
    )
    assert me.progress().module(module.id).status == PASSED_STATUS


def test_a_quiz_with_an_unanswered_question_is_refused_and_nothing_is_recorded(real_course, db):
    me = learner(real_course, lambda: db)
    me.choose_track("public")
    quiz = real_course.quizzes[real_course.module(real_course.track("public").modules[0]).quiz]
    items = [q for _, q in quiz.items("public")]
    responses = {q.id: right(q) for q in items[1:]}  # the first left blank
    before = len(db.events("L1"))
    refused = me.submit_quiz(quiz, responses, "public", attempt=1, pass_mark=80)
    assert refused == Refusal("missing", (1,))
    assert len(db.events("L1")) == before


def test_a_section_is_recorded_as_viewed_once_per_session(real_course, db):
    me = learner(real_course, lambda: db)
    module = real_course.modules[0]
    section = module.sections[0]
    assert me.view_section(module.id, section.id, "public") is not None
    assert me.view_section(module.id, section.id, "public") is None
    viewed = [e for e in db.events("L1") if e.verb == ev.EXPERIENCED]
    assert [e.activity for e in viewed] == [ev.section_activity(module.id, section.id)]


def test_the_check_ins_are_recorded_and_read_back(real_course, db):
    me = learner(real_course, lambda: db)
    me.choose_track("public")
    s = real_course.settings
    test = real_course.quizzes[s.pre_test]
    done = me.submit_knowledge_check(test, {q.id: right(q) for _, q in test.items("public")}, "public")
    assert isinstance(done, CheckSubmitted) and done.result.score == done.result.max_score
    survey = real_course.surveys[s.attitude_survey]
    half = {item.id: survey.scale.min for item in survey.items[:-1]}
    assert me.submit_survey(survey, "start", half, "public") == Refusal("missing", (len(survey.items),))
    full = {item.id: survey.scale.min for item in survey.items}
    assert me.submit_survey(survey, "start", full, "public") == SurveySubmitted(survey.id, "start")
    seen = check_ins(real_course, db.events("L1"))
    assert seen.pre_percent == 100.0 and seen.survey_start is not None


def test_work_done_in_spanish_carries_its_language_and_english_work_does_not(real_course, db):
    from course.xapi import statement

    me = learner(real_course, lambda: db)
    me.choose_track("public")
    test = real_course.quizzes[real_course.settings.pre_test]
    me.language = "es"
    me.submit_knowledge_check(test, {q.id: right(q) for _, q in test.items("public")}, "public")
    stored = db.events("L1")
    assert stored[0].context is None or "language" not in stored[0].context  # chose the track in English
    spanish = stored[1:]
    assert spanish and all((e.context or {}).get("language") == "es" for e in spanish)
    assert spanish[-1].context == {"test": test.id, "language": "es"}
    sent = statement(spanish[-1], "https://course.example.org")
    assert sent["context"]["language"] == "es"
    assert not any(k.endswith("/language") for k in sent["context"].get("extensions", {}))


def test_work_done_while_the_database_is_down_is_written_when_it_is_back(real_course, db):
    flaky = Flaky(db)
    me = learner(real_course, lambda: flaky)
    me.choose_track("public")
    flaky.up = False
    module = real_course.modules[0]
    me.view_section(module.id, module.sections[0].id, "public")
    assert me.offline and [e.verb for e in me.events()][-1] == ev.EXPERIENCED
    flaky.up = True
    me.sync()  # as the next page run does
    assert not me.offline
    assert [e.verb for e in db.events("L1")] == [ev.REGISTERED, ev.EXPERIENCED]


def test_records_cannot_be_deleted_while_the_database_is_unreachable(real_course, db):
    me = learner(real_course, lambda: db)
    me.choose_track("public")
    assert Learner("L1", lambda: real_course, PlainHooks()).delete_records() == Refusal("unreachable")
    assert db.events("L1")  # nothing was deleted
    assert me.delete_records() is None
    assert db.events("L1") == []


# ---------------------------------------------------------------- draft answers


def first_quiz(course, track: str):
    return course.quizzes[course.module(course.track(track).modules[0]).quiz]


def test_a_draft_answer_is_saved_and_given_back_in_any_session(real_course, db):
    me = learner(real_course, lambda: db)
    keep = Keep(ev.quiz_activity("mechanism-quiz"), "staff", 1)
    assert me.save_draft(keep, "q1", "b", "slot-q1") == DraftSaved(keep, "q1")
    assert db.drafts("L1", keep.activity, "staff", 1) == {"q1": "b"}
    elsewhere = learner(real_course, lambda: db)  # another tab or device: nothing waits there
    assert elsewhere.drafts(keep) == {"q1": "b"}
    elsewhere.clear_drafts(keep)  # submitted
    assert me.drafts(keep) == {}


def test_a_draft_the_store_cannot_take_is_refused_and_not_kept_waiting(real_course, db):
    me = learner(real_course, lambda: db)
    keep = Keep(ev.quiz_activity("mechanism-quiz"), "staff", 1)
    refused = me.save_draft(keep, "q" * 1000, "b", "slot-long")
    assert isinstance(refused, Refusal) and refused.reason == "invalid" and "item" in refused.detail
    assert "slot-long" not in me.hooks.waiting_drafts()
    assert me.drafts(keep) == {}


def test_a_draft_waits_through_an_outage_and_is_saved_when_the_database_is_back(real_course, db):
    flaky = Flaky(db)
    me = learner(real_course, lambda: flaky)
    keep = Keep(ev.quiz_activity("mechanism-quiz"), "staff", 1)
    flaky.up = False
    assert me.save_draft(keep, "q1", "a", "slot-q1") == DraftWaiting(keep, "q1")
    assert me.save_draft(keep, "q1", "c", "slot-q1") == DraftWaiting(keep, "q1")  # the newer answer replaces it
    assert me.drafts(keep) == {"q1": "c"}  # shown from this session while it waits
    flaky.up = True
    assert me.flush_drafts() == {"slot-q1": ""}
    assert db.drafts("L1", keep.activity, "staff", 1) == {"q1": "c"}
    assert len(me.hooks.waiting_drafts()) == 0


def test_a_waiting_draft_is_saved_under_the_learner_who_chose_it(real_course, db):
    flaky = Flaky(db)
    hooks = PlainHooks(connect=lambda: flaky)  # one browser session: its waiting drafts are shared
    first = Learner("L1", lambda: real_course, hooks)
    keep = Keep(ev.quiz_activity("mechanism-quiz"), "staff", 1)
    flaky.up = False
    assert isinstance(first.save_draft(keep, "q1", "a", "slot-q1"), DraftWaiting)
    flaky.up = True
    second = Learner("L2", lambda: real_course, hooks)  # the tab switched learner (a resume link)
    assert second.drafts(keep) == {}, "another learner's waiting answer is not shown"
    second.flush_drafts()
    assert db.drafts("L1", keep.activity, "staff", 1) == {"q1": "a"}
    assert db.drafts("L2", keep.activity, "staff", 1) == {}


def test_drafts_chosen_by_a_stand_in_go_to_the_learner_its_code_names(real_course, db):
    owner = learner(real_course, lambda: db)
    owner.choose_track("staff")
    assert owner.resume_code is not None
    flaky = Flaky(db)
    flaky.up = False
    stand_in = Learner("stand-in", lambda: real_course, PlainHooks(connect=lambda: flaky), claim=owner.resume_code)
    keep = Keep(ev.quiz_activity("mechanism-quiz"), "staff", 1)
    assert stand_in.save_draft(keep, "q1", "a", "slot-q1") == DraftWaiting(keep, "q1")
    flaky.up = True
    assert stand_in.flush_drafts() == {}, "nothing is written while whose answers these are is unknown"
    stand_in.sync()  # the code is checked: the stand-in is L1
    assert stand_in.learner_id == "L1"
    stand_in.flush_drafts()
    assert db.drafts("L1", keep.activity, "staff", 1) == {"q1": "a"}
    assert db.drafts("stand-in", keep.activity, "staff", 1) == {}


def test_handed_over_drafts_are_adopted_only_for_their_own_learner_and_an_open_attempt(real_course, db):
    me = learner(real_course, lambda: db)
    me.choose_track("public")
    quiz = first_quiz(real_course, "public")
    me.submit_quiz(quiz, {q.id: right(q) for _, q in quiz.items("public")}, "public", attempt=1, pass_mark=80)
    submitted = Keep(ev.quiz_activity(quiz.id), "public", 1)
    open_ = Keep(ev.quiz_activity(quiz.id), "public", 2)
    held = {
        "slot-mine": Draft("L1", open_, "q1", "a"),
        "slot-theirs": Draft("someone-else", open_, "q2", "b"),
        "slot-old": Draft("L1", submitted, "q3", "c"),
    }
    cut_off = Learner("L1", lambda: real_course, PlainHooks())  # the database cannot be reached
    assert cut_off.adopt_drafts(held) is None, "not checked against a record it cannot read"
    assert len(cut_off.hooks.waiting_drafts()) == 0
    adopted = me.adopt_drafts(held)
    assert adopted is not None
    assert adopted.adopted == ("slot-mine",) and adopted.attempts == (open_,)
    assert set(adopted.refused) == {"slot-theirs", "slot-old"}
    assert db.drafts("L1", open_.activity, "public", 2) == {"q1": "a"}
    assert db.drafts("someone-else", open_.activity, "public", 2) == {}
    assert db.drafts("L1", submitted.activity, "public", 1) == {}


def test_a_handed_over_draft_never_replaces_the_newer_one_this_session_holds(real_course, db):
    flaky = Flaky(db)
    me = learner(real_course, lambda: flaky)
    me.choose_track("public")
    keep = Keep(ev.quiz_activity("mechanism-quiz"), "public", 1)
    flaky.up = False
    me.save_draft(keep, "q1", "newer", "slot-q1")
    flaky.up = True
    adopted = me.adopt_drafts({"slot-q1": Draft("L1", keep, "q1", "older")})
    assert adopted is not None and adopted.adopted == () and adopted.refused == ()
    assert db.drafts("L1", keep.activity, "public", 1) == {"q1": "newer"}
