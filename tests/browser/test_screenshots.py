"""scripts/screenshots.py, which makes the README's pictures, still runs against the app."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from PIL import Image

from tests.browser.conftest import TRAINER_PASSCODE

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def load_script():
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while being defined
    spec.loader.exec_module(module)
    return module


def test_the_screenshot_script_draws_the_readme_pictures_from_the_running_app(browser, course_server, tmp_path):
    script = load_script()
    names = {"about", "projector-results", "presenter"}
    written = script.take(
        tmp_path, names, url=course_server.url, db_url=course_server.db_url, passcode=TRAINER_PASSCODE, browser=browser
    )
    assert {p.stem for p in written} == names
    for path in written:
        with Image.open(path) as image:
            assert image.mode == "P", f"{path.name}: saved as a 256-colour palette image"
            assert image.width in (1280, 390)
            # Not a blank page: a real screen has many colours even after reducing it to 256.
            assert len(image.getcolors(256) or []) > 8, f"{path.name} looks blank"
    readme = (SCRIPT.parents[1] / "README.md").read_text(encoding="utf-8")
    for name in ("about", "projector-results", "presenter"):
        assert f"docs/screenshots/{name}.png" in readme, f"the README shows {name}.png"
