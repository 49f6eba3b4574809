"""REST API v1: rate your renders (overall score, tags, a note, a time range); the tag taxonomy; the model versions."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import UtcDateTimeField
from evaluation import selectors, services
from generation.models import ModelVersion
from generation.selectors import clip_visible_or_none


class TagOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    shortcut = serializers.CharField()


class RatingOutputSerializer(serializers.Serializer):
    clip = serializers.UUIDField(source="clip_id")
    overall = serializers.IntegerField()
    tags = serializers.SerializerMethodField()
    note = serializers.CharField()
    start_s = serializers.FloatField(allow_null=True)
    end_s = serializers.FloatField(allow_null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    def get_tags(self, rating) -> list[str]:
        return sorted(t.slug for t in rating.tags.all())


class VersionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    preset = serializers.CharField()
    label = serializers.CharField()
    revision = serializers.CharField()
    release_notes = serializers.CharField()
    is_current = serializers.BooleanField()
    released_at = UtcDateTimeField()


class RatingDetailApi(APIView):
    required_scopes = {"GET": "clips:read", "PUT": "clips:write"}
    OutputSerializer = RatingOutputSerializer

    class InputSerializer(serializers.Serializer):
        overall = serializers.IntegerField(min_value=1, max_value=5)
        tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=50)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        start_s = serializers.FloatField(required=False, allow_null=True, min_value=0)
        end_s = serializers.FloatField(required=False, allow_null=True, min_value=0)

    @extend_schema(responses=RatingOutputSerializer, summary="Your rating of one of your clips")
    def get(self, request, clip_id):
        clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
        rating = selectors.rating_of(clip=clip, artist=request.user) if clip is not None else None
        if rating is None:
            raise Http404
        return Response(RatingOutputSerializer(rating).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: RatingOutputSerializer, 201: RatingOutputSerializer},
        summary="Rate one of your clips (201), or change your rating (200)",
    )
    def put(self, request, clip_id):
        if clip_visible_or_none(user=request.user, clip_id=clip_id) is None:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        saved = services.rating_save(
            clip_id=clip_id,
            artist=request.user,
            overall=values["overall"],
            tags=values.get("tags", []),
            note=values.get("note", ""),
            start_s=values.get("start_s"),
            end_s=values.get("end_s"),
            request=request._request,
        )
        rating = selectors.rating_of(clip=saved.rating.clip, artist=request.user)
        code = status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK
        return Response(RatingOutputSerializer(rating).data, status=code)


class TagListApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = TagOutputSerializer

    @extend_schema(responses=TagOutputSerializer(many=True), summary="The rating tags on offer")
    def get(self, request):
        return Response(TagOutputSerializer(selectors.tags_offered(), many=True).data)


class VersionListApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = VersionOutputSerializer

    @extend_schema(responses=VersionOutputSerializer(many=True), summary="Model versions with their release notes")
    def get(self, request):
        return Response(VersionOutputSerializer(ModelVersion.objects.all(), many=True).data)
