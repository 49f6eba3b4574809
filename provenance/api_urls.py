"""Provenance endpoints of API v1, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from provenance import api

urlpatterns = [
    path("provenance/traces", api.TraceCreateApi.as_view(), name="api_provenance_traces"),
    path("provenance/traces/<int:trace_id>", api.TraceDetailApi.as_view(), name="api_provenance_trace"),
]
