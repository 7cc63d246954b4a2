"""Pydantic models of the course content: course settings, modules, quizzes and surveys.

Every model is frozen (content never changes after loading) and forbids unknown keys, so a
typo in a YAML file is reported instead of silently ignored. Checks that need more than one
file (ids that must resolve, answer keys that must name real options) live in
`course.loader`, which knows the line of every YAML node.
"""

from __future__ import annotations

import re
import urllib.parse
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

# Ids are stable slugs: learner records refer to content by these strings, never by position.
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG, min_length=1, max_length=64)]
NonEmpty = Annotated[str, Field(min_length=1)]

CITATION_MARK = re.compile(r"\[@([A-Za-z0-9_-]+)\]")


# A whole number as written: YAML's true/false are not 1/0 (lax int would take them).
WholeNumber = Annotated[int, Strict()]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _web_address(value: str | None) -> str | None:
    """A link a learner can follow: a whole http(s) address (a crisis line's link must work)."""
    if value is None:
        return value
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in value):
        raise ValueError(f"{value!r} is not a web address; write it in full, e.g. https://988lifeline.org")
    return value


# --------------------------------------------------------------------------- course.yaml


class Renewal(Model):
    """How a certificate that expires is renewed (docs/records.md)."""

    window_days: WholeNumber = Field(
        default=90, ge=1, le=365, description="renewal opens this many days before the expiry date"
    )
    by: list[Literal["refresher", "changed_modules"]] = Field(
        min_length=1,
        description="refresher: pass a refresher set in the window; changed_modules: pass again, in the "
        "window, every module whose review date is after the certificate's issue date",
    )


class Completion(Model):
    """What completing a module asks of a track's learners besides passing its quiz. Both
    default to none, so a track that says nothing keeps passing-the-quiz as the whole rule.
    With `all`, the module's quiz opens only when every section has been read (`sections`)
    or every scenario the track sees has been played to an ending (`scenarios`)."""

    sections: Literal["all", "none"] = "none"
    scenarios: Literal["all", "none"] = "none"


class Track(Model):
    id: Slug
    title: NonEmpty
    description: NonEmpty
    # Which text a learner on this track reads first: the full clinical text or the plain one.
    audience: Literal["staff", "public"]
    modules: list[Slug] = Field(min_length=1)
    pass_mark: WholeNumber = Field(ge=1, le=100, description="percent of quiz points needed to pass")
    sequencing: Literal["sequential", "free"]
    certificate: bool = False
    completion: Completion = Field(default_factory=Completion)
    validity_months: WholeNumber | None = Field(
        default=None, ge=1, le=120, description="a certificate expires this many months after issue; none if absent"
    )
    renewal: Renewal | None = None

    @model_validator(mode="after")
    def _validity_needs_certificate(self) -> Track:
        if self.validity_months is not None and not self.certificate:
            raise ValueError("validity_months needs certificate: true (only certificates expire)")
        if self.renewal is not None and self.validity_months is None:
            raise ValueError("renewal needs validity_months: a certificate that never expires is never renewed")
        if self.renewal is not None and self.renewal.window_days >= 28 * (self.validity_months or 0):
            raise ValueError(
                f"renewal.window_days ({self.renewal.window_days}) must be shorter than the validity "
                f"({self.validity_months} months)"
            )
        return self


class CrisisService(Model):
    name: NonEmpty = Field(description="the service's name, e.g. '988 Suicide & Crisis Lifeline'")
    contact: NonEmpty = Field(description="how to reach it, e.g. 'Call or text 988, or chat online'")
    url: NonEmpty | None = None

    @field_validator("url")
    @classmethod
    def _url_is_web_address(cls, value: str | None) -> str | None:
        return _web_address(value)


class CrisisDirectory(Model):
    name: NonEmpty
    url: NonEmpty

    @field_validator("url")
    @classmethod
    def _url_is_web_address(cls, value: str | None) -> str | None:
        return _web_address(value)


class Crisis(Model):
    """Crisis services shown with the not-medical-advice notice; each deployment sets its own."""

    heading: NonEmpty
    region: NonEmpty = Field(description="where the services below answer, e.g. 'United States'")
    services: list[CrisisService] = Field(min_length=1)
    elsewhere: CrisisDirectory | None = Field(default=None, description="a directory for everyone outside `region`")


