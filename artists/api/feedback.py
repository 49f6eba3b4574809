"""REST API v1: an artist's feedback (with image attachments), moderators' triage and the changelog."""

from __future__ import annotations

import base64
import binascii

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from artists import selectors
from artists.api.common import MAX_ID, MAX_IMAGE_BYTES, _require_artist, _require_moderator
from artists.feedback import MAX_ATTACHMENTS, changelog_add, feedback_create, feedback_triage
from artists.models import FeedbackKind, FeedbackStatus
from core.api.fields import IsoDateTimeField
from core.permissions import has_role

# ---------------------------------------------------------------- feedback


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    size_bytes = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The file, for its artist and moderators (a download).")

    def get_url(self, attachment) -> str:
        return reverse("api_feedback_attachment", args=[attachment.feedback_id, attachment.pk])


class FeedbackItemOutputSerializer(serializers.Serializer):
    """A feedback item with the moderators' response (empty until triaged)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    title = serializers.CharField()
    text = serializers.CharField()
    clip = serializers.UUIDField(source="clip_id", allow_null=True)
    credit = serializers.BooleanField()
    status = serializers.ChoiceField(choices=FeedbackStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    response = serializers.CharField(help_text="The moderators' answer; empty until the item is triaged.")
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    triaged_at = IsoDateTimeField(allow_null=True)
    created_at = IsoDateTimeField()
    attachments = AttachmentOutputSerializer(many=True, source="attachments.all")


class ImageInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    data = serializers.CharField(help_text="The image file, base64. PNG, JPEG or WebP; checked by content.")

    def validate_data(self, value):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Send the image as base64.")) from None
        if not raw:
            raise serializers.ValidationError(_("The image is empty."))
        if len(raw) > MAX_IMAGE_BYTES:
            raise serializers.ValidationError(
                _("The image is larger than %(limit)d bytes.") % {"limit": MAX_IMAGE_BYTES}
            )
        return raw


class FeedbackListCreateApi(generics.GenericAPIView):
    """GET your feedback items, newest first; POST a new one (an artist)."""

    required_scopes = {"GET": "clips:read", "POST": "clips:write"}

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=FeedbackKind.choices)
        title = serializers.CharField(max_length=120)
        text = serializers.CharField(max_length=5000)
        clip = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="One of your clips.")
        credit = serializers.BooleanField(required=False, default=True)
        images = ImageInputSerializer(many=True, required=False, default=list, max_length=MAX_ATTACHMENTS)

    OutputSerializer = FeedbackItemOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="Your feedback items", operation_id="feedback_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_artist(request)
        page = self.paginate_queryset(selectors.feedback_of(artist=request.user))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        summary="File feedback",
        operation_id="feedback_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        _require_artist(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = feedback_create(
            artist=request.user,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            clip_id=data["clip"],
            images=[(image["name"], image["data"]) for image in data["images"]],
            credit=data["credit"],
            request=request._request,
        )
        item = selectors.feedback_visible(user=request.user, feedback_id=item.pk)
        return Response(self.OutputSerializer(item).data, status=status.HTTP_201_CREATED)


class FeedbackDetailApi(APIView):
    """One feedback item with its response, for its artist or a moderator."""

    required_scopes = ("clips:read", "review")
    OutputSerializer = FeedbackItemOutputSerializer

    @extend_schema(
        summary="A feedback item and its response", operation_id="feedback_retrieve", responses=OutputSerializer
    )
    def get(self, request, feedback_id: int):
        item = selectors.feedback_visible(user=request.user, feedback_id=feedback_id)
        if item is None:
            raise Http404
        return Response(self.OutputSerializer(item).data)


_BINARY = OpenApiResponse(response=OpenApiTypes.BINARY, description="The image, as a download.")


class FeedbackAttachmentApi(APIView):
    """An attachment of a feedback item, to its artist and moderators, as a download that is never sniffed."""

    required_scopes = ("clips:read", "review")
    OutputSerializer = None  # a file (an image), not JSON

    @extend_schema(
        summary="A feedback attachment",
        operation_id="feedback_attachment_retrieve",
        responses={(200, kind): _BINARY for kind in ("image/png", "image/jpeg", "image/webp")},
    )
    def get(self, request, feedback_id: int, attachment_id: int):
        item = selectors.feedback_visible(user=request.user, feedback_id=feedback_id)
        attachment = item.attachments.filter(pk=attachment_id).first() if item is not None else None
        if attachment is None:
            raise Http404
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=True,
            filename=f"feedback-{attachment.feedback_id}-{attachment.pk}.{attachment.extension}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class TriageListApi(generics.GenericAPIView):
    """Moderators: feedback items in one triage state (`?status=`, default new), oldest first."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=FeedbackStatus.choices, required=False, default=FeedbackStatus.NEW)

    OutputSerializer = FeedbackItemOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        summary="Feedback to triage",
        operation_id="triage_list",
        parameters=[InputSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request):
        _require_moderator(request)
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.feedback_for_triage(status=query.validated_data["status"]))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class FeedbackTriageApi(APIView):
    """Moderators: move an item to a triage state with a response its artist reads."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=[c for c in FeedbackStatus.choices if c[0] != FeedbackStatus.NEW])
        response = serializers.CharField(max_length=5000)
        duplicate_of = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
        )

    OutputSerializer = FeedbackItemOutputSerializer

    @extend_schema(
        summary="Triage a feedback item",
        operation_id="feedback_triage_create",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request, feedback_id: int):
        _require_moderator(request)
        if selectors.feedback_visible(user=request.user, feedback_id=feedback_id) is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback_triage(
            feedback_id=feedback_id, moderator=request.user, request=request._request, **serializer.validated_data
        )
        return Response(
            self.OutputSerializer(selectors.feedback_visible(user=request.user, feedback_id=feedback_id)).data
        )


class ChangelogOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    feedback = serializers.SerializerMethodField(help_text="The feedback items this change answers.")
    created_at = IsoDateTimeField()

    def get_feedback(self, entry) -> list[int]:
        return [item.pk for item in entry.feedback.all()]


class ChangelogListCreateApi(generics.GenericAPIView):
    """GET the public changelog, newest first; POST a change crediting feedback items (moderators)."""

    permission_classes = [HasScope]  # the list is public; a POST checks the account below
    required_scopes = {"GET": None, "POST": "review"}

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=160)
        body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
        feedback = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            min_length=1,
            max_length=50,
            help_text="Feedback item ids.",
        )

    OutputSerializer = ChangelogOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="The changelog", operation_id="changelog_list", responses=OutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.changelog())
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a change to the changelog",
        operation_id="changelog_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        if not has_role(request.user, "moderator"):
            raise PermissionDenied(_("Only moderators write the changelog."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = changelog_add(
            title=data["title"],
            body=data["body"],
            feedback_ids=data["feedback"],
            actor=request.user,
            request=request._request,
        )
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)
