"""Model presets and the rules that turn an artist's duration and size into valid values.

Pure Python (no torch, no Django), so the web process can validate and show exact values.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DURATION_S = 10
MIN_DURATION_S = 1
RESOLUTIONS: tuple[tuple[int, int], ...] = ((1024, 768), (768, 512), (720, 480), (512, 512), (512, 768))
MAX_WIDTH, MAX_HEIGHT = 1024, 768
#: What a job records as its source when the pipeline is built in code (the tiny preset).
BUILTIN_SOURCE = "built-in tiny pipeline"
#: libx264's presets, fastest first (RENDER_X264_PRESET and a preset's `x264_preset` name one of them).
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


class PresetRuleError(ValueError):
    """An impossible duration or size for a preset; `errors` maps a field to a message naming the rule."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class RenderPlan:
    """The exact values a render will use."""

    width: int
    height: int
    num_frames: int
    fps: int

    @property
    def seconds(self) -> float:
        return round(self.num_frames / self.fps, 2)


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
    dtype: str = "bfloat16"  # on GPU; CPU always runs float32
    revision: str = "main"
    sizes: tuple[tuple[int, int], ...] = ()  # when set, the only sizes the model renders
    max_frames: int = 0  # 0: no limit beyond MAX_DURATION_S
    x264_preset: str = "veryfast"  # how hard libx264 works on this preset's clips (RENDER_X264_PRESET overrides)
    image_pipeline_class: str = ""  # diffusers class of its image-to-video pipeline; empty = no image-to-video

    @property
    def frame_rule(self) -> str:
        return f"{self.frame_multiple}k+1 frames"

    def num_frames(self, duration_s: int) -> int:
        """Frames for `duration_s` seconds: duration x fps, rounded up to the k*m+1 rule."""
        wanted = duration_s * self.fps
        k = -(-wanted // self.frame_multiple)
        return k * self.frame_multiple + 1

    def durations(self) -> list[int]:
        """Every whole-second duration this preset can render."""
        return [
            d
            for d in range(MIN_DURATION_S, MAX_DURATION_S + 1)
            if not self.max_frames or self.num_frames(d) <= self.max_frames
        ]

    def frame_errors(self, duration_s: int) -> list[str]:
        """Why `duration_s` is impossible for this preset; empty when it is fine."""
        if not MIN_DURATION_S <= duration_s <= MAX_DURATION_S:
            return [f"Duration must be {MIN_DURATION_S} to {MAX_DURATION_S} seconds."]
        if self.max_frames and self.num_frames(duration_s) > self.max_frames:
            longest = max(self.durations(), default=0)
            return [
                f"{self.label} renders at most {self.max_frames} frames ({self.frame_rule} at {self.fps} fps): "
                f"{duration_s} s would need {self.num_frames(duration_s)}; the longest clip is {longest} s."
            ]
        return []

    def size_errors(self, width: int, height: int) -> list[str]:
        """Why (width, height) is impossible for this preset; empty when it is fine."""
        errors = []
        if self.sizes and (width, height) not in self.sizes:
            allowed = ", ".join(f"{w}x{h}" for w, h in self.sizes)
            errors.append(f"{self.label} renders only at {allowed}.")
        elif width % self.size_multiple or height % self.size_multiple:
            errors.append(f"{self.label} needs width and height that are multiples of {self.size_multiple}.")
        if width > MAX_WIDTH or height > MAX_HEIGHT:
            errors.append(f"The largest size is {MAX_WIDTH}x{MAX_HEIGHT}.")
        if width <= 0 or height <= 0:
            errors.append("Width and height must be positive.")
        return errors

    def resolutions(self) -> list[tuple[int, int]]:
        """The offered resolutions this preset can render."""
        return [(w, h) for w, h in RESOLUTIONS if not self.size_errors(w, h)]

    def plan(self, *, duration_s: int, width: int, height: int) -> RenderPlan:
        """The exact frames and size for a request; PresetRuleError naming the rule when impossible."""
        errors = {}
        if frame_errors := self.frame_errors(duration_s):
            errors["duration_s"] = " ".join(frame_errors)
        if size_errors := self.size_errors(width, height):
            errors["width"] = " ".join(size_errors)
        if errors:
            raise PresetRuleError(errors)
        return RenderPlan(width=width, height=height, num_frames=self.num_frames(duration_s), fps=self.fps)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        # Random weights draw noise, which no x264 preset compresses much (veryfast: 24% smaller than
        # ultrafast for 4x the CPU, bench/encode_options.py): the demo and test pipeline encodes fast.
        Preset(
            "tiny",
            "Tiny (offline, random weights)",
            "LTXPipeline",
            "",
            32,
            8,
            24,
            8,
            3.0,
            128,
            "float32",
            revision="tiny-v1",
            x264_preset="ultrafast",
            image_pipeline_class="LTXImageToVideoPipeline",
        ),
        Preset(
            "ltx-video",
            "LTX-Video",
            "LTXPipeline",
            "Lightricks/LTX-Video",
            32,
            8,
            24,
            40,
            3.0,
            128,
            image_pipeline_class="LTXImageToVideoPipeline",
        ),
        Preset(
            "wan2.1-t2v-1.3b",
            "Wan 2.1 T2V 1.3B",
            "WanPipeline",
            "Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
            16,
            4,
            16,
            40,
            5.0,
            512,
            image_pipeline_class="WanImageToVideoPipeline",
        ),
        Preset(
            "cogvideox-2b",
            "CogVideoX 2B",
            "CogVideoXPipeline",
            "THUDM/CogVideoX-2b",
            16,
            8,
            8,
            50,
            6.0,
            226,
            "float16",
            sizes=((720, 480),),
            max_frames=49,
            image_pipeline_class="CogVideoXImageToVideoPipeline",
        ),
        Preset(
            "cogvideox-5b",
            "CogVideoX 5B",
            "CogVideoXPipeline",
            "THUDM/CogVideoX-5b",
            16,
            8,
            8,
            50,
            6.0,
            226,
            sizes=((720, 480),),
            max_frames=49,
            image_pipeline_class="CogVideoXImageToVideoPipeline",
        ),
    )
}
DEFAULT_PRESET = "tiny"


def get_preset(key: str) -> Preset:
    """The registry entry for `key`; ValueError naming the known presets otherwise."""
    try:
        return PRESETS[key]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown preset {key!r}; choose one of {', '.join(PRESETS)}.") from None


def preset_choices() -> list[tuple[str, str]]:
    """(key, label) for every registered preset (model and form choices)."""
    return [(p.key, p.label) for p in PRESETS.values()]
