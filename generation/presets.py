"""Which registry presets artists may choose, and where each one loads from.

The registry (generation.runtime.presets) says what a preset is; admins enable presets and may
pin a source and revision with PresetConfig rows. With no preset enabled at all, the settings
default (GENERATION_PRESET) is the one choice, so a fresh install renders out of the box.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from generation.models import PresetConfig
from generation.runtime.presets import BUILTIN_SOURCE, PRESETS, Preset, get_preset


@dataclass(frozen=True)
class PresetChoice:
    """A preset artists may choose, with the source and revision a job will record."""

    preset: Preset
    source: str
    revision: str
    available: bool = True  # a live worker can load it, or no live worker has reported (generation.availability)

    @property
    def key(self) -> str:
        return self.preset.key

    @property
    def load_source(self) -> str:
        """What the worker loads: empty for the pipeline built in code."""
        return "" if self.source == BUILTIN_SOURCE else self.source


def preset_choice(preset: Preset, config: PresetConfig | None) -> PresetChoice:
    """The source and revision a job of `preset` records, given the admin's row for it (if any)."""
    return _choice(preset, config)


def _choice(preset: Preset, config: PresetConfig | None, available: bool = True) -> PresetChoice:
    if preset.backend != "diffusers":  # a custom callable or an inference server: the job records which
        where = preset.callable or preset.endpoint
        source = (config.source if config else "") or where
        return PresetChoice(preset=preset, source=source, revision=preset.revision, available=available)
    source = (
        (config.source if config else "")
        or (settings.GENERATION_MODEL if preset.key == settings.GENERATION_PRESET else "")
        or preset.source
        or BUILTIN_SOURCE
    )
    revision = (config.revision if config else "") or preset.revision
    if source != BUILTIN_SOURCE and Path(source).is_absolute():
        revision = "local folder"
    return PresetChoice(preset=preset, source=source, revision=revision, available=available)


def presets_enabled() -> list[PresetChoice]:
    """The presets artists may choose, in registry order (the settings default when none is enabled)."""
    from generation.availability import available_annotation, default_available

    rows = PresetConfig.objects.filter(enabled=True).annotate(**available_annotation())
    configs = {c.key: c for c in rows if c.key in PRESETS}
    if not configs:
        default = get_preset(settings.GENERATION_PRESET)
        return [_choice(default, None, default_available(default.key))]
    return [_choice(PRESETS[key], configs[key], configs[key].available) for key in PRESETS if key in configs]


def preset_enabled_or_error(*, key: str | None) -> PresetChoice:
    """The enabled preset `key` (the default one when empty); ValueError naming the choices otherwise."""
    enabled = presets_enabled()
    if not key:
        default = [c for c in enabled if c.key == settings.GENERATION_PRESET]
        found = [(default or enabled)[0]]
    else:
        found = [c for c in enabled if c.key == key]
    if found and not found[0].available:
        from generation.availability import UNAVAILABLE_MESSAGE

        raise ValueError(str(UNAVAILABLE_MESSAGE % {"preset": found[0].preset.label}))
    if found:
        return found[0]
    names = ", ".join(c.key for c in enabled)
    if key in PRESETS:
        raise ValueError(f"The preset {key!r} is not enabled on this site; choose one of {names}.")
    raise ValueError(f"Unknown preset {key!r}; choose one of {names}.")


def preset_config_save(
    *,
    key: str,
    actor,
    request=None,
    enabled: bool | None = None,
    source: str | None = None,
    revision: str | None = None,
) -> PresetConfig:
    """Change an admin's row for a registry preset (made if missing); ValidationError naming the field when the
    change is refused (enabling a preset no live render worker can load: PresetConfig.clean). Audited; the
    workers are asked to check the preset at once."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from core.audit import audit_record
    from generation.availability import workers_recheck

    if key not in PRESETS:
        raise ValidationError(
            {
                "key": _("Unknown preset %(key)s; choose one of %(join)s.")
                % {"key": repr(key), "join": ", ".join(PRESETS)}
            }
        )
    with transaction.atomic():
        config = PresetConfig.objects.select_for_update().filter(key=key).first() or PresetConfig(key=key)
        for field, value in (("enabled", enabled), ("source", source), ("revision", revision)):
            if value is not None:
                setattr(config, field, value)
        config.full_clean()
        config.save()
        audit_record(
            action="preset.changed",
            actor=actor,
            request=request,
            obj=config,
            detail={"key": key, "enabled": config.enabled, "source": config.source, "revision": config.revision},
        )
        transaction.on_commit(workers_recheck)
    return config
