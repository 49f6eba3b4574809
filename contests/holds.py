"""The hold contests put on their entries' clips: out of the public gallery until the results are published.

Named in PUBLICATION_HOLDS, read by approvals.holds: the gate asks it before publishing an approved clip.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from contests.models import Entry, EntryStatus
from generation.models import Clip


def clip_is_held(clip: Clip) -> bool:
    """True while the clip is an active entry of a contest that holds entries and has no results yet."""
    return Entry.objects.filter(
        clip_id=clip.pk,
        status=EntryStatus.ACTIVE,
        contest__holds_entries=True,
        contest__results_published_at__isnull=True,
    ).exists()


def delete_refusal(clip: Clip) -> str | None:
    """Named in CLIP_DELETE_GUARDS: a clip entered in a contest (even withdrawn: its judging is on record) stays."""
    entry = Entry.objects.filter(clip_id=clip.pk).select_related("contest").first()
    if entry is None:
        return None
    return _("This clip is entered in the contest “%(contest)s”; it cannot be deleted.") % {
        "contest": entry.contest.title
    }
