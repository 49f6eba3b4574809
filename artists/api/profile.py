"""REST API v1: an artist's public profile."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.accounts import profile_update

# ---------------------------------------------------------------- profile


class ProfileOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField(help_text="Your credit on published clips; empty: your username.")
    bio = serializers.CharField()
    links = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField(help_text="Your public profile page.")


def _profile_data(user) -> dict:
    profile = getattr(user, "artist_profile", None)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "bio": profile.bio if profile else "",
        "links": profile.links.splitlines() if profile and profile.links else [],
        "url": reverse("artists:profile", args=[user.username]),
    }


class ProfileApi(APIView):
    """GET your public profile; PATCH any of its fields (those left out keep their value)."""

    required_scopes = {"GET": "clips:read", "PATCH": "clips:write"}

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
        bio = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        links = serializers.ListField(
            child=serializers.CharField(max_length=200), max_length=5, required=False, help_text="http(s) links."
        )

    OutputSerializer = ProfileOutputSerializer

    @extend_schema(summary="Your public profile", operation_id="profile_retrieve", responses=OutputSerializer)
    def get(self, request):
        return Response(self.OutputSerializer(_profile_data(request.user)).data)

    @extend_schema(
        summary="Edit your public profile",
        operation_id="profile_partial_update",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        current = _profile_data(request.user)
        data = {**current, **serializer.validated_data}
        if any("\n" in link or "\r" in link for link in data["links"]):
            raise serializers.ValidationError({"links": [_("One link per item.")]})
        profile_update(
            user=request.user,
            display_name=data["display_name"],
            bio=data["bio"],
            links="\n".join(data["links"]),
            request=request._request,
        )
        request.user.refresh_from_db()
        return Response(self.OutputSerializer(_profile_data(request.user)).data)
