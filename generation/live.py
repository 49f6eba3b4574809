"""The live feed every signed-in page polls (static/js/studio-live.js): one request every few seconds,
answered with an ETag and 304 Not Modified while nothing changed (core.api.conditional).

It holds the signed-in artist's renders in flight and those that finished in the last RECENT_S seconds (a
card turning playable, a failure), with their queue places, and the live counts other apps name in
LIVE_COUNTS (`{"notifications": "approvals.live.unread_count"}`: `count(user) -> int`). Its cost does not
grow with the renders on the page or in the library: the in-flight renders are bounded by the artist's
quota, and the query reads them by index (`job_artist_finished`, `status`).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.module_loading import import_string

from core import clock
from generation.jobs.states import ACTIVE
from generation.models import RenderJob
from generation.selectors import RENDER_FIELDS

#: How long a finished render stays in the feed: pages that poll at least this often see every finish.
RECENT_S = 120
#: How often pages poll (ms), given to the script by the page.
POLL_MS = 2000


@cache
def _counters(items: tuple[tuple[str, str], ...]):
    try:
        return [(name, import_string(path)) for name, path in items]
    except ImportError as exc:
        raise ImproperlyConfigured(f"LIVE_COUNTS names a count that cannot be imported: {exc}") from None


def live_counts(user) -> dict[str, int]:
    """The counts of LIVE_COUNTS for `user` (the header's notification count)."""
    return {name: int(count(user)) for name, count in _counters(tuple(getattr(settings, "LIVE_COUNTS", {}).items()))}


def feed_jobs(user) -> list[RenderJob]:
    """The artist's renders in flight, and those finished in the last RECENT_S seconds, oldest first."""
    if not getattr(user, "is_artist", False):
        return []
    since = clock.now() - timedelta(seconds=RECENT_S)
    return list(
        RenderJob.objects.filter(artist=user, deleted_at__isnull=True)
        .filter(Q(status__in=ACTIVE) | Q(finished_at__gte=since))
        .select_related("clip")
        .only(*RENDER_FIELDS, "finished_at")
        .order_by("created_at", "id")[:50]
    )
