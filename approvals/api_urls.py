"""Publication and review endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from approvals import api

urlpatterns = [
    path("clips/<uuid:clip_id>", api.ClipDetailApi.as_view(), name="api_clip"),
    path("clips/<uuid:clip_id>/publication", api.ClipPublicationRequestApi.as_view(), name="api_clip_publication"),
    path("clips/<uuid:clip_id>/appeal", api.ClipAppealApi.as_view(), name="api_clip_appeal"),
    path("clips/<uuid:clip_id>/withdraw", api.ClipWithdrawApi.as_view(), name="api_clip_withdraw"),
    path("clips/<uuid:clip_id>/takedown", api.ClipTakeDownApi.as_view(), name="api_clip_takedown"),
    path("notifications", api.NotificationListApi.as_view(), name="api_notifications"),
    path("notifications/read", api.NotificationReadApi.as_view(), name="api_notifications_read"),
    path("reviews", api.ReviewListApi.as_view(), name="api_reviews"),
    path("reviews/<uuid:clip_id>", api.ReviewDecideApi.as_view(), name="api_review"),
    path("reviews/<uuid:clip_id>/claim", api.ReviewClaimApi.as_view(), name="api_review_claim"),
]
