"""Reads the webhook pages and the API share."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from webhooks.models import Attempt, Delivery, Endpoint

RECENT = 25


def endpoints_of(*, owner: User) -> QuerySet[Endpoint]:
    """`owner`'s endpoints, newest first."""
    return Endpoint.objects.filter(owner=owner).order_by("-created_at", "-id")


def endpoint_of(*, owner: User, endpoint_id: int) -> Endpoint | None:
    """One of `owner`'s endpoints, or None (someone else's is as missing as a deleted one)."""
    return Endpoint.objects.filter(owner=owner, pk=endpoint_id).first()


def recent_deliveries(*, endpoint: Endpoint, limit: int = RECENT) -> list[Delivery]:
    """The endpoint's latest deliveries, each with its attempts in order."""
    attempts = Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
    return list(endpoint.deliveries.order_by("-created_at").prefetch_related(attempts)[:limit])
