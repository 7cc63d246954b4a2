"""The course theme (.streamlit/config.toml): readable colours, fonts the app serves itself."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from course.ui.web import content_security_policy

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
THEME = CONFIG["theme"]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_values():
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert round(contrast("#767676", "#FFFFFF"), 1) == 4.5


@pytest.mark.parametrize("where", ["theme", "theme.sidebar"])
def test_every_text_colour_keeps_4_5_to_1_on_every_background(where):
    theme = THEME if where == "theme" else {**THEME, **THEME["sidebar"]}
    backgrounds = [theme["backgroundColor"], theme["secondaryBackgroundColor"]]
    texts = [theme["textColor"], theme["linkColor"], theme["primaryColor"]]
    too_light = [(t, b, round(contrast(t, b), 2)) for t in texts for b in backgrounds if contrast(t, b) < 4.5]
    assert not too_light, f"text below 4.5:1 in [{where}]: {too_light}"


def test_white_button_text_on_the_primary_colour_and_field_borders_are_readable():
    assert contrast("#FFFFFF", THEME["primaryColor"]) >= 4.5
    assert contrast(THEME["borderColor"], THEME["backgroundColor"]) >= 3  # WCAG 1.4.11


def test_every_font_is_served_by_the_app_with_its_licence_beside_it():
    assert CONFIG["server"]["enableStaticServing"] is True
    faces = THEME["fontFaces"]
    families = {f["family"] for f in faces}
    assert THEME["font"].split(",")[0].strip() in families
    for face in faces:
        url = face["url"]
        assert url.startswith("app/static/"), f"{url}: a font from another site is an external request"
        assert (ROOT / "static" / url.removeprefix("app/static/")).is_file(), f"{url} is missing"
    assert "SIL Open Font License" in (ROOT / "static" / "fonts" / "OFL.txt").read_text(encoding="utf-8")


def test_the_config_names_no_other_site_and_the_policy_lets_the_fonts_load():
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert not re.search(r"https?://", text.split("[[theme.fontFaces]]", 1)[1])
    font_src = next(d for d in content_security_policy("'self'").split(";") if d.strip().startswith("font-src"))
    assert "'self'" in font_src.split()
