"""The trainer dashboard: protected, and its figures match values worked out by hand."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from course.events import (
    ANSWERED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    REGISTERED,
    Event,
    course_activity,
    knowledge_test_activity,
    question_activity,
    quiz_activity,
    section_activity,
)
from course.records import open_store
from course.trainer_auth import hash_passcode
from tests.app.test_walkthrough import APP, button, texts

PASSCODE = "correct horse battery staple"
NOW = datetime.now(UTC)


@pytest.fixture
def trainer_env(monkeypatch):
    monkeypatch.setenv("COURSE_TRAINER_PASSCODE_HASH", hash_passcode(PASSCODE, iterations=1000))


def sign_in(at: AppTest, passcode: str = PASSCODE) -> AppTest:
    at.text_input[0].set_value(passcode)
    return button(at, "Sign in").click().run()


def seed(real_course, db_url: str) -> tuple[str, list[list[bool]], list[float], list[float]]:
    """Six staff learners in one cohort with known answers to the History quiz and known
    pre/post scores. Returns the cohort code, the right/wrong matrix and the two score lists."""
    store = open_store(db_url)
    code = store.create_cohort("Seeded cohort", "staff", "test")
    quiz = real_course.quizzes["history"]
    items = [q for _, q in quiz.items("staff")]
    matrix = [[(i + j) % 3 != 0 or i == 5 for j in range(len(items))] for i in range(6)]
    pre = [50.0, 50.0, 60.0, 40.0, 70.0, 30.0]
    post = [80.0, 70.0, 90.0, 60.0, 80.0, 60.0]
    t = NOW - timedelta(days=1)
    for i, row in enumerate(matrix):
        learner, _ = store.create_learner(learner_id=f"seed-learner-{i}")
        store.join_cohort(learner, code)
        base = {"learner_id": learner, "cohort": code, "track": "staff"}
        events = [Event(verb=REGISTERED, activity=course_activity(), timestamp=t, **base)]
        # the staff track's completion rule: History's sections read before its quiz
        events += [
            Event(verb=EXPERIENCED, activity=section_activity("history", sec.id), timestamp=t, **base)
            for sec in real_course.module("history").sections
        ]
        for j, (q, right) in enumerate(zip(items, row, strict=True)):
            events.append(
                Event(
                    verb=ANSWERED,
                    activity=question_activity(q.id),
                    attempt=1,
                    score=float(right),
                    max_score=1.0,
                    success=right,
                    response=None,
                    timestamp=t + timedelta(seconds=j),
                    **base,
                )
            )
        score = sum(row)
        verb = PASSED if score * 100 >= 80 * len(items) else FAILED
        events.append(
            Event(
                verb=verb,
                activity=quiz_activity("history"),
                attempt=1,
                score=float(score),
                max_score=float(len(items)),
                success=verb == PASSED,
                timestamp=t + timedelta(minutes=1),
                **base,
            )
        )
        s = real_course.settings
        events.append(
            Event(
                verb=COMPLETED,
                activity=knowledge_test_activity(s.pre_test),
                score=pre[i] / 10,
                max_score=10.0,
                context={"test": s.pre_test},
                timestamp=t - timedelta(hours=1),
                **base,
            )
        )
        events.append(
            Event(
                verb=COMPLETED,
                activity=knowledge_test_activity(s.post_test),
                score=post[i] / 10,
                max_score=10.0,
                context={"test": s.post_test},
                timestamp=t + timedelta(hours=1),
                **base,
            )
        )
        store.append_many(events)
    return code, matrix, pre, post


def dashboard(isolated_store) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["trainer"] = True  # signed in (the sign-in itself is tested below)
    at.session_state["open-after-trainer-sign-in"] = "trainer"  # as the sign-in leaves it
    return at.run()


def test_learners_get_no_dashboard_and_a_wrong_passcode_says_nothing_specific(trainer_env):
    from course.ui import trainer_access

    at = AppTest.from_function(_sign_in_harness, default_timeout=60).run()
    assert at.title[0].value == "Trainer sign-in"
    at = sign_in(at, "not the passcode at all")
    assert at.error[0].value == "That did not work. Check the passcode and try again."
    assert "trainer" not in at.session_state
    # After three misses the fourth attempt is slowed down, whatever is typed.
    for _ in range(2):
        at = sign_in(at, "still wrong passcode")
    at = sign_in(at, PASSCODE)
    assert at.error[0].value.startswith("Too many attempts. Please wait")
    assert "trainer" not in at.session_state
    # A reload is a new session from the same machine: it does not get a new allowance.
    reloaded = sign_in(AppTest.from_function(_sign_in_harness, default_timeout=60).run(), PASSCODE)
    assert reloaded.error[0].value.startswith("Too many attempts. Please wait")
    trainer_access.limiter().succeeded("this-machine")


def test_an_empty_passcode_is_not_counted_as_an_attempt(trainer_env):
    from course.ui import trainer_access

    at = AppTest.from_function(_sign_in_harness, default_timeout=60).run()
    for _ in range(5):
        at = sign_in(at, "   ")
        assert at.error[0].value == "Type the trainer passcode, then press Sign in."
    assert trainer_access.limiter().wait_seconds("this-machine") == 0


def test_a_broken_passcode_hash_setting_says_so_instead_of_refusing_every_passcode(monkeypatch):
    # A pasted passcode (not its hash) made every sign-in "That did not work" and counted it.
    monkeypatch.setenv("COURSE_TRAINER_PASSCODE_HASH", PASSCODE)
    at = AppTest.from_function(_sign_in_harness, default_timeout=60).run()
    assert [e.value for e in at.error] == [
        "Trainer sign-in is not working on this server: its COURSE_TRAINER_PASSCODE_HASH setting cannot be used "
        r"(it is not a line made by python -m course trainer-passcode (pbkdf2_sha256\$…\$…\$…)). See docs/trainers.md."
    ]
    assert not at.text_input  # no form to fail in


def test_the_right_passcode_signs_in(trainer_env):
    at = AppTest.from_function(_sign_in_harness, default_timeout=60).run()
    at = sign_in(at)
    assert at.session_state["trainer"] is True


def _sign_in_harness():

    from course.ui import trainer_access

    trainer_access.render_sign_in()


def test_a_learner_session_has_no_trainer_page_in_its_navigation():
    at = AppTest.from_file(APP, default_timeout=60).run()  # a learner session builds its navigation
    from course.ui import nav

    pages = at.session_state[nav.PAGES_KEY]
    assert "trainer" not in pages and "present" not in pages and "trainer-sign-in" in pages


@pytest.mark.parametrize(("address", "title"), [("trainer", "Trainer dashboard"), ("present", "Present a module")])
def test_a_trainer_page_address_asks_for_the_sign_in_and_then_opens_that_page(trainer_env, address, title):
    # A bookmark followed after the 12-hour sign-in lapsed used to give "Page not found" and Home.
    from tests.app.test_walkthrough import go

    at = go(AppTest.from_file(APP, default_timeout=60).run(), address)
    assert at.title[0].value == "Trainer sign-in"
    assert [i.value for i in at.info] == [
        f"You opened the address of {'the trainer dashboard' if address == 'trainer' else 'presenter mode'}, "
        "which needs a trainer sign-in. A sign-in lasts 12 hours on this browser, or until you sign out or "
        "close the browser. Sign in below and "
        f"{'the trainer dashboard' if address == 'trainer' else 'presenter mode'} opens."
    ]
    assert "trainer" not in at.session_state  # the address alone gives nothing away
    at = sign_in(at)
    assert at.title[0].value == title
    # The form's button is gone: the page's title takes the focus (a keyboard user was left on the body).
    assert any('data-target="h1"' in h.proto.body for h in at.get("html"))


def test_without_trainer_access_set_up_a_trainer_address_does_not_promise_a_sign_in(monkeypatch):
    from tests.app.test_walkthrough import go

    monkeypatch.delenv("COURSE_TRAINER_PASSCODE_HASH", raising=False)
    at = go(AppTest.from_file(APP, default_timeout=60).run(), "trainer")
    assert [i.value for i in at.info] == [
        "Trainer access is not set up on this server yet. An administrator creates a passcode with "
        "python -m course trainer-passcode and puts the line it prints into .streamlit/secrets.toml "
        "(see docs/trainers.md)."
    ]


def test_dashboard_figures_match_hand_computed_values(real_course, isolated_store):
    code, matrix, pre, post = seed(real_course, isolated_store)
    at = dashboard(isolated_store)
    assert at.title[0].value == "Trainer dashboard"
    at.selectbox(key="dash-cohort").set_value(f"Seeded cohort ({code})").run()
    assert "**6** learners active in this period; **6** on the Clinic staff onboarding track." in texts(at)

    # Question 1: facility = share right; discrimination = correlation with the rest of the quiz.
    items = next(t.value for t in at.table if "Facility (%)" in t.value.columns)
    q1 = [row[0] for row in matrix]
    rest = [sum(row) - row[0] for row in matrix]
    assert items.iloc[0]["Facility (%)"] == round(100 * sum(q1) / 6)
    expected_r = statistics.correlation([float(x) for x in q1], [float(x) for x in rest])
    assert items.iloc[0]["Discrimination"] == pytest.approx(round(expected_r, 2))

    # Knowledge change: mean of (post - pre) with a t-based 95% interval (t(0.975, 5) = 2.571).
    diffs = [b - a for a, b in zip(pre, post, strict=True)]
    mean = sum(diffs) / 6
    half = 2.5706 * statistics.stdev(diffs) / math.sqrt(6)
    change = next(t.value for t in at.table if "95% CI low" in t.value.columns)
    row = change.iloc[0]
    assert row["Learners"] == 6
    assert float(row["Change"]) == pytest.approx(mean, abs=0.05)
    assert float(row["95% CI low"]) == pytest.approx(mean - half, abs=0.05)
    assert float(row["95% CI high"]) == pytest.approx(mean + half, abs=0.05)

    # Completion funnel for History: everyone tried the quiz; passes counted from the matrix.
    funnel = next(t.value for t in at.table if "Tried quiz" in t.value.columns)
    history = funnel.iloc[0]
    passed = sum(1 for row in matrix if sum(row) * 100 >= 80 * len(row))
    assert (history["Learners"], history["Tried quiz"], history["Passed"]) == (6, 6, passed)

    # A CSV for every table (docs/trainers.md), the quiz scores and stuck learners included.
    labels = {b.proto.label for b in at.get("download_button")}
    assert {
        "Completion (CSV)",
        "Quiz scores (CSV)",
        "Questions (CSV)",
        "Stuck learners (CSV)",
        "Changes (CSV)",
    } <= labels, labels


def test_small_groups_are_hidden(real_course, isolated_store):
    store = open_store(isolated_store)
    code = store.create_cohort("Tiny", "staff", "test")
    for i in range(4):
        learner, _ = store.create_learner(learner_id=f"tiny-{i}")
        store.join_cohort(learner, code)
        store.append(
            Event(
                learner_id=learner,
                verb=REGISTERED,
                activity=course_activity(),
                track="staff",
                cohort=code,
                timestamp=NOW - timedelta(hours=2),
            )
        )
    at = dashboard(isolated_store)
    at.selectbox(key="dash-cohort").set_value(f"Tiny ({code})").run()
    assert "Figures for groups of fewer than 5 learners are hidden" in texts(at)
    funnel = next(t.value for t in at.table if "Tried quiz" in t.value.columns)
    assert (
        funnel["Passed"].isna().all()
        or set(funnel["Passed"].astype(str)) <= {"None", "nan", ""}
        or "Hidden" in str(funnel)
    )
    assert not any("xAPI" in b.proto.label for b in at.get("download_button"))


def test_creating_a_cohort_twice_by_mistake_makes_one_and_names_show_as_typed(isolated_store):
    from course.records import open_store

    at = dashboard(isolated_store)
    name = "Northside **March** $1 $2"
    next(t for t in at.text_input if t.label == "Cohort name").set_value(name)
    at = next(b for b in at.button if b.label == "Create cohort").click().run()
    assert at.success[0].value.startswith(r"Cohort “Northside \*\*March\*\* \$1 \$2” created.")

    next(t for t in at.text_input if t.label == "Cohort name").set_value("northside  **march** $1 $2")
    at = next(b for b in at.button if b.label == "Create cohort").click().run()
    assert at.error[0].value.startswith(r"There is already a cohort “Northside \*\*March\*\* \$1 \$2” on this track")
    assert [c.name for c in open_store(isolated_store).cohorts()] == [name]


def test_a_new_event_shows_on_the_next_render_and_the_page_says_how_current_it_is(
    real_course, isolated_store, monkeypatch
):
    # The figures used to be kept for a minute: a learner who joined meanwhile was not counted.
    from course.ui.pages import trainer

    monkeypatch.setattr(trainer, "REUSE_FOR_S", 0)  # as when the last computation is a while back
    code, *_ = seed(real_course, isolated_store)
    at = dashboard(isolated_store)
    at.selectbox(key="dash-cohort").set_value(f"Seeded cohort ({code})").run()
    assert "**6** learners active in this period" in texts(at)
    newest = NOW - timedelta(seconds=5)
    open_store(isolated_store).append(
        Event(
            learner_id="late-joiner", verb=REGISTERED, activity="course", track="staff", cohort=code, timestamp=newest
        )
    )
    at.run()
    assert "**7** learners active in this period" in texts(at)
    assert (
        "Figures include every learning event stored when this page was drawn, the newest made at "
        f"{newest:%Y-%m-%d %H:%M:%S} UTC." in texts(at)
    )


def test_the_selection_s_learning_records_say_how_big_they_are_before_download(real_course, isolated_store):
    code, *_ = seed(real_course, isolated_store)
    at = dashboard(isolated_store)
    at.selectbox(key="dash-cohort").set_value(f"Seeded cohort ({code})").run()
    events = len(open_store(isolated_store).events_for_cohort(code))
    assert f"Learning records for this selection: **{events:,}** events, about" in texts(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("Learning records (xAPI JSON, about ") for label in labels), labels
    assert any(label.startswith("Learning records (CSV, about ") for label in labels), labels


def test_figures_kept_while_events_pour_in_say_how_old_they_are_and_refresh_counts_the_new(
    real_course, isolated_store, monkeypatch
):
    from course.ui.pages import trainer

    monkeypatch.setattr(trainer, "REUSE_FOR_S", 3600)
    code, *_ = seed(real_course, isolated_store)
    at = dashboard(isolated_store)
    at.selectbox(key="dash-cohort").set_value(f"Seeded cohort ({code})").run()
    open_store(isolated_store).append(
        Event(learner_id="late-joiner", verb=REGISTERED, activity="course", track="staff", cohort=code)
    )
    at.run()
    assert "**6** learners active in this period" in texts(at)
    assert "learning events stored since then are counted within 3600 seconds, or at once with Refresh" in texts(at)
    assert any(c.value.startswith("Figures are ") and " second" in c.value for c in at.caption)
    at = button(at, "Refresh figures").click().run()
    assert "**7** learners active in this period" in texts(at)


def test_a_long_stuck_list_shows_the_longest_inactive_and_the_csv_has_everyone(isolated_store, monkeypatch):
    from course.ui.pages import trainer

    monkeypatch.setattr(trainer, "STUCK_SHOWN", 2)
    store = open_store(isolated_store)
    code = store.create_cohort("Quiet", "staff", "test")
    for i in range(6):
        store.append(
            Event(
                learner_id=f"quiet-{i}",
                verb=REGISTERED,
                activity="course",
                track="staff",
                cohort=code,
                timestamp=NOW - timedelta(days=20 + i),
            )
        )
    at = dashboard(isolated_store)
    at.selectbox(key="dash-cohort").set_value(f"Quiet ({code})").run()
    assert "Showing the 2 longest inactive of 6. The Stuck learners CSV under Exports lists them all." in texts(at)
    table = next(t.value for t in at.table if "Why" in t.value.columns)
    assert list(table["Learner"]) == ["quiet-5", "quiet-4"]


def test_quiz_scores_count_only_attempts_on_the_track_chosen(real_course, isolated_store):
    """Issue 18, defect 10: the distribution is drawn against the chosen track's pass mark,
    so it must hold that track's attempts only; public learners' scores were counted too."""
    store = open_store(isolated_store)
    t = NOW - timedelta(days=1)
    for track, score, n in (("staff", 9.0, 6), ("public", 3.0, 7)):
        for i in range(n):
            base = {"learner_id": store.create_learner(learner_id=f"{track}-{i}")[0], "track": track}
            store.append(Event(verb=REGISTERED, activity=course_activity(), timestamp=t, **base))
            verb = PASSED if score >= 8 else FAILED
            store.append(
                Event(
                    verb=verb,
                    activity=quiz_activity("history"),
                    attempt=1,
                    score=score,
                    max_score=10.0,
                    success=verb == PASSED,
                    timestamp=t + timedelta(minutes=1),
                    **base,
                )
            )
    at = dashboard(isolated_store)
    at.selectbox(key="dash-track").set_value("Clinic staff onboarding").run()
    scores = next(t.value for t in at.table if "Score band" in t.value.columns)
    assert scores["Learners"].astype(int).sum() == 6  # the 7 public learners are not in it


def test_csv_downloads_do_not_rerun_the_dashboard(real_course, isolated_store):
    """Issue 18, defect 10: each download click reran the dashboard, which replaced the other
    files and cancelled downloads still in progress. The buttons now leave the page alone."""
    seed(real_course, isolated_store)
    at = dashboard(isolated_store)
    buttons = [b for b in at.get("download_button") if b.proto.label.endswith("(CSV)")]
    assert buttons
    for b in buttons:
        assert b.proto.ignore_rerun, b.proto.label


def _browser_harness():
    import streamlit as st

    from course.ui import trainer_access

    if trainer_access.is_trainer():
        st.write("Signed in as a trainer")
        trainer_access.sign_out_button()
    else:
        trainer_access.render_sign_in()
    trainer_access.after_page()


def test_signing_out_revokes_the_sign_in_a_copied_cookie_carries(trainer_env, isolated_store, monkeypatch):
    """Issue 18, defect 7: signing out only cleared this browser's cookie; a copy of it kept
    working for 12 hours. The cookie now names a session kept in the database, and signing
    out deletes it."""
    from course.ui import trainer_access

    jar: dict[str, str] = {}  # the browser's cookies, as the server sets and reads them
    monkeypatch.setattr(trainer_access, "browser_cookie", jar.get)
    monkeypatch.setattr(
        trainer_access,
        "set_browser_cookie",
        lambda name, value: jar.__setitem__(name, value) if value else jar.pop(name, None),
    )
    at = sign_in(AppTest.from_function(_browser_harness, default_timeout=60).run())
    at = at.run()
    copied = jar[trainer_access.COOKIE]
    assert "Signed in as a trainer" in texts(at)
    # Another browser holding a copy of the cookie is signed in too (that is what a cookie is)...
    other = AppTest.from_function(_browser_harness, default_timeout=60).run()
    assert "Signed in as a trainer" in texts(other)
    # ...until the trainer signs out: then the copy opens nothing, in a page already open...
    button(at, "Sign out of trainer mode").click().run()
    assert "Signed in as a trainer" not in texts(other.run())
    assert trainer_access.COOKIE not in jar
    # ...or opened afresh.
    jar[trainer_access.COOKIE] = copied
    later = AppTest.from_function(_browser_harness, default_timeout=60).run()
    assert "Signed in as a trainer" not in texts(later)
    assert later.title[0].value == "Trainer sign-in"


def test_knowledge_change_is_split_by_language_with_a_small_language_hidden(real_course, isolated_store):
    code, _, pre, post = seed(real_course, isolated_store)
    store = open_store(isolated_store)
    s = real_course.settings
    t = NOW - timedelta(days=1)
    for i in range(4):  # four learners who took the check-ins in Spanish: too few to show
        learner, _ = store.create_learner(learner_id=f"es-learner-{i}")
        store.join_cohort(learner, code)
        base = {"learner_id": learner, "cohort": code, "track": "public"}
        store.append_many(
            [
                Event(verb=REGISTERED, activity=course_activity(), timestamp=t, **base),
                Event(
                    verb=COMPLETED,
                    activity=knowledge_test_activity(s.pre_test),
                    score=4.0,
                    max_score=10.0,
                    context={"test": s.pre_test, "language": "es"},
                    timestamp=t,
                    **base,
                ),
                Event(
                    verb=COMPLETED,
                    activity=knowledge_test_activity(s.post_test),
                    score=8.0,
                    max_score=10.0,
                    context={"test": s.post_test, "language": "es"},
                    timestamp=t + timedelta(hours=1),
                    **base,
                ),
            ]
        )
    at = dashboard(isolated_store)
    at.selectbox(key="dash-cohort").set_value(f"Seeded cohort ({code})").run()
    assert "By language" in [s.value for s in at.subheader]
    split = next(t.value for t in at.table if "Language" in t.value.columns)
    knowledge = split[split["Measure"] == "Knowledge check"].set_index("Language")
    assert str(knowledge.loc["English", "Learners"]) == "6"
    assert float(knowledge.loc["English", "Change"]) == pytest.approx(
        sum(b - a for a, b in zip(pre, post, strict=True)) / 6, abs=0.05
    )
    assert str(knowledge.loc["Español", "Learners"]).startswith("Hidden")
    assert knowledge.loc["Español", "Change"] is None or str(knowledge.loc["Español", "Change"]) in ("None", "nan")
