"""Email through an outbox: bodies rendered from templates/email/*.txt when the event happens, written as
an OutgoingEmail row in the same transaction, sent by the housekeeping worker once it commits, with the
SMTP timeout and login of the settings.

`mail_send` is what services call; `send_mail_task` (queue `default`) takes the row's id, claims it (a
second delivery sends nothing), sends it and retries a failing server with backoff; `mail_sweep` (beat)
sends what a lost task left queued and frees what a killed worker left sending. With EMAIL_QUEUE off the
message is sent in the calling process instead, still after commit.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from core import clock
from core.models import OutgoingEmail

log = logging.getLogger(__name__)
S = OutgoingEmail.Status
#: A message still QUEUED this long after its last change lost its task; one SENDING this long, its worker.
SWEEP_AFTER = timedelta(minutes=5)
RETRYABLE = (smtplib.SMTPException, OSError)
#: Tries before a message is given up (the task's retries, or the sweep's when sending in-process).
MAX_ATTEMPTS = 9


def mail_deliver(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text message now through EMAIL_BACKEND; raises on a failure; returns messages sent."""
    return send_mail(subject, body, None, to, fail_silently=False)


def email_send(*, email_id: int, final: bool = True) -> int:
    """Claim the queued message and send it once: SENT (body cleared) or, on a failure, QUEUED again for a
    retry (FAILED when `final`); raises the failure. Returns messages sent (0 when it was not queued)."""
    now = clock.now()
    if not OutgoingEmail.objects.filter(id=email_id, status=S.QUEUED).update(status=S.SENDING, updated_at=now):
        return 0
    email = OutgoingEmail.objects.get(id=email_id)
    try:
        sent = mail_deliver(subject=email.subject, body=email.body, to=list(email.to))
    except Exception as exc:
        OutgoingEmail.objects.filter(id=email_id).update(
            status=S.FAILED if final else S.QUEUED,
            attempts=email.attempts + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=clock.now(),
        )
        raise
    OutgoingEmail.objects.filter(id=email_id).update(
        status=S.SENT, body="", attempts=email.attempts + 1, last_error="", sent_at=clock.now(), updated_at=clock.now()
    )
    return sent


@shared_task(bind=True, name="core.mail.send", max_retries=MAX_ATTEMPTS - 1)
def send_mail_task(self, email_id: int) -> int:
    """Send one outbox message (each SMTP step bounded by EMAIL_TIMEOUT); a failing server is retried with
    backoff for hours; a refused recipient is final."""
    final = self.request.retries >= self.max_retries
    try:
        return email_send(email_id=email_id, final=final)
    except smtplib.SMTPRecipientsRefused:
        OutgoingEmail.objects.filter(id=email_id).update(status=S.FAILED, updated_at=clock.now())
        raise
    except RETRYABLE as exc:
        if final:
            raise
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task(name="core.mail.sweep")
def mail_sweep() -> dict[str, int]:
    """Free messages a killed worker left SENDING and send those whose task was lost."""
    before = clock.now() - SWEEP_AFTER
    # Back to QUEUED, still stale: sent again by this very sweep.
    freed = OutgoingEmail.objects.filter(status=S.SENDING, updated_at__lt=before).update(status=S.QUEUED)
    stale = OutgoingEmail.objects.filter(status=S.QUEUED, updated_at__lt=before)
    given_up = stale.filter(attempts__gte=MAX_ATTEMPTS).update(status=S.FAILED, updated_at=clock.now())
    resend = list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("id", flat=True))
    for email_id in resend:
        _dispatch(email_id)
    return {"freed": freed, "resent": len(resend), "failed": given_up}


def _dispatch(email_id: int) -> None:
    try:
        if settings.EMAIL_QUEUE:
            send_mail_task.apply_async(args=[email_id])
        else:
            email_send(email_id=email_id, final=False)
    except Exception:  # after commit nothing can be undone: log it, never fail the request (the row stays)
        log.exception("Email %s was not sent now; it stays in the outbox", email_id)


def mail_send(
    *, to: Iterable[str], subject: str, template: str, context: dict[str, Any] | None = None, on_commit: bool = True
) -> bool:
    """Render `template` now, write the message to the outbox and have the mail task send it once the
    current transaction commits.

    Returns False (and stores nothing) when there is no recipient. `on_commit=False` hands it over at once,
    for callers outside any transaction (the daily digest).
    """
    recipients = list(dict.fromkeys(address for address in to if address))
    if not recipients:
        return False
    body = render_to_string(template, {"site_url": settings.SITE_URL, **(context or {})}).strip() + "\n"
    now = clock.now()
    email = OutgoingEmail.objects.create(
        to=recipients, subject=" ".join(str(subject).split())[:255], body=body, created_at=now, updated_at=now
    )
    if on_commit:
        transaction.on_commit(lambda: _dispatch(email.id))
    else:
        _dispatch(email.id)
    return True
