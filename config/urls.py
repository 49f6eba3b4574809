"""The site's URLs: each app's own URLconf, mounted here; nothing else."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("artists.site_urls")),
    path("", include("core.urls")),
    path("", include("ops.urls")),
    path("", include("accounts.urls")),
    path("", include("generation.urls")),
    path("", include("approvals.urls")),
    path("thread/", include("conversations.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("contests/", include("contests.urls")),
    path("artists/", include("artists.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("provenance/", include("provenance.urls")),
    path("api/v1/", include("config.api_urls")),
]
