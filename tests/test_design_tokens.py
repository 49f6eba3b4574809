"""The stylesheet's colour tokens meet WCAG 2.1 AA in the light and the dark theme: 4.5:1 for text on the
backgrounds it is set on, 3:1 for the borders of controls and the focus ring (static/css/app.css)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "app.css").read_text(encoding="utf-8")
TOKEN = re.compile(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;")

TEXT = 4.5
UI = 3.0
# (foreground, background, minimum): every pairing the stylesheet uses.
PAIRS = [
    ("ink", "paper", TEXT),
    ("ink", "surface", TEXT),
    ("ink", "surface-2", TEXT),
    ("muted", "paper", TEXT),
    ("muted", "surface", TEXT),
    ("muted", "surface-2", TEXT),
    ("muted", "notice-bg", TEXT),
    ("muted", "overdue-bg", TEXT),
    ("accent", "paper", TEXT),
    ("accent", "surface", TEXT),
    ("accent", "surface-2", TEXT),
    ("accent", "accent-soft", TEXT),
    ("accent-hover", "paper", TEXT),
    ("on-accent", "accent", TEXT),
    ("on-accent", "accent-hover", TEXT),
    ("on-danger", "danger", TEXT),
    ("on-danger", "danger-hover", TEXT),
    ("bad", "paper", TEXT),
    ("bad", "surface", TEXT),
    ("bad", "msg-bad-bg", TEXT),
    ("ok", "ok-bg", TEXT),
    ("bad", "bad-bg", TEXT),
    ("warn", "warn-bg", TEXT),
    ("info", "info-bg", TEXT),
    ("neutral", "neutral-bg", TEXT),
    ("ink", "msg-ok-bg", TEXT),
    ("ink", "msg-bad-bg", TEXT),
    ("ink", "notice-bg", TEXT),
    ("ink", "highlight", TEXT),
    ("ink", "overdue-bg", TEXT),
    ("control", "surface", UI),
    ("control", "paper", UI),
    ("focus", "paper", UI),
    ("focus", "surface", UI),
]


def _tokens(block: str) -> dict[str, str]:
    return dict(TOKEN.findall(block))


def themes() -> dict[str, dict[str, str]]:
    light = _tokens(CSS.split("@media (prefers-color-scheme: dark)")[0].split(":root {", 1)[1].split("}", 1)[0])
    dark_block = CSS.split("@media (prefers-color-scheme: dark)", 1)[1].split(":root {", 1)[1].split("}", 1)[0]
    return {"light": light, "dark": {**light, **_tokens(dark_block)}}


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white


def test_the_dark_theme_redefines_every_colour():
    light, dark = themes()["light"], _tokens(CSS.split("@media (prefers-color-scheme: dark)", 1)[1].split("}", 1)[0])
    assert len(light) >= 30 and set(dark) == set(light)
    assert luminance(dark["paper"]) < 0.05 < luminance(light["paper"])


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS, ids=[f"{f}-on-{b}" for f, b, _ in PAIRS])
def test_colour_pairs_meet_aa(theme, foreground, background, minimum):
    colours = themes()[theme]
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= minimum, f"{theme}: --{foreground} on --{background} is {ratio:.2f}:1, below {minimum}:1"
