"""REST API v1: blind pairwise rounds. A pair is given to an artist as two unlabelled sides, `left` and `right`, in that
artist's order (evaluation.services.a_shown_left); its videos are read by side, never by clip id, and a vote names
a side."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import UtcDateTimeField
from core.permissions import has_role
from evaluation import selectors, services
from evaluation.models import Pair, Round, RoundStatus

# ---------------------------------------------------------------- pairwise rounds

#: The largest id a body or a query may name (a 64-bit key): larger numbers are a 400, not a database overflow.
MAX_ID = 2**63 - 1


def _require_staff(request, message: str) -> None:
    if not has_role(request.user, "staff"):
        raise PermissionDenied(message)


def _require_artist(request) -> None:
    if not has_role(request.user, "artist"):
        raise PermissionDenied(_("Only invited artists take part in comparison rounds."))


def _round_or_404(round_id: int) -> Round:
    round_ = Round.objects.filter(pk=round_id).first() if round_id <= MAX_ID else None
    if round_ is None:
        raise Http404
    return round_


class RoundOutputSerializer(serializers.Serializer):
    """A round as everyone who may play it reads it: its versions are named to the model team only."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    pairs = serializers.IntegerField(source="n_pairs")
    done_by_me = serializers.IntegerField(help_text="The pairs you have compared.")
    created_at = UtcDateTimeField()
    closed_at = UtcDateTimeField(allow_null=True)
    version_a = serializers.SerializerMethodField(help_text="The model team only (null for artists).")
    version_b = serializers.SerializerMethodField(help_text="The model team only (null for artists).")

    def _version(self, version) -> int | None:
        return version.pk if self.context.get("staff") else None

    def get_version_a(self, round_) -> int | None:
        return self._version(round_.version_a)

    def get_version_b(self, round_) -> int | None:
        return self._version(round_.version_b)


def _round_row(round_id: int, user) -> Round:
    return next(r for r in selectors.rounds_for(user=user) if r.pk == round_id)


