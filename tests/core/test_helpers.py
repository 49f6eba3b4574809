"""The core's shared helpers: a service's ValidationError on a form, and role checks for pages and the API."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from core.forms import form_add_service_errors
from core.models import AuditEvent
from core.permissions import has_role, require_role, role_permission
from tests.factories import make_user


class _Form(forms.Form):
    prompt = forms.CharField()
    resolution = forms.CharField()


def test_service_errors_land_on_the_named_field_the_mapped_field_or_the_form():
    form = _Form(data={"prompt": "x", "resolution": "1x1"})
    assert form.is_valid()
    form_add_service_errors(
        form,
        ValidationError({"prompt": "Too short.", "width": "Too wide.", "seed": "Bad."}),
        fields={"width": "resolution"},
    )
    assert form.errors["prompt"] == ["Too short."]
    assert form.errors["resolution"] == ["Too wide."]
    assert form.non_field_errors() == ["Bad."]
    plain = _Form(data={"prompt": "x", "resolution": "1x1"})
    assert plain.is_valid()
    form_add_service_errors(plain, ValidationError("The queue is full."))
    assert plain.non_field_errors() == ["The queue is full."]


@pytest.mark.django_db
def test_require_role_refuses_with_its_message_and_audits_only_when_asked():
    artist, moderator = make_user("north", role="artist"), make_user("mod1", role="moderator")
    request = RequestFactory().get("/review/")
    request.user = artist
    assert has_role(moderator, "moderator") and not has_role(artist, "moderator")
    with pytest.raises(PermissionDenied, match="Only moderators"):
        require_role(request, "moderator", "Only moderators review.")
    assert not AuditEvent.objects.filter(action="access.denied").exists()
    with pytest.raises(PermissionDenied):
        require_role(request, "moderator", "Only moderators review.", audit=True)
    assert AuditEvent.objects.get(action="access.denied").detail == {"path": "/review/"}
    request.user = moderator
    require_role(request, "moderator", "Only moderators review.")  # no exception


@pytest.mark.django_db
def test_role_permission_guards_only_its_methods_with_its_message():
    class Probe(APIView):
        permission_classes = [role_permission("artist", "Only artists submit.", code="not_artist", methods=("POST",))]

        def get(self, request):
            from rest_framework.response import Response

            return Response({"ok": True})

        post = get

    moderator = make_user("mod1", role="moderator")
    factory = APIRequestFactory()
    get, post = factory.get("/probe"), factory.post("/probe", {}, format="json")
    for request in (get, post):
        force_authenticate(request, user=moderator)
    assert Probe.as_view()(get).status_code == 200
    refused = Probe.as_view()(post)
    assert refused.status_code == 403 and refused.data["detail"] == "Only artists submit."
    assert refused.data["code"] == "not_artist"
