"""REST API v1: the results of ratings and rounds, for the model team only."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation import selectors
from evaluation.api.ratings import VersionOutputSerializer
from evaluation.api.rounds import MAX_ID, _require_staff, _round_or_404

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
