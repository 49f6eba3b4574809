"""REST API v1 for moderators: the review queue, claims and decisions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors, services
from approvals.api.clips import ClipGateOutputSerializer
from approvals.api.common import _moderator_only, _visible
from approvals.models import REVIEW_DECISIONS
from approvals.services import MAX_REASON_CHARS
from core import clock
from core.api.fields import IsoDateTimeField
from generation.selectors import clip_visible_or_none
from generation.serializers import ClipOutputSerializer


class ReviewOutputSerializer(serializers.Serializer):
    """An open review as the queue shows it; `context["now"]` fixes the moment its age and claim are read at."""

    clip = ClipOutputSerializer()
    requested_at = IsoDateTimeField()
    age_hours = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    is_appeal = serializers.BooleanField()
    appeal_message = serializers.SerializerMethodField()
    flagged = serializers.ListField(child=serializers.CharField(), source="clip.policy_flags")
    claimed_by = serializers.SerializerMethodField()
    claimed_until = serializers.SerializerMethodField()

    def _now(self):
        return self.context.setdefault("now", clock.now())

    def get_age_hours(self, review) -> float:
        return round(selectors.review_age(review, now=self._now())["hours"], 2)

    def get_overdue(self, review) -> bool:
        return selectors.review_age(review, now=self._now())["overdue"]

    def get_appeal_message(self, review) -> str | None:
        return review.appeal_message or None

    def get_claimed_by(self, review) -> str | None:
        holder = selectors.claim_holder(review, now=self._now())
        return holder.username if holder else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_claimed_until(self, review) -> str | None:
        holder = selectors.claim_holder(review, now=self._now())
        return review.claimed_until.isoformat() if holder else None


class ReviewListApi(generics.GenericAPIView):
    """GET the open reviews, oldest first (filters: artist, preset, flagged=yes|no)."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        artist = serializers.CharField(required=False, help_text="Only this artist's clips (username).")
        preset = serializers.CharField(required=False, help_text="Only clips rendered with this preset.")
        flagged = serializers.ChoiceField(
            choices=["yes", "no"],
            required=False,
            help_text="Only clips the policy check flagged (yes) or did not (no).",
        )

        def to_internal_value(self, data):
            """Lenient, as the queue has always been: long values are cut, an unknown `flagged` means either."""
            return {
                "artist": data.get("artist", "")[:150],
                "preset": data.get("preset", "")[:32],
                "flagged": {"yes": True, "no": False}.get(data.get("flagged", "")),
            }

    OutputSerializer = ReviewOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        responses=OutputSerializer(many=True),
        parameters=[InputSerializer],
        operation_id="reviews_list",
        summary="The open reviews, oldest first",
    )
    def get(self, request):
        _moderator_only(request)
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.review_queue(moderator=request.user, **query.validated_data))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class ReviewClaimApi(APIView):
    """POST to hold a clip's open review for REVIEW_CLAIM_MINUTES."""

    required_scopes = "review"
    OutputSerializer = ReviewOutputSerializer

    @extend_schema(
        request=None,
        responses=OutputSerializer,
        operation_id="reviews_claim_create",
        summary="Hold a clip's open review",
    )
    def post(self, request, clip_id):
        _moderator_only(request)
        _visible(request, clip_id)
        review = services.review_claim(clip_id=clip_id, moderator=request.user, request=request._request)
        return Response(self.OutputSerializer(review).data)


class ReviewDecideApi(APIView):
    """POST {decision: approve|changes|reject, clause, reason, watched}; refusals need a clause and a reason; an
    approval says whether the video was played (`watched`), else it is recorded as made without watching."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=[str(d) for d in REVIEW_DECISIONS])
        clause = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_REASON_CHARS)
        watched = serializers.BooleanField(
            required=False,
            default=False,
            help_text="For an approval: true if you played the video first; otherwise the approval is recorded "
            "in the audit log as made without watching.",
        )

    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        operation_id="reviews_create",
        summary="Decide on a clip's review",
    )
    def post(self, request, clip_id):
        _moderator_only(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _visible(request, clip_id)
        data = serializer.validated_data
        services.clip_decide(
            clip_id=clip_id,
            moderator=request.user,
            decision=data["decision"],
            reason=data["reason"],
            clause=data["clause"] or None,
            watched=data["watched"],
            request=request._request,
        )
        return Response(
            self.OutputSerializer(
                clip_visible_or_none(user=request.user, clip_id=clip_id), context={"user": request.user}
            ).data
        )
