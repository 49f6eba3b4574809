"""Structured feedback endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from evaluation import api

urlpatterns = [
    path("clips/<uuid:clip_id>/rating", api.RatingDetailApi.as_view(), name="api_clip_rating"),
    path("evaluation/tags", api.TagListApi.as_view(), name="api_evaluation_tags"),
    path("evaluation/versions", api.VersionListApi.as_view(), name="api_evaluation_versions"),
]
