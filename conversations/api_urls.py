"""Conversation endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from conversations import api

urlpatterns = [
    path("clips/<uuid:clip_id>/thread", api.ThreadDetailApi.as_view(), name="api_thread"),
    path("clips/<uuid:clip_id>/thread/messages", api.ThreadMessageCreateApi.as_view(), name="api_thread_messages"),
    path("clips/<uuid:clip_id>/thread/read", api.ThreadReadApi.as_view(), name="api_thread_read"),
    path(
        "clips/<uuid:clip_id>/thread/frames/<int:message_id>",
        api.ThreadFrameApi.as_view(),
        name="api_thread_frame",
    ),
]
