"""Validate one module and its quiz on their own, before the course lists them.

Usage: python scripts/check_module.py modules/NN-slug.yaml quizzes/slug.yaml

Builds a throwaway course holding only these two files (both tracks list just this module)
and runs the same checks as `python -m course validate`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.loader import CourseError, Problem, load_course  # noqa: E402


def main(module_file: str, quiz_file: str) -> int:
    module_id = yaml.safe_load(Path(module_file).read_text(encoding="utf-8"))["id"]
    settings = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))
    settings["modules"] = [module_id]
    for track in settings["tracks"]:
        track["modules"] = [module_id]
    for key in ("pre_test", "post_test", "attitude_survey"):
        settings.pop(key, None)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "modules").mkdir()
        (root / "quizzes").mkdir()
        (root / "modules" / "course.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
        shutil.copy(module_file, root / "modules" / Path(module_file).name)
        shutil.copy(quiz_file, root / "quizzes" / Path(quiz_file).name)
        warnings: list[Problem] = []
        try:
            course = load_course(root, today=date.today(), warnings=warnings)
        except CourseError as exc:
            for p in exc.problems:
                print(p)
            for w in warnings:
                print(f"warning: {w}")
            return 1
        for w in warnings:
            print(f"warning: {w}")
    m = course.modules[0]
    print(f"ok: {m.id}: {len(m.sections)} sections, {len(course.quizzes[m.quiz].items())} questions")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
