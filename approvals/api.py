"""REST API v1: the review queue and decisions for moderators; appeal and withdrawal for artists."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import HasScope
from approvals import gate, selectors, services
from approvals.models import REVIEW_DECISIONS
from approvals.services import MAX_REASON_CHARS
from core import clock
from core.api.fields import IsoDateTimeField
from core.permissions import require_role
from generation.models import Clip
from generation.selectors import clip_visible_or_none
from generation.serializers import ClipOutputSerializer


class ClauseOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()


class DecisionOutputSerializer(serializers.Serializer):
    """A moderator's decision on a clip, as its artist reads it: what, under which clause, and why."""

    decision = serializers.CharField(help_text="approve, changes, reject or take_down.")
    label = serializers.CharField(source="get_decision_display")
    is_appeal = serializers.BooleanField(help_text="The decision on an appeal (final).")
    clause = ClauseOutputSerializer(allow_null=True)
    reason = serializers.CharField()
    decided_at = IsoDateTimeField()


class DecisionHistoryOutputSerializer(DecisionOutputSerializer):
    """One decision in a clip's history: the clause (id and text), the reason, who decided as a role, when."""

    decided_by = serializers.SerializerMethodField(
        help_text="The role of whoever decided: moderator or admin (never a name)."
    )

    @extend_schema_field(serializers.ChoiceField(choices=["moderator", "admin"]))
    def get_decided_by(self, review) -> str:
        return selectors.decider_role(review)


class ClipGateOutputSerializer(ClipOutputSerializer):
    """A clip with what the requester may do with it at the gate now (approvals.gate.available_actions):
    exactly the actions the services would accept; for its artist and moderators, the latest decision, every
    decision (newest first) and a pending embargo."""

    actions = serializers.SerializerMethodField()
    last_decision = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    publish_at = serializers.SerializerMethodField()

    def _insider(self, clip) -> bool:
        user = self.context.get("user")
        return bool(user is not None and user.is_authenticated and (clip.artist_id == user.pk or user.is_moderator))

    @extend_schema_field(DecisionHistoryOutputSerializer(many=True))
    def get_decisions(self, clip):
        if not self._insider(clip):
            return []
        return DecisionHistoryOutputSerializer(selectors.decisions_of_clip(clip=clip), many=True).data

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True, help_text="The embargo: an approved clip is published then (artist and moderators)."
        )
    )
    def get_publish_at(self, clip):
        if not self._insider(clip) or clip.publish_at is None:
            return None
        return clip.publish_at.isoformat()

    def get_actions(self, clip) -> list[str]:
        user = self.context.get("user")
        if user is None or not user.is_authenticated:
            return []
        return [str(action) for action in gate.available_actions(clip=clip, user=user)]

    @extend_schema_field(DecisionOutputSerializer(allow_null=True))
    def get_last_decision(self, clip):
        user = self.context.get("user")
        if user is None or not user.is_authenticated or not (clip.artist_id == user.pk or user.is_moderator):
            return None
        review = selectors.last_decision(clip=clip)
        return DecisionOutputSerializer(review).data if review else None


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


def _moderator_only(request) -> None:
    require_role(request, "moderator", "Only moderators can review clips.", audit=True)


