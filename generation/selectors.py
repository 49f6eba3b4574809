"""Reads shared by pages and the API.

The lists and the render status select only the columns they return (`.only()`), join what they show
(`select_related`), and so cost the same few queries however many rows a page holds; their filters and
orderings match the indexes of generation.models (`job_artist_created`, `clip_artist_created`,
`clip_gallery`), and tests/generation/test_read_costs.py pins both.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import router
from django.db.models import Q, QuerySet

from accounts.models import User
from core import clock
from core.compiled_query import Arg, CompiledQuery
from generation.models import Clip, RenderJob

#: What a clip card, the gallery API and a clip list show (Clip.media_url needs media_key, is_public and
#: published_at; the card links the artist's profile and shows the prompt).
CLIP_CARD_FIELDS = (
    "id",
    "media_key",
    "video",
    "poster",
    "width",
    "height",
    "fps",
    "num_frames",
    "publication",
    "is_public",
    "published_at",
    "created_at",
    "artist__id",
    "artist__username",
    "artist__display_name",
    "job__id",
    "job__prompt",
)

#: What a render's status answer (generation.serializers.RenderOutputSerializer), the queue estimate and
#: the studio's list of renders read from the job, and from its clip when it has one.
RENDER_FIELDS = (
    "id",
    "artist_id",
    "status",
    "prompt",
    "duration_s",
    "width",
    "height",
    "seed",
    "fps",
    "num_frames",
    "progress_step",
    "progress_total",
    "eta_s",
    "phase",
    "error",
    "created_at",
    "retry_helps",
    "preset",
    "parent_id",
    "origin",
    "batch",
    "clip__id",
    "clip__media_key",
    "clip__video",
    "clip__poster",
    "clip__preview",
    "clip__size_bytes",
    "clip__width",
    "clip__height",
    "clip__fps",
    "clip__num_frames",
    "clip__publication",
    "clip__is_public",
    "clip__published_at",
)


#: The columns of a clip card as rows (`.values()`): what the gallery and clips APIs answer with
#: (generation.serializers.clip_cards), without building three model instances per clip.
CLIP_CARD_VALUES = (
    "id",
    "video",
    "poster",
    "width",
    "height",
    "fps",
    "num_frames",
    "publication",
    "is_public",
    "published_at",
    "artist__username",
    "artist__display_name",
    "job__prompt",
)


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
    """The clip owning a stored media file, if `user` may see it (only the columns the media view reads)."""
    owns = Q(video=path) | Q(poster=path) | Q(preview=path) | Q(contact_sheet=path) | Q(conditioning_image=path)
    qs = Clip.objects.filter(owns).only("id", "artist_id", "media_key", "is_public", "published_at")
    if user is not None and user.is_authenticated:
        if user.is_moderator:
            return qs.first()
        return qs.filter(public_q() | Q(artist=user)).first()
    return qs.filter(public_q()).first()


def gallery_clips() -> QuerySet[Clip]:
    """Published clips, newest publication first, with the columns a card shows (index `clip_gallery`)."""
    return (
        Clip.objects.filter(public_q())
        .select_related("artist", "job")
        .only(*CLIP_CARD_FIELDS)
        .order_by("-published_at", "-id")
    )


def gallery_rows() -> QuerySet[Clip, dict[str, Any]]:
    """gallery_clips() as rows of CLIP_CARD_VALUES (the gallery API)."""
    return Clip.objects.filter(public_q()).order_by("-published_at", "-id").values(*CLIP_CARD_VALUES)


def clip_rows_of(*, artist: User, publication: str | None = None) -> QuerySet[Clip, dict[str, Any]]:
    """clips_of() as rows of CLIP_CARD_VALUES (the clips API)."""
    qs = Clip.objects.filter(artist=artist).order_by("-created_at", "-id")
    if publication:
        qs = qs.filter(publication=publication)
    return qs.values(*CLIP_CARD_VALUES)


def clips_of(*, artist: User, publication: str | None = None) -> QuerySet[Clip]:
    """An artist's clips, newest first (index `clip_artist_created`), optionally in one publication state."""
    qs = (
        Clip.objects.filter(artist=artist)
        .select_related("artist", "job")
        .only(*CLIP_CARD_FIELDS)
        .order_by("-created_at", "-id")
    )
    return qs.filter(publication=publication) if publication else qs