class CourseSettings(Model):
    id: Slug
    title: NonEmpty
    version: NonEmpty
    description: NonEmpty
    notice: NonEmpty = Field(description="education-not-medical-advice notice shown on every page")
    # Required of content (the loader reports it missing); optional here so that a Course built
    # in code (tests, tools) need not invent one.
    crisis: Crisis | None = Field(default=None, description="crisis services shown wherever the notice is")
    modules: list[Slug] = Field(min_length=1, description="the course order of modules")
    tracks: list[Track] = Field(min_length=1)
    pre_test: Slug | None = None
    post_test: Slug | None = None
    attitude_survey: Slug | None = None


# --------------------------------------------------------------------------- modules


Audience = Literal["staff", "public"]


class Objective(Model):
    id: Slug
    text: NonEmpty
    plain: NonEmpty | None = Field(default=None, description="what the public track shows instead of `text`")

    def shown(self, audience: str) -> str:
        """The wording an audience reads."""
        return self.plain if audience == "public" and self.plain else self.text


class Reference(Model):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")]
    citation: NonEmpty
    url: str | None = None


class DataPoint(Model):
    label: NonEmpty
    value: float
    note: str | None = None


class Figure(Model):
    id: Slug
    type: Literal["bar", "timeline"]
    title: NonEmpty
    # alt is validated even when absent so that a missing and a blank alt read the same.
    alt: str = Field(default="", validate_default=True)
    caption: NonEmpty
    label_title: NonEmpty = Field(description="what the labels are, e.g. 'Route' or 'Event'")
    value_title: NonEmpty = Field(description="what the values are, e.g. 'Bioavailability (%)'")
    data: list[DataPoint] = Field(min_length=2)
    plain_caption: NonEmpty | None = Field(default=None, description="the public track's caption")
    plain_alt: NonEmpty | None = Field(default=None, description="the public track's alt text")

    def shown_caption(self, audience: str) -> str:
        return self.plain_caption if audience == "public" and self.plain_caption else self.caption

    def shown_alt(self, audience: str) -> str:
        return self.plain_alt if audience == "public" and self.plain_alt else self.alt

    @field_validator("alt")
    @classmethod
    def _alt_is_required(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("figure needs alt text that says what the figure shows")
        return value


class Voice(Model):
    """A first-person account: a real person's words given with consent, or a composite written
    for the course from cited published research (and labelled so on screen)."""

    id: Slug
    kind: Literal["composite", "account"]
    text: NonEmpty
    attribution: NonEmpty = Field(description="who is speaking, always shown with the text")
    sources: list[str] = Field(default_factory=list, description="composite: ids of the module references used")
    consent: str | None = Field(default=None, description="account: how and when consent was given, for what use")
    tracks: list[Slug] | None = Field(default=None, description="only these tracks see it; all when absent")

    def visible_to(self, track: str | None) -> bool:
        return self.tracks is None or track is None or track in self.tracks


class CheckOption(Model):
    id: Slug
    text: NonEmpty
    correct: bool = False
    feedback: NonEmpty = Field(description="shown at once after answering")


class InlineCheck(Model):
    """An ungraded "check your understanding" question placed after a section's text."""

    id: Slug
    prompt: NonEmpty
    tracks: list[Slug] | None = Field(default=None, description="only these tracks see it; all when absent")
    options: list[CheckOption] = Field(min_length=2, max_length=4)

    def visible_to(self, track: str | None) -> bool:
        return self.tracks is None or track is None or track in self.tracks

    @model_validator(mode="after")
    def _one_correct(self) -> InlineCheck:
        n = sum(o.correct for o in self.options)
        if n != 1:
            raise ValueError(f"exactly one option has correct: true, not {n}")
        return self


class Section(Model):
    id: Slug
    heading: NonEmpty
    body: NonEmpty = Field(description="full text in Markdown, for staff")
    plain: str | None = Field(default=None, description="plain-language version for the public")
    speaker_notes: str | None = None
    discussion_prompts: list[NonEmpty] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list, description="ids of module references")
    voices: list[Voice] = Field(default_factory=list)
    checks: list[InlineCheck] = Field(default_factory=list, max_length=2)


class Review(Model):
    """Content governance: who last reviewed a module, when, and what learners will see changed."""

    reviewer: NonEmpty
    version: NonEmpty
    last_reviewed: date
    next_review: date
    changes: list[NonEmpty] = Field(default_factory=list, description="learner-visible changes, newest first")

    @model_validator(mode="after")
    def _next_after_last(self) -> Review:
        if self.next_review <= self.last_reviewed:
            raise ValueError(
                f"next_review ({self.next_review.isoformat()}) must come after last_reviewed "
                f"({self.last_reviewed.isoformat()})"
            )
        return self


