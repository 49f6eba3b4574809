"""The presets of API v1: the ones artists may choose, with whether a render worker can run each now; and, for
admins, enabling one (refused, as in the admin, when no live render worker can load it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from generation.presets import preset_config_save, presets_enabled


class PresetListApi(APIView):
    """The presets artists may choose; `available` is false while no live render worker can load one."""

    permission_classes = [IsAuthenticated, HasScope]
    required_scopes = ("renders:write", "clips:read")

    class OutputSerializer(serializers.Serializer):
        key = serializers.CharField(source="preset.key")
        label = serializers.CharField(source="preset.label")
        available = serializers.BooleanField(help_text="A live render worker can load it now (submissions need it).")
        fps = serializers.IntegerField(source="preset.fps")
        frame_rule = serializers.CharField(source="preset.frame_rule")
        durations = serializers.ListField(child=serializers.IntegerField(), source="preset.durations")
        resolutions = serializers.SerializerMethodField()
        source = serializers.CharField()
        revision = serializers.CharField()

        def get_resolutions(self, choice) -> list[str]:
            return [f"{w}x{h}" for w, h in choice.preset.resolutions()]

    @extend_schema(
        summary="The presets you may render with, and whether each can run now",
        operation_id="presets_list",
        responses=OutputSerializer(many=True),
    )
    def get(self, request):
        return Response(self.OutputSerializer(presets_enabled(), many=True).data)


class PresetUpdateApi(APIView):
    """Admins: enable or disable a preset, or pin its source and revision."""

    permission_classes = [IsAuthenticated, HasScope]
    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        enabled = serializers.BooleanField(required=False)
        source = serializers.CharField(required=False, allow_blank=True, max_length=255)
        revision = serializers.CharField(required=False, allow_blank=True, max_length=64)

    class OutputSerializer(serializers.Serializer):
        key = serializers.CharField()
        enabled = serializers.BooleanField()
        source = serializers.CharField()
        revision = serializers.CharField()

    @extend_schema(
        summary="Enable, disable or pin a preset (admins)",
        operation_id="presets_partial_update",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def patch(self, request, key: str):
        if not request.user.is_staff:
            raise PermissionDenied(_("Only admins enable presets."))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = preset_config_save(key=key, actor=request.user, request=request, **data.validated_data)
        return Response(self.OutputSerializer(config).data)
