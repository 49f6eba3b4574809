"""The worker's engine: the class the RENDER_ENGINE setting names, one instance per process kept warm,
and the options each model preset renders and encodes with."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


def engine_options(preset_key: str):
    """Engine options for a preset: RENDER_PRESET_OPTIONS for it, else the RENDER_* settings where they turn an
    option on, else the preset's own memory options (its entry in the presets file)."""
    from generation.runtime.engine import EngineOptions
    from generation.runtime.presets import PRESETS

    per_preset = settings.RENDER_PRESET_OPTIONS.get(preset_key, {})
    preset = PRESETS.get(preset_key)
    return EngineOptions(
        device=settings.RENDER_DEVICE,
        dtype=per_preset.get("dtype", settings.RENDER_DTYPE),
        vae_tiling=bool(per_preset.get("vae_tiling", settings.RENDER_VAE_TILING or (preset and preset.vae_tiling))),
        offload=per_preset.get(
            "offload", settings.RENDER_OFFLOAD if settings.RENDER_OFFLOAD != "none" or not preset else preset.offload
        ),
        compile=bool(per_preset.get("compile", settings.RENDER_COMPILE or (preset and preset.compile))),
    )


def x264_preset(preset_key: str) -> str:
    """The libx264 preset for a model preset's clips: RENDER_PRESET_OPTIONS, then RENDER_X264_PRESET, then the
    preset's own."""
    from generation.runtime.presets import get_preset

    per_preset = settings.RENDER_PRESET_OPTIONS.get(preset_key, {})
    return per_preset.get("x264_preset") or settings.RENDER_X264_PRESET or get_preset(preset_key).x264_preset


def engine_class() -> type:
    """The engine class the RENDER_ENGINE setting names; ImproperlyConfigured, naming the setting, when it
    cannot be imported or is not an engine."""
    from generation.runtime.engine import Engine

    path = settings.RENDER_ENGINE
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"RENDER_ENGINE={path!r} cannot be imported: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise ImproperlyConfigured(
            f"RENDER_ENGINE={path!r} is not an engine class (a subclass of generation.runtime.engine.Engine)."
        )
    return cls


_engine = None
_engine_lock = threading.Lock()


def render_engine():
    """This process's engine: one instance of the RENDER_ENGINE class, made on the first job and kept warm
    (a different class, as tests set, replaces it and frees its pipeline)."""
    global _engine
    cls = engine_class()
    with _engine_lock:
        if type(_engine) is not cls:
            if _engine is not None:
                _engine.unload()
            _engine = cls()
        return _engine


def warm_state() -> dict:
    """What this process's engine holds: {"warm_preset": key or "", "loads": pipelines loaded so far}."""
    engine = _engine
    if engine is None:
        return {"warm_preset": "", "loads": 0}
    key = getattr(engine, "_key", None)  # the engine's resident pipeline: (preset, source, ...) or None
    return {"warm_preset": str(key[0]) if key else "", "loads": int(getattr(engine, "load_count", 0))}
