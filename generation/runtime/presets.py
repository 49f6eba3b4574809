"""Model presets and the rules that turn an artist's duration and size into valid values.

Pure Python (no torch, no Django), so the web process can validate and show exact values.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DURATION_S = 10
MIN_DURATION_S = 1
RESOLUTIONS: tuple[tuple[int, int], ...] = ((1024, 768), (768, 512), (512, 512), (512, 768))
MAX_WIDTH, MAX_HEIGHT = 1024, 768


@dataclass(frozen=True)
class Preset:
    """What a worker needs to build or load a pipeline, and the rules its outputs follow."""

    key: str
    label: str
    pipeline_class: str
    source: str  # hub id or local folder; empty for the pipeline built in code
    size_multiple: int
    frame_multiple: int  # frames = frame_multiple * k + 1
    fps: int
    steps: int
    guidance: float
    max_sequence_length: int
    dtype: str = "bfloat16"

    def num_frames(self, duration_s: int) -> int:
        """Frames for `duration_s` seconds: duration x fps, rounded up to the k*m+1 rule."""
        wanted = duration_s * self.fps
        k = -(-wanted // self.frame_multiple)
        return k * self.frame_multiple + 1

    def size_errors(self, width: int, height: int) -> list[str]:
        """Why (width, height) is impossible for this preset; empty when it is fine."""
        errors = []
        if width % self.size_multiple or height % self.size_multiple:
            errors.append(f"{self.label} needs width and height that are multiples of {self.size_multiple}.")
        if width > MAX_WIDTH or height > MAX_HEIGHT:
            errors.append(f"The largest size is {MAX_WIDTH}x{MAX_HEIGHT}.")
        return errors


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset("tiny", "Tiny (offline, random weights)", "LTXPipeline", "", 32, 8, 24, 8, 3.0, 128, "float32"),
        Preset("ltx-video", "LTX-Video", "LTXPipeline", "Lightricks/LTX-Video", 32, 8, 24, 40, 3.0, 128),
        Preset("wan2.1-t2v-1.3b", "Wan 2.1 T2V 1.3B", "WanPipeline", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", 16, 4, 16, 40, 5.0, 512),
    )
}
DEFAULT_PRESET = "tiny"


def get_preset(key: str) -> Preset:
    try:
        return PRESETS[key]
    except KeyError:
        raise ValueError(f"Unknown preset {key!r}; choose one of {', '.join(PRESETS)}.") from None
