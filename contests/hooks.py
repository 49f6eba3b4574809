"""What other apps call when something happens to a clip that contests must follow."""

from __future__ import annotations

from contests.services import entries_remove_for_clip


def clip_left_publication(*, clip_id) -> int:
    """The clip was withdrawn or taken down: it leaves every contest at once (call on commit)."""
    return entries_remove_for_clip(clip_id=clip_id, reason="clip_left_publication")
