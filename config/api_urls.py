"""API v1, mounted at /api/v1/ by config/urls.py: each app's own API routes, and the schema and its docs."""

from django.urls import include, path

urlpatterns = [
    path("", include("generation.api_urls")),
    path("", include("approvals.api_urls")),
    path("", include("provenance.api_urls")),
    path("", include("conversations.api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("contests.api_urls")),
    path("", include("artists.api_urls")),
    path("", include("evaluation.api_urls")),
    path("", include("webhooks.api_urls")),
    path("", include("core.api.urls")),
]
