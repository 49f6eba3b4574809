"""REST API v1, the company's side: the promo kit, uses recorded against consent, and the ledger desk."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from artists import selectors
from artists.api.common import MAX_ID
from artists.api.ledger import LedgerEntryOutputSerializer
from artists.consent import promo_use_record
from artists.ledger import DESK_ACTIONS, ledger_desk_record
from artists.models import Use
from core.api.fields import IsoDateTimeField
from core.permissions import has_role

# ---------------------------------------------------------------- the company's side: promo kit, ledger desk


def _require_staff_or_moderator(request) -> None:
    if not (has_role(request.user, "moderator") or has_role(request.user, "staff")):
        raise PermissionDenied(_("Only the company's staff have the promo kit."))


class PromoClipOutputSerializer(serializers.Serializer):
    """A published clip whose artist consents now to the use, under the current terms."""

    id = serializers.UUIDField()
    artist = serializers.CharField(source="artist.credit_name")
    prompt = serializers.CharField(source="job.prompt")
    video_url = serializers.CharField(source="video_src")
    poster_url = serializers.CharField(source="poster_src")
    published_at = IsoDateTimeField(allow_null=True)


class PromoKitListApi(generics.GenericAPIView):
    """Staff: the clips that may be used for one use (`?use=`, default marketing) now."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        use = serializers.ChoiceField(choices=Use.choices, required=False, default=Use.MARKETING)

    OutputSerializer = PromoClipOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        summary="The promo kit: clips consented to a use",
        operation_id="promo_kit_list",
        parameters=[InputSerializer],
        responses=OutputSerializer(many=True),
    )
    def get(self, request):
        _require_staff_or_moderator(request)
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.clips_with_consent(use=query.validated_data["use"]))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class PromoUseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clip = serializers.UUIDField(source="clip_id")
    use = serializers.ChoiceField(choices=Use.choices)
    purpose = serializers.CharField()
    terms_version = serializers.IntegerField(help_text="The terms version the artist's consent was given under.")
    created_at = IsoDateTimeField()
    video_url = serializers.CharField(source="clip.video_src", help_text="The video to use.")


class PromoUseCreateApi(APIView):
    """Staff: record one promotional use of a clip (relying on a current consent; it earns the artist)."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        use = serializers.ChoiceField(choices=Use.choices)
        purpose = serializers.CharField(max_length=200)

    OutputSerializer = PromoUseOutputSerializer

    @extend_schema(
        summary="Record a promotional use",
        operation_id="promo_uses_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request, clip_id):
        _require_staff_or_moderator(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        promo = promo_use_record(
            clip_id=clip_id, actor=request.user, request=request._request, **serializer.validated_data
        )
        return Response(self.OutputSerializer(promo).data, status=status.HTTP_201_CREATED)


class LedgerDeskEntryOutputSerializer(LedgerEntryOutputSerializer):
    artist = serializers.CharField(source="artist.username")


class LedgerDeskCreateApi(APIView):
    """Admins: record approved testing hours or a payout for an artist, or reverse an entry (the memo says why)."""

    required_scopes = "review"

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=DESK_ACTIONS)
        artist = serializers.CharField(max_length=150, required=False, default="", help_text="Username.")
        quantity = serializers.DecimalField(
            max_digits=10,
            decimal_places=2,
            required=False,
            allow_null=True,
            default=None,
            help_text="Hours (testing) or the amount (payout).",
        )
        entry = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID, help_text="Entry to reverse."
        )
        memo = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    OutputSerializer = LedgerDeskEntryOutputSerializer

    @extend_schema(
        summary="The ledger desk: hours, payouts, reversals",
        operation_id="ledger_desk_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        if not has_role(request.user, "staff"):
            raise PermissionDenied(_("Only admins have the ledger desk."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = ledger_desk_record(
            action=data["action"],
            artist_username=data["artist"],
            quantity=data["quantity"],
            entry_id=data["entry"],
            memo=data["memo"],
            actor=request.user,
            request=request._request,
        )
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)
