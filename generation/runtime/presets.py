"""Model presets and the rules that turn an artist's duration and size into valid values.

Pure Python (no torch, no Django), so the web process can validate and show exact values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_DURATION_S = 10
MIN_DURATION_S = 1
RESOLUTIONS: tuple[tuple[int, int], ...] = ((1024, 768), (768, 512), (720, 480), (512, 512), (512, 768))
MAX_WIDTH, MAX_HEIGHT = 1024, 768
#: What a job records as its source when the pipeline is built in code (the tiny preset).
BUILTIN_SOURCE = "built-in tiny pipeline"
#: libx264's presets, fastest first (RENDER_X264_PRESET and a preset's `x264_preset` name one of them).
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
#: How a worker may move a pipeline's weights off the GPU between uses (GPU only).
OFFLOAD_MODES = ("none", "model", "sequential", "group")


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
    """What a worker needs to build or load a model, and the rules its outputs follow (an entry of a presets
    TOML file, generation/runtime/preset_file.py). A preset renders through one backend: a diffusers
    `pipeline_class` loaded from `source`, a `callable` (package.module:function, see runtime/custom.py), or
    an HTTP inference server at `endpoint` (runtime/remote.py)."""

    key: str
    label: str
    pipeline_class: str = ""  # a diffusers class name or a dotted path
    source: str = ""  # hub id or local folder; empty for the pipeline built in code
    size_multiple: int = 16
    frame_multiple: int = 8  # frames = frame_multiple * k + 1
    fps: int = 24
    steps: int = 30
    guidance: float = 5.0
    max_sequence_length: int = 128
    dtype: str = "bfloat16"  # on GPU; CPU always runs float32
    revision: str = "main"
    sizes: tuple[tuple[int, int], ...] = ()  # when set, the only sizes the model renders
    max_frames: int = 0  # 0: no limit beyond MAX_DURATION_S
    x264_preset: str = "veryfast"  # how hard libx264 works on this preset's clips (RENDER_X264_PRESET overrides)
    image_pipeline_class: str = ""  # diffusers class for image-to-video from the same weights; "" = none
    callable: str = ""  # package.module:function that yields frames (runtime/custom.py)
    endpoint: str = ""  # base URL of an inference server speaking runtime/remote.py's protocol
    endpoint_token_env: str = ""  # environment variable holding the server's bearer token
    vae_tiling: bool = False  # memory options; RENDER_VAE_TILING, RENDER_OFFLOAD, RENDER_PRESET_OPTIONS override
    offload: str = "none"
    compile: bool = False
    memory_gib: float = 0.0  # device memory the model needs (0: not declared); a worker with less cannot run it

    @property
    def backend(self) -> str:
        """'callable', 'remote' or 'diffusers'."""
        return "callable" if self.callable else "remote" if self.endpoint else "diffusers"

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


#: The registry: the presets of the files RENDER_PRESETS_FILES names (the shipped presets.toml until the
#: settings load theirs). One dict, replaced in place, so every module's `PRESETS` sees the same entries.
PRESETS: dict[str, Preset] = {}
PRESET_FILES: list[Path] = []
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


def use_preset_files(paths: Iterable[Path | str]) -> dict[str, Preset]:
    """Load the presets of `paths` (later files replace earlier entries of the same key) into the registry;
    PresetFileError naming the file, the preset and the field when one is wrong (the registry is unchanged)."""
    from .preset_file import load_files

    files = [Path(p) for p in paths]
    loaded = load_files(list(files))
    PRESETS.clear()
    PRESETS.update(loaded)
    PRESET_FILES[:] = files
    return PRESETS


def _load_shipped() -> None:
    use_preset_files([Path(__file__).resolve().parent / "presets.toml"])


_load_shipped()
