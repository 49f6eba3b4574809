"""REST API v1: a clip's conversation: read it (messages and decision events), post to it, mark it read.

Its artist uses clips:read / clips:write, moderators `review`; anyone else gets 404, as for a missing clip,
and a moderator who judges one of the clip's contests 403. A frame is sent as base64 in `frame` (within the
API's JSON limit) and read back, base64 too, from its message's `frame_url` with the same token.
"""

from __future__ import annotations

import base64
import binascii

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import selectors, services
from conversations.models import Message
from core.api.fields import IsoDateTimeField
from generation.models import Clip

READ_SCOPES = ("clips:read", "review")
WRITE_SCOPES = ("clips:write", "review")


class ThreadItemOutputSerializer(serializers.Serializer):
    """One line of the thread: a message, or an event read from the clip's decisions and appeals."""

    kind = serializers.ChoiceField(choices=["message", "requested", "appeal", "decision", "withdrawn"])
    at = IsoDateTimeField()
    side = serializers.ChoiceField(choices=["artist", "moderator"])
    who = serializers.CharField(help_text="The author as you read it: a moderator may be “Moderator A”.")
    id = serializers.SerializerMethodField(help_text="The message's id (messages only).")
    text = serializers.CharField(help_text="The message, or the event's reason or appeal message.")
    title = serializers.CharField(help_text="What happened (events only).")
    decision = serializers.CharField(help_text="approve, changes, reject or take_down (decision events only).")
    clause = serializers.CharField(source="clause_code", help_text="The policy clause cited (decision events).")
    at_seconds = serializers.SerializerMethodField(help_text="The moment of the video the message is about.")
    frame_url = serializers.SerializerMethodField()
    unread = serializers.BooleanField()

    def get_id(self, item) -> int | None:
        return item.message.pk if item.message else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_at_seconds(self, item):
        return float(item.at_seconds) if item.at_seconds is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_frame_url(self, item):
        if not (item.message and item.message.frame):
            return None
        return reverse("api_thread_frame", kwargs={"clip_id": item.message.clip_id, "message_id": item.message.pk})


class ThreadOutputSerializer(serializers.Serializer):
    clip = serializers.UUIDField()
    side = serializers.CharField(help_text="The side you take: artist or moderator.")
    unread = serializers.IntegerField(help_text="Messages from others since you last marked the thread read.")
    items = ThreadItemOutputSerializer(many=True)


def _thread(clip_id, user):
    try:
        return services.thread_for(clip_id=clip_id, user=user)
    except Clip.DoesNotExist:
        raise Http404 from None


def _payload(clip, side, user) -> dict:
    items = selectors.thread_timeline(clip=clip, viewer=user, viewer_side=side)
    return {"clip": clip.id, "side": side, "unread": sum(1 for i in items if i.unread), "items": items}


class ThreadDetailApi(APIView):
    """GET the clip's conversation, oldest first: messages and the decisions and appeals, as events."""

    required_scopes = READ_SCOPES
    OutputSerializer = ThreadOutputSerializer

    @extend_schema(responses=OutputSerializer, operation_id="clips_thread_retrieve", summary="A clip's conversation")
    def get(self, request, clip_id):
        clip, side = _thread(clip_id, request.user)
        return Response(self.OutputSerializer(_payload(clip, side, request.user)).data)


class ThreadMessageCreateApi(APIView):
    """POST {text, at?, frame?}: write on the clip's conversation; the other side is notified and emailed."""

    required_scopes = WRITE_SCOPES

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=services.MAX_TEXT_CHARS, trim_whitespace=True)
        at = serializers.CharField(
            required=False, allow_blank=True, max_length=20, help_text="A moment of the video: 0:03, or seconds."
        )
        frame = serializers.CharField(
            required=False, allow_blank=True, help_text="A PNG, JPEG or WebP image, base64-encoded (a data: URL too)."
        )
        captured = serializers.BooleanField(required=False, default=False, help_text="The frame is from the video.")

        def validate_frame(self, value: str):
            if not value:
                return None
            if value.startswith("data:"):
                value = value.partition(",")[2]
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(_("The frame is not valid base64.")) from None

    OutputSerializer = ThreadItemOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        operation_id="clips_thread_messages_create",
        summary="Write on a clip's conversation",
    )
    def post(self, request, clip_id):
        _thread(clip_id, request.user)  # 404 before any input is read for someone else's clip
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        message = services.message_post(
            clip_id=clip_id,
            user=request.user,
            text=data["text"],
            at=data.get("at"),
            frame=("frame", data["frame"]) if data.get("frame") else None,
            captured=data["captured"],
            request=request._request,
        )
        clip, side = _thread(clip_id, request.user)
        item = next(
            i
            for i in selectors.thread_timeline(clip=clip, viewer=request.user, viewer_side=side)
            if i.message == message
        )
        return Response(self.OutputSerializer(item).data, status=status.HTTP_201_CREATED)


class ThreadReadApi(APIView):
    """POST: mark the clip's conversation read up to now."""

    required_scopes = WRITE_SCOPES
    OutputSerializer = ThreadOutputSerializer

    @extend_schema(
        request=None, responses=OutputSerializer, operation_id="clips_thread_read_create", summary="Mark read"
    )
    def post(self, request, clip_id):
        _thread(clip_id, request.user)
        services.thread_mark_read(clip_id=clip_id, user=request.user)
        clip, side = _thread(clip_id, request.user)
        return Response(self.OutputSerializer(_payload(clip, side, request.user)).data)


class FrameOutputSerializer(serializers.Serializer):
    """A message's image: its type, size and bytes (base64), as stored after the upload check."""

    message = serializers.IntegerField(source="pk")
    content_type = serializers.CharField(source="frame_content_type")
    width = serializers.IntegerField(source="frame_width")
    height = serializers.IntegerField(source="frame_height")
    captured = serializers.BooleanField(source="frame_captured", help_text="Captured from the clip's video.")
    data = serializers.SerializerMethodField(help_text="The image, base64-encoded.")

    def get_data(self, message) -> str:
        with message.frame.open("rb") as handle:
            return base64.b64encode(handle.read()).decode("ascii")


class ThreadFrameApi(APIView):
    """GET the image attached to one message of the clip's conversation."""

    required_scopes = READ_SCOPES
    OutputSerializer = FrameOutputSerializer

    @extend_schema(responses=OutputSerializer, operation_id="clips_thread_frame_retrieve", summary="A message's frame")
    def get(self, request, clip_id, message_id):
        clip, _side = _thread(clip_id, request.user)
        message = Message.objects.filter(pk=message_id, clip=clip).exclude(frame="").first()
        if message is None:
            raise Http404
        response = Response(self.OutputSerializer(message).data)
        response["Cache-Control"] = "private, no-store"
        return response
