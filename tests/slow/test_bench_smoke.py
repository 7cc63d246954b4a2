"""The benchmarks still work: content_bench on a tiny generated course, and load.py's protocol
client walking one learner through the real app on a real server. Nothing here asserts a time."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from bench._common import bench_module
from course.loader import load_course
from tests.conftest import run_in_own_loop

ROOT = Path(__file__).resolve().parents[2]


def bench(name: str) -> ModuleType:
    """Import bench/NAME.py afresh (bench/ is a folder of scripts, not a package); the scripts it
    imports share the bench/load.py imported last."""
    return bench_module(name, fresh=True)


def test_content_bench_generates_a_valid_course_and_measures_it(tmp_path):
    content_bench = bench("content_bench")
    root = content_bench.generate_course(tmp_path / "course", 3)

    course = load_course(root)
    row = content_bench.measure("generated 3", root, repeats=1, cold=False)

    assert [m.id for m in course.modules] == ["history-1", "history-2", "history-3"]
    assert row["modules"] == 3
    assert row["files"] == 7  # course.yaml, three modules, three quizzes
    assert all(row[key] > 0 for key in ("load_ms", "load_pure_python_yaml_ms", "parse_pure_python_ms"))


def test_content_bench_writes_its_results(tmp_path):
    content_bench = bench("content_bench")

    assert (
        content_bench.main(["--sizes", "2", "--repeats", "1", "--no-cold", "--no-real", "--out-dir", str(tmp_path)])
        == 0
    )

    assert "generated 2" in (tmp_path / "content.md").read_text(encoding="utf-8")
    assert (tmp_path / "content.json").exists()


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
    # Next is drawn by the run its press causes, and so is choosing a track: the choice is
    # recorded in the button's callback, before the run builds the track's own menu; Start
    # still switches page (a second run).
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


def test_a_baseline_revision_is_served_from_its_own_checkout_and_removed_after(tmp_path):
    load = bench("load")
    script, env, cwd = load.app_script("course@HEAD", tmp_path)
    try:
        assert script == cwd / "streamlit_app.py" and script.is_file() and env == {}
        assert (cwd / "course" / "ui" / "nav.py").is_file(), "the whole app at that revision"
    finally:
        load.remove_worktrees(tmp_path)
    assert not cwd.exists()
    with pytest.raises(SystemExit, match="cannot check out"):
        load.app_script("course@no-such-revision", tmp_path)


def test_dashboard_bench_signs_in_checks_the_dashboard_and_prints_its_table(capsys, monkeypatch):
    # It used to time Home: its session-state flags no longer signed a trainer in.
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    dashboard_bench = bench("dashboard_bench")
    assert dashboard_bench.main(["--learners", "12", "--repeats", "1", "--baseline", "none"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| new | 12 |"))
    first, following = (float(cell.strip().removesuffix(" s")) for cell in row.split("|")[4:6])
    assert first > 0 and following > 0
