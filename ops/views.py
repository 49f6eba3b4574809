"""/metrics for Prometheus, /readyz for load balancers and orchestrators, and the readiness page for admins."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from core.net import client_ip
from core.permissions import require_role
from ops.metrics import exposition
from ops.readiness import run_checks


def _bearer(request: HttpRequest) -> str:
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def operator_allowed(request: HttpRequest) -> bool:
    """The request carries VERNISSAGE_METRICS_TOKEN, or comes from inside VERNISSAGE_METRICS_ALLOW."""
    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(_bearer(request).encode(), token.encode()):
        return True
    address = client_ip(request)
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOW)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format: this process's (or every gunicorn worker's) HTTP and database metrics, and
    the site's own figures from the database (ops.metrics)."""
    if not operator_allowed(request):
        response = HttpResponse(
            gettext("Metrics are for the site's monitoring: send its bearer token or scrape from an allowed network."),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
        if settings.METRICS_TOKEN:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, 503 otherwise; what each check found only for operators (ops.views.metrics'
    token or networks) and admins."""
    results = run_checks()
    detailed = operator_allowed(request) or request.user.is_staff
    checks = {r.name: {"ok": r.ok, "ms": r.ms, **({"detail": r.detail} if detailed else {})} for r in results}
    ready = all(r.ok for r in results)
    response = JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
    # A failed check is logged once as a warning (ops.readiness); Django's own error line for the 503, which
    # error tracking would report at every probe of a load balancer, is left out.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@login_required
@never_cache
@require_GET
def readiness_page(request: HttpRequest) -> HttpResponse:
    """Admins: the readiness checks, run now, with what each found."""
    require_role(request, "staff", gettext("Only admins have this page."))
    results = run_checks()
    ready = all(r.ok for r in results)
    return render(request, "ops/readiness.html", {"results": results, "ready": ready})
