"""Account pages: invitations (send, accept), the account page and its API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import AcceptInvitationForm, InviteForm, TokenForm
from accounts.models import ApiToken, Invitation
from accounts.services.invitations import (
    invitable_roles,
    invitation_accept,
    invitation_create,
    invitation_get_valid,
)
from accounts.services.tokens import token_issue, token_revoke
from core import clock
from core.audit import audit_record, client_ip
from core.confirm import require_confirmed
from core.forms import form_add_service_errors
from core.ratelimit import ratelimit_hit, too_many_requests
from core.timezones import ZONE_NAMES


@login_required
def invitations(request):
    if not (request.user.has_perm("accounts.invite_users") and invitable_roles(request.user)):
        raise PermissionDenied(_("Only moderators and admins can invite."))
    form = InviteForm(request.POST or None, inviter=request.user)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = invitation_create(
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                request=request,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": issued.invitation.email})
            form = InviteForm(inviter=request.user)
    page = Paginator(Invitation.objects.select_related("invited_by", "accepted_by"), 20).get_page(
        request.GET.get("page")
    )
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "page": page, "issued": issued, "now": clock.now()},
        status=status,
    )


def invitation_accept_view(request, token: str):
    wait = ratelimit_hit(
        scope="invitation_accept", key=client_ip(request) or "-", limit=settings.INVITATION_ACCEPT_PER_HOUR
    )
    if wait is not None:
        audit_record(action="invitation.accept_limited", request=request)
        message = _("Too many attempts to open or accept invitations from your address.")
        return too_many_requests(request, retry_after=wait, message=message)
    try:
        invitation = invitation_get_valid(token=token)
    except ValidationError as exc:
        return render(request, "accounts/invitation_invalid.html", {"message": exc.messages[0]}, status=410)
    form = AcceptInvitationForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                email=form.cleaned_data["email"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                request=request,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            login(request, user, backend="accounts.backends.RoleBackend")
            messages.success(request, _("Welcome to Vernissage. Your account is ready."))
            return redirect("dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}, status=status)


@login_required
def account(request):
    """The account page: create a token (shown once), see each token's state and last use, revoke one."""
    form = TokenForm(request.POST or None, user=request.user)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = token_issue(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                ttl=timedelta(days=form.cleaned_data["expires_in_days"]),
                request=request,
            ).raw
        except ValidationError as exc:
            form.add_error("scopes" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            form = TokenForm(user=request.user)
    tokens = request.user.api_tokens.all()
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "zones": ZONE_NAMES,
            "settings_languages": settings.LANGUAGES,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    if not require_confirmed(
        request, _("The token was not revoked: confirm that it stops working for good, then revoke it.")
    ):
        return redirect("account")
    try:
        token = token_revoke(token_id=token_id, user=request.user, request=request)
    except ApiToken.DoesNotExist:
        messages.error(request, _("No such token."))
    else:
        messages.success(
            request,
            _("Token %(prefix)s… revoked. Requests with it are refused from now on.") % {"prefix": token.prefix},
        )
    return redirect("account")
