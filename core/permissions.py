"""Role checks for pages and the API, written once.

A role is a property of the signed-in user (`is_artist`, `is_moderator`, `is_staff`, ...; accounts
defines them); the checks here only read it, so the core knows no app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from core.audit import audit_record


def has_role(user: Any, role: str) -> bool:
    """Whether `user` holds `role` (a property `is_<role>` of the account); anonymous users hold none."""
    return bool(user is not None and user.is_authenticated and getattr(user, f"is_{role}", False))


def require_role(request, role: str, message: str, *, audit: bool = False) -> None:
    """Raise PermissionDenied(message) unless the request's user holds `role`; `audit` records the refusal."""
    if has_role(request.user, role):
        return
    if audit:
        audit_record(
            action="access.denied", request=getattr(request, "_request", request), detail={"path": request.path[:200]}
        )
    raise PermissionDenied(message)


class HasRole(permissions.BasePermission):
    """DRF: the user must hold `role` for the methods in `methods` (all when empty); 403 with `message`."""

    role = ""
    methods: tuple[str, ...] = ()
    audit = False

    def has_permission(self, request, view) -> bool:
        if self.methods and request.method not in self.methods:
            return True
        if has_role(request.user, self.role):
            return True
        if self.audit:
            audit_record(action="access.denied", request=request._request, detail={"path": request.path[:200]})
        return False


def role_permission(
    role: str, message: str, *, code: str = "permission_denied", methods: tuple[str, ...] = (), audit: bool = False
) -> type[HasRole]:
    """A DRF permission class requiring `role` (for `methods`, or all), refusing with `message` and `code`."""
    return type(
        f"Has_{role}", (HasRole,), {"role": role, "message": message, "code": code, "methods": methods, "audit": audit}
    )
