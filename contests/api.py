"""REST API v1 for contests: public contests, entries, an artist's feedback (judging: contests.judging_api).

What a judge (or anyone, before results) receives of an entry is a BlindEntryOutputSerializer: no artist,
clip id or link; only StandingOutputSerializer, once results are published, adds who made it.
Dates are ISO 8601 with a `Z` (UtcDateTimeField).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from contests import selectors, services
from contests.models import Entry, EntryStatus, Phase
from core.api.fields import UtcDateTimeField

_PHASE = serializers.ChoiceField(choices=Phase.choices)


def _media_url(entry, kind: str) -> str:
    """The entry's own media URL (never the clip's: that would lead to its artist)."""
    return reverse("contest_entry_media", args=[entry.contest.slug, entry.pk, kind])


class CriterionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    description = serializers.CharField()
    weight = serializers.IntegerField()


class ContestOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    theme = serializers.CharField()
    rules = serializers.CharField()
    phase = serializers.SerializerMethodField()
    opens_at = UtcDateTimeField()
    closes_at = UtcDateTimeField()
    judging_ends_at = UtcDateTimeField()
    max_entries_per_artist = serializers.IntegerField()
    winners_count = serializers.IntegerField()
    holds_entries = serializers.BooleanField(help_text="Entries stay out of the gallery until the results.")
    judges_see_prompt = serializers.BooleanField()
    results_published_at = UtcDateTimeField(allow_null=True)
    rubric = CriterionOutputSerializer(many=True, source="criteria")

    @extend_schema_field(_PHASE)
    def get_phase(self, contest) -> str:
        return selectors.phase_of(contest)


class BlindEntryOutputSerializer(serializers.Serializer):
    """What anyone may see of an entry before results: never who made it, nor its clip's id or media path."""

    id = serializers.UUIDField(source="pk")
    label = serializers.CharField()
    prompt = serializers.CharField(source="clip.job.prompt")
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    width = serializers.IntegerField(source="clip.width")
    height = serializers.IntegerField(source="clip.height")
    duration_s = serializers.FloatField(source="clip.duration_s")

    def get_video_url(self, entry) -> str:
        return _media_url(entry, "video")

    def get_poster_url(self, entry) -> str:
        return _media_url(entry, "poster")


class StandingOutputSerializer(serializers.Serializer):
    """A ranked entry once results are published (a contests.selectors.Standing): the blind entry's fields,
    then its rank, whether it won, its artist and clip, its score."""

    id = serializers.UUIDField(source="entry.pk")
    label = serializers.CharField(source="entry.label")
    prompt = serializers.CharField(source="entry.clip.job.prompt")
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    width = serializers.IntegerField(source="entry.clip.width")
    height = serializers.IntegerField(source="entry.clip.height")
    duration_s = serializers.FloatField(source="entry.clip.duration_s")
    rank = serializers.IntegerField(source="result.rank", allow_null=True, help_text="None: not scored.")
    winner = serializers.BooleanField()
    artist = serializers.CharField(source="entry.artist.credit_name")
    clip_id = serializers.UUIDField(source="entry.clip_id")
    score = serializers.SerializerMethodField()
    judges = serializers.IntegerField(source="result.judges")
    criterion_means = serializers.SerializerMethodField()

    def get_video_url(self, standing) -> str:
        return _media_url(standing.entry, "video")

    def get_poster_url(self, standing) -> str:
        return _media_url(standing.entry, "poster")

    def get_score(self, standing) -> str | None:
        return standing.result.score_display if standing.result.score is not None else None

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), help_text="Criterion id → mean."))
    def get_criterion_means(self, standing):
        return {str(k): f"{float(v):.2f}" for k, v in standing.result.criterion_means.items()}


class ScorecardFeedbackOutputSerializer(serializers.Serializer):
    """One judge's scorecard as the entrant reads it (a contests.selectors.Feedback): the judge by letter."""

    judge = serializers.CharField(source="judge_label")
    comment = serializers.CharField()
    scores = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(), help_text="Criterion name → mark."))
    def get_scores(self, feedback):
        return {criterion.name: value for criterion, value in feedback.marks}


class FeedbackOutputSerializer(serializers.Serializer):
    """An entrant's feedback: `{"standing": Standing or None, "scorecards": [Feedback]}`."""

    rank = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    scorecards = ScorecardFeedbackOutputSerializer(many=True)

    def get_rank(self, data) -> int | None:
        return data["standing"].result.rank if data["standing"] else None

    def get_score(self, data) -> str | None:
        standing = data["standing"]
        return standing.result.score_display if standing and standing.result.score is not None else None


