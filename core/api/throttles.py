"""API throttles, on top of the render quotas: per account, per client address, and per account for the
writes a view names in `throttle_scope` (submissions).

Rates come from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (config/settings/edge.py), read when each
throttle is made, so a changed setting applies at once. Addresses come from core.net.client_ip (trusted
proxies only; DRF's own reading of X-Forwarded-For believes whatever a client sends). A refusal is 429 in
the one error shape with `Retry-After` (core.api.errors).
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings

from core.net import client_ip

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _Throttle(throttling.SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class UserThrottle(_Throttle):
    """Every request of one account (token or session), whatever its address."""

    scope = "user"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AddressThrottle(_Throttle):
    """Every request from one client address, signed in or not."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ScopedWriteThrottle(_Throttle):
    """Writes (not GET/HEAD/OPTIONS) to a view with `throttle_scope`, per account (or address when anonymous)."""

    def __init__(self):
        pass  # the rate depends on the view: set in allow_request

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", None)
        if not self.scope or request.method in SAFE_METHODS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
