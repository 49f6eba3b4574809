"""Render and clip endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from generation import api, presets_api, studio_api

urlpatterns = [
    path("renders", api.RenderListCreateApi.as_view(), name="api_renders"),
    path("renders/<uuid:job_id>", api.RenderDetailApi.as_view(), name="api_render"),
    path("renders/<uuid:job_id>/cancel", api.RenderCancelApi.as_view(), name="api_render_cancel"),
    path("renders/batches", studio_api.BatchCreateApi.as_view(), name="api_batches"),
    path("renders/batches/<uuid:batch>", studio_api.BatchDetailApi.as_view(), name="api_batch"),
    path("renders/<uuid:job_id>/again", studio_api.RenderAgainApi.as_view(), name="api_render_again"),
    path("renders/<uuid:job_id>/retry", studio_api.RenderRetryApi.as_view(), name="api_render_retry"),
    path("renders/<uuid:job_id>/delete", studio_api.RenderDeleteApi.as_view(), name="api_render_delete"),
    path("changes", studio_api.LiveFeedApi.as_view(), name="api_changes"),
    path("clips", api.ClipListApi.as_view(), name="api_clips"),
    path("clips/<uuid:clip_id>/download", studio_api.ClipDownloadApi.as_view(), name="api_clip_download"),
    path("gallery", api.GalleryListApi.as_view(), name="api_gallery"),
    path("quota", api.QuotaDetailApi.as_view(), name="api_quota"),
    path("presets", presets_api.PresetListApi.as_view(), name="api_presets"),
    path("presets/<str:key>", presets_api.PresetUpdateApi.as_view(), name="api_preset"),
]
