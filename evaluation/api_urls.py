"""Structured feedback endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from evaluation import api

urlpatterns = [
    path("clips/<uuid:clip_id>/rating", api.RatingDetailApi.as_view(), name="api_clip_rating"),
    path("evaluation/tags", api.TagListApi.as_view(), name="api_evaluation_tags"),
    path("evaluation/versions", api.VersionListApi.as_view(), name="api_evaluation_versions"),
    path("evaluation/rounds", api.RoundListCreateApi.as_view(), name="api_evaluation_rounds"),
    path("evaluation/rounds/<int:round_id>/close", api.RoundCloseApi.as_view(), name="api_evaluation_round_close"),
    path("evaluation/rounds/<int:round_id>/next", api.RoundNextPairApi.as_view(), name="api_evaluation_next_pair"),
    path("evaluation/rounds/<int:round_id>/votes", api.VoteCreateApi.as_view(), name="api_evaluation_votes"),
    path(
        "evaluation/rounds/<int:round_id>/pairs/<int:pair_id>/<str:side>.mp4",
        api.PairVideoApi.as_view(),
        name="api_evaluation_pair_video",
    ),
    path("evaluation/results", api.ResultsApi.as_view(), name="api_evaluation_results"),
    path("evaluation/consent", api.EvaluationConsentDetailApi.as_view(), name="api_evaluation_consent"),
    path("evaluation/consent/grant", api.EvaluationConsentGrantApi.as_view(), name="api_evaluation_consent_grant"),
    path("evaluation/consent/revoke", api.EvaluationConsentRevokeApi.as_view(), name="api_evaluation_consent_revoke"),
]
