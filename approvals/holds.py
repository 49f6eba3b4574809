"""Holds: whether something above the gate keeps an approved clip out of the gallery for now.

A contest that holds its entries out of the public gallery until its results knows which clips it holds;
approvals may not import contests (the layers run the other way), so, like PROMPT_CHECKS, the checks are
configuration: PUBLICATION_HOLDS names functions `check(clip) -> bool`, and a clip is held while any says so.
The gate then moves an approved clip to HELD instead of publishing it, and releases it when asked
(`approvals.services.clips_release`) once no check holds it any longer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from generation.models import Clip


@cache
def _checks(paths: tuple[str, ...]) -> tuple[Callable[[Clip], bool], ...]:
    try:
        return tuple(import_string(path) for path in paths)
    except ImportError as exc:
        raise ImproperlyConfigured(f"PUBLICATION_HOLDS names a check that cannot be imported: {exc}") from None


def clip_is_held(clip: Clip) -> bool:
    """True while any configured hold (a contest awaiting its results) keeps the clip out of the gallery."""
    return any(check(clip) for check in _checks(tuple(getattr(settings, "PUBLICATION_HOLDS", ()))))
