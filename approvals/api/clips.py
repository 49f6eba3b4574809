"""REST API v1: a clip at the gate (what its reader may do with it) and the artist's side of it: ask for
publication, appeal, withdraw; a moderator's take-down."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from approvals import gate, selectors, services
from approvals.api.common import DecisionHistoryOutputSerializer, DecisionOutputSerializer, _moderator_only, _visible
from approvals.services import MAX_REASON_CHARS
from core import clock
from generation.models import Clip
from generation.selectors import clip_visible_or_none
from generation.serializers import ClipOutputSerializer


class ClipGateOutputSerializer(ClipOutputSerializer):
    """A clip with what the requester may do with it at the gate now (approvals.gate.available_actions):
    exactly the actions the services would accept; for its artist and moderators, the latest decision, every
    decision (newest first) and a pending embargo."""

    actions = serializers.SerializerMethodField()
    last_decision = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    publish_at = serializers.SerializerMethodField()

    def _insider(self, clip) -> bool:
        user = self.context.get("user")
        return bool(user is not None and user.is_authenticated and (clip.artist_id == user.pk or user.is_moderator))

    @extend_schema_field(DecisionHistoryOutputSerializer(many=True))
    def get_decisions(self, clip):
        if not self._insider(clip):
            return []
        return DecisionHistoryOutputSerializer(selectors.decisions_of_clip(clip=clip), many=True).data

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True, help_text="The embargo: an approved clip is published then (artist and moderators)."
        )
    )
    def get_publish_at(self, clip):
        if not self._insider(clip) or clip.publish_at is None:
            return None
        return clip.publish_at.isoformat()

    def get_actions(self, clip) -> list[str]:
        user = self.context.get("user")
        if user is None or not user.is_authenticated:
            return []
        return [str(action) for action in gate.available_actions(clip=clip, user=user)]

    @extend_schema_field(DecisionOutputSerializer(allow_null=True))
    def get_last_decision(self, clip):
        user = self.context.get("user")
        if user is None or not user.is_authenticated or not (clip.artist_id == user.pk or user.is_moderator):
            return None
        review = selectors.last_decision(clip=clip)
        return DecisionOutputSerializer(review).data if review else None


class ClipAppealApi(APIView):
    """POST {message}: appeal a rejection of your clip, once."""

    required_scopes = "clips:write"

    class InputSerializer(serializers.Serializer):
        message = serializers.CharField(max_length=MAX_REASON_CHARS)

    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={202: OutputSerializer},
        operation_id="clips_appeal_create",
        summary="Appeal a rejection",
    )
    def post(self, request, clip_id):
        serializer = self.InputSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            services.clip_appeal(
                clip_id=clip_id, artist=request.user, request=request._request, **serializer.validated_data
            )
        except Clip.DoesNotExist:
            raise Http404 from None
        except serializers.ValidationError:
            if not Clip.objects.filter(id=clip_id, artist=request.user).exists():
                raise Http404 from None
            raise
        return Response(
            self.OutputSerializer(_visible(request, clip_id), context={"user": request.user}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ClipWithdrawApi(APIView):
    """POST: take your published clip out of the gallery (and every contest)."""

    required_scopes = "clips:write"
    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=None,
        responses=OutputSerializer,
        operation_id="clips_withdraw_create",
        summary="Withdraw your published clip",
    )
    def post(self, request, clip_id):
        try:
            services.clip_withdraw(clip_id=clip_id, artist=request.user, request=request._request)
        except Clip.DoesNotExist:
            raise Http404 from None
        return Response(self.OutputSerializer(_visible(request, clip_id), context={"user": request.user}).data)


class ClipTakeDownApi(APIView):
    """POST {clause, reason}: a moderator takes a published clip down."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        clause = serializers.CharField(max_length=16)
        reason = serializers.CharField(max_length=MAX_REASON_CHARS)

    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        operation_id="clips_takedown_create",
        summary="Take a published clip down",
    )
    def post(self, request, clip_id):
        _moderator_only(request)
        _visible(request, clip_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.clip_take_down(
            clip_id=clip_id, moderator=request.user, request=request._request, **serializer.validated_data
        )
        return Response(self.OutputSerializer(_visible(request, clip_id), context={"user": request.user}).data)


class ClipPublicationRequestApi(APIView):
    """Ask for your clip to be reviewed for publication, with an optional embargo (`publish_at`): once
    approved, the clip waits for that moment and is then published (the page's embargo, the same service)."""

    required_scopes = "clips:write"

    class InputSerializer(serializers.Serializer):
        publish_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Optional embargo, ISO 8601 with a time zone (UTC if none), in the future.",
        )

        def validate_publish_at(self, value):
            if value is not None and value <= clock.now():
                raise serializers.ValidationError(_("The embargo time must be in the future (or left empty)."))
            return value

    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={202: OutputSerializer},
        summary="Ask for publication",
        operation_id="clips_publication_create",
    )
    def post(self, request, clip_id):
        serializer = self.InputSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            services.clip_request_publication(
                clip_id=clip_id,
                artist=request.user,
                publish_at=serializer.validated_data["publish_at"],
                request=request._request,
            )
        except Clip.DoesNotExist:
            raise Http404 from None
        except serializers.ValidationError:
            if not Clip.objects.filter(id=clip_id, artist=request.user).exists():
                raise Http404 from None
            raise
        clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
        return Response(
            self.OutputSerializer(clip, context={"user": request.user}).data, status=status.HTTP_202_ACCEPTED
        )


class ClipDetailApi(APIView):
    permission_classes = [HasScope]  # anyone; a token needs clips:read
    required_scopes = "clips:read"
    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        responses=OutputSerializer,
        summary="A clip: published ones for anyone, your own for you; with what you may do with it",
        operation_id="clips_retrieve",
    )
    def get(self, request, clip_id):
        clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
        if clip is None:
            raise Http404
        return Response(self.OutputSerializer(clip, context={"user": request.user}).data)
