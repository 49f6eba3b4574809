"""Prompt screening at submission, by the checks the PROMPT_CHECKS setting names.

Generation does not know the content policy (approvals owns its clauses); it calls each check named in
settings, in order, and a check refuses a prompt by raising ValidationError. Like Django's password
validators, the list is configuration: config/settings/render.py names approvals' policy check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@cache
def _checks(paths: tuple[str, ...]) -> tuple[Callable[..., object], ...]:
    try:
        return tuple(import_string(path) for path in paths)
    except ImportError as exc:
        raise ImproperlyConfigured(f"PROMPT_CHECKS names a check that cannot be imported: {exc}") from None


def prompt_screen(*, prompt: str, negative_prompt: str = "") -> None:
    """Run every configured check on the prompt; the first that refuses raises ValidationError."""
    for check in _checks(tuple(settings.PROMPT_CHECKS)):
        check(prompt=prompt, negative_prompt=negative_prompt)
