"""REST API v1: renders (with queue position and quota headers), clips, the public gallery.

Views are thin: they validate input with their `InputSerializer`, call one service or selector, and shape
the answer with their `OutputSerializer` (which is also what the OpenAPI schema says they return). The
reads that clients poll (a render's status, the lists, the gallery) answer with an ETag and 304 Not Modified
to a matching `If-None-Match` (core.api.conditional), and cost a constant number of queries (the selectors).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from core.api.conditional import ConditionalGetMixin
from core.api.pagination import WindowCountPagination
from core.api.parsers import JSONParser
from core.permissions import role_permission
from generation import selectors
from generation.jobs import submit, transitions
from generation.jobs.conditioning import conditioning_from_asset, conditioning_from_input
from generation.jobs.estimates import queue_estimates
from generation.jobs.quotas import quota_status
from generation.jobs.submit import MAX_PROMPT_CHARS, MAX_SEED
from generation.models import RenderJob
from generation.runtime.presets import MAX_DURATION_S, MIN_DURATION_S
from generation.serializers import (
    ClipOutputSerializer,
    QuotaOutputSerializer,
    RenderOutputSerializer,
    clip_cards,
    render_cards,
)


def render_data(jobs: list[RenderJob], *, artist, one: bool = False) -> list[dict]:
    """Renders as RenderOutputSerializer gives them, with their queue estimates (two queries for all the queued
    ones of a list, one for a render's status: `one`); the web page's status poll answers with the same."""
    estimates = queue_estimates(artist_id=artist.pk, jobs=jobs, one=one)
    return render_cards(jobs, queue=estimates)  # = RenderOutputSerializer(jobs, many=True, context=...).data


def _with_quota_headers(response: Response, quota) -> Response:
    for name, value in quota.headers().items():
        response[name] = value
    return response


def conditioning_from_api(artist, values: dict):
    """The first frame an API submission asks for (its fields popped from `values`), or None."""
    image, asset = values.pop("image", None), values.pop("image_asset", None)
    from_clip, from_time_s = values.pop("from_clip", None), values.pop("from_time_s", None)
    if asset is not None:
        if image is not None or from_clip is not None:
            raise ValidationError({"image_asset": _("Give one first frame: an image, an asset or a clip's frame.")})
        return conditioning_from_asset(artist=artist, asset_id=asset)
    return conditioning_from_input(artist=artist, image=image, from_clip=from_clip, from_time_s=from_time_s)


class RenderListCreateApi(ConditionalGetMixin, generics.GenericAPIView):
    """POST a prompt to render; GET your renders, newest first."""

    pagination_class = WindowCountPagination  # the total read with the page: one query

    permission_classes = [
        IsAuthenticated,
        HasScope,
        role_permission("artist", "Only invited artists can submit prompts.", code="not_artist", methods=("POST",)),
    ]
    required_scopes = {"GET": ("renders:write", "clips:read"), "POST": "renders:write"}
    throttle_scope = "submissions"  # POSTs: VERNISSAGE_THROTTLE_SUBMISSIONS per account, on top of the quota
    parser_classes = [JSONParser, MultiPartParser]  # multipart for a first frame (image-to-video)

    class InputSerializer(serializers.Serializer):
        prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS, allow_blank=False, trim_whitespace=True)
        negative_prompt = serializers.CharField(
            max_length=MAX_PROMPT_CHARS, required=False, allow_blank=True, default=""
        )
        duration_s = serializers.IntegerField(min_value=MIN_DURATION_S, max_value=MAX_DURATION_S)
        width = serializers.IntegerField()
        height = serializers.IntegerField()
        seed = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_SEED, default=None)
        preset = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=32,
            help_text="One of the presets enabled on this site; empty for the default.",
        )
        image = serializers.FileField(
            required=False,
            help_text="Image-to-video (multipart/form-data): the first frame, a PNG, JPEG or WebP; centre-cropped "
            "and scaled to the render size.",
        )
        image_asset = serializers.UUIDField(
            required=False, help_text="Image-to-video: the id of an image uploaded with POST /api/v1/assets."
        )
        from_clip = serializers.UUIDField(
            required=False,
            help_text="Image-to-video: one of your clips, whose frame at from_time_s is the first frame.",
        )
        from_time_s = serializers.FloatField(
            required=False, min_value=0, help_text="Seconds into from_clip; 0 default."
        )

    OutputSerializer = RenderOutputSerializer
    serializer_class = OutputSerializer

    def get_queryset(self):
        return selectors.jobs_of(artist=self.request.user)

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="Submit a prompt (optionally with a first frame: image-to-video)",
        operation_id="renders_create",
        description="Refused with 429 (and `Retry-After`, `X-Quota-*` headers) over the artist's quota "
        "or when the queue's estimated wait passes the horizon.",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        done = submit.job_submit(
            artist=request.user,
            request=request._request,
            conditioning=conditioning_from_api(request.user, values),
            **values,
        )
        # The new job, its queue place and the quota as the submission computed them: no re-read.
        data = self.OutputSerializer(done.job, context={"queue": {done.job.id: done.queue}}).data
        return _with_quota_headers(Response(data, status=status.HTTP_201_CREATED), done.quota)

    @extend_schema(summary="List your renders", operation_id="renders_list", responses=OutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(render_data(page, artist=request.user))


class RenderDetailApi(ConditionalGetMixin, APIView):
    required_scopes = ("renders:write", "clips:read")
    OutputSerializer = RenderOutputSerializer

    @extend_schema(
        responses=OutputSerializer,
        summary="A render's status, progress, queue position and ETA",
        operation_id="renders_retrieve",
    )
    def get(self, request, job_id):
        job = selectors.job_of(artist=request.user, job_id=job_id)
        if job is None:
            raise Http404
        return Response(render_data([job], artist=request.user, one=True)[0])


class RenderCancelApi(APIView):
    required_scopes = "renders:write"
    OutputSerializer = RenderOutputSerializer

    @extend_schema(
        request=None,
        responses=OutputSerializer,
        summary="Cancel a queued or running render",
        operation_id="renders_cancel_create",
    )
    def post(self, request, job_id):
        try:
            transitions.job_cancel(job_id=job_id, artist=request.user, request=request._request)
        except RenderJob.DoesNotExist:
            raise Http404 from None
        job = selectors.job_of(artist=request.user, job_id=job_id)
        return Response(render_data([job], artist=request.user, one=True)[0])


class ClipListApi(ConditionalGetMixin, generics.GenericAPIView):
    """Your clips, newest first (`?publication=` filters by state)."""

    pagination_class = WindowCountPagination  # the total read with the page: one query

    required_scopes = "clips:read"

    class InputSerializer(serializers.Serializer):
        publication = serializers.CharField(
            required=False, max_length=32, help_text="Only clips in this publication state (approvals' states)."
        )

    OutputSerializer = ClipOutputSerializer
    serializer_class = OutputSerializer

    def get_queryset(self):
        query = self.InputSerializer(data=self.request.query_params)
        wanted = query.validated_data.get("publication") if query.is_valid() else None  # too long: ignored
        return selectors.clip_rows_of(artist=self.request.user, publication=wanted or None)

    @extend_schema(
        summary="List your clips",
        operation_id="clips_list",
        responses=OutputSerializer(many=True),
        parameters=[InputSerializer],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(clip_cards(page))  # = OutputSerializer(clips, many=True).data


class GalleryListApi(ConditionalGetMixin, generics.GenericAPIView):
    permission_classes = [AllowAny]
    conditional_private = False  # the same answer for everyone
    pagination_class = WindowCountPagination
    required_scopes = None  # public
    OutputSerializer = ClipOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        summary="Published clips, newest first", operation_id="gallery_list", responses=OutputSerializer(many=True)
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.gallery_rows())
        return self.get_paginated_response(clip_cards(page))  # = OutputSerializer(clips, many=True).data


class QuotaDetailApi(APIView):
    required_scopes = ("renders:write", "clips:read")
    OutputSerializer = QuotaOutputSerializer

    @extend_schema(
        responses=OutputSerializer,
        summary="What is left of your quota, and when it resets",
        operation_id="quota_retrieve",
    )
    def get(self, request):
        quota = quota_status(artist=request.user)
        return _with_quota_headers(Response(self.OutputSerializer(quota).data), quota)
