"""Feedback that counts: artists file items, moderators triage them, the changelog credits them.

Triage moves: NEW -> ACCEPTED | DUPLICATE | WONT_FIX | FIXED; ACCEPTED -> FIXED. An item that is
accepted or fixed earns one ledger entry at the configured feedback rate (once, whatever the path).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.notify import user_notify
from artists.ledger import ledger_record
from artists.models import Attachment, ChangelogEntry, EntryKind, Feedback, FeedbackKind, FeedbackStatus
from core import clock
from core.audit import audit_record
from core.i18n import inline_label, speaking_to
from core.uploads import image_clean
from generation.models import Clip

S = FeedbackStatus
TRIAGE: dict[str, tuple[str, ...]] = {
    S.NEW: (S.ACCEPTED, S.DUPLICATE, S.WONT_FIX, S.FIXED),
    S.ACCEPTED: (S.FIXED,),
}
EARNING = (S.ACCEPTED, S.FIXED)
MAX_ATTACHMENTS = 4


def feedback_create(
    *, artist, kind: str, title: str, text: str, clip_id=None, images=(), credit: bool = True, request=None
) -> Feedback:
    """File one feedback item with checked image attachments and, optionally, one of the artist's own clips.

    `images` is a list of (name, bytes); every image is checked before anything is stored.
    """
    if not getattr(artist, "is_artist", False):
        raise ValidationError(_("Only artists file feedback."))
    if kind not in FeedbackKind.values:
        raise ValidationError({"kind": _("Choose bug, suggestion or safety finding.")})
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise ValidationError({"title" if not title else "text": _("Write a title and describe what you found.")})
    if len(images) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"images": _("Attach at most %(MAX_ATTACHMENTS)s images.") % {"MAX_ATTACHMENTS": MAX_ATTACHMENTS}}
        )
    clip = None
    if clip_id:
        clip = Clip.objects.filter(id=clip_id, artist=artist).first()
        if clip is None:
            raise ValidationError({"clip": _("You can attach only one of your own clips.")})
    cleaned = []
    for name, data in images:
        try:
            cleaned.append(image_clean(name=name, data=data))
        except ValidationError as exc:
            raise ValidationError({"images": exc.messages}) from None
    with transaction.atomic():
        item = Feedback.objects.create(
            artist=artist, kind=kind, title=title[:120], text=text[:5000], clip=clip, credit=credit
        )
        for image in cleaned:
            attachment = Attachment(
                feedback=item,
                content_type=image.content_type,
                extension=image.extension,
                width=image.width,
                height=image.height,
                size_bytes=len(image.content),
            )
            attachment.file.save("image", ContentFile(image.content), save=False)
            attachment.save()
        audit_record(
            action="feedback.filed",
            actor=artist,
            request=request,
            obj=item,
            detail={"kind": kind, "attachments": len(cleaned), "clip": str(clip.id) if clip else None},
        )
    return item


def feedback_triage(
    *, feedback_id: int, moderator, status: str, response: str, duplicate_of: int | None = None, request=None
) -> Feedback:
    """Move an item to a triage state with a response the artist reads; accepted items earn once."""
    if not getattr(moderator, "is_moderator", False):
        raise ValidationError(_("Only moderators triage feedback."))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write a response: the artist reads it.")})
    if len(response) > 5000:
        raise ValidationError({"response": _("The response is over 5000 characters.")})
    with transaction.atomic():
        item = Feedback.objects.select_for_update().filter(pk=feedback_id).first()
        if item is None:
            raise ValidationError(_("No such feedback item."))
        allowed = TRIAGE.get(item.status, ())
        if status not in allowed:
            raise ValidationError(
                _("Feedback that is %(lower)s cannot become %(lower2)s.")
                % {
                    "lower": inline_label(item.get_status_display()),
                    "lower2": inline_label(dict(S.choices).get(status, status)),
                }
            )
        original = None
        if status == S.DUPLICATE:
            original = Feedback.objects.filter(pk=duplicate_of).exclude(pk=item.pk).first() if duplicate_of else None
            if original is None:
                raise ValidationError({"duplicate_of": _("Name the item this one duplicates.")})
        item.status, item.response, item.duplicate_of = status, response, original
        item.triaged_by, item.triaged_at = moderator, clock.now()
        item.save(update_fields=["status", "response", "duplicate_of", "triaged_by", "triaged_at"])
        audit_record(
            action=f"feedback.{status}", actor=moderator, request=request, obj=item, detail={"response": response[:500]}
        )
        if status in EARNING:
            ledger_record(
                artist=item.artist,
                kind=EntryKind.FEEDBACK,
                reference=f"feedback:{item.pk}",
                memo=f"Feedback #{item.pk} {inline_label(item.get_status_display())}",
                actor=moderator,
                request=request,
            )
        with speaking_to(item.artist):
            message = _("Your feedback “%(title)s” was triaged: %(status)s. %(response)s") % {
                "title": item.title,
                "status": item.get_status_display(),
                "response": response,
            }
            url = reverse("artists:feedback_detail", kwargs={"feedback_id": item.pk})
            user_notify(user=item.artist, message=message[:500], url=url)
    return item


def changelog_add(*, title: str, body: str, feedback_ids: list[int], actor, request=None) -> ChangelogEntry:
    """Publish one changelog entry linked to the accepted or fixed feedback items behind it."""
    if not getattr(actor, "is_moderator", False):
        raise ValidationError(_("Only moderators write the changelog."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the change a title.")})
    items = list(Feedback.objects.filter(pk__in=feedback_ids or [], status__in=EARNING))
    if not items or len(items) != len(set(feedback_ids)):
        raise ValidationError({"feedback": _("Link the accepted or fixed feedback items this change came from.")})
    with transaction.atomic():
        entry = ChangelogEntry.objects.create(title=title[:160], body=(body or "").strip()[:5000], created_by=actor)
        entry.feedback.set(items)
        audit_record(
            action="changelog.added",
            actor=actor,
            request=request,
            obj=entry,
            detail={"feedback": [i.pk for i in items]},
        )
    return entry
