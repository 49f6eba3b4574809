from django.urls import path

from approvals import compare_picker, views

urlpatterns = [
    path("gallery/", views.gallery, name="gallery"),
    path("clips/<uuid:clip_id>/publication", views.clip_request_publication, name="clip_request_publication"),
    path("clips/<uuid:clip_id>/appeal", views.clip_appeal, name="clip_appeal"),
    path("clips/<uuid:clip_id>/withdraw", views.clip_withdraw, name="clip_withdraw"),
    path("clips/<uuid:clip_id>/takedown", views.clip_take_down, name="clip_take_down"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/next", views.review_next, name="review_next"),
    path("review/<uuid:clip_id>/", views.review_page, name="review_page"),
    path("review/artists/<int:artist_id>/clips", compare_picker.artist_clips, name="review_artist_clips"),
    path("review/<uuid:clip_id>/decide", views.review_decide, name="review_decide"),
    path("notifications/", views.notifications, name="notifications"),
    path("transparency/", views.transparency, name="transparency"),
]
