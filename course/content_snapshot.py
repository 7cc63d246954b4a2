"""The last course content that validated, kept so that a typo does not take the course
offline (issue 18, defect 9).

Each time the content validates, its YAML files (`modules/*.yaml`, `quizzes/*.yaml`) are
copied to `data/last-good-content/` under the content folder. In production
(`COURSE_ENV=production`, the default), content that does not validate is not served:
the app keeps serving the copy, and shows the problems to trainers. In development
(`COURSE_ENV=development`) the problems page is shown to everyone, as an author wants.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from course.loader import CourseError, default_root, load_course
from course.schema import Course

ENV_SETTING = "COURSE_ENV"
ENVIRONMENTS = ("production", "development")
FOLDERS = ("modules", "quizzes")
_log = logging.getLogger(__name__)


def environment(value: str | None) -> str:
    """ "production" (the default) or "development"; raises ValueError for anything else."""
    value = (value or "production").strip().lower()
    if value not in ENVIRONMENTS:
        raise ValueError(f"{value!r} is not one of {', '.join(ENVIRONMENTS)}")
    return value


def snapshot_dir(root: Path | str | None) -> Path:
    return (Path(root) if root else default_root()) / "data" / "last-good-content"


def save(root: Path | str | None) -> bool:
    """Copy the content under `root` (just validated) to its snapshot folder: written aside,
    then swapped in, so a reader never sees half a copy. False (logged) if it cannot be."""
    source = Path(root) if root else default_root()
    target = snapshot_dir(root)
    fresh = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=".last-good-", dir=target.parent))
        for folder in FOLDERS:
            (fresh / folder).mkdir()
            for path in sorted((source / folder).glob("*.yaml")):
                shutil.copy2(path, fresh / folder / path.name)
        old = target.with_name(f".old-{os.getpid()}")
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        return True
    except OSError as exc:
        # Another server swapping its copy in at the same moment is the usual reason: theirs
        # is the same content.
        _log.warning("cannot keep a copy of the validated content in %s (%s)", target, exc)
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        return False


def last_good(root: Path | str | None) -> Course | None:
    """The course from the snapshot folder, or None if there is none (or it fails too)."""
    folder = snapshot_dir(root)
    if not (folder / "modules" / "course.yaml").is_file():
        return None
    try:
        return load_course(folder)
    except CourseError:
        return None
