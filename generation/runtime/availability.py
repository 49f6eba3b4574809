"""Whether this machine can load a preset now, and whether a request is one its model can render.

Plain Python (+ torch for the device's memory, huggingface_hub for the local cache): no Django. Nothing is
downloaded here, so a hub source counts as reachable only when its snapshot is in the local Hugging Face
cache with every component folder its model_index.json names; a local folder needs its model_index.json
and those folders; the pipelines built in code (tiny, random weights) need nothing on disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .presets import BUILTIN_SOURCE, Preset

RANDOM_SOURCE_PREFIX = "random weights"  # random_weights.RANDOM_SOURCE


class ImpossibleSettings(ValueError):
    """A request its preset's model cannot render (a size, frame count or step count outside its rules):
    the same request fails the same way on any worker."""


def _components_missing(folder: Path) -> str:
    index = folder / "model_index.json"
    if not index.is_file():
        return f"no model_index.json in {folder}"
    try:
        names = json.loads(index.read_text())
    except ValueError:
        return f"{index} is not valid JSON"
    missing = [
        name
        for name, value in names.items()
        if not name.startswith("_") and isinstance(value, list) and value[0] and not (folder / name).is_dir()
    ]
    return f"{folder} lacks {', '.join(sorted(missing))}" if missing else ""


def weights_problem(source: str, revision: str = "") -> str:
    """Why the weights of `source` cannot be loaded here without a download; empty when they can."""
    if not source or source == BUILTIN_SOURCE or source.startswith(RANDOM_SOURCE_PREFIX):
        return ""
    path = Path(source)
    if path.is_absolute():
        return _components_missing(path) if path.is_dir() else f"the folder {source} does not exist"
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    wanted = revision if revision and revision != "local folder" else None
    try:
        snapshot = snapshot_download(source, revision=wanted, local_files_only=True)
    except (LocalEntryNotFoundError, OSError, ValueError):
        return f"{source} is not in this worker's Hugging Face cache (no download is made)"
    return _components_missing(Path(snapshot))


def device_memory_gib(device: str) -> float:
    """The memory of the render device in GiB: the GPU's total, or this machine's RAM on the CPU."""
    if device != "cpu":
        import torch

        if torch.cuda.is_available():
            index = torch.device(device).index if device.startswith("cuda") else None
            return torch.cuda.get_device_properties(index or 0).total_memory / 2**30
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def memory_problem(need_gib: float, have_gib: float) -> str:
    """Why a preset that needs `need_gib` does not fit a device of `have_gib`; empty when it fits."""
    if need_gib and have_gib < need_gib:
        return f"needs {need_gib:g} GiB of device memory; this worker has {have_gib:.1f} GiB"
    return ""


def settings_problems(preset: Preset, *, width: int, height: int, num_frames: int, steps: int) -> list[str]:
    """Why a request breaks its preset's rules (size, the k*m+1 frame rule, frame limit, steps); empty if not."""
    problems = list(preset.size_errors(width, height))
    if num_frames < 1 or (num_frames - 1) % preset.frame_multiple:
        problems.append(f"{preset.label} renders {preset.frame_rule}, not {num_frames}.")
    if preset.max_frames and num_frames > preset.max_frames:
        problems.append(f"{preset.label} renders at most {preset.max_frames} frames, not {num_frames}.")
    if steps < 1:
        problems.append("A render needs at least one denoising step.")
    return problems
