"""Contest admins' endpoints of API v1: judging progress (who scored what, the ranking so far) and publishing
the results. The same selectors and service as the progress page (contests.selectors, contests.judging)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from contests import judging, selectors
from contests.api import ContestOutputSerializer, StandingOutputSerializer, contest_or_404
from contests.models import Phase

#: Contest admins hold these scopes through their roles (accounts.services.tokens.scopes_for): either will do.
MANAGER_SCOPES = ("judging", "review")


def _managed_contest(request, slug):
    if not selectors.can_manage(request.user):
        raise PermissionDenied(_("Only contest admins can see this."))
    return contest_or_404(slug)


class JudgeProgressOutputSerializer(serializers.Serializer):
    """One judge's progress (a contests.selectors.JudgeProgress)."""

    judge = serializers.CharField(source="judge.username")
    scored = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Entries this judge scores (their own are left out).")
    done = serializers.BooleanField()
    missing = serializers.SerializerMethodField(help_text="Labels of the entries not scored yet.")

    def get_missing(self, progress) -> list[str]:
        return [entry.label for entry in progress.missing]


class ContestProgressOutputSerializer(serializers.Serializer):
    contest = ContestOutputSerializer()
    judges = JudgeProgressOutputSerializer(many=True)
    complete = serializers.BooleanField(help_text="Every judge has scored every entry they judge.")
    can_publish = serializers.BooleanField(help_text="Results may be published now.")
    standings = StandingOutputSerializer(many=True, help_text="The ranking so far (not public before results).")


def _progress_data(contest) -> dict:
    progress = selectors.judging_progress(contest)
    phase = selectors.phase_of(contest)
    return {
        "contest": contest,
        "judges": progress,
        "complete": all(p.done for p in progress),
        "can_publish": contest.results_published_at is None and phase in (Phase.JUDGING, Phase.AWAITING_RESULTS),
        "standings": selectors.standings(contest),
    }


class ContestProgressApi(APIView):
    """Contest admins: each judge's progress and the ranking so far."""

    required_scopes = MANAGER_SCOPES
    OutputSerializer = ContestProgressOutputSerializer

    @extend_schema(summary="Judging progress", operation_id="contests_progress_retrieve", responses=OutputSerializer)
    def get(self, request, slug):
        return Response(self.OutputSerializer(_progress_data(_managed_contest(request, slug))).data)


class ContestResultsPublishApi(APIView):
    """Contest admins: publish the results once judging has ended (or every judge has scored), only once."""

    required_scopes = MANAGER_SCOPES
    OutputSerializer = ContestProgressOutputSerializer

    @extend_schema(
        request=None,
        summary="Publish a contest's results",
        operation_id="contests_results_create",
        responses=OutputSerializer,
    )
    def post(self, request, slug):
        contest = _managed_contest(request, slug)
        contest = judging.contest_publish_results(contest_id=contest.pk, admin=request.user, request=request._request)
        return Response(self.OutputSerializer(_progress_data(contest_or_404(slug))).data)
