"""The trace tool in API v1, for moderators (scope `review`): the page's upload or address, as JSON.

POST /api/v1/provenance/traces with `file` (the video, base64-encoded, within the API's JSON limit: a few
seconds of a leaked clip; the trace page takes larger uploads) or `url` (a clip of this site); the answer is
the trace: whether a mark was found, the job, clip and account it names, when, and the confidence. GET
/api/v1/provenance/traces/{id} reads a past trace again.
"""

from __future__ import annotations

import base64
import binascii

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import IsoDateTimeField
from core.permissions import require_role
from provenance import selectors, services
from provenance.models import Trace


def _moderator_only(request) -> None:
    require_role(request, "moderator", _("Only moderators can trace clips."), audit=True)


class TraceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    found = serializers.BooleanField(help_text="A mark was read and its payload names a job of this site.")
    job = serializers.UUIDField(source="job_id", allow_null=True)
    clip = serializers.SerializerMethodField()
    account = serializers.SerializerMethodField(help_text="The username of the account that rendered the job.")
    rendered_at = serializers.SerializerMethodField()
    confidence = serializers.FloatField(
        help_text="How sure the reading is, from the bit errors corrected (0 when no mark)."
    )
    bit_errors = serializers.IntegerField(help_text="Bit errors the error-correcting code corrected (-1: no mark).")
    frames_read = serializers.IntegerField()
    file_sha256 = serializers.CharField()
    created_at = IsoDateTimeField()

    def get_clip(self, trace: Trace) -> str | None:
        clip = services.trace_clip(trace=trace)
        return str(clip.pk) if clip is not None else None

    def get_account(self, trace: Trace) -> str | None:
        return trace.job.artist.username if trace.job is not None else None

    def get_rendered_at(self, trace: Trace) -> str | None:
        return IsoDateTimeField().to_representation(trace.job.created_at) if trace.job is not None else None


class TraceCreateApi(APIView):
    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        file = serializers.CharField(
            required=False, allow_blank=True, help_text="The video to trace, base64-encoded (a data: URL too)."
        )
        file_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
        url = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=500, help_text="Or a clip's address here."
        )

        def validate_file(self, value: str):
            if not value:
                return None
            if value.startswith("data:"):
                value = value.partition(",")[2]
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(_("The file is not valid base64.")) from None

        def validate(self, data):
            if bool(data.get("file")) == bool(data.get("url", "").strip()):
                raise serializers.ValidationError(_("Send a video (file), or the address of a clip (url): one."))
            return data

    OutputSerializer = TraceOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        operation_id="provenance_traces_create",
        summary="Trace a leaked video to the job and account it came from",
    )
    def post(self, request):
        _moderator_only(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            if data.get("file"):
                trace = services.trace_bytes(
                    chunks=[data["file"]],
                    actor=request.user,
                    source=Trace.Source.UPLOAD,
                    file_name=data["file_name"],
                    request=request._request,
                )
            else:
                clip = selectors.clip_for_address(address=data["url"].strip(), host=request.get_host())
                if clip is None:
                    raise serializers.ValidationError({"url": [_("That address names no clip of this site.")]})
                trace = services.trace_bytes(
                    clip=clip,
                    actor=request.user,
                    source=Trace.Source.URL,
                    file_name=data["url"],
                    request=request._request,
                )
        except services.TraceError as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from None
        trace = Trace.objects.select_related("job__artist").get(pk=trace.pk)
        return Response(self.OutputSerializer(trace).data, status=status.HTTP_201_CREATED)


class TraceDetailApi(APIView):
    required_scopes = "review"
    OutputSerializer = TraceOutputSerializer

    @extend_schema(responses=OutputSerializer, operation_id="provenance_traces_retrieve", summary="A past trace")
    def get(self, request, trace_id: int):
        _moderator_only(request)
        trace = Trace.objects.select_related("job__artist").filter(pk=trace_id).first()
        if trace is None:
            raise Http404
        return Response(self.OutputSerializer(trace).data)
