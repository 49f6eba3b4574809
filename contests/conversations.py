"""Who must never read a clip's conversation: the judges of every contest the clip was entered in.

Named in CONVERSATION_EXCLUSIONS, read by conversations.access: the thread of an entry is between its
artist and the moderators, so a moderator who also judges the contest is kept out of it (blind judging).
"""

from __future__ import annotations

from contests.models import Entry
from generation.models import Clip


def user_judges_clip(user, clip: Clip) -> bool:
    """True when `user` is a judge of a contest that `clip` was ever entered in (withdrawn entries included)."""
    if user is None or not user.is_authenticated:
        return False
    return Entry.objects.filter(clip_id=clip.pk, contest__judges=user).exists()
