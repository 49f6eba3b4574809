"""Which presets this render worker can load now, written to its RenderWorkerPreset rows.

Checked when the worker joins, on every heartbeat (a few file look-ups: the local folder or the local
Hugging Face cache, and the device's memory read once) and at once when asked (the `check_presets` control
command, which `generation.availability.workers_recheck` broadcasts after an admin changes a preset). Rows
are written only when what the worker found changed.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.db import transaction

from core import clock
from generation.models import PresetConfig, RenderWorker, RenderWorkerPreset
from generation.presets import preset_choice
from generation.runtime.presets import get_preset
from generation.worker.engine import render_engine

log = logging.getLogger(__name__)

#: RENDER_PRESET_OPTIONS[key]["memory_gib"], else the preset's own `memory_gib` when it declares one.
MEMORY_OPTION = "memory_gib"


@cache
def device_memory() -> float:
    """The render device's memory in GiB (read once per process)."""
    from generation.runtime.availability import device_memory_gib

    device = settings.RENDER_DEVICE
    if device == "auto":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    return device_memory_gib(device)


def memory_need(key: str) -> float:
    """GiB of device memory the preset declares it needs (0: not declared)."""
    declared = settings.RENDER_PRESET_OPTIONS.get(key, {}).get(MEMORY_OPTION)
    return float(declared if declared is not None else getattr(get_preset(key), MEMORY_OPTION, 0) or 0)


def presets_check(keys: list[str]) -> dict[str, tuple[str, str]]:
    """key -> (source checked, why it cannot load; empty when it can), for the sources jobs would record."""
    configs = {c.key: c for c in PresetConfig.objects.filter(key__in=keys)}
    engine = render_engine()
    found = {}
    for key in keys:
        choice = preset_choice(get_preset(key), configs.get(key))
        try:
            problem = engine.availability(
                choice.preset,
                source=choice.load_source,
                revision=choice.revision,
                need_gib=memory_need(key),
                have_gib=device_memory(),
            )
        except Exception as exc:  # a check that breaks says so rather than stopping the heartbeat
            log.exception("could not check preset %s", key)
            problem = f"the check failed: {type(exc).__name__}"
        found[key] = (choice.source, problem[:255])
    return found


def reports_write(*, worker_name: str, found: dict[str, tuple[str, str]]) -> None:
    """Replace this worker's rows with what it found."""
    worker = RenderWorker.objects.filter(name=worker_name).only("id").first()
    if worker is None:
        return
    now = clock.now()
    with transaction.atomic():
        RenderWorkerPreset.objects.filter(worker=worker).exclude(preset__in=list(found)).delete()
        for key, (source, problem) in found.items():
            RenderWorkerPreset.objects.update_or_create(
                worker=worker,
                preset=key,
                defaults={"source": source[:255], "ok": not problem, "reason": problem, "checked_at": now},
            )
    log.info(
        "render worker %s can load: %s; cannot: %s",
        worker_name,
        ", ".join(k for k, (_, p) in found.items() if not p) or "none",
        "; ".join(f"{k} ({p})" for k, (_, p) in found.items() if p) or "none",
    )
