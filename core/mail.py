"""Email from a Celery task: bodies rendered from templates/email/*.txt when the event happens, sent by
the housekeeping worker once the transaction commits, with the SMTP timeout and login of the settings.

`mail_send` is what services call; `send_mail_task` (queue `default`) sends one message and retries a
failing server with backoff. With EMAIL_QUEUE off the message is sent in the calling process instead,
still after commit.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


def mail_deliver(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text message now through EMAIL_BACKEND; raises on a failure; returns messages sent."""
    return send_mail(subject, body, None, to, fail_silently=False)


@shared_task(
    name="core.mail.send",
    autoretry_for=(smtplib.SMTPException, OSError),
    dont_autoretry_for=(smtplib.SMTPRecipientsRefused,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def send_mail_task(*, subject: str, body: str, to: list[str]) -> int:
    """Send one message (each SMTP step bounded by EMAIL_TIMEOUT); a failing server is retried for hours."""
    return mail_deliver(subject=subject, body=body, to=to)


def _dispatch(message: dict[str, Any]) -> None:
    try:
        if settings.EMAIL_QUEUE:
            send_mail_task.apply_async(kwargs=message)
        else:
            mail_deliver(**message)
    except Exception:  # after commit nothing can be undone: log it, never fail the request
        log.exception("Email %r to %s was not sent", message["subject"], ", ".join(message["to"]))


def mail_send(
    *, to: Iterable[str], subject: str, template: str, context: dict[str, Any] | None = None, on_commit: bool = True
) -> bool:
    """Render `template` now and have the mail task send it to `to` once the current transaction commits.

    Returns False (and sends nothing) when there is no recipient. `on_commit=False` hands it over at once,
    for callers outside any transaction (the daily digest).
    """
    recipients = list(dict.fromkeys(address for address in to if address))
    if not recipients:
        return False
    body = render_to_string(template, {"site_url": settings.SITE_URL, **(context or {})}).strip() + "\n"
    message = {"subject": str(subject), "body": body, "to": recipients}
    if on_commit:
        transaction.on_commit(lambda: _dispatch(message))
    else:
        _dispatch(message)
    return True
