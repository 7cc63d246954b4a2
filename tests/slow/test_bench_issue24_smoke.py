"""Issue 24's benchmarks still run and write what they say, each with tiny parameters: page steps
against matched floors, the CPU profile, web vitals in Chromium, the soak and cold start.
Nothing here asserts a time. (Apart from tests/slow/test_bench_smoke.py so the two files run
side by side on the two test processes.)"""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
from pathlib import Path

import pytest

from course.loader import load_course
from tests.slow.test_bench_smoke import ROOT, bench


def alone(main, argv: list[str]) -> int:
    """A benchmark's main() on a thread of its own: it runs an event loop of its own (asyncio.run,
    or Playwright's sync API), which Python refuses on a thread where one is running already, as
    the browser tests' Playwright session keeps one on the test process's main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(main, argv).result()


# Issue 24's benchmarks, each with tiny parameters: they still run and write what they say.
# Nothing here asserts a time.


@pytest.fixture
def results(tmp_path, monkeypatch):
    """bench/results/ redirected to a temporary folder, so real results stay untouched."""
    load = bench("load")
    monkeypatch.setattr(load, "RESULTS", tmp_path / "results")
    return tmp_path / "results"


def test_steps_measures_each_page_step_against_a_matched_floor(results):
    steps = bench("steps")
    assert (
        alone(
            steps.main, ["--walks", "1", "--learners", "2", "--think", "0.1", "--ramp", "0.2", "--floor-presses", "2"]
        )
        == 0
    )
    data = json.loads((results / "steps.json").read_text(encoding="utf-8"))
    assert set(steps.PAGE_STEPS) <= set(data["course"]["alone"]["cpu_ms"])
    assert data["course"]["crowd"]["errors"] == 0
    matched = {steps.matched_k(data["course"]["alone"]["messages"][s]) for s in steps.PAGE_STEPS}
    assert {int(k) for k in data["floors"]} == matched
    table = (results / "steps.md").read_text(encoding="utf-8")
    assert all(f"| {s} |" in table for s in steps.PAGE_STEPS)


def test_profile_attributes_a_walks_cpu_to_packages(results):
    profile = bench("profile_steps")
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        pytest.fail("py-spy is pinned in requirements.txt: install it into the venv")
    assert alone(profile.main, ["--walks", "1", "--rate", "100"]) == 0
    data = json.loads((results / "profile.json").read_text(encoding="utf-8"))
    assert data["profile"]["samples"] > 0
    assert "Streamlit" in data["profile"]["categories"]
    stack = [("run (course/ui/pages/home.py)", "course/ui/pages/home.py"), ("x", "sqlalchemy/engine/base.py")]
    assert profile.categorise(stack) == "SQL"  # the innermost known package decides


def test_vitals_walks_chromium_through_the_course_with_learners_loading(results):
    vitals = bench("vitals")
    if not Path(vitals.CHROMIUM).exists():
        pytest.skip("Chromium is not installed (bash scripts/test.sh installs it)")
    if not vitals.WEB_VITALS.exists():
        subprocess.run(["npm", "ci", "--prefix", str(ROOT / "bench" / "vitals"), "--no-audit", "--no-fund"], check=True)
    assert alone(vitals.main, ["--learners", "1", "--walks", "1", "--think", "0.2", "--ramp", "0.2"]) == 0
    rows = {r["app"]: r for r in json.loads((results / "vitals.json").read_text(encoding="utf-8"))["apps"]}
    assert rows["course"]["lcp_p75_ms"] is not None and rows["floor"]["lcp_p75_ms"] is not None
    assert rows["course"]["clicks"] > 10  # track, Start, Next, every answer, Submit, My progress
    assert rows["course"]["background_errors"] == 0


def test_soak_checks_every_learners_record_in_the_store(results):
    soak = bench("soak")
    assert alone(soak.main, ["--minutes", "0.05", "--walks", "2", "--think", "0", "--settle", "0"]) == 0
    data = json.loads((results / "soak.json").read_text(encoding="utf-8"))
    assert data["errors"] == []
    assert data["records"] == {"checked": 2, "incomplete": 0, "problems": []}


def test_soak_restarts_the_replica_mid_quiz_and_those_learners_lose_nothing(results):
    # The replica is restarted while a walk is on its quiz with answers given: that learner's
    # walker reconnects as a browser does (its cookies, the page it was on, reloaded), finds
    # the answers it gave shown again, and finishes; its record in the store is complete.
    soak = bench("soak")
    argv = ["--minutes", "0.1", "--walks", "2", "--think", "0.5", "--settle", "0", "--restarts", "1"]
    assert alone(soak.main, argv) == 0
    data = json.loads((results / "soak.json").read_text(encoding="utf-8"))
    s = data["restart_summary"]
    assert s["restarts"] == 1 and s["mid_quiz"] >= 1
    assert s["reconnected"] == s["finished"] == s["records_complete"] == s["mid_quiz"]
    assert s["kept_checked"] >= 1 and s["kept_lost"] == []
    assert data["errors"] == []
    assert data["records"]["checked"] == 2 and data["records"]["incomplete"] == 0


def test_soak_reports_a_kept_answer_a_reloaded_quiz_page_does_not_show():
    soak = bench("soak")
    load = soak.load  # the bench/load.py the soak uses (its StepFailed)
    plan = load.make_plan(load_course(ROOT))
    empty = load.Run(elapsed=0.0, elements=[], runs=1, exceptions=[])
    lost = soak.kept_answers_lost(plan, plan.tracks[0], 2, empty)
    assert len(lost) == 2 and "not on the page after the reload" in lost[0]


def test_soak_finds_a_record_that_is_not_complete(tmp_path):
    soak = bench("soak")
    load = bench("load")
    from course.records.store import open_store

    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    store = open_store(url)
    _, code = store.create_learner()
    store.engine.dispose()
    plan = load.make_plan(load_course(ROOT))
    checked = soak.check_records(url, plan, [{"track": plan.tracks[0], "code": code, "errors": []}])
    assert checked["checked"] == 1 and checked["incomplete"] == 1
    assert "the quiz passed" in checked["problems"][0]


def test_coldstart_times_app_sh_and_a_restart_to_home_in_chromium(results):
    coldstart = bench("coldstart")
    if not Path(coldstart.CHROMIUM).exists():
        pytest.skip("Chromium is not installed (bash scripts/test.sh installs it)")
    assert alone(coldstart.main, ["--repeats", "1"]) == 0
    runs = json.loads((results / "coldstart.json").read_text(encoding="utf-8"))["runs"]
    assert len(runs["app.sh"]) == 1 and len(runs["replica restart"]) == 1


def test_the_replicas_knee_is_read_off_the_levels():
    load = bench("load")
    levels = [
        {"n": 50, "page_steps_p95_ms": 40.0, "interaction_p95_ms": 30.0},
        {"n": 100, "page_steps_p95_ms": 80.0, "interaction_p95_ms": 50.0},
        {"n": 200, "page_steps_p95_ms": 180.0, "interaction_p95_ms": 90.0},
    ]
    assert load.knee(levels) == (120.0, "crossed")
    assert load.knee(levels[:2]) == (100.0, "below all")
    assert load.knee(levels[2:]) == (200.0, "above all")


def test_one_more_replicas_level_is_chosen_where_the_knee_is_not_bracketed():
    load = bench("load")

    def level(n: int, p95: float) -> object:
        return load.LevelResult(
            app="course", n=n, first_render_p50_ms=None, first_render_p95_ms=None, interaction_p50_ms=None,
            interaction_p95_ms=p95, interactions=1, throughput_per_s=1.0, errors=0, finished=n, stopped=0,
            rss_before_mib=None, rss_after_mib=None, rss_per_session_mib=None, server_cpu_ms_per_interaction=None,
            server_cpu_utilisation=None, client_cpu_utilisation=0.0, duration_s=1.0, error_samples=[], reached={},
            per_step_p95_ms={}, page_steps_p95_ms=p95,
        )  # fmt: skip

    args = load.parse_args(["--apps", "course", "--bracket", "1", "--bracket-min", "25", "--bracket-max", "400"])
    assert load.bracket_level([level(200, 150.0), level(400, 900.0)], args) == 100  # over at both: below
    assert load.bracket_level([level(100, 40.0)], args) == 200  # under at the only one: above
    assert load.bracket_level([level(100, 40.0), level(200, 150.0)], args) is None  # crossed between
    assert load.bracket_level([level(200, 40.0), level(400, 90.0)], args) is None  # at --bracket-max


def test_summary_prints_a_row_per_goal_from_what_ran(results, monkeypatch, capsys):
    summary = bench("summary")
    monkeypatch.setattr(summary, "RESULTS", results)
    assert summary.main() == 0
    out = capsys.readouterr().out
    assert "| 1. own overhead | not run |" in out and "| 5. cold start | not run |" in out
