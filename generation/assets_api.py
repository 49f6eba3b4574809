"""REST API v1: images an artist uploads to start renders from (image-to-video)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from core.permissions import role_permission
from generation.jobs.conditioning import asset_create


class AssetCreateApi(APIView):
    """Upload an image (multipart `image`); its id is a render's `image_asset`."""

    permission_classes = [
        IsAuthenticated,
        HasScope,
        role_permission("artist", "Only invited artists can upload images.", code="not_artist"),
    ]
    required_scopes = "renders:write"
    throttle_scope = "submissions"
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        image = serializers.FileField(help_text="A PNG, JPEG or WebP, checked by content and re-encoded.")

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        width = serializers.IntegerField()
        height = serializers.IntegerField()
        content_type = serializers.CharField()
        size_bytes = serializers.IntegerField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: OutputSerializer},
        summary="Upload an image to start renders from",
        operation_id="assets_create",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = asset_create(artist=request.user, upload=serializer.validated_data["image"])
        return Response(self.OutputSerializer(asset).data, status=status.HTTP_201_CREATED)