class Module(Model):
    id: Slug
    title: NonEmpty
    summary: NonEmpty
    estimated_minutes: WholeNumber = Field(ge=1, le=600)
    objectives: list[Objective] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)
    takeaways: list[NonEmpty] = Field(min_length=1)
    references: list[Reference] = Field(default_factory=list)
    quiz: Slug
    requires: list[Slug] = Field(default_factory=list, description="modules whose quiz must be passed first")
    # Required of content (the loader reports it missing), as `CourseSettings.crisis` is.
    review: Review | None = None
    plain_summary: NonEmpty | None = Field(default=None, description="the public track's summary")
    plain_takeaways: list[NonEmpty] | None = Field(default=None, description="the public track's takeaways")

    def shown_summary(self, audience: str) -> str:
        return self.plain_summary if audience == "public" and self.plain_summary else self.summary

    def shown_takeaways(self, audience: str) -> list[str]:
        return list(self.plain_takeaways if audience == "public" and self.plain_takeaways else self.takeaways)


# --------------------------------------------------------------------------- quizzes


class Option(Model):
    id: Slug
    text: NonEmpty
    feedback: NonEmpty


class _QuestionBase(Model):
    id: Slug
    prompt: NonEmpty
    explanation: NonEmpty
    objective: Slug
    reference: str | None = None
    tracks: list[Slug] | None = Field(default=None, description="only these tracks see the question; all when absent")
    section: Slug | None = Field(default=None, description="id of the section of its module this question tests")
    pairs_with: Slug | None = Field(default=None, description="post-test only: the pre-test question it pairs with")


class SingleChoice(_QuestionBase):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    answer: Slug


class MultipleSelect(_QuestionBase):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    answer: list[Slug] = Field(min_length=1)


