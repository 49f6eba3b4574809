"""Tell people about decisions: an in-site notification, an email on commit, a daily digest."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals import gate
from approvals.models import Decision, Notification, Review
from core import clock
from core.mail import mail_send
from generation.models import Clip


def _clip_url(clip: Clip) -> str:
    return reverse("clip_detail", kwargs={"clip_id": clip.id})


def user_notify(
    *, user, message: str, clip: Clip | None = None, email_subject: str = "", email_body: str = ""
) -> Notification:
    """Add a notification for `user` now; email it once the transaction commits when a subject is given."""
    url = _clip_url(clip) if clip is not None else ""
    note = Notification.objects.create(user=user, message=message[:500], url=url)
    if email_subject:
        mail_send(
            to=[user.email],
            subject=email_subject,
            template="email/notification.txt",
            context={"message": email_body or message, "url": f"{settings.SITE_URL}{url}" if url else ""},
        )
    return note


def decision_made(*, clip: Clip, review: Review) -> None:
    """Notify and email the artist of a moderator's decision, with the clause and reason."""
    prompt = clip.job.prompt[:80]
    kind = "request for publication"
    if review.is_appeal:
        kind = "appeal against the takedown" if review.appeal_of == Decision.TAKE_DOWN else "appeal"
    if review.decision == Decision.APPROVE:
        if clip.publication == gate.Publication.HELD:
            when = "A contest holds it out of the gallery until its results; it is published with them."
        elif gate.pending_embargo(clip):
            when = f"It will be published on {clip.publish_at:%Y-%m-%d %H:%M} UTC."
        else:
            when = "It is now in the public gallery."
        subject, message = "Your clip was approved", f"Your {kind} for “{prompt}” was approved. {when}"
    else:
        verb = "needs changes" if review.decision == Decision.CHANGES else "was not approved"
        subject = f"Your clip {verb}"
        message = (
            f"Your {kind} for “{prompt}” {verb}. Clause {review.clause.code} ({review.clause.title}): {review.reason}"
        )
        if review.decision == Decision.REJECT and not review.is_appeal:
            message += " You may appeal this decision once."
    user_notify(user=clip.artist, clip=clip, message=message, email_subject=subject)


def review_digest_send() -> int:
    """Email every moderator a summary of the open queue (by the mail task); returns how many were queued."""
    from approvals.selectors import queue_summary

    summary = queue_summary()
    if not summary["open"]:
        return 0
    context = {
        "summary": summary,
        "oldest_hours": f"{summary['oldest_hours']:.0f}",
        "target_hours": settings.REVIEW_TARGET_HOURS,
        "url": f"{settings.SITE_URL}{reverse('review_queue')}",
    }
    moderators = [u for u in get_user_model().objects.filter(is_active=True).exclude(email="") if u.is_moderator]
    subject = _("Review queue on %(day)s: %(open)s waiting") % {
        "day": f"{clock.now():%Y-%m-%d}",
        "open": summary["open"],
    }
    sent = 0
    for user in moderators:
        sent += mail_send(
            to=[user.email], subject=subject, template="email/review_digest.txt", context=context, on_commit=False
        )
    return sent
