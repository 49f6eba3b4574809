"""Reads shared by the artists' pages, the home page's featured row and the promo kit."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from artists.models import ChangelogEntry, ClipConsent, ConsentTerms, Export, Feedback, FeedbackStatus, LedgerEntry, Use
from generation.models import Clip
from generation.selectors import public_q


def _current_terms_ids() -> dict[str, int]:
    current: dict[str, int] = {}
    for terms in ConsentTerms.objects.order_by("use", "-version"):
        current.setdefault(terms.use, terms.pk)
    return current


def clips_with_consent(*, use: str) -> QuerySet[Clip]:
    """Published clips whose artist consents now to `use` under the current terms version."""
    terms_id = _current_terms_ids().get(use)
    if terms_id is None:
        return Clip.objects.none()
    consent = ClipConsent.objects.filter(clip=OuterRef("pk"), use=use, terms_id=terms_id, revoked_at__isnull=True)
    return (
        Clip.objects.filter(public_q(), artist__is_active=True)
        .filter(Exists(consent))
        .select_related("artist", "job")
        .order_by("-published_at")
    )


def featured_clips(*, limit: int = 6) -> list[Clip]:
    """The gallery's featured row: only clips consented to “featured” under the current terms."""
    return list(clips_with_consent(use=Use.FEATURED)[:limit])


def consent_table(*, artist: User) -> list[dict]:
    """For each published clip of the artist: each use with its current terms and the active consent."""
    from approvals.gate import Publication

    current = {t.use: t for t in ConsentTerms.objects.order_by("use", "version")}  # last wins: the highest
    clips = list(Clip.objects.filter(artist=artist, publication=Publication.PUBLISHED).select_related("job"))
    active = {
        (c.clip_id, c.use): c
        for c in ClipConsent.objects.filter(clip__in=clips, revoked_at__isnull=True).select_related("terms")
    }
    rows = []
    for clip in clips:
        uses = []
        for use in Use:
            consent = active.get((clip.id, use.value))
            terms = current.get(use.value)
            uses.append(
                {
                    "use": use.value,
                    "label": use.label,
                    "terms": terms,
                    "consent": consent,
                    "current": bool(consent and terms and consent.terms_id == terms.pk),
                }
            )
        rows.append({"clip": clip, "uses": uses})
    return rows


def ledger_of(*, artist: User) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(artist=artist).select_related("reverses").order_by("-created_at", "-id")


def feedback_of(*, artist: User) -> QuerySet[Feedback]:
    return Feedback.objects.filter(artist=artist).prefetch_related("attachments").order_by("-created_at")


def feedback_for_triage(*, status: str = FeedbackStatus.NEW) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(status=status)
        .select_related("artist", "clip")
        .prefetch_related("attachments")
        .order_by("created_at")
    )


def feedback_visible(*, user: User | AnonymousUser, feedback_id: int) -> Feedback | None:
    """A feedback item for its artist or a moderator; None for anyone else."""
    qs = Feedback.objects.select_related("artist", "clip", "triaged_by").prefetch_related("attachments")
    if not user.is_authenticated:
        return None
    if not user.is_moderator:
        qs = qs.filter(artist=user)
    return qs.filter(pk=feedback_id).first()


def changelog() -> QuerySet[ChangelogEntry]:
    return ChangelogEntry.objects.prefetch_related("feedback__artist").order_by("-created_at")


def exports_of(*, artist: User) -> QuerySet[Export]:
    return Export.objects.filter(artist=artist).order_by("-created_at")


def profile_of(*, username: str) -> User | None:
    """An active artist's account by username, or None."""
    return get_user_model().objects.filter(username=username, is_active=True).first()


def published_clips_of(*, artist: User) -> QuerySet[Clip]:
    return Clip.objects.filter(public_q(), artist=artist).select_related("artist", "job").order_by("-published_at")
