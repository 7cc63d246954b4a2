"""The building blocks every content model shares: the frozen, strict pydantic base and the
id and text field types.

Apart from `course.schema` so that `course.questions` (one module per question type, each
holding its own model) can build on them without importing `course.schema`, which imports the
question types: the dependency runs one way.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

# Ids are stable slugs: learner records refer to content by these strings, never by position.
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG, min_length=1, max_length=64)]
NonEmpty = Annotated[str, Field(min_length=1)]

# A whole number as written: YAML's true/false are not 1/0 (lax int would take them).
WholeNumber = Annotated[int, Strict()]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
