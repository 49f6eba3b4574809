"""REST API v1 for structured feedback: rate your renders, read the tag taxonomy and the model versions, play
blind pairwise rounds, read the results (the model team), and give or revoke your evaluation consent.

PUT /api/v1/clips/<id>/rating {"overall": 1-5, "tags": [slug], "note": "", "start_s": null, "end_s": null}
saves (or changes) your rating of one of your clips; GET reads it (404 when there is none).

A round's pair is given to an artist as two unlabelled sides, `left` and `right`, in that artist's order
(evaluation.services.a_shown_left); its videos are read by side, never by clip id, and a vote names a side.
Nothing an artist reads says which side is which version: only the model team reads the results.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from artists.consent import terms_current
from artists.models import Use
from core.api.fields import UtcDateTimeField
from core.permissions import has_role
from evaluation import selectors, services
from evaluation.models import Pair, Round, RoundStatus
from generation.models import ModelVersion
from generation.selectors import clip_visible_or_none


class TagOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    shortcut = serializers.CharField()


class RatingOutputSerializer(serializers.Serializer):
    clip = serializers.UUIDField(source="clip_id")
    overall = serializers.IntegerField()
    tags = serializers.SerializerMethodField()
    note = serializers.CharField()
    start_s = serializers.FloatField(allow_null=True)
    end_s = serializers.FloatField(allow_null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    def get_tags(self, rating) -> list[str]:
        return sorted(t.slug for t in rating.tags.all())


class VersionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    preset = serializers.CharField()
    label = serializers.CharField()
    revision = serializers.CharField()
    release_notes = serializers.CharField()
    is_current = serializers.BooleanField()
    released_at = UtcDateTimeField()


class RatingDetailApi(APIView):
    required_scopes = {"GET": "clips:read", "PUT": "clips:write"}
    OutputSerializer = RatingOutputSerializer

    class InputSerializer(serializers.Serializer):
        overall = serializers.IntegerField(min_value=1, max_value=5)
        tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=50)
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        start_s = serializers.FloatField(required=False, allow_null=True, min_value=0)
        end_s = serializers.FloatField(required=False, allow_null=True, min_value=0)

    @extend_schema(responses=RatingOutputSerializer, summary="Your rating of one of your clips")
    def get(self, request, clip_id):
        clip = clip_visible_or_none(user=request.user, clip_id=clip_id)
        rating = selectors.rating_of(clip=clip, artist=request.user) if clip is not None else None
        if rating is None:
            raise Http404
        return Response(RatingOutputSerializer(rating).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: RatingOutputSerializer, 201: RatingOutputSerializer},
        summary="Rate one of your clips (201), or change your rating (200)",
    )
    def put(self, request, clip_id):
        if clip_visible_or_none(user=request.user, clip_id=clip_id) is None:
            raise Http404
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        saved = services.rating_save(
            clip_id=clip_id,
            artist=request.user,
            overall=values["overall"],
            tags=values.get("tags", []),
            note=values.get("note", ""),
            start_s=values.get("start_s"),
            end_s=values.get("end_s"),
            request=request._request,
        )
        rating = selectors.rating_of(clip=saved.rating.clip, artist=request.user)
        code = status.HTTP_201_CREATED if saved.created else status.HTTP_200_OK
        return Response(RatingOutputSerializer(rating).data, status=code)


class TagListApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = TagOutputSerializer

    @extend_schema(responses=TagOutputSerializer(many=True), summary="The rating tags on offer")
    def get(self, request):
        return Response(TagOutputSerializer(selectors.tags_offered(), many=True).data)


class VersionListApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = VersionOutputSerializer

    @extend_schema(responses=VersionOutputSerializer(many=True), summary="Model versions with their release notes")
    def get(self, request):
        return Response(VersionOutputSerializer(ModelVersion.objects.all(), many=True).data)


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


# ---------------------------------------------------------------- results (the model team)


class WinRateOutputSerializer(serializers.Serializer):
    wins = serializers.IntegerField()
    losses = serializers.IntegerField()
    ties = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="The first version's: (wins + ties / 2) / n.")
    low = serializers.FloatField(allow_null=True, help_text="The 95% Wilson interval's low end.")
    high = serializers.FloatField(allow_null=True, help_text="The 95% Wilson interval's high end.")


class TagWinRateOutputSerializer(WinRateOutputSerializer):
    tag = serializers.CharField()


class PairResultOutputSerializer(serializers.Serializer):
    first = VersionOutputSerializer()
    second = VersionOutputSerializer()
    overall = WinRateOutputSerializer()
    by_tag = serializers.SerializerMethodField()

    @extend_schema_field(TagWinRateOutputSerializer(many=True))
    def get_by_tag(self, result):
        return [{"tag": name, **WinRateOutputSerializer(rate).data} for name, rate in result.by_tag]


class TagCountOutputSerializer(serializers.Serializer):
    tag = serializers.CharField()
    count = serializers.IntegerField()


class VersionSummaryOutputSerializer(serializers.Serializer):
    version = VersionOutputSerializer(allow_null=True, help_text="null: jobs from before the preset had a version.")
    preset = serializers.CharField()
    ratings = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    tags = serializers.SerializerMethodField()

    @extend_schema_field(TagCountOutputSerializer(many=True))
    def get_tags(self, summary):
        return [{"tag": name, "count": n} for name, n in summary.tags]


class ResultsOutputSerializer(serializers.Serializer):
    round = serializers.IntegerField(allow_null=True, help_text="The round read (null: every round).")
    ratings = VersionSummaryOutputSerializer(many=True)
    pairwise = PairResultOutputSerializer(many=True)


class ResultsApi(APIView):
    """The model team: ratings per version, and pairwise win rates with 95% intervals (every round, or `?round=`)."""

    required_scopes = "review"
    OutputSerializer = ResultsOutputSerializer

    class InputSerializer(serializers.Serializer):
        round = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    @extend_schema(
        summary="Evaluation results (the model team)",
        operation_id="evaluation_results_retrieve",
        parameters=[InputSerializer],
        responses=OutputSerializer,
    )
    def get(self, request):
        _require_staff(request, _("Only the model team (admins) reads the results."))
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        round_id = query.validated_data.get("round")
        if round_id is not None:
            round_id = _round_or_404(round_id).pk
        payload = {
            "round": round_id,
            "ratings": selectors.ratings_by_version(),
            "pairwise": selectors.pairwise_results(round_id=round_id),
        }
        return Response(self.OutputSerializer(payload).data)


# ---------------------------------------------------------------- evaluation consent


class TermsOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    text = serializers.CharField()
    published_at = UtcDateTimeField()


class EvaluationConsentOutputSerializer(serializers.Serializer):
    terms = TermsOutputSerializer(allow_null=True, help_text="The current model evaluation terms (null: none yet).")
    active = serializers.BooleanField(help_text="You consent now (under some terms version).")
    terms_version = serializers.IntegerField(allow_null=True, help_text="The version your active consent is under.")
    current = serializers.BooleanField(help_text="Your active consent is under the current terms.")
    granted_at = UtcDateTimeField(allow_null=True)


def _consent_payload(artist) -> dict:
    terms = terms_current(use=Use.MODEL_EVALUATION)
    active = selectors.consent_of(artist=artist)
    return {
        "terms": terms,
        "active": active is not None,
        "terms_version": active.terms.version if active else None,
        "current": bool(active and terms and active.terms_id == terms.pk),
        "granted_at": active.granted_at if active else None,
    }


def _require_consenting_artist(request) -> None:
    if not has_role(request.user, "artist"):
        raise PermissionDenied(_("Only invited artists give this consent."))


class EvaluationConsentDetailApi(APIView):
    """Your consent to model evaluation datasets, and the current terms to read before you give it."""

    required_scopes = "clips:read"
    OutputSerializer = EvaluationConsentOutputSerializer

    @extend_schema(
        summary="Your evaluation consent", operation_id="evaluation_consent_retrieve", responses=OutputSerializer
    )
    def get(self, request):
        _require_consenting_artist(request)
        return Response(self.OutputSerializer(_consent_payload(request.user)).data)


class EvaluationConsentGrantApi(APIView):
    """Agree that your rated clips go into evaluation datasets, under the terms version you read."""

    required_scopes = "clips:write"
    OutputSerializer = EvaluationConsentOutputSerializer

    class InputSerializer(serializers.Serializer):
        terms_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    @extend_schema(
        summary="Give your evaluation consent",
        operation_id="evaluation_consent_grant_create",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    def post(self, request):
        _require_consenting_artist(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.evaluation_consent_grant(
            artist=request.user, terms_version=serializer.validated_data["terms_version"], request=request._request
        )
        return Response(self.OutputSerializer(_consent_payload(request.user)).data)


class EvaluationConsentRevokeApi(APIView):
    """Revoke your evaluation consent: your clips are left out of every export from now on."""

    required_scopes = "clips:write"

    class OutputSerializer(serializers.Serializer):
        revoked = serializers.BooleanField(help_text="False: there was no active consent to revoke.")

    @extend_schema(
        summary="Revoke your evaluation consent",
        operation_id="evaluation_consent_revoke_create",
        request=None,
        responses=OutputSerializer,
    )
    def post(self, request):
        _require_consenting_artist(request)
        revoked = services.evaluation_consent_revoke(artist=request.user, request=request._request)
        return Response(self.OutputSerializer({"revoked": revoked}).data)
