"""REST API v1: moderators' decisions."""

from __future__ import annotations

from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import services
from approvals.models import Decision
from approvals.services import MAX_REASON_CHARS
from generation.api import clip_payload
from generation.models import Clip
from generation.selectors import clip_visible_or_none


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.values)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_REASON_CHARS)


class ReviewDecide(APIView):
    def post(self, request, clip_id):
        if not request.user.is_moderator:
            raise PermissionDenied("Only moderators can decide on publication.")
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.clip_decide(clip_id=clip_id, moderator=request.user, request=request._request,
                                 **serializer.validated_data)
        except Clip.DoesNotExist:
            raise Http404 from None
        return Response(clip_payload(clip_visible_or_none(user=request.user, clip_id=clip_id)))
