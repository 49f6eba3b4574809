"""A preset's real architecture with random weights, built from configs shipped in this repository.

No download: it measures real-model speed and memory on a GPU before any weights are fetched. The
tokenizer is the code-built one of the tiny preset (its ids are valid for the real vocabulary).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from .presets import Preset

if TYPE_CHECKING:
    from diffusers import LTXPipeline  # not analysed (follow_imports = "skip"): Any to mypy

CONFIG_ROOT = Path(__file__).resolve().parent / "configs"
#: The source a job records when it renders with random weights.
RANDOM_SOURCE = "random weights (shipped config)"


@contextlib.contextmanager
def _default_dtype(dtype: torch.dtype) -> Iterator[None]:
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def build_random_pipeline(preset: Preset, *, device: str, dtype: torch.dtype, seed: int = 0) -> LTXPipeline:
    """The preset's pipeline with every component built in place on `device` in `dtype` ("meta": no memory)."""
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    from .tiny import build_tokenizer

    folder = CONFIG_ROOT / preset.key
    if preset.pipeline_class != "LTXPipeline" or not folder.is_dir():
        shipped = ", ".join(sorted(p.name for p in CONFIG_ROOT.iterdir() if p.is_dir()))
        raise ValueError(f"No shipped architecture config for {preset.key!r}; shipped: {shipped}.")
    torch.manual_seed(seed)
    with torch.device(device), _default_dtype(dtype):
        transformer = LTXVideoTransformer3DModel.from_config(
            LTXVideoTransformer3DModel.load_config(folder / "transformer")
        )
        vae = AutoencoderKLLTXVideo.from_config(AutoencoderKLLTXVideo.load_config(folder / "vae"))
        text_encoder = T5EncoderModel(T5Config.from_pretrained(folder / "text_encoder"))
    scheduler = FlowMatchEulerDiscreteScheduler.from_config(
        FlowMatchEulerDiscreteScheduler.load_config(folder / "scheduler")
    )
    pipe = LTXPipeline(
        transformer=transformer.eval(),
        vae=vae.eval(),
        scheduler=scheduler,
        text_encoder=text_encoder.eval(),
        tokenizer=build_tokenizer(max_length=preset.max_sequence_length),
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe
