"""Views of the core: the liveness check load balancers poll."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
