"""The viewer's time zone for contest pages.

Times are stored in UTC. Each contest page carries a small script that writes the browser's IANA
zone (Intl.DateTimeFormat().resolvedOptions().timeZone) into the `vernissage_tz` cookie and
reloads once when it changed; the server then renders every time in that zone, with its name.
Without the cookie (first visit, no JavaScript) or with an unknown zone, times are shown in UTC.
"""

from __future__ import annotations

import functools
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils import timezone

TZ_COOKIE = "vernissage_tz"
_KNOWN = frozenset(available_timezones())


def viewer_timezone(request) -> ZoneInfo:
    """The zone named by the viewer's cookie when it is a real IANA zone, else UTC."""
    name = unquote(request.COOKIES.get(TZ_COOKIE) or "").strip()  # the script URI-encodes the '/'
    if name and len(name) <= 64 and name in _KNOWN:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


def in_viewer_timezone(view):
    """Render the view with the viewer's zone active (and exposed as `request.viewer_tz`)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        zone = viewer_timezone(request)
        request.viewer_tz = zone
        with timezone.override(zone):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    return wrapper
