"""REST API v1: an artist's data exports (request, status, download)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from artists import selectors
from artists.api.common import ERROR, _require_artist
from artists.exports import export_for_download, export_request
from artists.models import ExportStatus
from core.api.fields import IsoDateTimeField

# ---------------------------------------------------------------- exports


class ExportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    progress = serializers.FloatField()
    ready = serializers.SerializerMethodField()
    size_bytes = serializers.IntegerField()
    error = serializers.CharField()
    created_at = IsoDateTimeField()
    finished_at = IsoDateTimeField(allow_null=True)
    expires_at = IsoDateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    def get_ready(self, export) -> bool:
        return export.status == ExportStatus.READY

    def get_download_url(self, export) -> str | None:
        if export.status != ExportStatus.READY:
            return None
        return reverse("api_export_download", args=[export.pk])


class ExportListCreateApi(generics.GenericAPIView):
    """GET your exports, newest first; POST to ask for a new one (one at a time), built by a worker."""

    required_scopes = {"GET": "clips:read", "POST": "clips:write"}
    OutputSerializer = ExportOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="Your exports", operation_id="exports_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_artist(request)
        page = self.paginate_queryset(selectors.exports_of(artist=request.user))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Ask for an export of your work",
        operation_id="exports_create",
        request=None,
        responses={202: OutputSerializer},
    )
    def post(self, request):
        _require_artist(request)
        export = export_request(artist=request.user, request=request._request)
        return Response(self.OutputSerializer(export).data, status=status.HTTP_202_ACCEPTED)


def _own_export(request, export_id):
    export = selectors.exports_of(artist=request.user).filter(id=export_id).first()
    if export is None:
        raise Http404
    return export


class ExportDetailApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = ExportOutputSerializer

    @extend_schema(
        summary="An export's status and progress", operation_id="exports_retrieve", responses=OutputSerializer
    )
    def get(self, request, export_id):
        return Response(self.OutputSerializer(_own_export(request, export_id)).data)


class ExportNotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "export_not_ready"


class ExportExpired(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "export_expired"


class ExportDownloadApi(APIView):
    """The export's ZIP, once ready and within its lifetime: 409 while it is built, 410 once expired."""

    required_scopes = "clips:read"
    OutputSerializer = None  # a file (application/zip), not JSON

    @extend_schema(
        summary="Download an export",
        operation_id="exports_download_retrieve",
        responses={
            (200, "application/zip"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The ZIP."),
            409: ERROR,
            410: ERROR,
        },
    )
    def get(self, request, export_id):
        export = _own_export(request, export_id)
        try:
            export = export_for_download(export_id=export.pk, user=request.user)
        except DjangoValidationError as exc:
            kind = ExportNotReady if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) else ExportExpired
            if export.status == ExportStatus.FAILED:
                kind = ExportNotReady
            raise kind(exc.messages[0]) from None
        response = FileResponse(
            export.file.open("rb"),
            content_type="application/zip",
            as_attachment=True,
            filename=f"vernissage-{export.created_at:%Y%m%d}.zip",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