def _visible(request, clip_id) -> Clip:
    clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
    if clip is None:
        raise Http404
    return clip


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
    """POST {decision: approve|changes|reject, clause, reason}; refusals need a clause and a reason."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=[str(d) for d in REVIEW_DECISIONS])
        clause = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_REASON_CHARS)

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
            request=request._request,
        )
        return Response(
            self.OutputSerializer(
                clip_visible_or_none(user=request.user, clip_id=clip_id), context={"user": request.user}
            ).data
        )


class ClipAppealApi(APIView):
    """POST {message}: appeal a rejection of your clip, once."""

    required_scopes = "clips:write"

    class InputSerializer(serializers.Serializer):
        message = serializers.CharField(max_length=MAX_REASON_CHARS)

    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={202: OutputSerializer},
        operation_id="clips_appeal_create",
        summary="Appeal a rejection",
    )
    def post(self, request, clip_id):
        serializer = self.InputSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            services.clip_appeal(
                clip_id=clip_id, artist=request.user, request=request._request, **serializer.validated_data
            )
        except Clip.DoesNotExist:
            raise Http404 from None
        except serializers.ValidationError:
            if not Clip.objects.filter(id=clip_id, artist=request.user).exists():
                raise Http404 from None
            raise
        return Response(
            self.OutputSerializer(_visible(request, clip_id), context={"user": request.user}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ClipWithdrawApi(APIView):
    """POST: take your published clip out of the gallery (and every contest)."""

    required_scopes = "clips:write"
    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=None,
        responses=OutputSerializer,
        operation_id="clips_withdraw_create",
        summary="Withdraw your published clip",
    )
    def post(self, request, clip_id):
        try:
            services.clip_withdraw(clip_id=clip_id, artist=request.user, request=request._request)
        except Clip.DoesNotExist:
            raise Http404 from None
        return Response(self.OutputSerializer(_visible(request, clip_id), context={"user": request.user}).data)


class ClipTakeDownApi(APIView):
    """POST {clause, reason}: a moderator takes a published clip down."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        clause = serializers.CharField(max_length=16)
        reason = serializers.CharField(max_length=MAX_REASON_CHARS)

    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        operation_id="clips_takedown_create",
        summary="Take a published clip down",
    )
    def post(self, request, clip_id):
        _moderator_only(request)
        _visible(request, clip_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.clip_take_down(
            clip_id=clip_id, moderator=request.user, request=request._request, **serializer.validated_data
        )
        return Response(self.OutputSerializer(_visible(request, clip_id), context={"user": request.user}).data)


class ClipPublicationRequestApi(APIView):
    """Ask for your clip to be reviewed for publication, with an optional embargo (`publish_at`): once
    approved, the clip waits for that moment and is then published (the page's embargo, the same service)."""

    required_scopes = "clips:write"

    class InputSerializer(serializers.Serializer):
        publish_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Optional embargo, ISO 8601 with a time zone (UTC if none), in the future.",
        )

        def validate_publish_at(self, value):
            if value is not None and value <= clock.now():
                raise serializers.ValidationError(_("The embargo time must be in the future (or left empty)."))
            return value

    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        request=InputSerializer,
        responses={202: OutputSerializer},
        summary="Ask for publication",
        operation_id="clips_publication_create",
    )
    def post(self, request, clip_id):
        serializer = self.InputSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            services.clip_request_publication(
                clip_id=clip_id,
                artist=request.user,
                publish_at=serializer.validated_data["publish_at"],
                request=request._request,
            )
        except Clip.DoesNotExist:
            raise Http404 from None
        except serializers.ValidationError:
            if not Clip.objects.filter(id=clip_id, artist=request.user).exists():
                raise Http404 from None
            raise
        clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
        return Response(
            self.OutputSerializer(clip, context={"user": request.user}).data, status=status.HTTP_202_ACCEPTED
        )


class ClipDetailApi(APIView):
    permission_classes = [HasScope]  # anyone; a token needs clips:read
    required_scopes = "clips:read"
    OutputSerializer = ClipGateOutputSerializer

    @extend_schema(
        responses=OutputSerializer,
        summary="A clip: published ones for anyone, your own for you; with what you may do with it",
        operation_id="clips_retrieve",
    )
    def get(self, request, clip_id):
        clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
        if clip is None:
            raise Http404
        return Response(self.OutputSerializer(clip, context={"user": request.user}).data)


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField()
    url = serializers.CharField(help_text="The page it is about (a path on this site), or empty.")
    created_at = IsoDateTimeField()
    read_at = IsoDateTimeField(allow_null=True)


class NotificationListApi(generics.GenericAPIView):
    """Your notifications, newest first (`?unread=yes` for the unread ones). Reading them here marks nothing
    read: POST their ids to /notifications/read (the notifications page marks what it shows)."""

    required_scopes = "clips:read"

    class InputSerializer(serializers.Serializer):
        unread = serializers.ChoiceField(choices=["yes", "no"], required=False, help_text="yes: only unread ones.")

    OutputSerializer = NotificationOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        summary="Your notifications",
        operation_id="notifications_list",
        parameters=[InputSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request):
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.notifications_of(user=request.user)
        if query.validated_data.get("unread") == "yes":
            rows = rows.filter(read_at__isnull=True)
        page = self.paginate_queryset(rows.order_by("-created_at", "-id"))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class NotificationReadApi(APIView):
    """Mark notifications read: the ones named in `ids`, or every unread one with `all: true`."""

    required_scopes = "clips:read"

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
            required=False,
            default=list,
            max_length=500,
        )
        all = serializers.BooleanField(required=False, default=False, help_text="Every unread notification.")

        def validate(self, data):
            if not data["ids"] and not data["all"]:
                raise serializers.ValidationError(
                    {"ids": [_("Name the notifications to mark read, or send all: true.")]}
                )
            if data["ids"] and data["all"]:
                raise serializers.ValidationError({"all": [_("Send either ids or all, not both.")]})
            return data

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField(help_text="How many were unread and are now read.")

    @extend_schema(
        summary="Mark notifications read",
        operation_id="notifications_read_create",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = data["ids"]
        if data["all"]:
            ids = list(
                selectors.notifications_of(user=request.user).filter(read_at__isnull=True).values_list("id", flat=True)
            )
        marked = services.notifications_mark_read(user=request.user, ids=ids)
        return Response(self.OutputSerializer({"marked": marked}).data)
