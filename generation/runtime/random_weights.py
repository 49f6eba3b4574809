"""A preset's real architecture with random weights, built from configs shipped in this repository.

No download: it measures real-model speed and memory on a GPU before any weights are fetched. The
tokenizer is the code-built one of the tiny preset (its ids are valid for the real vocabulary).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from .presets import Preset

if TYPE_CHECKING:
    from diffusers import DiffusionPipeline  # not analysed (follow_imports = "skip"): Any to mypy

#: Full-size architectures, for measuring real-model speed and memory on a GPU (`--random-weights`).
CONFIG_ROOT = Path(__file__).resolve().parent / "configs"
#: Small ones of the same architectures (layers and channels shrunk), for tests on a CPU.
SMALL_CONFIG_ROOT = CONFIG_ROOT / "small"
#: The source a job records when it renders with random weights.
RANDOM_SOURCE = "random weights (shipped config)"
#: The same with the small config (a check of the whole render path on a CPU, no download).
SMALL_RANDOM_SOURCE = "random weights (small shipped config)"


@contextlib.contextmanager
def _default_dtype(dtype: torch.dtype) -> Iterator[None]:
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def build_random_pipeline(
    preset: Preset, *, device: str, dtype: torch.dtype, seed: int = 0, config_root: Path = CONFIG_ROOT
) -> DiffusionPipeline:
    """The preset's pipeline with every component built in place on `device` in `dtype` ("meta": no memory),
    from `config_root/<key>/` laid out as `save_pretrained` writes it (model_index.json and each component's
    config, no weights). Tokenizers are the code-built one of the tiny preset."""
    import diffusers
    import transformers

    from .engine import pipeline_class

    folder = config_root / preset.key
    if not (folder / "model_index.json").is_file():
        shipped = ", ".join(sorted(p.name for p in config_root.iterdir() if (p / "model_index.json").is_file()))
        raise ValueError(f"No shipped architecture config for {preset.key!r} in {config_root}; shipped: {shipped}.")
    index = json.loads((folder / "model_index.json").read_text())
    torch.manual_seed(seed)
    components: dict[str, Any] = {}
    for name, value in index.items():
        if name.startswith("_"):
            continue
        if not (isinstance(value, list) and len(value) == 2):
            components[name] = value  # a pipeline setting (expand_timesteps, boundary_ratio)
        elif value[0] is None:
            components[name] = None
        elif name.startswith("tokenizer"):
            components[name] = _tokenizer(value[1], preset)
        elif value[0] == "transformers":
            config = transformers.AutoConfig.from_pretrained(folder / name)
            with torch.device(device), _default_dtype(dtype):
                components[name] = getattr(transformers, value[1])(config).eval()
        else:
            cls = getattr(diffusers, value[1])
            config = cls.load_config(folder / name)
            if any((folder / name / f).is_file() for f in ("scheduler_config.json", "guider_config.json")):
                components[name] = cls.from_config(config)
            else:
                with torch.device(device), _default_dtype(dtype):
                    components[name] = cls.from_config(config).eval()
    pipe = pipeline_class(preset.pipeline_class)(**components)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _tokenizer(class_name: str, preset: Preset) -> Any:
    """A tokenizer built in code for the class a pipeline's index names (no vocabulary download)."""
    from .tiny import build_chat_tokenizer, build_tokenizer

    if class_name.startswith("Qwen"):
        return build_chat_tokenizer()
    if class_name == "ByT5Tokenizer":
        from transformers import ByT5Tokenizer

        return ByT5Tokenizer()  # bytes: no vocabulary
    return build_tokenizer(max_length=preset.max_sequence_length)
