"""The one clock: every service and selector asks `now()` for the time.

Tests stand at an exact moment (one second before a deadline, a day later) by replacing
`core.clock._now`; `now()` looks it up on every call, so `from core.clock import now` sees the change.
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
