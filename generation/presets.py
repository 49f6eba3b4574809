"""Which registry presets artists may choose, and where each one loads from.

The registry (generation.runtime.presets) says what a preset is; admins enable presets and may
pin a source and revision with PresetConfig rows. With no preset enabled at all, the settings
default (GENERATION_PRESET) is the one choice, so a fresh install renders out of the box.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from generation.models import PresetConfig
from generation.runtime.presets import BUILTIN_SOURCE, PRESETS, Preset, get_preset


@dataclass(frozen=True)
class PresetChoice:
    """A preset artists may choose, with the source and revision a job will record."""

    preset: Preset
    source: str
    revision: str

    @property
    def key(self) -> str:
        return self.preset.key


def _choice(preset: Preset, config: PresetConfig | None) -> PresetChoice:
    if preset.backend != "diffusers":  # a custom callable or an inference server: the job records which
        where = preset.callable or preset.endpoint
        return PresetChoice(preset=preset, source=(config.source if config else "") or where, revision=preset.revision)
    source = (
        (config.source if config else "")
        or (settings.GENERATION_MODEL if preset.key == settings.GENERATION_PRESET else "")
        or preset.source
        or BUILTIN_SOURCE
    )
    revision = (config.revision if config else "") or preset.revision
    if source != BUILTIN_SOURCE and Path(source).is_absolute():
        revision = "local folder"
    return PresetChoice(preset=preset, source=source, revision=revision)


def presets_enabled() -> list[PresetChoice]:
    """The presets artists may choose, in registry order (the settings default when none is enabled)."""
    configs = {c.key: c for c in PresetConfig.objects.filter(enabled=True) if c.key in PRESETS}
    if not configs:
        return [_choice(get_preset(settings.GENERATION_PRESET), None)]
    return [_choice(PRESETS[key], configs[key]) for key in PRESETS if key in configs]


def preset_enabled_or_error(*, key: str | None) -> PresetChoice:
    """The enabled preset `key` (the default one when empty); ValueError naming the choices otherwise."""
    enabled = presets_enabled()
    if not key:
        default = [c for c in enabled if c.key == settings.GENERATION_PRESET]
        return (default or enabled)[0]
    for choice in enabled:
        if choice.key == key:
            return choice
    names = ", ".join(c.key for c in enabled)
    if key in PRESETS:
        raise ValueError(f"The preset {key!r} is not enabled on this site; choose one of {names}.")
    raise ValueError(f"Unknown preset {key!r}; choose one of {names}.")
