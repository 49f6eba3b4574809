"""REST API v1: your notifications, and marking them read."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors, services
from core.api.fields import IsoDateTimeField


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField()
    url = serializers.CharField(help_text="The page it is about (a path on this site), or empty.")
    created_at = IsoDateTimeField()
    read_at = IsoDateTimeField(allow_null=True)


class NotificationListApi(generics.GenericAPIView):
    """Your notifications, newest first (`?unread=yes` for the unread ones). Reading them here marks nothing
    read: POST their ids to /notifications/read (the notifications page marks what it shows)."""

    required_scopes = "clips:read"

    class InputSerializer(serializers.Serializer):
        unread = serializers.ChoiceField(choices=["yes", "no"], required=False, help_text="yes: only unread ones.")

    OutputSerializer = NotificationOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        summary="Your notifications",
        operation_id="notifications_list",
        parameters=[InputSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request):
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.notifications_of(user=request.user)
        if query.validated_data.get("unread") == "yes":
            rows = rows.filter(read_at__isnull=True)
        page = self.paginate_queryset(rows.order_by("-created_at", "-id"))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class NotificationReadApi(APIView):
    """Mark notifications read: the ones named in `ids`, or every unread one with `all: true`."""

    required_scopes = "clips:read"

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
            required=False,
            default=list,
            max_length=500,
        )
        all = serializers.BooleanField(required=False, default=False, help_text="Every unread notification.")

        def validate(self, data):
            if not data["ids"] and not data["all"]:
                raise serializers.ValidationError(
                    {"ids": [_("Name the notifications to mark read, or send all: true.")]}
                )
            if data["ids"] and data["all"]:
                raise serializers.ValidationError({"all": [_("Send either ids or all, not both.")]})
            return data

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField(help_text="How many were unread and are now read.")

    @extend_schema(
        summary="Mark notifications read",
        operation_id="notifications_read_create",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = data["ids"]
        if data["all"]:
            ids = list(
                selectors.notifications_of(user=request.user).filter(read_at__isnull=True).values_list("id", flat=True)
            )
        marked = services.notifications_mark_read(user=request.user, ids=ids)
        return Response(self.OutputSerializer({"marked": marked}).data)
