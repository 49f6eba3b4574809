"""Reads shared by pages and the API."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import User
from generation.models import Clip, RenderJob


def public_q() -> Q:
    """Clips anyone may see: those the publication gate made public (it does so only once an embargo ends)."""
    return Q(is_public=True)


def clips_visible_to(user: User | AnonymousUser | None) -> QuerySet[Clip]:
    """Published clips for everyone; every clip of their own for artists; all clips for moderators."""
    qs = Clip.objects.select_related("artist", "job")
    if user is not None and user.is_authenticated:
        if user.is_moderator:
            return qs
        return qs.filter(public_q() | Q(artist=user))
    return qs.filter(public_q())


def clip_visible_or_none(*, user: User | AnonymousUser | None, clip_id: uuid.UUID | str) -> Clip | None:
    return clips_visible_to(user).filter(id=clip_id).first()


def clip_for_media_path(*, user: User | AnonymousUser | None, path: str) -> Clip | None:
    """The clip owning a stored media file, if `user` may see it."""
    owns = Q(video=path) | Q(poster=path) | Q(preview=path) | Q(contact_sheet=path)
    return clips_visible_to(user).filter(owns).first()


def gallery_clips() -> QuerySet[Clip]:
    return Clip.objects.filter(public_q()).select_related("artist", "job").order_by("-published_at")


def jobs_of(*, artist: User) -> QuerySet[RenderJob]:
    return RenderJob.objects.filter(artist=artist).select_related("clip").order_by("-created_at")


def job_of(*, artist: User, job_id: uuid.UUID | str) -> RenderJob | None:
    return RenderJob.objects.filter(artist=artist, id=job_id).select_related("clip").first()
