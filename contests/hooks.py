"""Contests follow what happens to clips through the signals of the apps below them."""

from __future__ import annotations

from django.dispatch import receiver

from approvals.signals import clip_left_publication
from contests.services import entries_remove_for_clip


@receiver(clip_left_publication, dispatch_uid="contests.clip_left_publication")
def on_clip_left_publication(sender, *, clip_id, **kwargs) -> int:
    """The clip was withdrawn or taken down: it leaves every contest at once (sent on commit)."""
    return entries_remove_for_clip(clip_id=clip_id, reason="clip_left_publication")
