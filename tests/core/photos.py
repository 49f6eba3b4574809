"""Photo-like images made in code: skies and hills, still lifes, bokeh and textures, with grain, as cameras save them.

Deterministic (one seed per image); `photo_corpus()` returns (name, bytes) pairs of 0.2 to 3 MB in JPEG, PNG and
lossy WebP, the sizes artists attach to feedback. Compressed bytes like these contain every short byte sequence
by chance, which is what a scan of the whole file for markup trips on.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image, ImageDraw

MB = 1_000_000
# format, count, (width, height) choices, encoder options by index
_PLAN = {
    "JPEG": (45, [(1600, 1200), (2048, 1536), (1920, 1080), (2400, 1600), (1200, 1600), (2592, 1944)]),
    "PNG": (30, [(900, 600), (800, 800), (1024, 683), (1200, 800), (700, 933)]),
    "WEBP": (30, [(1280, 960), (1024, 768), (1440, 1080), (2048, 1536)]),
}


@cache
def _grain_tile(sigma: int) -> np.ndarray:
    """Sensor grain: a 512-pixel square of Gaussian noise, tiled over the frame at a random offset."""
    return np.random.default_rng(sigma).normal(0, sigma, (512, 512)).astype(np.int16)


def _smooth_noise(rng: np.random.Generator, w: int, h: int, cells: int) -> np.ndarray:
    """Value noise: a coarse random grid upsampled with bicubic filtering, in -1..1 per channel."""
    grid = rng.uniform(0, 255, (cells, max(2, cells * w // h), 3)).astype(np.uint8)
    up = Image.fromarray(grid).resize((w, h), Image.Resampling.BICUBIC)
    return np.asarray(up, dtype=np.float32) / 127.5 - 1.0


def _scene(rng: np.random.Generator, w: int, h: int) -> Image.Image:
    """Light, texture and shapes at a quarter of the size, enlarged (the softness of a lens), then sensor grain."""
    sw, sh = max(8, w // 4), max(8, h // 4)
    y = np.linspace(0, 1, sh, dtype=np.float32)[:, None, None]
    x = np.linspace(0, 1, sw, dtype=np.float32)[None, :, None]
    top, bottom = rng.uniform(20, 235, 3), rng.uniform(20, 235, 3)
    pixels = top * (1 - y) + bottom * y + rng.uniform(-50, 50, 3) * (x - 0.5)
    for cells, amount in ((4, 40), (16, 22), (64, 14), (160, 8)):
        pixels = pixels + _smooth_noise(rng, sw, sh, cells) * amount * rng.uniform(0.4, 1.4)
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    kind = rng.integers(0, 4)
    if kind == 0:  # hills against a sky
        for layer in range(int(rng.integers(2, 5))):
            xs = np.linspace(0, sw, 24)
            ys = sh * (0.45 + 0.12 * layer) + rng.normal(0, sh * 0.05, xs.size).cumsum() * 0.3
            colour = tuple(int(c) for c in rng.integers(10, 160, 3))
            draw.polygon([(0, sh), *zip(xs.tolist(), ys.tolist(), strict=True), (sw, sh)], fill=colour)
    elif kind == 1:  # a still life of round and square things
        for _ in range(int(rng.integers(4, 10))):
            cx, cy, r = rng.integers(0, sw), rng.integers(sh // 3, sh), int(rng.integers(sw // 20, sw // 5))
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            box = [int(cx - r), int(cy - r * 0.7), int(cx + r), int(cy + r * 0.7)]
            (draw.ellipse if rng.random() < 0.6 else draw.rectangle)(box, fill=colour)
    elif kind == 2:  # bokeh: many soft discs of light
        for _ in range(int(rng.integers(30, 90))):
            cx, cy, r = rng.integers(0, sw), rng.integers(0, sh), int(rng.integers(2, max(3, sw // 15)))
            colour = tuple(int(c) for c in rng.integers(120, 256, 3))
            draw.ellipse([int(cx - r), int(cy - r), int(cx + r), int(cy + r)], fill=colour)
    # kind 3: just the texture (a wall, sand, foliage close up)
    image = image.resize((w, h), Image.Resampling.BILINEAR)
    tile = np.roll(_grain_tile(int(rng.integers(3, 13))), int(rng.integers(0, 512)), axis=1)
    grain = np.tile(tile, (h // 512 + 1, w // 512 + 1))[:h, :w, None]
    return Image.fromarray((np.asarray(image, dtype=np.int16) + grain).clip(0, 255).astype(np.uint8))


def _encode(image: Image.Image, fmt: str, rng: np.random.Generator) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=int(rng.integers(82, 96)), subsampling=int(rng.integers(0, 3)))
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=int(rng.integers(88, 99)), method=0)
    else:
        image.save(out, format="PNG", compress_level=int(rng.integers(1, 4)))
    return out.getvalue()


def photo_corpus() -> list[tuple[str, bytes]]:
    """105 photo-like images (45 JPEG, 30 PNG, 30 WebP) of 0.2 to 3 MB, always the same ones."""
    corpus = []
    for fmt, (count, sizes) in _PLAN.items():
        for index in range(count):
            rng = np.random.default_rng([index, len(fmt)])
            w, h = sizes[index % len(sizes)]
            data = _encode(_scene(rng, w, h), fmt, rng)
            while not 0.2 * MB <= len(data) <= 3 * MB:  # keep within the range: a smaller or larger frame
                w, h = (w * 4 // 5, h * 4 // 5) if len(data) > 3 * MB else (w * 5 // 4, h * 5 // 4)
                data = _encode(_scene(rng, w, h), fmt, rng)
            corpus.append((f"photo-{index:03}.{fmt.lower()}", data))
    return corpus
