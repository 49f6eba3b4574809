"""The OpenAPI schema of API v1 and its offline docs (Swagger UI and ReDoc), open to anyone."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

_open = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(**_open), name="api_schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api_schema", **_open), name="api_docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="api_schema", **_open), name="api_redoc"),
]
