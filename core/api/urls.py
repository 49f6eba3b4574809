"""The OpenAPI schema of API v1 and its offline docs (Swagger UI and ReDoc), open to anyone.

Both docs pages pass the site's Content-Security-Policy without inline script: Swagger UI's start-up
script is served by the split view at `docs?script` (templates/drf_spectacular/swagger_ui.html drops
the package's inline style). ReDoc injects its styles at run time and starts a web worker from a blob:,
so its page alone also allows inline styles and blob: workers (never inline script), and the one image its
sidebar always loads from cdn.redoc.ly (the "API docs by Redocly" logo; offline it simply does not show).
"""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class _Public:
    required_scopes = None  # public: no authentication at all
    permission_classes = [AllowAny]
    authentication_classes: list = []


class SchemaView(_Public, SpectacularAPIView):
    """The OpenAPI 3 schema."""


class SwaggerView(_Public, SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a separate request (`?script`), not inline."""


class RedocView(_Public, SpectacularRedocView):
    """ReDoc."""


REDOC_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"], "img-src": ["https://cdn.redoc.ly"]}

urlpatterns = [
    path("schema", SchemaView.as_view(), name="api_schema"),
    path("docs", SwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc", csp_update(REDOC_CSP)(RedocView.as_view(url_name="api_schema")), name="api_redoc"),
]
