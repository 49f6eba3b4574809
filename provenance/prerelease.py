"""The visible pre-release mark: which clips get it (PROVENANCE_PRERELEASE_MARK) and the badge itself.

The badge is a small semi-transparent rounded box in the bottom-right corner of each frame, with the
setting's text and, optionally, the artist's credit, drawn with Pillow. It is drawn only into the copy of
a clip that leaves the portal (provenance.marked); the stored clip, which the portal plays, never has it.
Plain Pillow and numpy: no Django models, no PyAV.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image, ImageDraw, ImageFont

from generation.runtime.presets import get_preset

if TYPE_CHECKING:  # numpy is the render worker's (the badge is drawn there); the web tier reads the settings
    import numpy as np

#: Changes whenever the badge's look changes, so copies made before are made again.
BADGE_STYLE = "corner-1"
MAX_TEXT = 40
_KEYS = {"default", "presets", "text", "credit"}
_SETTING = "PROVENANCE_PRERELEASE_MARK"


@dataclass(frozen=True)
class MarkSettings:
    default: bool
    presets: dict[str, bool]
    text: str
    credit: bool


def mark_settings() -> MarkSettings:
    """The setting, checked: ImproperlyConfigured naming what is wrong with it."""
    value: Any = getattr(settings, _SETTING, None)
    if value is None:
        return MarkSettings(default=False, presets={}, text="PRE-RELEASE", credit=False)
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{_SETTING} must be a dict with the keys {sorted(_KEYS)}, not {value!r}.")
    unknown = set(value) - _KEYS
    if unknown:
        raise ImproperlyConfigured(f"{_SETTING} has unknown keys {sorted(unknown)}; it takes {sorted(_KEYS)}.")
    default, presets = value.get("default", False), value.get("presets", {})
    text, credit = value.get("text", "PRE-RELEASE"), value.get("credit", False)
    if not isinstance(default, bool) or not isinstance(credit, bool):
        raise ImproperlyConfigured(f"{_SETTING}['default'] and ['credit'] must be True or False.")
    if not isinstance(presets, dict) or not all(isinstance(v, bool) for v in presets.values()):
        raise ImproperlyConfigured(f"{_SETTING}['presets'] must map preset keys to True or False, not {presets!r}.")
    for key in presets:
        try:
            get_preset(str(key))
        except ValueError:
            raise ImproperlyConfigured(f"{_SETTING}['presets'] names {key!r}, which is no preset.") from None
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT or not text.isprintable():
        raise ImproperlyConfigured(f"{_SETTING}['text'] must be printable text of 1 to {MAX_TEXT} characters.")
    return MarkSettings(default=default, presets=dict(presets), text=text.strip(), credit=credit)


def mark_applies(preset: str) -> bool:
    """Whether clips of this preset leave the portal with the visible mark."""
    config = mark_settings()
    return config.presets.get(preset, config.default)


def badge_text(*, credit: str) -> str:
    """The badge's words: the setting's text, then the artist's credit when the setting asks for it."""
    config = mark_settings()
    return f"{config.text} · {credit}" if config.credit and credit else config.text


def fingerprint(*, text: str) -> str:
    """What a marked copy depends on: its text and the badge's style (a copy is made again when either changes)."""
    return hashlib.sha256(json.dumps({"text": text, "style": BADGE_STYLE}).encode()).hexdigest()


def badge_box(width: int, height: int, *, text: str) -> tuple[int, int, int, int]:
    """The badge's rectangle (left, top, right, bottom) in a frame of this size."""
    font = _font(height)
    left, top, right, bottom = font.getbbox(text)
    pad = max(3, font.size // 3)
    margin = max(2, min(width, height) // 40)
    box_w = min(width - 2 * margin, right - left + 2 * pad)
    box_h = bottom - top + 2 * pad
    return width - margin - box_w, height - margin - box_h, width - margin, height - margin


def _font(height: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=max(8, height // 22))  # type: ignore[return-value]


class Badge:
    """Draws one text's badge into frames of one size (the overlay is made once, then blended)."""

    def __init__(self, *, text: str, width: int, height: int) -> None:
        self.box = badge_box(width, height, text=text)
        left, top, right, bottom = self.box
        overlay = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        font = _font(height)
        draw.rounded_rectangle(
            (0, 0, right - left - 1, bottom - top - 1), radius=max(2, font.size // 3), fill=(0, 0, 0, 140)
        )
        t_left, t_top, _r, _b = font.getbbox(text)
        pad = max(3, font.size // 3)
        draw.text((pad - t_left, pad - t_top), text, font=font, fill=(255, 255, 255, 215))
        import numpy as np

        rgba = np.asarray(overlay, dtype=np.float32)
        self._alpha = rgba[..., 3:] / 255.0
        self._colour = rgba[..., :3]

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """The frame with the badge blended in (a new array; the rest of the frame unchanged)."""
        import numpy as np

        left, top, right, bottom = self.box
        out = np.array(frame, dtype=np.uint8, copy=True)
        region = out[top:bottom, left:right].astype(np.float32)
        out[top:bottom, left:right] = np.clip(
            region * (1 - self._alpha) + self._colour * self._alpha + 0.5, 0, 255
        ).astype(np.uint8)
        return out


class LazyBadge:
    """A Badge made on the first frame (when the size is known)."""

    def __init__(self, *, text: str) -> None:
        self.text = text
        self.badge: Badge | None = None

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if self.badge is None:
            self.badge = Badge(text=self.text, width=frame.shape[1], height=frame.shape[0])
        return self.badge(frame)
