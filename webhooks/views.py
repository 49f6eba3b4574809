"""The webhook pages: your endpoints, register one (the secret shown once), its deliveries, ping, re-enable,
delete (after a confirmation page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.confirm import require_confirmed
from core.forms import form_add_service_errors
from webhooks import selectors
from webhooks.forms import EndpointForm
from webhooks.models import Endpoint
from webhooks.services.endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_enable,
    endpoint_ping,
    may_manage_integrations,
    may_use_webhooks,
)


def _require(request) -> None:
    if not may_use_webhooks(request.user):
        raise PermissionDenied(_("Only artists and integration admins have webhooks."))


def _own(request, endpoint_id: int) -> Endpoint:
    _require(request)
    endpoint = selectors.endpoint_of(owner=request.user, endpoint_id=endpoint_id)
    if endpoint is None:
        raise Http404(_("No such webhook endpoint."))
    return endpoint


@login_required
def endpoint_list(request):
    """Your endpoints and the form to register one; after registering, the secret, once."""
    _require(request)
    may_be_site_wide = may_manage_integrations(request.user)
    form = EndpointForm(request.POST or None, may_be_site_wide=may_be_site_wide)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = endpoint_create(
                    owner=request.user,
                    url=data["url"],
                    events=data["events"],
                    description=data["description"],
                    site_wide=bool(data.get("site_wide")),
                    request=request,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
        if created is None:
            status = 400
        else:
            form = EndpointForm(may_be_site_wide=may_be_site_wide)
            status = 201
    context = {"form": form, "endpoints": selectors.endpoints_of(owner=request.user), "created": created}
    return render(request, "webhooks/list.html", context, status=status)


@login_required
def endpoint_detail(request, endpoint_id: int):
    endpoint = _own(request, endpoint_id)
    deliveries = selectors.recent_deliveries(endpoint=endpoint)
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "deliveries": deliveries})


@login_required
@require_POST
def endpoint_ping_view(request, endpoint_id: int):
    endpoint = _own(request, endpoint_id)
    try:
        endpoint_ping(endpoint_id=endpoint.pk, owner=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A test ping is on its way; it appears below in a moment."))
    return redirect("webhooks:detail", endpoint_id=endpoint.pk)


@login_required
@require_POST
def endpoint_enable_view(request, endpoint_id: int):
    endpoint = _own(request, endpoint_id)
    endpoint_enable(endpoint_id=endpoint.pk, owner=request.user, request=request)
    messages.success(request, _("The endpoint is enabled again."))
    return redirect("webhooks:detail", endpoint_id=endpoint.pk)


@login_required
def endpoint_delete_view(request, endpoint_id: int):
    """GET asks for confirmation; POST deletes."""
    endpoint = _own(request, endpoint_id)
    if request.method == "POST" and require_confirmed(
        request, _("Nothing was deleted: confirm with “Delete the endpoint” below.")
    ):
        endpoint_delete(endpoint_id=endpoint.pk, owner=request.user, request=request)
        messages.success(request, _("The endpoint %(url)s is deleted.") % {"url": endpoint.url})
        return redirect("webhooks:list")
    return render(
        request, "webhooks/delete.html", {"endpoint": endpoint}, status=400 if request.method == "POST" else 200
    )
