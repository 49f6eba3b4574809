"""Reading settings from the environment, strictly: a value that is not what it must be stops start-up
with a message that names the variable. Used by config/settings/ only; app code reads django.conf.settings.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    """The variable's text, or `default` when it is unset or empty."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment; refuse anything that is not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read an integer >= minimum from the environment with a clear error when it is not one."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blanks around items and empty items are dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_flags(name: str) -> dict[str, bool]:
    """`key=on,other=off` as {key: True, other: False}; an entry that is not `key=yes/no` names the variable."""
    flags: dict[str, bool] = {}
    for item in env_list(name):
        key, sep, raw = item.partition("=")
        value = raw.strip().lower()
        if not sep or not key.strip() or value not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            raise ImproperlyConfigured(f"{name} must be key=on or key=off entries separated by commas, not {item!r}.")
        flags[key.strip()] = value in {"1", "true", "yes", "on"}
    return flags


def required(name: str, *, when: bool, fallback: str = "") -> str:
    """A production value: when `when` holds it must be set (ImproperlyConfigured naming it), else `fallback`."""
    value = os.environ.get(name, "")
    if value:
        return value
    if when:
        raise ImproperlyConfigured(f"{name} is required when DJANGO_DEBUG=0.")
    return fallback
