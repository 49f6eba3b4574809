"""Sessions of accounts that need a second factor (staff roles, see accounts.services.second_factor):
they end after STAFF_IDLE_MINUTES without a request, and until the second factor is confirmed they
reach nothing but the pages that confirm it (and logging out)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services.second_factor import second_factor_enabled, second_factor_required
from core import clock
from core.audit import audit_record

LAST_SEEN_KEY = "staff_last_seen"
# Pages an unverified session may still open: logging in and out, confirming the second factor, and the
# JavaScript catalogue those pages load.
EXEMPT_URL_NAMES = ("login", "logout", "second_factor_verify", "second_factor_setup", "javascript_catalog")


def _needs_second_factor(request: HttpRequest) -> bool:
    """second_factor_required for the signed-in user, worked out once per request."""
    cached = getattr(request, "_second_factor_required", None)
    if cached is None:
        cached = second_factor_required(request.user)
        request._second_factor_required = cached  # type: ignore[attr-defined]
    return cached


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _next_query(request: HttpRequest) -> str:
    """`?next=` back to this page, for requests that can be repeated by following a link."""
    if request.method in ("GET", "HEAD"):
        return "?" + urlencode({"next": request.get_full_path()})
    return ""


class StaffIdleTimeoutMiddleware:
    """Sign out an account that needs a second factor after STAFF_IDLE_MINUTES without a request (time
    from core.clock); the session cookie and row expire after the same time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if _needs_second_factor(request):
            now = clock.now().timestamp()
            idle_s = settings.STAFF_IDLE_MINUTES * 60
            last = request.session.get(LAST_SEEN_KEY)
            if isinstance(last, (int, float)) and now - last > idle_s:
                audit_record(action="session.idle_timeout", actor=user, request=request)
                logout(request)
                text = _("You were signed out after %(minutes)d minutes without activity. Please sign in again.") % {
                    "minutes": settings.STAFF_IDLE_MINUTES
                }
                if _is_api(request):
                    if "HTTP_AUTHORIZATION" in request.META:  # a personal token: the API's own credential
                        return self.get_response(request)
                    return JsonResponse({"detail": text, "code": "session_expired"}, status=401)
                messages.info(request, text)
                return redirect(reverse(settings.LOGIN_URL) + _next_query(request))
            if request.headers.get("X-Background-Poll") != "1":  # a page's own live poll is not activity
                request.session[LAST_SEEN_KEY] = now
                request.session.set_expiry(idle_s)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until an account that needs a second factor has confirmed it in this session, send every page to
    the verify page (or the set-up page when it has no authenticator yet); the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def _exempt_paths(self) -> set[str]:
        if self._exempt is None:
            self._exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            _needs_second_factor(request)
            and not user.is_verified()  # type: ignore[union-attr]
            and request.path_info not in self._exempt_paths()
            and not request.path_info.startswith(settings.STATIC_URL)
        ):
            if _is_api(request):
                if "HTTP_AUTHORIZATION" in request.META:  # a personal token: the API's own credential
                    return self.get_response(request)
                detail = _("Confirm this sign-in with your second factor first.")
                return JsonResponse({"detail": detail, "code": "second_factor_required"}, status=403)
            name = "second_factor_verify" if second_factor_enabled(user) else "second_factor_setup"
            return redirect(reverse(name) + _next_query(request))
        return self.get_response(request)
