"""Entries: enter a clip, withdraw it, and take a clip out of every contest at once.

A contest that holds entries (the default) takes clips not yet published: entering asks for publication,
and once approved the gate holds the clip out of the gallery (contests.holds) until the results publish it.
Other contests take published clips.

Each write is one atomic function that locks what races (the contest row serialises entries, so
the per-artist limit holds under concurrent requests; the clip row orders an entry against a
concurrent takedown), refuses with a clear message, and writes an audit record. Times are
checked against `core.clock` to the second.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from accounts.models import Role, User
from approvals.gate import Publication, label
from approvals.services import clip_hold, clip_request_publication, clips_release
from contests.judging_copies import judging_copy_dispatch
from contests.models import Contest, Entry, EntryStatus
from core import clock
from core.audit import audit_record
from core.i18n import inline_label
from generation.models import Clip

JUDGE_GROUP = Role.JUDGE  # the judge role's group (contests.apps declares its permission)


def utc(moment: datetime) -> str:
    """A moment as people read it in messages: '2026-12-01 18:00:00 UTC'."""
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _lock_contest(contest_id: int) -> Contest:
    contest = Contest.objects.select_for_update().filter(pk=contest_id).first()
    if contest is None:
        raise Contest.DoesNotExist
    return contest


def _refuse_unless_open(contest: Contest, now: datetime, *, action: str) -> None:
    """`action`: "enter" (an entry) or "priority" (a priority lane)."""
    if now < contest.opens_at:
        opens = {
            "enter": gettext("“%(title)s” opens at %(utc)s; entries are possible from then on."),
            "priority": gettext("“%(title)s” opens at %(utc)s; a priority lane can be given from then on."),
        }
        raise ValidationError(opens[action] % {"title": contest.title, "utc": utc(contest.opens_at)})
    if now >= contest.closes_at:
        closed = {
            "enter": gettext("“%(title)s” closed at %(utc)s; entries are no longer possible."),
            "priority": gettext("“%(title)s” closed at %(utc)s; a priority lane can no longer be given."),
        }
        raise ValidationError(closed[action] % {"title": contest.title, "utc": utc(contest.closes_at)})


def entry_create(
    *,
    contest_id: int,
    clip_id: uuid.UUID | str | None,
    artist: User,
    request: HttpRequest | None = None,
) -> Entry:
    """Enter the artist's own published clip while the contest is open, within the per-artist limit."""
    if not getattr(artist, "is_artist", False):
        raise ValidationError(gettext("Only artists can enter contests."))
    with transaction.atomic():
        contest = _lock_contest(contest_id)
        now = clock.now()
        _refuse_unless_open(contest, now, action="enter")
        clip = Clip.objects.select_for_update().filter(pk=clip_id).first() if clip_id is not None else None
        if clip is None or (clip.artist_id != artist.pk and clip.publication != Publication.PUBLISHED):
            raise ValidationError({"clip": gettext("No such clip.")})
        if clip.artist_id != artist.pk:
            raise ValidationError(
                {"clip": gettext("This clip is by another artist: you can only enter your own clips.")}
            )
        _refuse_unless_enterable(contest, clip)
        existing = Entry.objects.select_for_update().filter(contest=contest, clip=clip).first()
        if existing is not None and existing.status == EntryStatus.ACTIVE:
            raise ValidationError(
                {
                    "clip": gettext("This clip is already in “%(title)s” as %(label)s.")
                    % {"title": contest.title, "label": existing.label}
                }
            )
        active = Entry.objects.filter(contest=contest, artist=artist, status=EntryStatus.ACTIVE).count()
        if active >= contest.max_entries_per_artist:
            raise ValidationError(
                ngettext(
                    "You already have %(active)s entry in “%(title)s”, the most allowed per artist "
                    "(%(most)s). Withdraw one to enter another clip.",
                    "You already have %(active)s entries in “%(title)s”, the most allowed per artist "
                    "(%(most)s). Withdraw one to enter another clip.",
                    active,
                )
                % {"active": active, "title": contest.title, "most": contest.max_entries_per_artist}
            )
        if existing is not None:  # withdrawn or removed before: the same row comes back, entered now
            entry = existing
            entry.status, entry.entered_at, entry.withdrawn_at, entry.removed_at = EntryStatus.ACTIVE, now, None, None
            entry.save(update_fields=["status", "entered_at", "withdrawn_at", "removed_at"])
        else:
            number = (Entry.objects.filter(contest=contest).aggregate(top=Max("number"))["top"] or 0) + 1
            entry = Entry.objects.create(contest=contest, clip=clip, artist=artist, number=number, entered_at=now)
        audit_record(
            action="contest.entry_created",
            actor=artist,
            request=request,
            obj=entry,
            detail={"contest": contest.slug, "clip": str(clip.pk), "number": entry.number},
        )
        if contest.holds_entries:  # entering asks for publication; approved, the clip is held until results
            if clip.publication in (Publication.PRIVATE, Publication.CHANGES_REQUESTED):
                clip_request_publication(clip_id=clip.pk, artist=artist, request=request)
            elif clip.publication == Publication.APPROVED:
                clip_hold(clip_id=clip.pk)
        if not entry.judging_video:
            transaction.on_commit(lambda: judging_copy_dispatch(entry_id=entry.pk))
    return entry


