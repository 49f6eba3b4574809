"""REST API v1: your consent to model evaluation datasets, and the terms it is given under."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.consent import terms_current
from artists.models import Use
from core.api.fields import UtcDateTimeField
from core.permissions import has_role
from evaluation import selectors, services

# ---------------------------------------------------------------- evaluation consent


class TermsOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    text = serializers.CharField()
    published_at = UtcDateTimeField()


class EvaluationConsentOutputSerializer(serializers.Serializer):
    terms = TermsOutputSerializer(allow_null=True, help_text="The current model evaluation terms (null: none yet).")
    active = serializers.BooleanField(help_text="You consent now (under some terms version).")
    terms_version = serializers.IntegerField(allow_null=True, help_text="The version your active consent is under.")
    current = serializers.BooleanField(help_text="Your active consent is under the current terms.")
    granted_at = UtcDateTimeField(allow_null=True)


def _consent_payload(artist) -> dict:
    terms = terms_current(use=Use.MODEL_EVALUATION)
    active = selectors.consent_of(artist=artist)
    return {
        "terms": terms,
        "active": active is not None,
        "terms_version": active.terms.version if active else None,
        "current": bool(active and terms and active.terms_id == terms.pk),
        "granted_at": active.granted_at if active else None,
    }


def _require_consenting_artist(request) -> None:
    if not has_role(request.user, "artist"):
        raise PermissionDenied(_("Only invited artists give this consent."))


class EvaluationConsentDetailApi(APIView):
    """Your consent to model evaluation datasets, and the current terms to read before you give it."""

    required_scopes = "clips:read"
    OutputSerializer = EvaluationConsentOutputSerializer

    @extend_schema(
        summary="Your evaluation consent", operation_id="evaluation_consent_retrieve", responses=OutputSerializer
    )
    def get(self, request):
        _require_consenting_artist(request)
        return Response(self.OutputSerializer(_consent_payload(request.user)).data)


class EvaluationConsentGrantApi(APIView):
    """Agree that your rated clips go into evaluation datasets, under the terms version you read."""

    required_scopes = "clips:write"
    OutputSerializer = EvaluationConsentOutputSerializer

    class InputSerializer(serializers.Serializer):
        terms_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    @extend_schema(
        summary="Give your evaluation consent",
        operation_id="evaluation_consent_grant_create",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request):
        _require_consenting_artist(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.evaluation_consent_grant(
            artist=request.user, terms_version=serializer.validated_data["terms_version"], request=request._request
        )
        return Response(self.OutputSerializer(_consent_payload(request.user)).data)


class EvaluationConsentRevokeApi(APIView):
    """Revoke your evaluation consent: your clips are left out of every export from now on."""

    required_scopes = "clips:write"

    class OutputSerializer(serializers.Serializer):
        revoked = serializers.BooleanField(help_text="False: there was no active consent to revoke.")

    @extend_schema(
        summary="Revoke your evaluation consent",
        operation_id="evaluation_consent_revoke_create",
        request=None,
        responses=OutputSerializer,
    )
    def post(self, request):
        _require_consenting_artist(request)
        revoked = services.evaluation_consent_revoke(artist=request.user, request=request._request)
        return Response(self.OutputSerializer({"revoked": revoked}).data)
