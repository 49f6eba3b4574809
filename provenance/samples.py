"""Natural-looking test frames drawn in code (for the watermark bench and tests): a gradient, shapes that
drift, a line of text. The tiny preset's noise frames are the hardest case for a watermark; these are the
ordinary one. Numpy and Pillow only."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw


def natural_frames(seed: int, *, width: int = 320, height: int = 240, count: int = 24) -> list[np.ndarray]:
    """Frames whose content moves: a gradient, a few filled shapes drifting, a line of text."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width]
    t = (xs / width * rng.uniform(0.3, 1.0) + ys / height * rng.uniform(0.0, 0.7))[..., None]
    base = (rng.uniform(0, 255, 3) * (1 - t) + rng.uniform(0, 255, 3) * t).astype(np.uint8)
    shapes = [
        (
            rng.uniform(0, width),
            rng.uniform(0, height),
            rng.uniform(10, width / 5),
            tuple(int(v) for v in rng.integers(0, 256, 3)),
            rng.uniform(-5, 5, 2),
        )
        for _ in range(6)
    ]
    frames = []
    for i in range(count):
        image = Image.fromarray(base)
        draw = ImageDraw.Draw(image)
        for x, y, r, colour, (vx, vy) in shapes[:3]:
            draw.ellipse([x + vx * i - r, y + vy * i - r, x + vx * i + r, y + vy * i + r], fill=colour)
        for x, y, r, colour, (vx, vy) in shapes[3:]:
            draw.rectangle([x + vx * i - r, y + vy * i - r, x + vx * i + r, y + vy * i + r], fill=colour)
        draw.text((10 + 2 * i, 10), f"frame {i}: the quick brown fox", fill=(255, 255, 255))
        frames.append(np.asarray(image))
    return frames
