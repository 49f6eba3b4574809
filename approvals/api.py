"""REST API v1: the review queue and decisions for moderators; appeal and withdrawal for artists."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors, services
from approvals.models import Decision
from approvals.services import MAX_REASON_CHARS
from generation.api import ClipSerializer, clip_payload
from generation.models import Clip
from generation.selectors import clip_visible_or_none
from core.audit import audit_record


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.values)
    clause = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_REASON_CHARS)


class AppealSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=MAX_REASON_CHARS)


class TakeDownSerializer(serializers.Serializer):
    clause = serializers.CharField(max_length=16)
    reason = serializers.CharField(max_length=MAX_REASON_CHARS)


ReviewSerializer = inline_serializer("Review", {
    "clip": ClipSerializer(), "requested_at": serializers.DateTimeField(), "age_hours": serializers.FloatField(),
    "overdue": serializers.BooleanField(), "is_appeal": serializers.BooleanField(),
    "appeal_message": serializers.CharField(allow_null=True),
    "flagged": serializers.ListField(child=serializers.CharField()),
    "claimed_by": serializers.CharField(allow_null=True), "claimed_until": serializers.DateTimeField(allow_null=True),
})
ReviewPage = inline_serializer("ReviewPage", {
    "count": serializers.IntegerField(), "next": serializers.CharField(allow_null=True),
    "previous": serializers.CharField(allow_null=True), "results": ReviewSerializer.__class__(many=True),
})


def _moderator_only(request) -> None:
    if not request.user.is_moderator:
        audit_record(action="access.denied", request=request._request, detail={"path": request.path[:200]})
        raise PermissionDenied("Only moderators can review clips.")


def _visible(request, clip_id) -> Clip:
    clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
    if clip is None:
        raise Http404
    return clip


def review_payload(review, *, now=None) -> dict:
    holder = selectors.claim_holder(review, now=now)
    age = selectors.review_age(review, now=now)
    return {
        "clip": clip_payload(review.clip), "requested_at": review.requested_at.isoformat(),
        "age_hours": round(age["hours"], 2), "overdue": age["overdue"], "is_appeal": review.is_appeal,
        "appeal_message": review.appeal_message or None, "flagged": review.clip.policy_flags,
        "claimed_by": holder.username if holder else None,
        "claimed_until": review.claimed_until.isoformat() if holder else None,
    }


class ReviewQueue(APIView):
    """GET the open reviews, oldest first (filters: artist, preset, flagged=yes|no)."""

    required_scopes = "review"

    @extend_schema(responses=ReviewPage, operation_id="reviews_list")
    def get(self, request):
        _moderator_only(request)
        flagged = {"yes": True, "no": False}.get(request.query_params.get("flagged", ""))
        qs = selectors.review_queue(artist=request.query_params.get("artist", "")[:150],
                                    preset=request.query_params.get("preset", "")[:32], flagged=flagged)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([review_payload(r) for r in page])


class ReviewClaim(APIView):
    """POST to hold a clip's open review for REVIEW_CLAIM_MINUTES."""

    required_scopes = "review"

    @extend_schema(request=None, responses=ReviewSerializer)
    def post(self, request, clip_id):
        _moderator_only(request)
        _visible(request, clip_id)
        review = services.review_claim(clip_id=clip_id, moderator=request.user, request=request._request)
        return Response(review_payload(review))


class ReviewDecide(APIView):
    """POST {decision: approve|changes|reject, clause, reason}; refusals need a clause and a reason."""

    required_scopes = "review"

    @extend_schema(request=DecisionSerializer, responses=ClipSerializer)
    def post(self, request, clip_id):
        _moderator_only(request)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _visible(request, clip_id)
        data = serializer.validated_data
        services.clip_decide(clip_id=clip_id, moderator=request.user, decision=data["decision"],
                             reason=data["reason"], clause=data["clause"] or None, request=request._request)
        return Response(clip_payload(clip_visible_or_none(user=request.user, clip_id=clip_id)))


class ClipAppeal(APIView):
    """POST {message}: appeal a rejection of your clip, once."""

    required_scopes = "clips:write"

    @extend_schema(request=AppealSerializer, responses={202: ClipSerializer})
    def post(self, request, clip_id):
        serializer = AppealSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            services.clip_appeal(clip_id=clip_id, artist=request.user, request=request._request,
                                 **serializer.validated_data)
        except Clip.DoesNotExist:
            raise Http404 from None
        except serializers.ValidationError:
            if not Clip.objects.filter(id=clip_id, artist=request.user).exists():
                raise Http404 from None
            raise
        return Response(clip_payload(_visible(request, clip_id)), status=status.HTTP_202_ACCEPTED)


class ClipWithdraw(APIView):
    """POST: take your published clip out of the gallery (and every contest)."""

    required_scopes = "clips:write"

    @extend_schema(request=None, responses=ClipSerializer)
    def post(self, request, clip_id):
        try:
            services.clip_withdraw(clip_id=clip_id, artist=request.user, request=request._request)
        except Clip.DoesNotExist:
            raise Http404 from None
        return Response(clip_payload(_visible(request, clip_id)))


class ClipTakeDown(APIView):
    """POST {clause, reason}: a moderator takes a published clip down."""

    required_scopes = "review"

    @extend_schema(request=TakeDownSerializer, responses=ClipSerializer)
    def post(self, request, clip_id):
        _moderator_only(request)
        _visible(request, clip_id)
        serializer = TakeDownSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.clip_take_down(clip_id=clip_id, moderator=request.user, request=request._request,
                                **serializer.validated_data)
        return Response(clip_payload(_visible(request, clip_id)))


class ClipPublication(APIView):
    """Ask for your clip to be reviewed for publication."""

    required_scopes = "clips:write"

    @extend_schema(request=None, responses={202: ClipSerializer}, summary="Ask for publication")
    def post(self, request, clip_id):
        try:
            services.clip_request_publication(clip_id=clip_id, artist=request.user, request=request._request)
        except Clip.DoesNotExist:
            raise Http404 from None
        clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
        return Response(clip_payload(clip), status=status.HTTP_202_ACCEPTED)
