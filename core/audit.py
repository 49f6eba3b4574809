"""Write the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.models import AuditEvent
from core.net import client_ip

__all__ = ["audit_record", "client_ip"]


def audit_record(
    *,
    action: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    obj: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit record; never store a secret in `detail`."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_repr=getattr(actor, "username", "") or "",
        ip=client_ip(request),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )
