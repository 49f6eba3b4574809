"""A model that is not a diffusers pipeline, as a site plugs its own in: a function a presets file names
(`callable = "tests.generation.custom_model:render_stripes"`). It draws moving stripes from the seed."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from generation.runtime.custom import ModelRequest


def render_stripes(request: ModelRequest) -> Iterator[np.ndarray]:
    """`steps` steps of "denoising", then the frames in chunks of four, each a band of the seed's colour."""
    rng = np.random.default_rng(request.seed)
    colour = rng.integers(40, 216, size=3, dtype=np.uint8)
    for step in range(1, request.steps + 1):
        request.progress(step)
    for start in range(0, request.num_frames, 4):
        count = min(4, request.num_frames - start)
        chunk = np.zeros((count, request.height, request.width, 3), dtype=np.uint8)
        for i in range(count):
            band = (start + i) * 4 % request.width
            chunk[i, :, band : band + 8] = colour
        yield chunk


def render_wrong_size(request: ModelRequest) -> Iterator[np.ndarray]:
    """A broken model: frames of half the asked width."""
    yield np.zeros((request.num_frames, request.height, request.width // 2, 3), dtype=np.uint8)
