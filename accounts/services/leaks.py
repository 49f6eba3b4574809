"""Leak detection: a token used from too many addresses or clients at once is suspended, alone.

A personal token normally comes from one or two places. One seen from more than LEAK_MAX_IPS
distinct addresses, or LEAK_MAX_CLIENTS distinct User-Agents, within LEAK_WINDOW_S has almost
certainly been shared or published (a public proxy in front of it). Only that token stops working;
the artist's other tokens and web session go on. The artist and the moderators are told by email.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import ApiToken, TokenSighting
from core import clock
from core.audit import audit_record
from core.i18n import speaking_to
from core.mail import mail_send
from core.net import client_ip

log = logging.getLogger(__name__)

#: A token seen again from the same address and client within this time writes nothing.
REFRESH = timedelta(seconds=30)


def client_fingerprint(request: HttpRequest | None) -> str:
    """A short hash of the User-Agent: distinct clients without storing what they send."""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return hashlib.sha256(agent.encode("utf-8", "replace")).hexdigest()[:32]


def _valid_ip(value: str | None) -> str | None:
    """The address if it is one (a unix-socket peer has none), else None."""
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def token_note_use(*, token: ApiToken, request: HttpRequest | None) -> bool:
    """Record that `token` was used by `request`; suspend it when the use looks like a leak.

    Returns True when the token is (now) suspended. The common case (same address and client as
    the last request, within REFRESH) costs no query. Otherwise one conditional UPDATE of the token row
    claims the refresh: of concurrent requests from one place (several web processes, each with the row as it
    was), only the first writes; the others see nothing updated and stop there. The claimer then records the
    sighting and counts the window, so a token in steady use from one place writes once per REFRESH.
    """
    now = clock.now()
    ip = _valid_ip(client_ip(request))
    client = client_fingerprint(request)
    if (
        token.last_used_ip == ip
        and token.last_used_client == client
        and token.last_used_at is not None
        and now - token.last_used_at < REFRESH
    ):
        return False
    elsewhere = ~Q(last_used_ip=ip) | ~Q(last_used_client=client)
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - REFRESH) | elsewhere
    claimed = ApiToken.objects.filter(stale, pk=token.pk).update(
        last_used_at=now, last_used_ip=ip, last_used_client=client
    )
    if not claimed:
        return False  # a concurrent request from this place refreshed it a moment ago
    token.last_used_at, token.last_used_ip, token.last_used_client = now, ip, client
    seen = TokenSighting.objects.filter(token=token, ip=ip, client=client)
    if not seen.update(last_seen=now):
        try:
            with transaction.atomic():
                TokenSighting.objects.create(token=token, ip=ip, client=client, first_seen=now, last_seen=now)
        except IntegrityError:  # a concurrent request from the same place created it
            seen.update(last_seen=now)
    window = timedelta(seconds=settings.LEAK_WINDOW_S)
    counts = TokenSighting.objects.filter(token=token, last_seen__gte=now - window).aggregate(
        ips=Count("ip", distinct=True, filter=Q(ip__isnull=False)), clients=Count("client", distinct=True)
    )
    minutes = max(1, round(settings.LEAK_WINDOW_S / 60))
    reason = ""
    if counts["ips"] > settings.LEAK_MAX_IPS:
        reason = f"used from {counts['ips']} different IP addresses within {minutes} minutes"
    elif counts["clients"] > settings.LEAK_MAX_CLIENTS:
        reason = f"used by {counts['clients']} different clients within {minutes} minutes"
    if not reason:
        return False
    token_suspend(token_id=token.pk, reason=f"Suspended automatically: {reason}; it may have leaked.", request=request)
    return True


def _moderator_emails() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename="review_clip", groups__permissions__content_type__app_label="approvals")
            | Q(is_superuser=True)
        )
        .exclude(email="")
        .distinct()
    )
    return sorted({user.email for user in users})


def token_suspend(*, token_id: int, reason: str, request: HttpRequest | None = None) -> bool:
    """Suspend one active token (idempotent); the artist and moderators are emailed once, on commit."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token_id, suspended_at__isnull=True, revoked_at__isnull=True).update(
            suspended_at=clock.now(), suspended_reason=reason[:300]
        )
        if not updated:
            return False
        token = ApiToken.objects.select_related("user").get(pk=token_id)
        audit_record(
            action="token.suspended",
            actor=token.user,
            request=request,
            obj=token,
            detail={"prefix": token.prefix, "reason": reason[:300]},
        )
        log.warning("API token %s… of %s suspended: %s", token.prefix, token.user.username, reason)
        artist_email, moderators = token.user.email, _moderator_emails()
        username, prefix = token.user.username, token.prefix
        context = {"prefix": prefix, "reason": reason, "username": username}
        with speaking_to(token.user):
            mail_send(
                to=[artist_email],
                subject=_("Your API token was suspended"),
                template="email/token_suspended.txt",
                context={**context, "account_url": f"{settings.SITE_URL}/account/"},
            )
        mail_send(
            to=moderators,
            subject=_("API token of %(username)s suspended") % {"username": username},
            template="email/token_suspended_moderators.txt",
            context=context,
        )
    return True
