"""The contests' clock: every opening, closing and judging deadline is checked against `_now()`.

Tests replace `contests.clock._now` to stand exactly one second before or after a deadline.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def _now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return timezone.now()


def now() -> datetime:
    """The current time; goes through the module attribute so that tests can replace `_now`."""
    return _now()