class TrueFalse(_QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: NonEmpty = Field(description="shown to a learner who answers True")
    feedback_false: NonEmpty = Field(description="shown to a learner who answers False")


class Ordering(_QuestionBase):
    type: Literal["ordering"]
    options: list[Option] = Field(min_length=2)
    answer: list[Slug] = Field(min_length=2, description="option ids in the correct order")


SubQuestion = Annotated[SingleChoice | MultipleSelect | TrueFalse | Ordering, Field(discriminator="type")]


class Scenario(Model):
    id: Slug
    type: Literal["scenario"]
    title: NonEmpty
    case: NonEmpty
    questions: list[SubQuestion] = Field(min_length=1)
    tracks: list[Slug] | None = None
    section: Slug | None = Field(default=None, description="the section its questions test, unless each names one")


Question = Annotated[
    SingleChoice | MultipleSelect | TrueFalse | Ordering | Scenario,
    Field(discriminator="type"),
]
Gradable = SingleChoice | MultipleSelect | TrueFalse | Ordering


class Quiz(Model):
    id: Slug
    kind: Literal["quiz"]
    title: NonEmpty
    intro: str | None = None
    questions: list[Question] = Field(min_length=1)

    def items(self, track: str | None = None) -> list[tuple[Scenario | None, Gradable]]:
        """Every gradable question a learner on `track` sees, with its scenario if any."""
        out: list[tuple[Scenario | None, Gradable]] = []
        for q in self.questions:
            if q.tracks is not None and track is not None and track not in q.tracks:
                continue
            if isinstance(q, Scenario):
                out.extend((q, sub) for sub in q.questions)
            else:
                out.append((None, q))
        return out


class LikertItem(Model):
    id: Slug
    text: NonEmpty
    theme: NonEmpty
    reverse: bool = False


class Scale(Model):
    min: WholeNumber = 1
    max: WholeNumber = 5
    labels: list[NonEmpty] = Field(min_length=2)


class Survey(Model):
    id: Slug
    kind: Literal["survey"]
    title: NonEmpty
    intro: NonEmpty
    scale: Scale
    items: list[LikertItem] = Field(min_length=1)


QuizFile = Annotated[Quiz | Survey, Field(discriminator="kind")]


# --------------------------------------------------------------------------- branching scenarios

RATINGS = ("safe", "acceptable", "unsafe")
RATING_WORDS = {"safe": "Safe", "acceptable": "Acceptable, with gaps", "unsafe": "Unsafe"}


class Vitals(Model):
    caption: NonEmpty
    columns: list[NonEmpty] = Field(min_length=1)
    rows: list[list[str]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_fit(self) -> Vitals:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i + 1} has {len(row)} cells; the table has {len(self.columns)} columns")
        return self


class Choice(Model):
    id: Slug
    text: NonEmpty
    # Optional here so the scenario checks can say what is missing in the author's words.
    feedback: str = Field(default="", description="always shown after choosing, before moving on")
    next: Slug = Field(description="a step id or an ending id")


class Step(Model):
    id: Slug
    situation: NonEmpty
    vitals: Vitals | None = None
    # Counted by the scenario checks (2 to 4), which give the FILE:LINE of the step.
    choices: list[Choice] = Field(default_factory=list)


class Ending(Model):
    id: Slug
    # rating, debrief and sections are required of content; the scenario checks report each
    # one missing with what to write, at the ending's line.
    rating: Literal["safe", "acceptable", "unsafe"] | None = None
    title: NonEmpty
    debrief: str = ""
    sections: list[Slug] = Field(default_factory=list, description="ids of sections of the module that teach the point")

    @property
    def rating_words(self) -> str:
        return RATING_WORDS.get(self.rating or "", "Not rated")


class BranchingScenario(Model):
    """A branching practice scenario (modules/scenarios/<id>.yaml): steps with choices that
    lead to other steps or to rated endings."""

    id: Slug
    title: NonEmpty
    module: Slug
    tracks: list[Slug] = Field(min_length=1)
    summary: NonEmpty
    estimated_minutes: WholeNumber = Field(ge=1, le=120)
    start: Slug
    steps: list[Step] = Field(min_length=1)
    endings: list[Ending] = Field(min_length=1)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def ending(self, ending_id: str) -> Ending | None:
        return next((e for e in self.endings if e.id == ending_id), None)

    def visible_to(self, track: str | None) -> bool:
        return track is None or track in self.tracks

    def walk(self, path: list[str] | tuple[str, ...]) -> tuple[Step | None, Ending | None, list[tuple[Step, Choice]]]:
        """Follow choice ids from the start: (the step reached or None, the ending reached or
        None, the (step, choice) pairs taken). Stops at the first id that is not a choice there."""
        taken: list[tuple[Step, Choice]] = []
        here = self.step(self.start)
        for choice_id in path:
            if here is None:
                break
            choice = next((c for c in here.choices if c.id == choice_id), None)
            if choice is None:
                break
            taken.append((here, choice))
            ending = self.ending(choice.next)
            if ending is not None:
                return None, ending, taken
            here = self.step(choice.next)
        return here, None, taken

    def paths(self) -> list[list[str]]:
        """Every path from the start to an ending, as choice ids (a step is never revisited)."""
        out: list[list[str]] = []

        def go(step: Step, path: list[str], seen: frozenset[str]) -> None:
            for c in step.choices:
                if self.ending(c.next) is not None:
                    out.append([*path, c.id])
                elif (nxt := self.step(c.next)) is not None and nxt.id not in seen:
                    go(nxt, [*path, c.id], seen | {nxt.id})

        first = self.step(self.start)
        if first is not None:
            go(first, [], frozenset({first.id}))
        return out


# --------------------------------------------------------------------------- the whole course


class Course(Model):
    """The validated course: settings plus every module and quiz, in course order."""

    settings: CourseSettings
    modules: tuple[Module, ...]
    quizzes: dict[str, Quiz]
    surveys: dict[str, Survey]
    scenarios: dict[str, BranchingScenario] = Field(default_factory=dict)

    def module_scenarios(self, module_id: str, track: str | None = None) -> list[BranchingScenario]:
        """The scenarios shown in a module to `track` (all tracks when None), in id order."""
        return [s for s in self.scenarios.values() if s.module == module_id and s.visible_to(track)]

    def module(self, module_id: str) -> Module:
        for m in self.modules:
            if m.id == module_id:
                return m
        raise KeyError(module_id)

    def track(self, track_id: str) -> Track:
        for t in self.settings.tracks:
            if t.id == track_id:
                return t
        raise KeyError(track_id)

    def track_modules(self, track_id: str) -> list[Module]:
        return [self.module(m) for m in self.track(track_id).modules]
