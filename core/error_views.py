"""The site's error pages where Django's own views do not reach: a refused CSRF token (settings'
CSRF_FAILURE_VIEW) gets the styled 403 page, with DEBUG on too."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403: the form's token was missing or stale; says so and what to do (the reason is logged by Django)."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)
