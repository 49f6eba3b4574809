"""Image-to-video: the preset's image pipeline, derived from its warm text-to-video one, and the call's image.

Plain Python + torch + diffusers. The image pipeline shares every component of the resident pipeline
(`from_pipe`, or the tiny build's own constructor), so a worker holds one model in memory whichever a job asks for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .presets import Preset

if TYPE_CHECKING:
    from diffusers import DiffusionPipeline

#: Pipelines whose latents the chunked decode (generation.runtime.decode) can take.
LTX_PIPELINES = ("LTXPipeline", "LTXImageToVideoPipeline")


class NoImagePipeline(ValueError):
    """The preset has no image-to-video pipeline: the same job would fail the same way again."""


def image_pipeline(pipe: DiffusionPipeline, preset: Preset) -> DiffusionPipeline:
    """The preset's image-to-video pipeline over `pipe`'s components, made once per resident pipeline."""
    derived = getattr(pipe, "_vernissage_image_pipe", None)
    if derived is not None:
        return derived
    if not preset.image_pipeline_class:
        raise NoImagePipeline(f"The preset {preset.key!r} has no image-to-video pipeline.")
    if type(pipe).__name__ == "LTXPipeline" and not preset.source:
        from .tiny import build_tiny_image_pipeline

        derived = build_tiny_image_pipeline(pipe)
    else:
        import diffusers

        derived = getattr(diffusers, preset.image_pipeline_class).from_pipe(pipe)
    derived.set_progress_bar_config(disable=True)
    object.__setattr__(pipe, "_vernissage_image_pipe", derived)
    return derived


def with_image(
    pipe: DiffusionPipeline, preset: Preset, image_path: str, kwargs: dict[str, Any]
) -> tuple[DiffusionPipeline, dict[str, Any]]:
    """(pipeline, call arguments) for a job: unchanged without an image, else the image pipeline with the first
    frame (an RGB file already cropped to the render size) and the frame rate its conditioning uses."""
    if not image_path:
        return pipe, kwargs
    from PIL import Image

    with Image.open(image_path) as opened:
        image = opened.convert("RGB")
    if image.size != (kwargs["width"], kwargs["height"]):
        image = image.resize((kwargs["width"], kwargs["height"]), Image.Resampling.LANCZOS)
    derived = image_pipeline(pipe, preset)
    extra: dict[str, Any] = {"image": image}
    if type(derived).__name__ in LTX_PIPELINES:
        extra["frame_rate"] = preset.fps
    return derived, kwargs | extra
