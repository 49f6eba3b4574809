"""REST API v1: renders (with queue position and quota headers), clips, the public gallery.

Views are thin: they validate input with a serializer, call one service or selector, and shape the
answer with an output serializer (which is also what the OpenAPI schema says they return).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from generation import selectors, services
from generation.models import Clip, JobStatus, RenderJob
from generation.queue import queue_estimates
from generation.runtime.presets import MAX_DURATION_S, MIN_DURATION_S
from generation.services import MAX_PROMPT_CHARS, MAX_SEED
from accounts.api_auth import HasScope
from generation.quotas import quota_status


class RenderCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS, allow_blank=False, trim_whitespace=True)
    negative_prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS, required=False, allow_blank=True, default="")
    duration_s = serializers.IntegerField(min_value=MIN_DURATION_S, max_value=MAX_DURATION_S)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_SEED, default=None)
    preset = serializers.CharField(required=False, allow_blank=True, default="", max_length=32,
                                   help_text="One of the presets enabled on this site; empty for the default.")


class QueueSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 = the next job to start.")
    jobs_ahead = serializers.IntegerField()
    estimated_start_s = serializers.IntegerField(help_text="Seconds until it should start rendering.")
    slots = serializers.IntegerField(help_text="Renders that run at once.")


class RenderClipSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    video_url = serializers.CharField()
    poster_url = serializers.CharField()


class RenderSerializer(serializers.Serializer):
    """A render job as its artist sees it."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    prompt = serializers.CharField()
    duration_s = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    seed = serializers.IntegerField()
    fps = serializers.IntegerField()
    num_frames = serializers.IntegerField()
    progress = serializers.FloatField()
    step = serializers.IntegerField(source="progress_step")
    total_steps = serializers.IntegerField(source="progress_total")
    eta_s = serializers.IntegerField(allow_null=True, help_text="Seconds of rendering left, while running.")
    error = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    queue = serializers.SerializerMethodField()
    clip = serializers.SerializerMethodField()

    def get_error(self, job) -> str | None:
        return job.error or None

    @extend_schema_field(QueueSerializer(allow_null=True))
    def get_queue(self, job):
        estimate = self.context.get("queue", {}).get(job.id)
        return estimate.as_dict() if estimate else None

    @extend_schema_field(RenderClipSerializer(allow_null=True))
    def get_clip(self, job):
        clip = getattr(job, "clip", None)
        if clip is None:
            return None
        return {"id": str(clip.id), "video_url": clip.video.url, "poster_url": clip.poster.url}


class ClipSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    artist = serializers.CharField()
    prompt = serializers.CharField()
    publication = serializers.CharField(help_text="State at the publication gate (approvals' states).")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    fps = serializers.IntegerField()
    num_frames = serializers.IntegerField()
    duration_s = serializers.FloatField()
    video_url = serializers.CharField()
    poster_url = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


def clip_payload(clip: Clip) -> dict:
    return {
        "id": str(clip.id),
        "artist": clip.artist.credit_name,
        "prompt": clip.job.prompt,
        "publication": clip.publication,
        "width": clip.width,
        "height": clip.height,
        "fps": clip.fps,
        "num_frames": clip.num_frames,
        "duration_s": clip.duration_s,
        "video_url": clip.video.url,
        "poster_url": clip.poster.url,
        "published_at": clip.published_at.isoformat() if clip.published_at else None,
    }


def render_data(jobs: list[RenderJob], *, artist) -> list[dict]:
    """Serialized renders with their queue estimates (two queries for all the queued ones)."""
    estimates = queue_estimates(artist_id=artist.pk, jobs=jobs)
    return RenderSerializer(jobs, many=True, context={"queue": estimates}).data


class _ArtistOnly:
    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method == "POST" and not request.user.is_artist:
            self.permission_denied(request, message="Only invited artists can submit prompts.", code="not_artist")