class RoundListCreateApi(APIView):
    """GET the rounds you may play (the model team: every round); POST (the model team) opens a round."""

    required_scopes = {"GET": ("clips:read", "review"), "POST": "review"}
    OutputSerializer = RoundOutputSerializer

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=120)
        version_a = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        version_b = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        prompts = serializers.ListField(
            child=serializers.CharField(max_length=1000),
            required=False,
            max_length=500,
            help_text="Limit the round to these prompts (empty: every prompt both versions rendered with a seed).",
        )

    @extend_schema(
        summary="Comparison rounds", operation_id="evaluation_rounds_list", responses=OutputSerializer(many=True)
    )
    def get(self, request):
        if not (has_role(request.user, "artist") or has_role(request.user, "staff")):
            raise PermissionDenied(_("Comparison rounds are for invited artists and the model team."))
        rounds = selectors.rounds_for(user=request.user)
        context = {"staff": request.user.is_staff}
        return Response(self.OutputSerializer(rounds, many=True, context=context).data)

    @extend_schema(
        summary="Open a comparison round (the model team)",
        operation_id="evaluation_rounds_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request):
        _require_staff(request, _("Only the model team (admins) opens comparison rounds."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        opened = services.round_open(
            title=data["title"],
            version_a_id=data["version_a"],
            version_b_id=data["version_b"],
            prompts="\n".join(data.get("prompts", [])),
            actor=request.user,
            request=request._request,
        )
        row = _round_row(opened.pk, request.user)
        return Response(self.OutputSerializer(row, context={"staff": True}).data, status=status.HTTP_201_CREATED)


class RoundCloseApi(APIView):
    """The model team: close a round (closing a closed round changes nothing)."""

    required_scopes = "review"
    OutputSerializer = RoundOutputSerializer

    @extend_schema(
        summary="Close a comparison round",
        operation_id="evaluation_rounds_close",
        request=None,
        responses=OutputSerializer,
    )
    def post(self, request, round_id: int):
        _require_staff(request, _("Only the model team (admins) closes comparison rounds."))
        round_ = _round_or_404(round_id)
        services.round_close(round_=round_, actor=request.user, request=request._request)
        row = _round_row(round_.pk, request.user)
        return Response(self.OutputSerializer(row, context={"staff": True}).data)


class SideOutputSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["left", "right"])
    video_url = serializers.CharField(help_text="The side's video, read with the same token.")


class PairOutputSerializer(serializers.Serializer):
    """One comparison as this artist sees it: the prompt and two unlabelled sides."""

    id = serializers.IntegerField()
    prompt = serializers.CharField()
    seed = serializers.IntegerField()
    left = SideOutputSerializer()
    right = SideOutputSerializer()


class NextPairOutputSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    pair = PairOutputSerializer(allow_null=True, help_text="null: you compared every pair, or the round is closed.")


def _side(pair: Pair, side: str) -> dict:
    url = reverse("api_evaluation_pair_video", kwargs={"round_id": pair.round_id, "pair_id": pair.pk, "side": side})
    return {"side": side, "video_url": url}


class RoundNextPairApi(APIView):
    """An artist: the round's next pair you have not compared, as two unlabelled sides in your order."""

    required_scopes = "clips:read"
    OutputSerializer = NextPairOutputSerializer

    @extend_schema(
        summary="Your next comparison", operation_id="evaluation_rounds_next_retrieve", responses=OutputSerializer
    )
    def get(self, request, round_id: int):
        _require_artist(request)
        round_ = _round_or_404(round_id)
        pair = selectors.next_pair(round_=round_, artist=request.user) if round_.status == RoundStatus.OPEN else None
        shown = None
        if pair is not None:
            shown = {
                "id": pair.pk,
                "prompt": pair.prompt,
                "seed": pair.seed,
                "left": _side(pair, "left"),
                "right": _side(pair, "right"),
            }
        return Response(self.OutputSerializer({"round": round_.pk, "status": round_.status, "pair": shown}).data)


class PairVideoApi(APIView):
    """A side of a pair as its players see it: by side, never by clip id; to artists while the round is open."""

    required_scopes = "clips:read"
    OutputSerializer = None  # a file (an MP4), not JSON

    @extend_schema(
        summary="A side's video",
        operation_id="evaluation_pair_video_retrieve",
        responses={(200, "video/mp4"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The video.")},
    )
    def get(self, request, round_id: int, pair_id: int, side: str):
        pair = None
        if round_id <= MAX_ID and pair_id <= MAX_ID:
            pair = (
                Pair.objects.filter(pk=pair_id, round_id=round_id).select_related("round", "clip_a", "clip_b").first()
            )
        user = request.user
        allowed = has_role(user, "staff") or (
            has_role(user, "artist") and pair is not None and pair.round.status == RoundStatus.OPEN
        )
        if pair is None or not allowed or side not in ("left", "right"):
            raise Http404
        left, right = selectors.pair_sides(pair=pair, artist=user)
        clip = left if side == "left" else right
        response = FileResponse(default_storage.open(clip.video.name, "rb"), content_type="video/mp4")
        response["Cache-Control"] = "private, no-store"
        return response


class VoteOutputSerializer(serializers.Serializer):
    """Your recorded pick, as you made it: a side or a tie (never the version it maps to)."""

    pair = serializers.IntegerField(source="pair_id")
    choice = serializers.ChoiceField(choices=["left", "right", "tie"])
    tags = serializers.ListField(child=serializers.CharField())
    created_at = UtcDateTimeField()


class VoteCreateApi(APIView):
    """An artist: pick the left clip, the right clip or a tie for one pair of the round (once per pair)."""

    required_scopes = "clips:write"
    OutputSerializer = VoteOutputSerializer

    class InputSerializer(serializers.Serializer):
        pair = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        choice = serializers.ChoiceField(choices=["left", "right", "tie"])
        tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=50)

    @extend_schema(
        summary="Cast your vote on a pair",
        operation_id="evaluation_votes_create",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request, round_id: int):
        _require_artist(request)
        round_ = _round_or_404(round_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not round_.pairs.filter(pk=data["pair"]).exists():
            raise serializers.ValidationError({"pair": [_("No such comparison in this round.")]})
        vote = services.vote_cast(
            pair_id=data["pair"],
            artist=request.user,
            picked=data["choice"],
            tags=data.get("tags", []),
            request=request._request,
        )
        shown = {
            "pair_id": vote.pair_id,
            "choice": data["choice"],
            "tags": sorted(t.slug for t in vote.tags.all()),
            "created_at": vote.created_at,
        }
        return Response(self.OutputSerializer(shown).data, status=status.HTTP_201_CREATED)
