"""Public artist profiles and account deletion.

Deleting an account withdraws the artist's published clips (through approvals' withdraw), revokes
every consent, erases personal data (name, email, bio, links, tokens, exports, notifications,
attachments, the images sent in clip conversations) and keeps the ledger: its entries stay on the account
row, renamed to a pseudonym.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from approvals.gate import Publication
from artists.models import ArtistProfile, Attachment, ClipConsent, Export
from conversations.models import Message as ThreadMessage
from core import clock
from core.audit import audit_record
from generation.models import Clip

MAX_LINKS = 5


def profile_update(*, user, display_name: str, bio: str, links: str, request=None) -> ArtistProfile:
    """Save the public profile; links must be http(s) URLs, at most MAX_LINKS of them."""
    lines = [line.strip() for line in (links or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        raise ValidationError({"links": gettext("At most %(MAX_LINKS)s links.") % {"MAX_LINKS": MAX_LINKS}})
    for line in lines:
        parsed = urlparse(line)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValidationError({"links": gettext("“%(line)s” is not an http(s) link.") % {"line": line[:80]}})
    with transaction.atomic():
        profile, _ = ArtistProfile.objects.select_for_update().get_or_create(user=user)
        profile.bio, profile.links = (bio or "").strip()[:2000], "\n".join(lines)
        profile.save()
        user.display_name = (display_name or "").strip()[:80]
        user.save(update_fields=["display_name"])
        audit_record(action="profile.updated", actor=user, request=request, obj=profile)
    return profile


# Clips on their way to the gallery, or in it: each is withdrawn through approvals' withdraw; any it
# refuses are listed in the audit record.
ON_THE_WAY = (
    Publication.PUBLISHED,
    Publication.APPROVED,
    Publication.PENDING_REVIEW,
    Publication.APPEALED,
    Publication.CHANGES_REQUESTED,
)


def _withdraw_all(user, request) -> tuple[int, list[str]]:
    from approvals.services import clip_withdraw

    withdrawn, left = 0, []
    for clip_id in Clip.objects.filter(artist=user, publication__in=ON_THE_WAY).values_list("id", flat=True):
        try:
            clip_withdraw(clip_id=clip_id, artist=user, request=request)
        except ValidationError:
            left.append(str(clip_id))
        else:
            withdrawn += 1
    return withdrawn, left


def account_delete(*, user, password: str, request=None) -> str:
    """Withdraw published clips, erase personal data, keep the ledger under a pseudonym; returns it."""
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(gettext("This account is already closed."))
    if not user.check_password(password or ""):
        raise ValidationError({"password": gettext("The password is wrong; the account was not deleted.")})
    pseudonym = f"former-artist-{os.urandom(5).hex()}"
    files: list[str] = []
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        withdrawn, left = _withdraw_all(user, request)
        ClipConsent.objects.filter(clip__artist=user, revoked_at__isnull=True).update(revoked_at=clock.now())
        for attachment in Attachment.objects.filter(feedback__artist=user):
            files.append(attachment.file.name)
        Attachment.objects.filter(feedback__artist=user).delete()
        user.feedback_items.update(credit=False)
        for message in ThreadMessage.objects.filter(author=user).exclude(frame=""):  # images they sent
            files.append(message.frame.name)
        ThreadMessage.objects.filter(author=user).exclude(frame="").update(frame="", frame_captured=False)
        for export in Export.objects.filter(artist=user):
            if export.file:
                files.append(export.file.name)
        Export.objects.filter(artist=user).delete()
        ArtistProfile.objects.filter(user=user).delete()
        user.api_tokens.all().delete()
        if hasattr(user, "notifications"):
            user.notifications.all().delete()
        user.username, user.email, user.display_name = pseudonym, "", ""
        user.first_name = user.last_name = ""
        user.is_active = user.is_staff = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        audit_record(
            action="account.deleted",
            actor=user,
            request=request,
            obj=user,
            detail={"withdrawn_clips": withdrawn, "not_withdrawable": left},
        )
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files if name])
    return pseudonym
