"""A small, complete course written from Python data: one module that passes every check.

Tests of the public-track checks and their UI start from it, edit one thing, and look for
the one problem (or screen text) that edit causes. It does not depend on the real content,
which other work changes, so a check's test fails only when the check does.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

# libyaml's writer: the same text as yaml.safe_dump's (compared on all 575 files the tests
# wrote) in a fraction of the time; the pure-Python writer took about 1 s of tests/unit.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

CRISIS: dict[str, Any] = {
    "heading": "If you or someone you know is in crisis",
    "region": "United States",
    "services": [
        {
            "name": "988 Suicide & Crisis Lifeline",
            "contact": "Call or text 988, or chat online",
            "url": "https://988lifeline.org",
        },
        {"name": "Emergency services", "contact": "Call 911 if someone is in immediate danger"},
    ],
    "elsewhere": {
        "name": "Find A Helpline (international directory of crisis lines)",
        "url": "https://findahelpline.com",
    },
}

SETTINGS: dict[str, Any] = {
    "id": "small-course",
    "title": "A small course",
    "version": "1.0",
    "description": "A short course used by the tests.",
    "notice": "Education, not medical advice. Talk to your own doctor about any treatment.",
    "crisis": CRISIS,
    "modules": ["basics"],
    "tracks": [
        {
            "id": "staff",
            "title": "Clinic staff onboarding",
            "description": "Full clinical detail for staff.",
            "audience": "staff",
            "modules": ["basics"],
            "pass_mark": 80,
            "sequencing": "sequential",
        },
        {
            "id": "public",
            "title": "Community and self-paced learning",
            "description": "Plain words for everyone.",
            "audience": "public",
            "modules": ["basics"],
            "pass_mark": 70,
            "sequencing": "free",
        },
    ],
    "pre_test": "pre-test",
    "post_test": "post-test",
}

PLAIN = {
    "start": "Doctors first used this drug to put people to sleep for surgery. It was cheap and it was safe. [@ref1]",
    "mood": "Some people with low mood felt better after one dose. The good effect did not last long. [@ref1]",
    "care": "A nurse checks on you the whole time. You rest in a quiet room until you feel like you again. [@ref2]",
    "risks": "You may feel odd or far away for a short time. Your blood pressure can go up for a while. [@ref2]",
}
HEADINGS = {"start": "Where it began", "mood": "Help for low mood", "care": "How care works", "risks": "Risks"}

MODULE: dict[str, Any] = {
    "id": "basics",
    "title": "The basics",
    "summary": "Where the drug came from, what it does for mood, and how a clinic keeps you safe.",
    "estimated_minutes": 10,
    "quiz": "basics",
    "review": {
        "reviewer": "Course content maintainers (not yet reviewed by a practising clinician)",
        "version": "1.1",
        "last_reviewed": "2026-12-07",
        "next_review": "2027-12-07",
        "changes": ["We added a part on how a nurse checks on you."],
    },
    "objectives": [
        {
            "id": "basics-origins",
            "text": "Characterise the pharmacological lineage of phencyclidine-derived dissociative anaesthetics.",
            "plain": "Say where the drug came from.",
        },
        {"id": "basics-mood", "text": "Say what the drug can do for low mood."},
        {"id": "basics-care", "text": "Say how a clinic keeps you safe."},
    ],
    "sections": [
        {
            "id": sid,
            "heading": HEADINGS[sid],
            "body": f"Staff text for {HEADINGS[sid].lower()}, with the clinical detail. [@ref{1 if i < 2 else 2}]",
            "plain": PLAIN[sid],
            "speaker_notes": "Read the text aloud, then ask the room what they think.",
            "references": [f"ref{1 if i < 2 else 2}"],
        }
        for i, sid in enumerate(PLAIN)
    ],
    "takeaways": ["The drug began in surgery.", "It can help low mood for a short time.", "A nurse stays with you."],
    "references": [
        {"id": "ref1", "citation": "Author A. A first paper. Journal. 2020."},
        {"id": "ref2", "citation": "Author B. A second paper. Journal. 2021.", "url": "https://example.org/b"},
    ],
}
MODULE["sections"][0]["figures"] = [
    {
        "id": "years",
        "type": "timeline",
        "title": "Key years",
        "alt": "A timeline of two years: first made in 1962, first used for low mood in 2000.",
        "caption": "The drug was used in surgery long before it was tried for low mood.",
        "label_title": "Event",
        "value_title": "Year",
        "data": [{"label": "First made", "value": 1962}, {"label": "First tried for low mood", "value": 2000}],
    }
]
MODULE["sections"][1]["voices"] = [
    {
        "id": "relief-and-caution",
        "kind": "composite",
        "text": "The first time, I felt far away. A day later the weight had lifted a bit.\n\nIt did not last, but it gave me hope.",
        "attribution": "A composite account written for this course from published interviews; not one real person.",
        "sources": ["ref1"],
    },
    {
        "id": "nurse-view",
        "kind": "account",
        "text": "I sit with each person the whole time and I tell them what they may feel.",
        "attribution": "A nurse at the clinic, in her own words.",
        "consent": "Written consent given on 1 December 2026 for use in this course, on screen and in print.",
        "tracks": ["staff"],
    },
]

# (objective, section, prompt, right option, wrong option)
QUESTIONS = [
    (
        "basics-origins",
        "start",
        "What was the drug first used for?",
        "To put people to sleep for surgery",
        "To help people run fast",
    ),
    ("basics-origins", "start", "Was the drug cheap when it was first used?", "Yes, it was cheap", "No, it cost a lot"),
    ("basics-origins", "start", "Who first used the drug?", "Doctors in surgery", "People at a sports club"),
    ("basics-mood", "mood", "How did some people with low mood feel after one dose?", "Better", "Much worse"),
    ("basics-mood", "mood", "How long did the good effect last?", "Not long", "For the rest of their life"),
    ("basics-mood", "mood", "Did every person feel better?", "No, only some did", "Yes, every person did"),
    ("basics-care", "care", "Who checks on you the whole time?", "A nurse", "Nobody"),
    ("basics-care", "care", "Where do you rest after a dose?", "In a quiet room", "On a busy street"),
    ("basics-care", "risks", "How may you feel for a short time?", "Odd or far away", "Like you can fly"),
    ("basics-care", "risks", "What can go up for a while?", "Your blood pressure", "Your shoe size"),
]


def _question(n: int, objective: str, section: str, prompt: str, right: str, wrong: str) -> dict[str, Any]:
    return {
        "id": f"q{n:02d}",
        "type": "single",
        "objective": objective,
        "section": section,
        "prompt": prompt,
        "options": [
            {"id": "a", "text": right, "feedback": "Yes, that is right."},
            {"id": "b", "text": wrong, "feedback": "No, read that part again."},
        ],
        "answer": "a",
        "explanation": "The part of the module on this says so in plain words.",
    }


QUIZ: dict[str, Any] = {
    "id": "basics",
    "kind": "quiz",
    "title": "Quiz: the basics",
    "questions": [_question(n, *q) for n, q in enumerate(QUESTIONS, start=1)],
}
PRE_TEST: dict[str, Any] = {
    "id": "pre-test",
    "kind": "quiz",
    "title": "Start check",
    "questions": [_question(n, *QUESTIONS[i]) | {"id": f"pre-q{n}"} for n, i in ((1, 0), (2, 6))],
}
POST_TEST: dict[str, Any] = {
    "id": "post-test",
    "kind": "quiz",
    "title": "Final check",
    "questions": [
        _question(n, *QUESTIONS[i]) | {"id": f"post-q{n}", "pairs_with": f"pre-q{n}"} for n, i in ((1, 2), (2, 7))
    ],
}


def write(root: Path, data: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write the small course under `root`, with any file's data replaced by `data[rel]`."""
    files = {
        "modules/course.yaml": SETTINGS,
        "modules/01-basics.yaml": MODULE,
        "quizzes/basics.yaml": QUIZ,
        "quizzes/pre-test.yaml": PRE_TEST,
        "quizzes/post-test.yaml": POST_TEST,
    }
    files.update(data or {})
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.dump(content, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
        )
    return root


