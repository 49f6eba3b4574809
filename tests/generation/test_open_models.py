"""Each current open model the shipped presets file names, built with random weights from its small shipped
config (no download) and rendered through the engine: frames of the preset's rules come out."""

from __future__ import annotations

import numpy as np
import pytest

from generation.runtime.engine import Engine, RenderRequest
from generation.runtime.presets import get_preset
from generation.runtime.random_weights import SMALL_RANDOM_SOURCE

OPEN_MODELS = ["wan2.2-ti2v-5b", "ltx-video-0.9.7-distilled", "hunyuanvideo-1.5-480p"]


@pytest.mark.parametrize("key", OPEN_MODELS)
def test_an_open_model_renders_a_few_frames_from_its_small_config(key):
    preset = get_preset(key)
    width, height = preset.size_multiple * 3, preset.size_multiple * 2
    num_frames = preset.frame_multiple + 1
    assert not preset.size_errors(width, height) and (num_frames - 1) % preset.frame_multiple == 0
    request = RenderRequest(
        prompt="a lighthouse in a storm",
        negative_prompt="blurry",
        width=width,
        height=height,
        num_frames=num_frames,
        steps=2,
        guidance=preset.guidance,
        seed=3,
        preset=key,
        model=SMALL_RANDOM_SOURCE,
    )
    engine = Engine()
    steps: list[int] = []
    video = engine.render(request, on_step=lambda step, total: steps.append(step) and False)
    frames = list(video.frames())
    assert type(engine.pipeline(request)).__name__ == preset.pipeline_class
    assert len(frames) == num_frames and frames[0].shape == (height, width, 3) and frames[0].dtype == np.uint8
    assert steps == [0, 1, 2]  # progress after each step: a cancel stops it within one
    assert np.std(np.stack(frames)) > 0  # random weights draw noise, not a blank clip
    again = list(engine.render(request).frames())
    assert all((a == b).all() for a, b in zip(frames, again, strict=True))  # the seed decides


def test_every_open_model_of_the_shipped_file_has_a_small_config():
    from generation.runtime.presets import PRESETS
    from generation.runtime.random_weights import SMALL_CONFIG_ROOT

    builtin = {"tiny", "ltx-video", "wan2.1-t2v-1.3b", "cogvideox-2b", "cogvideox-5b"}
    assert sorted(set(PRESETS) - builtin) == sorted(OPEN_MODELS)
    assert all((SMALL_CONFIG_ROOT / key / "model_index.json").is_file() for key in OPEN_MODELS)
