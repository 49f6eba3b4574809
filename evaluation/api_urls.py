"""Structured feedback endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from evaluation.api import consent, ratings, results, rounds

urlpatterns = [
    path("clips/<uuid:clip_id>/rating", ratings.RatingDetailApi.as_view(), name="api_clip_rating"),
    path("evaluation/tags", ratings.TagListApi.as_view(), name="api_evaluation_tags"),
    path("evaluation/versions", ratings.VersionListApi.as_view(), name="api_evaluation_versions"),
    path("evaluation/rounds", rounds.RoundListCreateApi.as_view(), name="api_evaluation_rounds"),
    path("evaluation/rounds/<int:round_id>/close", rounds.RoundCloseApi.as_view(), name="api_evaluation_round_close"),
    path("evaluation/rounds/<int:round_id>/next", rounds.RoundNextPairApi.as_view(), name="api_evaluation_next_pair"),
    path("evaluation/rounds/<int:round_id>/votes", rounds.VoteCreateApi.as_view(), name="api_evaluation_votes"),
    path(
        "evaluation/rounds/<int:round_id>/pairs/<int:pair_id>/<str:side>.mp4",
        rounds.PairVideoApi.as_view(),
        name="api_evaluation_pair_video",
    ),
    path("evaluation/results", results.ResultsApi.as_view(), name="api_evaluation_results"),
    path("evaluation/consent", consent.EvaluationConsentDetailApi.as_view(), name="api_evaluation_consent"),
    path("evaluation/consent/grant", consent.EvaluationConsentGrantApi.as_view(), name="api_evaluation_consent_grant"),
    path(
        "evaluation/consent/revoke", consent.EvaluationConsentRevokeApi.as_view(), name="api_evaluation_consent_revoke"
    ),
]
