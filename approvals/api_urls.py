"""Publication and review endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from approvals import api

urlpatterns = [
    path("clips/<uuid:clip_id>/publication", api.ClipPublication.as_view(), name="api_clip_publication"),
    path("clips/<uuid:clip_id>/appeal", api.ClipAppeal.as_view(), name="api_clip_appeal"),
    path("clips/<uuid:clip_id>/withdraw", api.ClipWithdraw.as_view(), name="api_clip_withdraw"),
    path("clips/<uuid:clip_id>/takedown", api.ClipTakeDown.as_view(), name="api_clip_takedown"),
    path("reviews", api.ReviewQueue.as_view(), name="api_reviews"),
    path("reviews/<uuid:clip_id>", api.ReviewDecide.as_view(), name="api_review"),
    path("reviews/<uuid:clip_id>/claim", api.ReviewClaim.as_view(), name="api_review_claim"),
]
