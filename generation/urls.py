from django.urls import include, path

from generation import views
from generation.captions import clip_captions
from generation.media import media_serve

urlpatterns = [
    path("studio/", views.dashboard, name="dashboard"),
    path("renders/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("renders/<uuid:job_id>/status", views.job_status, name="job_status"),
    path("renders/<uuid:job_id>/cancel", views.job_cancel, name="job_cancel"),
    path("clips/<uuid:clip_id>/", views.clip_detail, name="clip_detail"),
    path("clips/<uuid:clip_id>/captions.vtt", clip_captions, name="clip_captions"),
    path("media/<path:path>", media_serve, name="media"),
    path("farm/", views.farm, name="farm"),
    path("", include("generation.studio_urls")),
]
