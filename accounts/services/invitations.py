"""Invitation-only sign-up: who may invite whom, and create, look up and accept single-use links."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Invitation, Role, User
from accounts.services.roles import user_set_role
from core import clock
from core.audit import audit_record
from core.mail import mail_send

#: Who may invite whom: an inviter's role -> the roles their invitations may carry. This table is the only
#: rule: the service enforces it, the invitation form offers exactly it, the `invite` command applies it.
#: Judges are invited as judges (they score only the contests that name them); only admins make staff.
MAY_INVITE: dict[str, tuple[str, ...]] = {
    Role.MODERATOR: (Role.ARTIST, Role.JUDGE),
    Role.ADMIN: (Role.ARTIST, Role.JUDGE, Role.MODERATOR, Role.ADMIN),
}


def invitable_roles(inviter: User | None) -> list[str]:
    """The roles `inviter` may invite, in Role order; every role for None (the operator's command line)."""
    if inviter is None:
        return list(Role.values)
    if not inviter.is_active:
        return []
    allowed = {role for holder, roles in MAY_INVITE.items() if inviter.has_role(holder) for role in roles}
    return [role for role in Role.values if role in allowed]


def _refusal(role: str, allowed: list[str]) -> str:
    def names(roles: list[str]) -> str:
        return ", ".join(str(Role(r).label).lower() for r in roles) or _("nobody")

    inviters = [holder for holder, roles in MAY_INVITE.items() if role in roles]
    return _("You cannot invite a new %(role)s: that takes the %(inviters)s role. You may invite: %(allowed)s.") % {
        "role": names([role]),
        "inviters": names(inviters),
        "allowed": names(allowed),
    }


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return reverse("invitation_accept", kwargs={"token": self.token})

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.path


def invitation_create(
    *,
    email: str,
    role: str = Role.ARTIST,
    invited_by: User | None = None,
    request: HttpRequest | None = None,
    send_email: bool = True,
) -> IssuedInvitation:
    """Create a single-use invitation for `email`, valid INVITATION_TTL_DAYS, if `invited_by` may invite
    `role` (MAY_INVITE; None is the operator's command line); the token is returned once. A refused role
    is audited (`invitation.refused`)."""
    email = get_user_model().objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of: %(roles)s.") % {"roles": ", ".join(Role.values)}})
    inviter = invited_by if getattr(invited_by, "pk", None) else None
    allowed = invitable_roles(inviter)
    if role not in allowed:
        audit_record(
            action="invitation.refused",
            actor=inviter,
            request=request,
            detail={"email": email, "role": role, "may_invite": allowed},
        )
        raise ValidationError({"role": _refusal(role, allowed)})
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this email already exists.")})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            token_hash=_hash(token),
            invited_by=inviter,
            expires_at=clock.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        audit_record(
            action="invitation.created",
            actor=inviter,
            request=request,
            obj=invitation,
            detail={"email": email, "role": role},
        )
    issued = IssuedInvitation(invitation=invitation, token=token)
    if send_email:
        mail_send(
            to=[email],
            subject=_("You are invited to Vernissage"),
            template="email/invitation.txt",
            context={"role": role, "url": issued.url, "ttl_days": settings.INVITATION_TTL_DAYS},
        )
    return issued


def invitation_get_valid(*, token: str) -> Invitation:
    """The open invitation for `token`; ValidationError if unknown, used or expired."""
    invitation = Invitation.objects.filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid. Ask a moderator for a new one."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used. Log in instead."))
    if invitation.expires_at <= clock.now():
        raise ValidationError(_("This invitation has expired. Ask a moderator for a new one."))
    return invitation


def invitation_accept(
    *,
    token: str,
    email: str,
    username: str,
    password: str,
    display_name: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create the account for an open invitation bound to `email`, and close the invitation."""
    User = get_user_model()
    invitation = invitation_get_valid(token=token)
    if invitation.invited_by is not None and invitation.role not in invitable_roles(invitation.invited_by):
        # Sent before the inviter lost the right to invite this role (or before MAY_INVITE held).
        audit_record(
            action="invitation.refused",
            actor=invitation.invited_by,
            request=request,
            obj=invitation,
            detail={"email": invitation.email, "role": invitation.role, "at": "acceptance"},
        )
        raise ValidationError(_("This invitation is no longer valid. Ask a moderator for a new one."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used. Log in instead."))
        if email.strip().lower() != invitation.email:
            raise ValidationError({"email": _("This invitation was sent to a different email address.")})
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is taken.")})
        user = User.objects.create_user(
            username=username, email=invitation.email, password=password, display_name=display_name
        )
        user_set_role(user=user, role=invitation.role)
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(action="invitation.accepted", actor=user, request=request, obj=invitation)
    return user
