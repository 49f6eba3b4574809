"""REST API v1: your webhook endpoints (list, register, read, delete, re-enable, ping) and their deliveries.

Every route needs the `webhooks` scope (opt-in when a token is made). The secret is in the answer to the
registration only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import IsoDateTimeField
from webhooks import selectors
from webhooks.events import Event
from webhooks.models import DeliveryStatus, Endpoint
from webhooks.services.endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_enable,
    endpoint_ping,
    may_use_webhooks,
)
from webhooks.targets import MAX_URL_CHARS


class EndpointOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.CharField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))
    site_wide = serializers.BooleanField()
    secret_prefix = serializers.CharField(help_text="The start of the secret, to recognise it.")
    enabled = serializers.BooleanField()
    disabled_at = IsoDateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    consecutive_failures = serializers.IntegerField()
    last_success_at = IsoDateTimeField(allow_null=True)
    created_at = IsoDateTimeField()


class AttemptOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    started_at = IsoDateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    response_excerpt = serializers.CharField()
    error = serializers.CharField()
    ok = serializers.BooleanField()
    retry_in_s = serializers.FloatField(allow_null=True)


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    event = serializers.CharField()
    event_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = AttemptOutputSerializer(many=True, source="attempt_log.all")
    created_at = IsoDateTimeField()
    next_attempt_at = IsoDateTimeField(allow_null=True)
    finished_at = IsoDateTimeField(allow_null=True)
    body = serializers.CharField(help_text="The JSON body exactly as signed and sent.")


def _require(request) -> None:
    if not may_use_webhooks(request.user):
        raise PermissionDenied(_("Only artists and integration admins can register webhooks."))


def _endpoint(request, endpoint_id: int) -> Endpoint:
    _require(request)
    endpoint = selectors.endpoint_of(owner=request.user, endpoint_id=endpoint_id)
    if endpoint is None:
        raise Http404
    return endpoint


class WebhookListCreateApi(APIView):
    """GET your endpoints; POST {url, events, description?, site_wide?} to register one (its secret is in
    this answer only)."""

    required_scopes = "webhooks"
    OutputSerializer = EndpointOutputSerializer

    class InputSerializer(serializers.Serializer):
        url = serializers.CharField(max_length=MAX_URL_CHARS)
        events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices), allow_empty=False)
        description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        site_wide = serializers.BooleanField(required=False, default=False, help_text="Admins: every artist's events.")

    class ListOutputSerializer(serializers.Serializer):
        results = EndpointOutputSerializer(many=True)

    class CreatedOutputSerializer(EndpointOutputSerializer):
        secret = serializers.CharField(help_text="Signs every delivery; shown here once, store it now.")

    @extend_schema(responses=ListOutputSerializer, operation_id="webhooks_list", summary="Your webhook endpoints")
    def get(self, request):
        _require(request)
        return Response(self.ListOutputSerializer({"results": selectors.endpoints_of(owner=request.user)}).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: CreatedOutputSerializer},
        operation_id="webhooks_create",
        summary="Register a webhook endpoint",
    )
    def post(self, request):
        _require(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = endpoint_create(owner=request.user, request=request._request, **serializer.validated_data)
        data = self.CreatedOutputSerializer(issued.endpoint).data
        data["secret"] = issued.secret
        return Response(data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(APIView):
    """GET one of your endpoints; DELETE it with its deliveries (the answer is the endpoint as it was)."""

    required_scopes = "webhooks"
    OutputSerializer = EndpointOutputSerializer

    @extend_schema(responses=OutputSerializer, operation_id="webhooks_retrieve", summary="One webhook endpoint")
    def get(self, request, endpoint_id: int):
        return Response(self.OutputSerializer(_endpoint(request, endpoint_id)).data)

    @extend_schema(
        responses={200: OutputSerializer},
        operation_id="webhooks_destroy",
        summary="Delete a webhook endpoint (answers it as it was)",
    )
    def delete(self, request, endpoint_id: int):
        endpoint = _endpoint(request, endpoint_id)
        data = self.OutputSerializer(endpoint).data
        endpoint_delete(endpoint_id=endpoint.pk, owner=request.user, request=request._request)
        return Response(data)


class WebhookEnableApi(APIView):
    """POST to turn a disabled endpoint back on (its failure count starts again at zero)."""

    required_scopes = "webhooks"
    OutputSerializer = EndpointOutputSerializer

    @extend_schema(
        request=None, responses=OutputSerializer, operation_id="webhooks_enable", summary="Re-enable an endpoint"
    )
    def post(self, request, endpoint_id: int):
        endpoint = _endpoint(request, endpoint_id)
        endpoint = endpoint_enable(endpoint_id=endpoint.pk, owner=request.user, request=request._request)
        return Response(self.OutputSerializer(endpoint).data)


class WebhookPingApi(APIView):
    """POST to queue a signed `ping` delivery to the endpoint; follow it in its deliveries."""

    required_scopes = "webhooks"
    OutputSerializer = DeliveryOutputSerializer

    @extend_schema(
        request=None,
        responses={202: OutputSerializer},
        operation_id="webhooks_ping",
        summary="Send a test ping",
    )
    def post(self, request, endpoint_id: int):
        endpoint = _endpoint(request, endpoint_id)
        delivery = endpoint_ping(endpoint_id=endpoint.pk, owner=request.user)
        return Response(self.OutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListApi(APIView):
    """GET the endpoint's latest deliveries (25), each with every attempt: status code, answer, duration."""

    required_scopes = "webhooks"
    OutputSerializer = DeliveryOutputSerializer

    class ListOutputSerializer(serializers.Serializer):
        results = DeliveryOutputSerializer(many=True)

    @extend_schema(responses=ListOutputSerializer, operation_id="webhooks_deliveries_list", summary="Recent deliveries")
    def get(self, request, endpoint_id: int):
        endpoint = _endpoint(request, endpoint_id)
        deliveries = selectors.recent_deliveries(endpoint=endpoint)
        return Response(self.ListOutputSerializer({"results": deliveries}).data)