class RenderListCreate(_ArtistOnly, generics.GenericAPIView):
    """POST a prompt to render; GET your renders, newest first."""

    serializer_class = RenderSerializer
    required_scopes = {"GET": ("renders:write", "clips:read"), "POST": "renders:write"}

    def get_queryset(self):
        return selectors.jobs_of(artist=self.request.user)

    @extend_schema(request=RenderCreateSerializer, responses={201: RenderSerializer}, summary="Submit a prompt",
                   description="Refused with 429 (and `Retry-After`, `X-Quota-*` headers) over the artist's quota "
                               "or when the queue's estimated wait passes the horizon.")
    def post(self, request):
        serializer = RenderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.job_create(artist=request.user, request=request._request, **serializer.validated_data)
        job = selectors.job_of(artist=request.user, job_id=job.id)
        response = Response(render_data([job], artist=request.user)[0], status=status.HTTP_201_CREATED)
        for name, value in quota_status(artist=request.user).headers().items():
            response[name] = value
        return response

    @extend_schema(summary="List your renders", operation_id="renders_list", responses=RenderSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(render_data(page, artist=request.user))


class RenderDetail(APIView):
    required_scopes = ("renders:write", "clips:read")

    @extend_schema(responses=RenderSerializer, summary="A render's status, progress, queue position and ETA")
    def get(self, request, job_id):
        job = selectors.job_of(artist=request.user, job_id=job_id)
        if job is None:
            raise Http404
        return Response(render_data([job], artist=request.user)[0])


class RenderCancel(APIView):
    required_scopes = "renders:write"

    @extend_schema(request=None, responses=RenderSerializer, summary="Cancel a queued or running render")
    def post(self, request, job_id):
        try:
            services.job_cancel(job_id=job_id, artist=request.user, request=request._request)
        except RenderJob.DoesNotExist:
            raise Http404 from None
        return Response(render_data([selectors.job_of(artist=request.user, job_id=job_id)], artist=request.user)[0])


class ClipList(generics.GenericAPIView):
    """Your clips, newest first (`?publication=` filters by state)."""

    serializer_class = ClipSerializer
    required_scopes = "clips:read"

    def get_queryset(self):
        qs = Clip.objects.filter(artist=self.request.user).select_related("artist", "job").order_by("-created_at")
        wanted = self.request.query_params.get("publication")
        if wanted:
            qs = qs.filter(publication=wanted)
        return qs

    @extend_schema(summary="List your clips", operation_id="clips_list", responses=ClipSerializer(many=True), parameters=[
        OpenApiParameter("publication", str, required=False)])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([clip_payload(clip) for clip in page])


class ClipDetail(APIView):
    permission_classes = [HasScope]  # anyone; a token needs clips:read
    required_scopes = "clips:read"

    @extend_schema(responses=ClipSerializer, summary="A clip: published ones for anyone, your own for you")
    def get(self, request, clip_id):
        clip = selectors.clip_visible_or_none(user=request.user, clip_id=clip_id)
        if clip is None:
            raise Http404
        return Response(clip_payload(clip))


class Gallery(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = ClipSerializer

    @extend_schema(summary="Published clips, newest first", operation_id="gallery_list", responses=ClipSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.gallery_clips())
        return self.get_paginated_response([clip_payload(clip) for clip in page])


QuotaSerializer = inline_serializer("Quota", {
    "jobs_limit": serializers.IntegerField(), "jobs_active": serializers.IntegerField(),
    "jobs_left": serializers.IntegerField(), "seconds_limit": serializers.IntegerField(),
    "seconds_used": serializers.IntegerField(), "seconds_left": serializers.IntegerField(),
    "resets_at": serializers.DateTimeField(), "priority": serializers.BooleanField(),
})


class QuotaDetail(APIView):
    required_scopes = ("renders:write", "clips:read")

    @extend_schema(responses=OpenApiResponse(QuotaSerializer), summary="What is left of your quota, and when it resets")
    def get(self, request):
        quota = quota_status(artist=request.user)
        data = quota.as_dict()
        data["resets_at"] = quota.resets_at.isoformat()
        response = Response(data)
        for name, value in quota.headers().items():
            response[name] = value
        return response

