"""The studio's iteration pages (generation.studio_views), included by generation.urls."""

from django.urls import path

from generation import studio_views

urlpatterns = [
    path("renders/<uuid:job_id>/again", studio_views.job_again, name="job_again"),
    path("renders/<uuid:job_id>/first-frame", studio_views.job_first_frame, name="job_first_frame"),
    path("renders/<uuid:job_id>/retry", studio_views.job_retry, name="job_retry"),
    path("renders/<uuid:job_id>/delete", studio_views.job_delete, name="job_delete"),
    path("clips/<uuid:clip_id>/delete", studio_views.clip_delete, name="clip_delete"),
    path("clips/<uuid:clip_id>/download", studio_views.clip_download, name="clip_download"),
    path("studio/compare", studio_views.compare, name="compare"),
    path("studio/live", studio_views.live_feed, name="live_feed"),
    path("studio/batches/<uuid:batch>/", studio_views.batch_detail, name="batch_detail"),
]
