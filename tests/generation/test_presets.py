"""Every preset's frame and size rules, checked over the whole input space with hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generation.runtime.presets import (
    MAX_DURATION_S,
    MIN_DURATION_S,
    PRESETS,
    RESOLUTIONS,
    PresetRuleError,
    get_preset,
)

preset_keys = st.sampled_from(sorted(PRESETS))
durations = st.integers(min_value=-5, max_value=20)
sides = st.integers(min_value=-64, max_value=2048)


def test_registry_has_the_shipped_presets_with_their_native_rules():
    assert set(PRESETS) == {
        "tiny",
        "ltx-video",
        "wan2.1-t2v-1.3b",
        "cogvideox-2b",
        "cogvideox-5b",
        "wan2.2-ti2v-5b",
        "ltx-video-0.9.7-distilled",
        "hunyuanvideo-1.5-480p",
    }
    rules = {k: (p.size_multiple, p.frame_multiple, p.fps, p.pipeline_class) for k, p in PRESETS.items()}
    assert rules["ltx-video"] == (32, 8, 24, "LTXPipeline")
    assert rules["wan2.1-t2v-1.3b"] == (16, 4, 16, "WanPipeline")
    assert rules["cogvideox-2b"][1:] == rules["cogvideox-5b"][1:] == (8, 8, "CogVideoXPipeline")
    assert PRESETS["cogvideox-2b"].sizes == ((720, 480),)
    assert PRESETS["ltx-video"].source == "Lightricks/LTX-Video"
    assert PRESETS["wan2.1-t2v-1.3b"].source == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
    assert PRESETS["cogvideox-5b"].source == "THUDM/CogVideoX-5b"
    assert PRESETS["tiny"].source == ""  # built in code


@given(key=preset_keys, duration=durations, width=sides, height=sides)
@settings(max_examples=600, deadline=None)
def test_plan_is_valid_and_minimal_or_an_error_naming_the_rule(key, duration, width, height):
    preset = PRESETS[key]
    try:
        plan = preset.plan(duration_s=duration, width=width, height=height)
    except PresetRuleError as exc:
        message = str(exc)
        bad_size = (
            width % preset.size_multiple
            or height % preset.size_multiple
            or width <= 0
            or height <= 0
            or width > 1024
            or height > 768
            or (preset.sizes and (width, height) not in preset.sizes)
        )
        bad_duration = not MIN_DURATION_S <= duration <= MAX_DURATION_S or (
            preset.max_frames and preset.num_frames(duration) > preset.max_frames
        )
        assert bad_size or bad_duration
        if bad_size:
            assert set(exc.errors) >= {"width"}
            if preset.sizes:
                assert "renders only at 720x480" in message or "largest size" in message or "positive" in message
            elif width % preset.size_multiple or height % preset.size_multiple:
                assert f"multiples of {preset.size_multiple}" in message
        if bad_duration:
            assert "duration_s" in exc.errors
            if MIN_DURATION_S <= duration <= MAX_DURATION_S:
                assert f"{preset.frame_multiple}k+1 frames" in message and str(preset.max_frames) in message
        return
    assert (plan.width, plan.height) == (width, height)
    assert width % preset.size_multiple == 0 and height % preset.size_multiple == 0
    assert 0 < width <= 1024 and 0 < height <= 768
    assert (plan.num_frames - 1) % preset.frame_multiple == 0  # the k*m+1 rule
    assert plan.num_frames >= duration * preset.fps + 1 > plan.num_frames - preset.frame_multiple  # smallest such
    assert plan.fps == preset.fps and plan.seconds >= duration
    if preset.max_frames:
        assert plan.num_frames <= preset.max_frames
    if preset.sizes:
        assert (width, height) in preset.sizes


@given(key=preset_keys)
def test_offered_resolutions_and_durations_all_plan(key):
    preset = PRESETS[key]
    assert preset.resolutions() and preset.durations()
    for width, height in preset.resolutions():
        for duration in preset.durations():
            preset.plan(duration_s=duration, width=width, height=height)


@pytest.mark.parametrize(
    ("key", "duration", "frames"),
    [
        ("tiny", 1, 25),
        ("tiny", 2, 49),
        ("ltx-video", 5, 121),
        ("ltx-video", 10, 241),
        ("wan2.1-t2v-1.3b", 5, 81),
        ("wan2.1-t2v-1.3b", 2, 33),
        ("cogvideox-2b", 6, 49),
        ("cogvideox-5b", 1, 9),
    ],
)
def test_known_frame_counts(key, duration, frames):
    assert get_preset(key).num_frames(duration) == frames


def test_impossible_combinations_name_the_rule():
    with pytest.raises(
        PresetRuleError, match=r"renders at most 49 frames \(8k\+1 frames at 8 fps\).*longest clip is 6 s"
    ):
        get_preset("cogvideox-5b").plan(duration_s=7, width=720, height=480)
    with pytest.raises(PresetRuleError, match="renders only at 720x480"):
        get_preset("cogvideox-2b").plan(duration_s=2, width=512, height=512)
    with pytest.raises(PresetRuleError, match="multiples of 32"):
        get_preset("ltx-video").plan(duration_s=2, width=720, height=480)
    assert get_preset("wan2.1-t2v-1.3b").plan(duration_s=2, width=720, height=480).num_frames == 33
    assert (720, 480) in RESOLUTIONS


def test_unknown_preset_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown preset 'sora'; choose one of tiny, ltx-video"):
        get_preset("sora")