class OwnEntryOutputSerializer(serializers.Serializer):
    """An artist's own entry, with its rank, scores and comments once results are published."""

    id = serializers.UUIDField(source="pk")
    label = serializers.CharField()
    contest = serializers.CharField(source="contest.slug")
    clip_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=EntryStatus.choices)
    entered_at = UtcDateTimeField()
    withdrawn_at = UtcDateTimeField(allow_null=True)
    removed_at = UtcDateTimeField(allow_null=True)
    contest_phase = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    @extend_schema_field(_PHASE)
    def get_contest_phase(self, entry) -> str:
        return selectors.phase_of(entry.contest)

    @extend_schema_field(FeedbackOutputSerializer(allow_null=True))
    def get_feedback(self, entry):
        if selectors.phase_of(entry.contest) != Phase.RESULTS or entry.status != EntryStatus.ACTIVE:
            return None
        feedback = {
            "standing": selectors.standing_of(entry.contest, entry),
            "scorecards": selectors.feedback_for(entry),
        }
        return FeedbackOutputSerializer(feedback).data


def contest_or_404(slug):
    contest = selectors.contest_by_slug(slug)
    if contest is None:
        raise Http404
    return contest


class ContestListApi(APIView):
    permission_classes = [AllowAny]
    required_scopes = None  # public

    class OutputSerializer(serializers.Serializer):
        results = ContestOutputSerializer(many=True)

    @extend_schema(responses=OutputSerializer, operation_id="contests_list", summary="Contests, for anyone")
    def get(self, request):
        return Response(self.OutputSerializer({"results": selectors.contests_listed()}).data)


class ContestDetailApi(APIView):
    """Rules, rubric and dates; anonymous entries after close; the ranking after publication."""

    permission_classes = [AllowAny]
    required_scopes = None  # public

    class OutputSerializer(ContestOutputSerializer):
        entries = serializers.SerializerMethodField()
        results = serializers.SerializerMethodField()

        @extend_schema_field(BlindEntryOutputSerializer(many=True))
        def get_entries(self, contest):
            if contest.holds_entries or selectors.phase_of(contest) not in (Phase.JUDGING, Phase.AWAITING_RESULTS):
                return []  # a contest that holds its entries shows them with the results
            return BlindEntryOutputSerializer(selectors.entries_in_contest(contest), many=True).data

        @extend_schema_field(StandingOutputSerializer(many=True, allow_null=True))
        def get_results(self, contest):
            if selectors.phase_of(contest) != Phase.RESULTS:
                return None
            return StandingOutputSerializer(selectors.standings(contest), many=True).data

    @extend_schema(responses=OutputSerializer, operation_id="contests_retrieve", summary="A contest, for anyone")
    def get(self, request, slug):
        return Response(self.OutputSerializer(contest_or_404(slug)).data)


class ContestEntryListCreateApi(APIView):
    """POST {"clip": id} to enter your clip (not yet published if the contest holds entries, else published);
    GET your entries in this contest."""

    required_scopes = {"GET": ("contests:write", "clips:read"), "POST": "contests:write"}

    class InputSerializer(serializers.Serializer):
        clip = serializers.UUIDField()

    OutputSerializer = OwnEntryOutputSerializer

    class ListOutputSerializer(serializers.Serializer):
        results = OwnEntryOutputSerializer(many=True)

    @extend_schema(
        responses=ListOutputSerializer, operation_id="contest_entries_list", summary="Your entries in this contest"
    )
    def get(self, request, slug):
        contest = contest_or_404(slug)
        entries = [e for e in selectors.entries_of_artist(request.user) if e.contest_id == contest.pk]
        return Response(self.ListOutputSerializer({"results": entries}).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        operation_id="contests_entries_create",
        summary="Enter your clip",
    )
    def post(self, request, slug):
        contest = contest_or_404(slug)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_create(
            contest_id=contest.pk,
            clip_id=serializer.validated_data["clip"],
            artist=request.user,
            request=request._request,
        )
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class ContestEntryWithdrawApi(APIView):
    """DELETE your entry: it leaves the contest (only before it closes)."""

    required_scopes = {"DELETE": "contests:write"}
    OutputSerializer = OwnEntryOutputSerializer

    @extend_schema(
        responses={200: OutputSerializer},
        operation_id="contests_entries_destroy",
        summary="Withdraw your entry (answers the withdrawn entry)",
    )
    def delete(self, request, slug, entry_id):
        contest = contest_or_404(slug)
        if not Entry.objects.filter(pk=entry_id, contest=contest).exists():
            raise Http404
        try:
            entry = services.entry_withdraw(entry_id=entry_id, artist=request.user, request=request._request)
        except Entry.DoesNotExist:
            raise Http404 from None
        return Response(self.OutputSerializer(entry).data)


class MyEntryListApi(APIView):
    """Every entry of yours, in any state, with feedback where results are published."""

    required_scopes = ("contests:write", "clips:read")

    class OutputSerializer(serializers.Serializer):
        results = OwnEntryOutputSerializer(many=True)

    @extend_schema(responses=OutputSerializer, operation_id="contest_entries_mine", summary="All your entries")
    def get(self, request):
        return Response(self.OutputSerializer({"results": selectors.entries_of_artist(request.user)}).data)
