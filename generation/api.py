"""REST API v1: renders, clips and the public gallery."""

from __future__ import annotations

from django.http import Http404
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import services as approval_services
from generation import selectors, services
from generation.models import Clip, RenderJob
from generation.runtime.presets import MAX_DURATION_S, MIN_DURATION_S
from generation.services import MAX_PROMPT_CHARS, MAX_SEED
from generation.views import job_status_payload


class RenderCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS, allow_blank=False, trim_whitespace=True)
    negative_prompt = serializers.CharField(max_length=MAX_PROMPT_CHARS, required=False, allow_blank=True, default="")
    duration_s = serializers.IntegerField(min_value=MIN_DURATION_S, max_value=MAX_DURATION_S)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_SEED, default=None)


class RenderListCreate(APIView):
    """POST a prompt to render; GET your renders, newest first."""

    def post(self, request):
        serializer = RenderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.job_create(artist=request.user, request=request._request, **serializer.validated_data)
        return Response({"id": str(job.id), "status": job.status, "seed": job.seed,
                         "num_frames": job.num_frames, "fps": job.fps}, status=status.HTTP_201_CREATED)

    def get(self, request):
        from rest_framework.pagination import PageNumberPagination

        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.jobs_of(artist=request.user), request, view=self)
        return paginator.get_paginated_response([job_status_payload(job) for job in page])


class RenderDetail(APIView):
    def get(self, request, job_id):
        job = selectors.job_of(artist=request.user, job_id=job_id)
        if job is None:
            raise Http404
        return Response(job_status_payload(job))


class RenderCancel(APIView):
    def post(self, request, job_id):
        try:
            job = services.job_cancel(job_id=job_id, artist=request.user, request=request._request)
        except RenderJob.DoesNotExist:
            raise Http404 from None
        return Response(job_status_payload(job))


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


class ClipPublication(APIView):
    """Ask for your clip to be reviewed for publication."""

    def post(self, request, clip_id):
        try:
            approval_services.clip_request_publication(clip_id=clip_id, artist=request.user, request=request._request)
        except Clip.DoesNotExist:
            raise Http404 from None
        clip = selectors.clip_visible_or_none(user=request.user, clip_id=clip_id)
        return Response(clip_payload(clip), status=status.HTTP_202_ACCEPTED)


class ClipDetail(APIView):
    permission_classes = [AllowAny]

    def get(self, request, clip_id):
        clip = selectors.clip_visible_or_none(user=request.user, clip_id=clip_id)
        if clip is None:
            raise Http404
        return Response(clip_payload(clip))


class Gallery(generics.GenericAPIView):
    permission_classes = [AllowAny]

    def get(self, request):
        page = self.paginate_queryset(selectors.gallery_clips())
        return self.get_paginated_response([clip_payload(clip) for clip in page])
