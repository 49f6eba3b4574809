"""The thread's pages, mounted under /thread/ by config/urls.py (its body limit allows one frame)."""

from django.urls import path

from conversations import views

urlpatterns = [
    path("<uuid:clip_id>/messages/", views.thread_post, name="thread_post"),
    path("<uuid:clip_id>/read/", views.thread_read, name="thread_read"),
    path("frames/<int:message_id>/", views.thread_frame, name="thread_frame"),
]
