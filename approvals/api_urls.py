"""Publication and review endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from approvals.api import clips, notifications, reviews

urlpatterns = [
    path("clips/<uuid:clip_id>", clips.ClipDetailApi.as_view(), name="api_clip"),
    path("clips/<uuid:clip_id>/publication", clips.ClipPublicationRequestApi.as_view(), name="api_clip_publication"),
    path("clips/<uuid:clip_id>/appeal", clips.ClipAppealApi.as_view(), name="api_clip_appeal"),
    path("clips/<uuid:clip_id>/withdraw", clips.ClipWithdrawApi.as_view(), name="api_clip_withdraw"),
    path("clips/<uuid:clip_id>/takedown", clips.ClipTakeDownApi.as_view(), name="api_clip_takedown"),
    path("notifications", notifications.NotificationListApi.as_view(), name="api_notifications"),
    path("notifications/read", notifications.NotificationReadApi.as_view(), name="api_notifications_read"),
    path("reviews", reviews.ReviewListApi.as_view(), name="api_reviews"),
    path("reviews/<uuid:clip_id>", reviews.ReviewDecideApi.as_view(), name="api_review"),
    path("reviews/<uuid:clip_id>/claim", reviews.ReviewClaimApi.as_view(), name="api_review_claim"),
]
