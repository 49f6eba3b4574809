"""Who takes part in a clip's conversation: its artist, and the moderators (not the judges of its contests).

Contests sit above this app, so the exclusions are configuration, like approvals' PUBLICATION_HOLDS:
CONVERSATION_EXCLUSIONS names functions `check(user, clip) -> bool`; a moderator any check names is kept
out of the thread (contests.conversations.user_judges_clip keeps a contest's judges out of its entries').
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from conversations.models import Side
from generation.models import Clip


@cache
def _checks(paths: tuple[str, ...]) -> tuple[Callable[..., bool], ...]:
    try:
        return tuple(import_string(path) for path in paths)
    except ImportError as exc:
        raise ImproperlyConfigured(f"CONVERSATION_EXCLUSIONS names a check that cannot be imported: {exc}") from None


def is_excluded(user, clip: Clip) -> bool:
    """True when a configured check (a judge of one of the clip's contests) keeps `user` out of its thread."""
    return any(check(user, clip) for check in _checks(tuple(getattr(settings, "CONVERSATION_EXCLUSIONS", ()))))


def thread_side(*, user, clip: Clip) -> str | None:
    """The side `user` takes in the clip's thread: Side.ARTIST for its artist, Side.MODERATOR for a moderator
    no exclusion names, None for everyone else (who may neither read nor write it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if clip.artist_id == user.pk:
        return Side.ARTIST
    if user.is_moderator and not is_excluded(user, clip):
        return Side.MODERATOR
    return None
