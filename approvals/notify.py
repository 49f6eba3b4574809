"""Tell people about decisions: an in-site notification, an email on commit, a daily digest."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from approvals import gate
from approvals.models import Decision, Notification, Review
from core import clock
from core.i18n import speaking_to
from core.mail import mail_send
from generation.models import Clip


def _clip_url(clip: Clip) -> str:
    return reverse("clip_detail", kwargs={"clip_id": clip.id})


def user_notify(
    *,
    user,
    message: str,
    clip: Clip | None = None,
    url: str = "",
    email_subject: str = "",
    email_body: str = "",
) -> Notification:
    """Add a notification for `user` now, linking to its object (`url`, else the clip's page); email it once
    the transaction commits when a subject is given."""
    if not url and clip is not None:
        url = _clip_url(clip)
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
    """Notify and email the artist of a moderator's decision, with the clause and reason, in their language."""
    with speaking_to(clip.artist):
        subject, message = _decision_message(clip=clip, review=review)
        user_notify(user=clip.artist, clip=clip, message=message, email_subject=subject)


def _decision_message(*, clip: Clip, review: Review) -> tuple[str, str]:
    values = {"prompt": clip.job.prompt[:80]}
    if review.decision == Decision.APPROVE:
        if clip.publication == gate.Publication.HELD:
            when = _("A contest holds it out of the gallery until its results; it is published with them.")
        elif gate.pending_embargo(clip):
            when = _("It will be published on %(when)s UTC.") % {"when": format(clip.publish_at, "%Y-%m-%d %H:%M")}
        else:
            when = _("It is now in the public gallery.")
        if review.is_appeal and review.appeal_of == Decision.TAKE_DOWN:
            text = _("Your appeal against the takedown for “%(prompt)s” was approved.")
        elif review.is_appeal:
            text = _("Your appeal for “%(prompt)s” was approved.")
        else:
            text = _("Your request for publication for “%(prompt)s” was approved.")
        return _("Your clip was approved"), f"{text % values} {when}"
    values.update(code=review.clause.code, title=review.clause.title, reason=review.reason)
    if review.decision == Decision.CHANGES:
        subject = _("Your clip needs changes")
        if review.is_appeal and review.appeal_of == Decision.TAKE_DOWN:
            text = _("Your appeal against the takedown for “%(prompt)s” needs changes.")
        elif review.is_appeal:
            text = _("Your appeal for “%(prompt)s” needs changes.")
        else:
            text = _("Your request for publication for “%(prompt)s” needs changes.")
    else:
        subject = _("Your clip was not approved")
        if review.is_appeal and review.appeal_of == Decision.TAKE_DOWN:
            text = _("Your appeal against the takedown for “%(prompt)s” was not approved.")
        elif review.is_appeal:
            text = _("Your appeal for “%(prompt)s” was not approved.")
        else:
            text = _("Your request for publication for “%(prompt)s” was not approved.")
    message = f"{text % values} " + _("Clause %(code)s (%(title)s): %(reason)s") % values
    if review.decision == Decision.REJECT and not review.is_appeal:
        message += " " + _("You may appeal this decision once.")
    return subject, message


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
    sent = 0
    for user in moderators:
        with speaking_to(user):
            subject = _("Review queue on %(day)s: %(open)s waiting") % {
                "day": f"{clock.now():%Y-%m-%d}",
                "open": summary["open"],
            }
            sent += mail_send(
                to=[user.email], subject=subject, template="email/review_digest.txt", context=context, on_commit=False
            )
    return sent
