"""Render and clip endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from generation import api

urlpatterns = [
    path("renders", api.RenderListCreateApi.as_view(), name="api_renders"),
    path("renders/<uuid:job_id>", api.RenderDetailApi.as_view(), name="api_render"),
    path("renders/<uuid:job_id>/cancel", api.RenderCancelApi.as_view(), name="api_render_cancel"),
    path("clips", api.ClipListApi.as_view(), name="api_clips"),
    path("gallery", api.GalleryListApi.as_view(), name="api_gallery"),
    path("quota", api.QuotaDetailApi.as_view(), name="api_quota"),
]
