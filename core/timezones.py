"""The viewer's time zone, for every time on every page.

Times are stored in UTC. base.html loads static/js/timezone.js, which writes the browser's IANA zone
(Intl.DateTimeFormat().resolvedOptions().timeZone) into the `vernissage_tz` cookie; contest pages reload
once when it changed. accounts.preferences.ViewerPreferencesMiddleware activates, for each request, the zone
the account chose, else the cookie's, else UTC; templates then show every time in it.
"""

from __future__ import annotations

import functools
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils import timezone

TZ_COOKIE = "vernissage_tz"
_KNOWN = frozenset(available_timezones())
#: The zones one may choose, for the account page's list.
ZONE_NAMES = tuple(sorted(name for name in _KNOWN if "/" in name or name == "UTC"))
UTC = ZoneInfo("UTC")


def zone_named(name: str) -> ZoneInfo | None:
    """The zone for an IANA name, or None when it is not one."""
    name = (name or "").strip()
    if name and len(name) <= 64 and name in _KNOWN:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


def viewer_timezone(request, preferred: str = "") -> ZoneInfo:
    """The `preferred` zone (the account's) when it is a real IANA zone, else the viewer's cookie's, else UTC."""
    cookie = unquote(request.COOKIES.get(TZ_COOKIE) or "")  # the script URI-encodes the '/'
    return zone_named(preferred) or zone_named(cookie) or UTC


def in_viewer_timezone(view):
    """Render the view with the viewer's zone active (and exposed as `request.viewer_tz`)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        zone = getattr(request, "viewer_tz", None) or viewer_timezone(request)
        request.viewer_tz = zone
        with timezone.override(zone):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    return wrapper
