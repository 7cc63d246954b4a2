"""The facilitator pack prints a module's scenarios as a discussion sheet (HTML part)."""

from __future__ import annotations

from course.export import build_pack, facilitator_pack_html


def test_a_staff_pack_has_every_onboarding_scenario_with_feedback_ratings_and_numbered_citations(real_course):
    html = facilitator_pack_html(real_course, "onboarding", "staff")
    assert '<h2 id="scenarios-heading">Scenarios for discussion</h2>' in html
    assert '<a href="#scenarios">Scenarios for discussion</a>' in html
    for s in real_course.module_scenarios("onboarding"):
        assert f'id="scenario-{s.id}"' in html
        for ending in s.endings:
            assert f"<p><strong>Outcome: {ending.rating_words}</strong></p>" in html
    assert "[@" not in html, "citations are numbered as in the rest of the pack"
    assert "<caption>Maya&#x27;s blood pressure and heart rate during the session</caption>" in html


def test_a_public_pack_gets_only_scenarios_a_public_track_sees(real_course):
    pack = build_pack(real_course, "access-stigma", "public")
    assert {s.id for s in pack.scenarios} == {"family-repeats-a-myth", "friend-starting-treatment"}
    assert build_pack(real_course, "history", "public").scenarios == ()
    assert "Scenarios for discussion" not in facilitator_pack_html(real_course, "history", "public")
