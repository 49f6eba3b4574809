"""Render and clip endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from generation import api

urlpatterns = [
    path("renders", api.RenderListCreate.as_view(), name="api_renders"),
    path("renders/<uuid:job_id>", api.RenderDetail.as_view(), name="api_render"),
    path("renders/<uuid:job_id>/cancel", api.RenderCancel.as_view(), name="api_render_cancel"),
    path("clips", api.ClipList.as_view(), name="api_clips"),
    path("clips/<uuid:clip_id>", api.ClipDetail.as_view(), name="api_clip"),
    path("gallery", api.Gallery.as_view(), name="api_gallery"),
    path("quota", api.QuotaDetail.as_view(), name="api_quota"),
]
