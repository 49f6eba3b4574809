from django.contrib import admin
from django.urls import include, path

from approvals import views as approvals_views
from generation import views as generation_views
from generation.media import media_serve
from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("gallery/", views.gallery, name="gallery"),
    path("healthz", views.healthz, name="healthz"),
    path("studio/", generation_views.dashboard, name="dashboard"),
    path("renders/<uuid:job_id>/", generation_views.job_detail, name="job_detail"),
    path("renders/<uuid:job_id>/status", generation_views.job_status, name="job_status"),
    path("renders/<uuid:job_id>/cancel", generation_views.job_cancel, name="job_cancel"),
    path("clips/<uuid:clip_id>/", generation_views.clip_detail, name="clip_detail"),
    path("clips/<uuid:clip_id>/publication", approvals_views.clip_request_publication, name="clip_request_publication"),
    path("review/", approvals_views.review_queue, name="review_queue"),
    path("review/<uuid:clip_id>/decide", approvals_views.review_decide, name="review_decide"),
    path("review/next", approvals_views.review_next, name="review_next"),
    path("review/<uuid:clip_id>/", approvals_views.review_page, name="review_page"),
    path("clips/<uuid:clip_id>/appeal", approvals_views.clip_appeal, name="clip_appeal"),
    path("clips/<uuid:clip_id>/withdraw", approvals_views.clip_withdraw, name="clip_withdraw"),
    path("clips/<uuid:clip_id>/takedown", approvals_views.clip_take_down, name="clip_take_down"),
    path("notifications/", approvals_views.notifications, name="notifications"),
    path("transparency/", approvals_views.transparency, name="transparency"),
    path("invitations/", views.invitations, name="invitations"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke", views.token_revoke_view, name="token_revoke"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("contests/", include("contests.urls")),
    path("artists/", include("artists.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("api/v1/", include("contests.api_urls")),
    path("media/<path:path>", media_serve, name="media"),
]
