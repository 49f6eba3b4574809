"""REST API v1 for iterating (generation.jobs.iterate): batches of variations, render again, retry, delete.

The same error shape (core.api.errors), scopes and quota headers as the renders API (generation.api).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from core.api.conditional import ConditionalGetMixin
from core.permissions import role_permission
from generation import live, selectors
from generation.api import RenderListCreateApi, _with_quota_headers, render_data
from generation.downloads import DownloadPreparing, DownloadUnavailable, download_file
from generation.jobs import iterate
from generation.jobs.submit import MAX_SEED
from generation.models import RenderJob
from generation.serializers import RenderOutputSerializer

_ARTIST_ONLY = role_permission("artist", "Only invited artists can submit prompts.", code="not_artist")


class BatchOutputSerializer(serializers.Serializer):
    batch = serializers.UUIDField(allow_null=True, help_text="Shared by the variations; null for a single render.")
    renders = RenderOutputSerializer(many=True)


class DeletedOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    deleted = serializers.BooleanField()


class BatchCreateApi(APIView):
    """Submit one prompt as 1 to 4 variations (different seeds), queued as separate renders in one batch."""

    permission_classes = [IsAuthenticated, HasScope, _ARTIST_ONLY]
    required_scopes = "renders:write"
    throttle_scope = "submissions"

    class InputSerializer(RenderListCreateApi.InputSerializer):
        variations = serializers.IntegerField(
            min_value=1, max_value=iterate.MAX_VARIATIONS, default=1, help_text="How many renders, 1 to 4."
        )
        seeds = serializers.ListField(
            child=serializers.IntegerField(min_value=0, max_value=MAX_SEED),
            required=False,
            allow_null=True,
            default=None,
            max_length=iterate.MAX_VARIATIONS,
            help_text="One seed per variation; else `seed` is the first (then +1 each), else all drawn.",
        )
        parent = serializers.UUIDField(
            required=False, allow_null=True, default=None, help_text="Your render this remixes (its lineage)."
        )

    OutputSerializer = BatchOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="Submit variations of a prompt",
        operation_id="renders_batches_create",
        description="All or none: when one variation would pass the quota, none is queued (429). Each "
        "variation counts against the quota.",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        parent_id = values.pop("parent")
        parent = iterate.parent_of(artist=request.user, job_id=parent_id) if parent_id else None
        done = iterate.variations_submit(artist=request.user, parent=parent, request=request._request, **values)
        renders = [RenderOutputSerializer(d.job, context={"queue": {d.job.id: d.queue}}).data for d in done]
        body = {"batch": str(done[0].job.batch) if done[0].job.batch else None, "renders": renders}
        return _with_quota_headers(Response(body, status=status.HTTP_201_CREATED), done[-1].quota)


class BatchDetailApi(APIView):
    required_scopes = ("renders:write", "clips:read")
    OutputSerializer = BatchOutputSerializer

    @extend_schema(
        responses=OutputSerializer, summary="The variations of one batch", operation_id="renders_batches_retrieve"
    )
    def get(self, request, batch):
        jobs = list(selectors.batch_of(artist=request.user, batch=batch))
        if not jobs:
            raise Http404
        return Response({"batch": str(batch), "renders": render_data(jobs, artist=request.user)})


class _RenderActionApi(APIView):
    permission_classes = [IsAuthenticated, HasScope, _ARTIST_ONLY]
    required_scopes = "renders:write"
    OutputSerializer = RenderOutputSerializer

    def answer(self, done):
        data = RenderOutputSerializer(done.job, context={"queue": {done.job.id: done.queue}}).data
        return _with_quota_headers(Response(data, status=status.HTTP_201_CREATED), done.quota)


class RenderAgainApi(_RenderActionApi):
    required_scopes = "renders:write"
    throttle_scope = "submissions"

    @extend_schema(
        request=None,
        responses={201: RenderOutputSerializer},
        summary="Render again: the same settings, a new seed",
        operation_id="renders_again_create",
    )
    def post(self, request, job_id):
        try:
            done = iterate.render_again(artist=request.user, job_id=job_id, request=request._request)
        except ValidationError as exc:
            if "parent" in getattr(exc, "error_dict", {}):
                raise Http404 from None
            raise
        return self.answer(done)


class RenderRetryApi(_RenderActionApi):
    required_scopes = "renders:write"
    throttle_scope = "submissions"

    @extend_schema(
        request=None,
        responses={201: RenderOutputSerializer},
        summary="Retry a failed render (same settings and seed)",
        operation_id="renders_retry_create",
        description="409 with code `retry_not_possible` when the failure would repeat (the model cannot be "
        "loaded, the settings cannot render) or the render did not fail.",
    )
    def post(self, request, job_id):
        try:
            done = iterate.retry(artist=request.user, job_id=job_id, request=request._request)
        except RenderJob.DoesNotExist:
            raise Http404 from None
        except ValidationError as exc:
            if getattr(exc, "code", None) != "retry_not_possible":
                raise  # the settings are no longer accepted: 400 with the field's message
            return Response(
                {"detail": " ".join(exc.messages), "code": "retry_not_possible"}, status=status.HTTP_409_CONFLICT
            )
        return self.answer(done)


class RenderDeleteApi(_RenderActionApi):
    required_scopes = "renders:write"
    OutputSerializer = DeletedOutputSerializer

    @extend_schema(
        request=None,
        responses={200: DeletedOutputSerializer},
        summary="Delete a finished render and its clip's files",
        operation_id="renders_delete_create",
        description="409 with code `delete_refused` for a render still running, a clip on its way to "
        "publication or published, or a clip entered in a contest.",
    )
    def post(self, request, job_id):
        try:
            job = iterate.job_delete(artist=request.user, job_id=job_id, request=request._request)
        except RenderJob.DoesNotExist:
            raise Http404 from None
        except ValidationError as exc:
            return Response(
                {"detail": " ".join(exc.messages), "code": "delete_refused"}, status=status.HTTP_409_CONFLICT
            )
        return Response({"id": str(job.id), "deleted": True})


class LiveCountsOutputSerializer(serializers.Serializer):
    notifications = serializers.IntegerField(help_text="Unread notifications (a decision arriving).")


class LiveFeedOutputSerializer(serializers.Serializer):
    renders = RenderOutputSerializer(many=True, help_text="In flight, or finished in the last two minutes.")
    counts = LiveCountsOutputSerializer()


class LiveFeedApi(ConditionalGetMixin, APIView):
    """The live feed the site's pages poll (generation.live), with an ETag: poll with If-None-Match and an
    unchanged feed answers 304 without a body."""

    required_scopes = ("renders:write", "clips:read")
    OutputSerializer = LiveFeedOutputSerializer

    @extend_schema(
        responses=OutputSerializer,
        summary="What changed: renders in flight or just finished, counts",
        operation_id="changes_retrieve",
    )
    def get(self, request):
        jobs = live.feed_jobs(request.user)
        return Response(
            {
                "renders": render_data(jobs, artist=request.user) if jobs else [],
                "counts": live.live_counts(request.user),
            }
        )


class DownloadUnavailableError(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "download_unavailable"


class PreparingOutputSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the file is not there yet.")
    code = serializers.CharField(help_text="download_preparing")
    errors = serializers.DictField(help_text="Empty.")


class ClipDownloadApi(APIView):
    """The clip's MP4 as a download, as the studio's download button gives it: the pre-release marked copy
    when the clip's preset has the mark (202 with Retry-After while the worker makes it)."""

    required_scopes = "clips:read"
    OutputSerializer = None  # a file (video/mp4), not JSON

    @extend_schema(
        summary="Download a clip",
        operation_id="clips_download_retrieve",
        responses={
            (200, "video/mp4"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The MP4."),
            202: OpenApiResponse(
                response=PreparingOutputSerializer, description="Being prepared; ask again after Retry-After seconds."
            ),
            404: OpenApiResponse(description="No such clip."),
            503: OpenApiResponse(description="The marked copy could not be made."),
        },
    )
    def get(self, request, clip_id):
        clip = selectors.clip_visible_or_none(user=request.user, clip_id=clip_id)
        if clip is None or not clip.video.name:
            raise Http404("No such clip.")
        try:
            name = download_file(clip=clip)
        except DownloadPreparing as exc:
            response = Response(
                {"detail": exc.message, "code": "download_preparing", "errors": {}}, status=status.HTTP_202_ACCEPTED
            )
            response["Retry-After"] = str(exc.retry_after)
            response["Cache-Control"] = "no-store"
            return response
        except DownloadUnavailable as exc:
            raise DownloadUnavailableError(exc.message) from None
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404("The clip's file is missing.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=iterate.download_name(clip.job), content_type="video/mp4"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store" if not clip.is_public else "public, max-age=60"
        return response
