"""Judging endpoints of API v1 (the `judging` scope): a judge's blind list and saving a scorecard."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from contests import judging, selectors
from contests.api import BlindEntryOutputSerializer, ContestOutputSerializer, contest_or_404
from contests.models import Entry, Phase


def _judging_url(entry, kind: str) -> str | None:
    """The entry's judging copy (contests.judging_copies), for judges; None while it is being made."""
    made = entry.judging_video if kind == "video" else entry.judging_poster
    return reverse("contest_judging_media", args=[entry.contest.slug, entry.pk, kind]) if made else None


class JudgingEntryOutputSerializer(BlindEntryOutputSerializer):
    """A blind entry for a judge: the judging copy (URLs None while it is made), the prompt only if the rules
    show it to judges, the judge's own marks and comment (None until scored)."""

    prompt = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()

    def get_prompt(self, entry) -> str | None:
        return entry.clip.job.prompt if entry.contest.judges_see_prompt else None

    def get_video_url(self, entry) -> str | None:
        return _judging_url(entry, "video")

    def get_poster_url(self, entry) -> str | None:
        return _judging_url(entry, "poster")

    my_scores = serializers.SerializerMethodField()
    my_comment = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DictField(
            child=serializers.IntegerField(),
            allow_null=True,
            help_text="Criterion id → your mark; None until you score.",
        )
    )
    def get_my_scores(self, entry):
        return {str(k): v for k, v in entry.my_marks.items()} or None

    def get_my_comment(self, entry) -> str | None:
        return entry.my_scorecard.comment if entry.my_scorecard else None


def _judge_contest(request, slug):
    contest = contest_or_404(slug)
    if not selectors.is_judge(request.user, contest):
        raise PermissionDenied(_("Only this contest's judges can judge it."))
    return contest


class JudgingEntryListApi(APIView):
    """A judge's blind list: entries (own ones left out: recused) with the judge's own scores."""

    required_scopes = "judging"

    class OutputSerializer(serializers.Serializer):
        contest = ContestOutputSerializer()
        recused = serializers.IntegerField(help_text="Entries left out: your own.")
        results = JudgingEntryOutputSerializer(many=True)

    @extend_schema(
        responses=OutputSerializer, operation_id="contests_judging_retrieve", summary="Your blind judging list"
    )
    def get(self, request, slug):
        contest = _judge_contest(request, slug)
        phase = selectors.phase_of(contest)
        entries = selectors.entries_for_judge(contest, request.user) if phase != Phase.UPCOMING else []
        return Response(
            self.OutputSerializer(
                {
                    "contest": contest,
                    "recused": selectors.recused_count(contest, request.user),
                    "results": entries,
                }
            ).data
        )


class JudgingScoreApi(APIView):
    """PUT {"scores": {criterion id: 1-10, ...}, "comment": "..."}: save or revise your scorecard."""

    required_scopes = "judging"

    class InputSerializer(serializers.Serializer):
        scores = serializers.DictField(child=serializers.IntegerField(), allow_empty=False)
        comment = serializers.CharField(max_length=judging.MAX_COMMENT_CHARS, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        entry = serializers.UUIDField(source="entry_id")
        comment = serializers.CharField()
        scores = serializers.SerializerMethodField()

        @extend_schema_field(serializers.DictField(child=serializers.IntegerField(), help_text="Criterion id → mark."))
        def get_scores(self, card):
            return {str(s.criterion_id): s.value for s in card.scores.all()}

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        operation_id="contests_judging_update",
        summary="Save or revise your scorecard",
    )
    def put(self, request, slug, entry_id):
        contest = _judge_contest(request, slug)
        if not Entry.objects.filter(pk=entry_id, contest=contest).exists():
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            card = judging.scorecard_submit(
                entry_id=entry_id,
                judge=request.user,
                request=request._request,
                marks=serializer.validated_data["scores"],
                comment=serializer.validated_data["comment"],
            )
        except Entry.DoesNotExist:
            raise Http404 from None
        return Response(self.OutputSerializer(card).data)
