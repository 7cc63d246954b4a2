"""load.py's protocol client walking learners through the real app on real servers (moved from
tests/unit/test_bench_smoke.py: each test starts Streamlit servers). Nothing here asserts a time."""

from __future__ import annotations

import pytest

from course.loader import load_course
from tests.conftest import run_in_own_loop
from tests.unit.test_bench_smoke import ROOT, bench


def test_concurrent_learners_reach_my_progress_through_the_websocket_protocol(tmp_path):
    # Several at once on purpose: sessions share one process, so shared state between them
    # (such as the page registry once was) shows up here as errors.
    learners = 8
    load = bench("load")
    plan = load.make_plan(load_course(ROOT))
    server = load.Server(
        load.server_env(f"sqlite:///{tmp_path / 'records.sqlite'}"), tmp_path / "log", script=load.COURSE_APP
    )
    try:
        result = run_in_own_loop(
            lambda: load.run_sessions("course", server.url, learners, plan, 0.0, 0.0, 120.0, load.Servers([server.pid]))
        )
    finally:
        server.stop()

    assert result.errors == 0, result.error_samples
    assert result.reached == {"my progress": learners}  # track chosen, module read, quiz passed, My progress
    assert result.finished == learners
    tracks = [plan.tracks[i % len(plan.tracks)] for i in range(learners)]
    assert result.interactions == sum(plan.per_track[t] for t in tracks)
    # What each step sent is counted, per step.
    assert set(result.per_step_messages) == {
        "choose track",
        "open module",
        "next page",
        "open quiz",
        "answer",
        "submit quiz",
        "my progress",
    }
    assert result.per_step_messages["submit quiz"] > 10 and result.per_step_messages["open quiz"] > 10
    # An answer is a click that reruns its question alone (a fragment), not the page.
    assert result.per_step_messages["answer"] < 10
    assert result.per_step_runs["answer"] == 1
    # Choosing a track and Next are drawn by the run their press causes; Start still switches
    # page (a second run).
    assert result.per_step_runs["choose track"] == 1
    assert result.per_step_runs["next page"] == 1
    assert result.per_step_runs["open module"] == 2


def test_the_floor_with_k_elements_sends_k_more_messages_per_press(tmp_path):
    load = bench("load")
    plan = load.make_plan(load_course(ROOT))
    sent = {}
    for app in ("floor", "floor+5", "floor-nodelay"):
        script, env, _ = load.app_script(app, tmp_path)
        assert script == load.FLOOR_APP
        server = load.Server(env, tmp_path / f"{app}.log", script=script)
        try:
            result = run_in_own_loop(lambda a=app, u=server.url: load.run_sessions(a, u, 1, plan, 0.0, 0.0, 60.0))
        finally:
            server.stop()
        assert result.errors == 0, result.error_samples
        sent[app] = result.messages_per_interaction
    assert sent["floor+5"] == sent["floor"] + 5
    assert sent["floor-nodelay"] == sent["floor"], "the same app, with Nagle's algorithm off"
    with pytest.raises(SystemExit, match="unknown app"):
        load.app_script("floor+many", tmp_path)
