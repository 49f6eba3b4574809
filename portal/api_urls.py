"""API v1 routes, the OpenAPI schema and its offline docs, and the token scope each route needs.

Mounted at /api/v1/ by portal/urls.py. Apps add their endpoints here, with a `name` and, for
routes a token needs a scope for, an entry in ROUTE_SCOPES (portal.api_auth.HasScope reads it).
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from approvals import api as approvals_api
from generation import api as generation_api
from portal import api as portal_api
from portal import api_schema, api_schema_views  # noqa: F401  (register the Bearer scheme and view schemas)

#: route name -> the scope a token needs: one scope, a tuple (any of them), or {method: scope}.
#: Routes not listed need no scope (the account's role still applies).
ROUTE_SCOPES: dict[str, object] = {
    "api_renders": {"GET": ("renders:write", "clips:read"), "POST": "renders:write"},
    "api_render": ("renders:write", "clips:read"),
    "api_render_cancel": "renders:write",
    "api_clips": "clips:read",
    "api_clip": "clips:read",
    "api_clip_publication": "clips:write",
    "api_clip_appeal": "clips:write",
    "api_clip_withdraw": "clips:write",
    "api_clip_takedown": "review",
    "api_reviews": "review",
    "api_review": "review",
    "api_review_claim": "review",
    "api_quota": ("renders:write", "clips:read"),
    # contests (routes in contests/api_urls.py): entering and withdrawing need contests:write
    "api_contest_my_entries": ("contests:write", "clips:read"),
    "api_contest_entries": {"POST": "contests:write"},
    "api_contest_entry": "contests:write",
}

urlpatterns = [
    path("renders", generation_api.RenderListCreate.as_view(), name="api_renders"),
    path("renders/<uuid:job_id>", generation_api.RenderDetail.as_view(), name="api_render"),
    path("renders/<uuid:job_id>/cancel", generation_api.RenderCancel.as_view(), name="api_render_cancel"),
    path("clips", generation_api.ClipList.as_view(), name="api_clips"),
    path("clips/<uuid:clip_id>", generation_api.ClipDetail.as_view(), name="api_clip"),
    path("clips/<uuid:clip_id>/publication", generation_api.ClipPublication.as_view(), name="api_clip_publication"),
    path("clips/<uuid:clip_id>/appeal", approvals_api.ClipAppeal.as_view(), name="api_clip_appeal"),
    path("clips/<uuid:clip_id>/withdraw", approvals_api.ClipWithdraw.as_view(), name="api_clip_withdraw"),
    path("clips/<uuid:clip_id>/takedown", approvals_api.ClipTakeDown.as_view(), name="api_clip_takedown"),
    path("reviews", approvals_api.ReviewQueue.as_view(), name="api_reviews"),
    path("reviews/<uuid:clip_id>", approvals_api.ReviewDecide.as_view(), name="api_review"),
    path("reviews/<uuid:clip_id>/claim", approvals_api.ReviewClaim.as_view(), name="api_review_claim"),
    path("gallery", generation_api.Gallery.as_view(), name="api_gallery"),
    path("quota", generation_api.QuotaDetail.as_view(), name="api_quota"),
    path("tokens", portal_api.TokenList.as_view(), name="api_tokens"),
    path("tokens/<int:token_id>/revoke", portal_api.TokenRevoke.as_view(), name="api_token_revoke"),
    path("schema", SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]),
         name="api_schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api_schema", permission_classes=[AllowAny],
                                                authentication_classes=[]), name="api_docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="api_schema", permission_classes=[AllowAny],
                                               authentication_classes=[]), name="api_redoc"),
]
