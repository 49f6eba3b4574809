"""Registering and managing webhook endpoints; each write is one transaction with its audit record."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from webhooks.events import PING, Event
from webhooks.models import Delivery, Endpoint
from webhooks.services.deliveries import deliveries_create
from webhooks.targets import target_resolve

SECRET_PREFIX = "whsec_"
INTEGRATION_PERMISSION = "webhooks.manage_integrations"
MAX_DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class IssuedEndpoint:
    endpoint: Endpoint
    secret: str  # shown once


def may_manage_integrations(user: User) -> bool:
    """Whether `user` may register site-wide endpoints (admins)."""
    return bool(user.is_active and user.has_perm(INTEGRATION_PERMISSION))


def may_use_webhooks(user: User) -> bool:
    """Artists (for their own events) and integration admins may have endpoints."""
    return bool(user.is_active and (user.is_artist or may_manage_integrations(user)))


def _require(user: User) -> None:
    if not may_use_webhooks(user):
        raise PermissionDenied(_("Only artists and integration admins can register webhooks."))


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = [str(event) for event in events]
    unknown = sorted(set(chosen) - set(Event.values))
    if unknown:
        raise ValidationError(
            {
                "events": _("Unknown event(s): %(unknown)s. Choose from %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(Event.values)}
            }
        )
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    return [event for event in Event.values if event in chosen]


def endpoint_create(
    *,
    owner: User,
    url: str,
    events: Iterable[str],
    description: str = "",
    site_wide: bool = False,
    request: HttpRequest | None = None,
) -> IssuedEndpoint:
    """Register an endpoint for `owner`; its secret is returned here once. Refuses a URL that is not
    http(s) or (in production) points at a private address, unknown events, and too many endpoints."""
    _require(owner)
    if site_wide and not may_manage_integrations(owner):
        raise PermissionDenied(_("Only admins can register a site-wide endpoint (an integration)."))
    errors: dict[str, list[str]] = {}
    try:
        target_resolve(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    try:
        chosen = _clean_events(events)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_CHARS:
        errors["description"] = [_("At most %(n)s characters.") % {"n": MAX_DESCRIPTION_CHARS}]
    if errors:
        raise ValidationError(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=owner.pk).first()  # one count at a time per owner
        if Endpoint.objects.filter(owner=owner).count() >= settings.WEBHOOK_MAX_ENDPOINTS:
            raise ValidationError(
                _("You have %(n)s endpoints, the most allowed; delete one first.")
                % {"n": settings.WEBHOOK_MAX_ENDPOINTS}
            )
        endpoint = Endpoint.objects.create(
            owner=owner,
            url=url.strip(),
            description=description,
            events=chosen,
            site_wide=site_wide,
            secret=secret,
            secret_prefix=secret[: len(SECRET_PREFIX) + 4],
        )
        audit_record(
            action="webhook.created",
            actor=owner,
            request=request,
            obj=endpoint,
            detail={"url": endpoint.url[:200], "events": chosen, "site_wide": site_wide},
        )
    return IssuedEndpoint(endpoint=endpoint, secret=secret)


def _own(endpoint_id: int, owner: User) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id, owner=owner).first()
    if endpoint is None:
        raise Endpoint.DoesNotExist
    return endpoint


def endpoint_delete(*, endpoint_id: int, owner: User, request: HttpRequest | None = None) -> None:
    """Delete one of `owner`'s endpoints with its deliveries; a delivery in flight then finds nothing."""
    with transaction.atomic():
        endpoint = _own(endpoint_id, owner)
        audit_record(
            action="webhook.deleted", actor=owner, request=request, obj=endpoint, detail={"url": endpoint.url[:200]}
        )
        endpoint.delete()


def endpoint_enable(*, endpoint_id: int, owner: User, request: HttpRequest | None = None) -> Endpoint:
    """Turn a disabled endpoint back on with its failure count at zero (missed events are not resent)."""
    with transaction.atomic():
        endpoint = _own(endpoint_id, owner)
        if not endpoint.enabled:
            endpoint.enabled = True
            endpoint.disabled_at = None
            endpoint.disabled_reason = ""
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason", "consecutive_failures"])
            audit_record(action="webhook.enabled", actor=owner, request=request, obj=endpoint)
    return endpoint


def endpoint_ping(*, endpoint_id: int, owner: User) -> Delivery:
    """Queue a signed `ping` delivery to one of `owner`'s enabled endpoints (sent once this commits)."""
    with transaction.atomic():
        endpoint = _own(endpoint_id, owner)
        if not endpoint.enabled:
            raise ValidationError(_("This endpoint is disabled; enable it before sending a ping."))
        data = {"endpoint": endpoint.pk, "message": "Test ping from Vernissage."}
        return deliveries_create(endpoints=[endpoint], event=PING, data=data)[0]