def jobs_of(*, artist: User) -> QuerySet[RenderJob]:
    """An artist's renders, newest first (index `job_artist_created`), with the columns their status shows;
    deleted ones (tombstones) left out."""
    return (
        RenderJob.objects.filter(artist=artist, deleted_at__isnull=True)
        .select_related("clip")
        .only(*RENDER_FIELDS)
        .order_by("-created_at", "-id")
    )


# Model.from_db takes the values in the order of the model's fields.
_JOB_COLUMNS = [f.attname for f in RenderJob._meta.concrete_fields if f.attname in RENDER_FIELDS]
_CLIP_COLUMNS = [f.attname for f in Clip._meta.concrete_fields if f"clip__{f.attname}" in RENDER_FIELDS]


def _job_row(now: datetime, *, artist_id: int, job_id: uuid.UUID) -> QuerySet:
    return RenderJob.objects.filter(artist_id=artist_id, id=job_id, deleted_at__isnull=True).values(*RENDER_FIELDS)


# Every status poll reads one render: its SQL is compiled once per process (core.compiled_query).
_JOB_ROW = CompiledQuery(
    _job_row,
    model=RenderJob,
    args={
        "artist_id": Arg(RenderJob._meta.get_field("artist"), (1, 2)),
        "job_id": Arg(RenderJob._meta.pk, (uuid.UUID(int=1), uuid.UUID(int=2))),
    },
)


def job_of(*, artist: User, job_id: uuid.UUID | str) -> RenderJob | None:
    """One of the artist's renders with the columns its status shows, its clip joined (one query, by primary
    key): the same instances as `.select_related("clip").only(*RENDER_FIELDS)`, from a row whose SQL is
    compiled once (Model.from_db)."""
    try:
        job_id = job_id if isinstance(job_id, uuid.UUID) else uuid.UUID(str(job_id))
    except ValueError:
        return None
    rows = _JOB_ROW.rows(clock.now(), artist_id=artist.pk, job_id=job_id)
    if not rows:
        return None
    row, db = rows[0], router.db_for_read(RenderJob)
    job = RenderJob.from_db(db, _JOB_COLUMNS, [row[name] for name in _JOB_COLUMNS])
    clip = None
    if row["clip__id"] is not None:
        clip = Clip.from_db(db, _CLIP_COLUMNS, [row[f"clip__{name}"] for name in _CLIP_COLUMNS])
        clip._state.fields_cache["job"] = job
    job._state.fields_cache["clip"] = clip
    return job


def batch_of(*, artist: User, batch: uuid.UUID | str) -> QuerySet[RenderJob]:
    """The artist's variations of one submission, in the order they were submitted."""
    return (
        RenderJob.objects.filter(artist=artist, batch=batch, deleted_at__isnull=True)
        .select_related("clip")
        .order_by("created_at", "id")
    )


def job_detail_of(*, artist: User, job_id: uuid.UUID | str) -> RenderJob | None:
    """One of the artist's renders, every column (its page shows the settings too)."""
    return RenderJob.objects.filter(artist=artist, id=job_id, deleted_at__isnull=True).select_related("clip").first()


def library_of(
    *,
    artist: User,
    status: str = "",
    publication: str = "",
    preset: str = "",
    q: str = "",
    order: tuple[str, ...] = ("-created_at", "-id"),
) -> QuerySet[RenderJob]:
    """The studio's library: jobs_of() filtered by status, the clip's publication state, preset and prompt
    text, in `order`."""
    qs = jobs_of(artist=artist)
    if status:
        qs = qs.filter(status=status)
    if publication:
        qs = qs.filter(clip__publication=publication)
    if preset:
        qs = qs.filter(preset=preset)
    if q:
        qs = qs.filter(prompt__icontains=q)
    return qs.order_by(*order)


def library_facets(*, artist: User) -> dict[str, list[str]]:
    """The publication states and presets the artist's library holds (the filters' options): two queries."""
    return {
        "publications": sorted(
            set(Clip.objects.filter(artist=artist).values_list("publication", flat=True).distinct())
        ),
        "presets": sorted(
            set(
                RenderJob.objects.filter(artist=artist, deleted_at__isnull=True)
                .values_list("preset", flat=True)
                .distinct()
            )
        ),
    }