def data() -> dict[str, dict[str, Any]]:
    """Fresh, editable copies of every file's data, by path."""
    return copy.deepcopy(
        {
            "modules/course.yaml": SETTINGS,
            "modules/01-basics.yaml": MODULE,
            "quizzes/basics.yaml": QUIZ,
            "quizzes/pre-test.yaml": PRE_TEST,
            "quizzes/post-test.yaml": POST_TEST,
        }
    )


# A branching scenario both tracks see (so it passes the public checks), and an inline check
# after the "care" section: not in `data()`, so the tests written before them see the course
# they were written for; `with_scenario()` adds both.
SCENARIO: dict[str, Any] = {
    "id": "sam-gets-up",
    "title": "Sam gets up too soon",
    "module": "basics",
    "tracks": ["staff", "public"],
    "summary": "Sam feels odd after a dose and wants to leave. Choose what to do.",
    "estimated_minutes": 3,
    "start": "arrival",
    "steps": [
        {
            "id": "arrival",
            "situation": "Sam is resting after a dose. Sam says the room feels far away and starts to get up. [@ref2]",
            "vitals": {
                "caption": "Sam's blood pressure",
                "columns": ["Time", "Blood pressure"],
                "rows": [["Before the dose", "120/80"], ["After 40 minutes", "150/95"]],
            },
            "choices": [
                {
                    "id": "stay",
                    "text": "Sit with Sam and speak in a calm voice",
                    "feedback": "Good. A calm voice helps, and a nurse stays the whole time. [@ref2]",
                    "next": "calm",
                },
                {
                    "id": "leave",
                    "text": "Leave Sam alone to rest",
                    "feedback": "No. Someone stays with Sam the whole time.",
                    "next": "alone",
                },
            ],
        },
        {
            "id": "calm",
            "situation": "Sam sits down again. Sam asks when the odd feeling will end.",
            "choices": [
                {
                    "id": "explain",
                    "text": "Tell Sam the feeling will pass soon",
                    "feedback": "Yes. The odd feeling lasts a short time. [@ref2]",
                    "next": "safe-calm",
                },
                {
                    "id": "rush",
                    "text": "Tell Sam to go home now",
                    "feedback": "Not yet. Sam rests until the nurse says Sam is well.",
                    "next": "rushed",
                },
            ],
        },
    ],
    "endings": [
        {
            "id": "safe-calm",
            "rating": "safe",
            "title": "Sam felt safe",
            "debrief": "You stayed, you spoke calmly, and you told Sam what to expect. [@ref2]",
            "sections": ["care"],
        },
        {
            "id": "alone",
            "rating": "unsafe",
            "title": "Sam was alone",
            "debrief": "Sam was left alone while feeling far away. A nurse stays the whole time.",
            "sections": ["care", "risks"],
        },
        {
            "id": "rushed",
            "rating": "acceptable",
            "title": "Sam was rushed",
            "debrief": "You helped Sam sit down, but Sam left before the nurse said Sam was well.",
            "sections": ["risks"],
        },
    ],
}
SCENARIO_FILE = "modules/scenarios/sam-gets-up.yaml"
CHECK: dict[str, Any] = {
    "id": "care-check",
    "prompt": "Who checks on you the whole time?",
    "options": [
        {"id": "a", "text": "A nurse", "correct": True, "feedback": "Yes. A nurse stays with you."},
        {"id": "b", "text": "Nobody", "feedback": "No. A nurse stays with you the whole time."},
    ],
}


def with_scenario() -> dict[str, dict[str, Any]]:
    """`data()` with SCENARIO and an inline check (CHECK) after the "care" section."""
    files = data()
    files[SCENARIO_FILE] = copy.deepcopy(SCENARIO)
    files["modules/01-basics.yaml"]["sections"][2]["checks"] = [copy.deepcopy(CHECK)]
    return files