#: The states a clip may be entered from in a contest that holds entries: not public yet, not refused.
HOLDABLE = (
    Publication.PRIVATE,
    Publication.CHANGES_REQUESTED,
    Publication.PENDING_REVIEW,
    Publication.APPEALED,
    Publication.APPROVED,
    Publication.HELD,
)


def _refuse_unless_enterable(contest: Contest, clip: Clip) -> None:
    state = label(clip.publication).lower()
    if not contest.holds_entries and clip.publication != Publication.PUBLISHED:
        raise ValidationError(
            {
                "clip": gettext(
                    "This clip is %(state)s: only published clips can be entered. Ask for publication first."
                )
                % {"state": state}
            }
        )
    if contest.holds_entries and clip.publication == Publication.PUBLISHED:
        raise ValidationError(
            {
                "clip": _(
                    "This clip is already in the public gallery under your name. “%(title)s” holds its entries "
                    "out of the gallery until the results, so that judges cannot tell who made them: enter a clip "
                    "that is not published yet."
                )
                % {"title": contest.title}
            }
        )
    if contest.holds_entries and clip.publication not in HOLDABLE:
        raise ValidationError({"clip": _("This clip is %(state)s: it cannot be entered.") % {"state": state}})


def entry_withdraw(*, entry_id: uuid.UUID | str, artist: User, request: HttpRequest | None = None) -> Entry:
    """Take the artist's own entry out of the contest; only before the contest closes."""
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("contest").filter(pk=entry_id).first()
        if entry is None or entry.artist_id != artist.pk:
            raise Entry.DoesNotExist
        if entry.status != EntryStatus.ACTIVE:
            raise ValidationError(
                gettext("%(label)s is already out of the contest (%(lower)s).")
                % {"label": entry.label, "lower": inline_label(entry.get_status_display())}
            )
        now = clock.now()
        if now >= entry.contest.closes_at:
            raise ValidationError(
                gettext("“%(title)s” closed at %(utc)s; entries can no longer be withdrawn.")
                % {"title": entry.contest.title, "utc": utc(entry.contest.closes_at)}
            )
        entry.status, entry.withdrawn_at = EntryStatus.WITHDRAWN, now
        entry.save(update_fields=["status", "withdrawn_at"])
        audit_record(
            action="contest.entry_withdrawn",
            actor=artist,
            request=request,
            obj=entry,
            detail={"contest": entry.contest.slug},
        )
        if entry.contest.holds_entries:  # no longer held by this contest: approved, it is published now
            clips_release(clip_ids=[entry.clip_id], actor=artist, reason=f"withdrawn from {entry.contest.slug}")
    return entry


def entries_remove_for_clip(*, clip_id: uuid.UUID | str, reason: str = "clip_left_publication") -> int:
    """Take every active entry of a clip out of every contest at once; returns how many left."""
    with transaction.atomic():
        entries = list(
            Entry.objects.select_for_update()
            .select_related("contest")
            .filter(clip_id=clip_id, status=EntryStatus.ACTIVE)
        )
        now = clock.now()
        for entry in entries:
            entry.status, entry.removed_at = EntryStatus.REMOVED, now
            entry.save(update_fields=["status", "removed_at"])
            audit_record(
                action="contest.entry_removed",
                obj=entry,
                detail={"contest": entry.contest.slug, "clip": str(clip_id), "reason": reason},
            )
    return len(entries)


def judge_grant(*, user: User, actor: User | None = None, request: HttpRequest | None = None) -> None:
    """Give the user the judge role (idempotent; the role an invitation can also carry); contests still
    name their own judges."""
    from accounts.services.roles import user_set_role

    user_set_role(user=user, role=JUDGE_GROUP)
    audit_record(action="contest.judge_granted", actor=actor, request=request, obj=user)


def contest_grant_priority_lane(*, contest_id: int, admin: User, request: HttpRequest | None = None) -> int:
    """Put every artist with an entry in an open contest in the render priority lane until the contest
    closes (an artist who already has an open-ended lane keeps it); returns how many artists."""
    from generation.models import ArtistQuota

    with transaction.atomic():
        contest = _lock_contest(contest_id)
        _refuse_unless_open(contest, clock.now(), action="priority")
        artist_ids = set(
            Entry.objects.filter(contest=contest, status=EntryStatus.ACTIVE).values_list("artist_id", flat=True)
        )
        for artist_id in artist_ids:
            quota, _ = ArtistQuota.objects.select_for_update().get_or_create(user_id=artist_id)
            if quota.priority and quota.priority_until is None:
                continue  # an admin's open-ended lane outlasts the contest
            quota.priority = True
            quota.priority_until = max(filter(None, [quota.priority_until, contest.closes_at]))
            quota.save(update_fields=["priority", "priority_until", "updated_at"])
        audit_record(
            action="contest.priority_lane",
            actor=admin,
            request=request,
            obj=contest,
            detail={"artists": len(artist_ids), "until": utc(contest.closes_at)},
        )
    return len(artist_ids)
