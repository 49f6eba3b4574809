"""What the site accepts at its edge: trusted proxies, request body and JSON limits, API throttles, the
Content-Security-Policy, and how long published media may be cached."""

import ipaddress
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_list, env_str
from config.settings.base import ARTIST_UPLOAD_MAX_BYTES, REST_FRAMEWORK
from config.settings.security import BEHIND_PROXY

# --- Client addresses (core.net.client_ip): X-Forwarded-For is believed only through these proxies. ---
# A count (the number of proxies in front of the site: 1 behind DJANGO_BEHIND_PROXY, else 0) or networks.
_proxies = env_str("VERNISSAGE_TRUSTED_PROXIES", "1" if BEHIND_PROXY else "0").strip()
TRUSTED_PROXIES: int | list[str]
if _proxies.isdigit():
    TRUSTED_PROXIES = int(_proxies)
else:
    try:
        TRUSTED_PROXIES = [
            str(ipaddress.ip_network(item, strict=False)) for item in env_list("VERNISSAGE_TRUSTED_PROXIES")
        ]
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"VERNISSAGE_TRUSTED_PROXIES must be a number of proxies or comma-separated networks: {exc}"
        ) from None

# --- Request bodies (core.bodylimit): the longest matching path prefix's limit, in bytes; "" is the default. ---
_MIB = 1024 * 1024
API_JSON_MAX_BYTES = env_int("VERNISSAGE_API_JSON_MAX_BYTES", _MIB, minimum=1024)
API_JSON_MAX_DEPTH = env_int("VERNISSAGE_API_JSON_MAX_DEPTH", 32, minimum=2)
REQUEST_BODY_LIMITS = {
    "": env_int("VERNISSAGE_MAX_BODY_BYTES", 3 * _MIB, minimum=1024),  # forms: DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB
    "/api/": API_JSON_MAX_BYTES,
    "/accounts/": 64 * 1024,  # password reset and its confirmation
    "/accounts/login/": 16 * 1024,
    "/admin/login/": 16 * 1024,
    "/invite/": 64 * 1024,
    "/artists/feedback/": 4 * ARTIST_UPLOAD_MAX_BYTES + _MIB,  # at most 4 images (artists.feedback.MAX_ATTACHMENTS)
    "/thread/": ARTIST_UPLOAD_MAX_BYTES + _MIB,  # a message with one frame (conversations)
    "/studio/": ARTIST_UPLOAD_MAX_BYTES + _MIB,  # the render form with a first frame (image-to-video)
    "/api/v1/renders": ARTIST_UPLOAD_MAX_BYTES + _MIB,  # multipart with a first frame; JSON is bounded by its parser
    "/api/v1/assets": ARTIST_UPLOAD_MAX_BYTES + _MIB,  # one uploaded image
}
# Extra or changed limits: "/path/=bytes,/other/=bytes".
for _item in env_list("VERNISSAGE_BODY_LIMITS"):
    _prefix, _, _size = _item.partition("=")
    if not _prefix.startswith("/") or not _size.strip().isdigit():
        raise ImproperlyConfigured(f"VERNISSAGE_BODY_LIMITS items must be /path/=bytes, not {_item!r}.")
    REQUEST_BODY_LIMITS[_prefix.strip()] = int(_size)

# --- API throttles (core.api.throttles), on top of the render quotas; answered 429 with Retry-After. ---
_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _rate(name: str, default: str) -> str:
    value = env_str(name, default).strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 600/min or 20/hour, not {value!r}.")
    return value


API_THROTTLE_RATES = {
    "user": _rate("VERNISSAGE_THROTTLE_USER", "600/min"),  # per account, token or session
    "address": _rate("VERNISSAGE_THROTTLE_ADDRESS", "1200/min"),  # per client address, signed in or not
    "submissions": _rate("VERNISSAGE_THROTTLE_SUBMISSIONS", "20/min"),  # POST /api/v1/renders, per account
}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],  # depth and size limits
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttles.UserThrottle",
        "core.api.throttles.AddressThrottle",
        "core.api.throttles.ScopedWriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
}

# --- Content-Security-Policy (django-csp): no inline script or style anywhere; media from here or S3. ---
_media_sources = ["'self'", "data:", "blob:"]
_s3_bucket = env_str("VERNISSAGE_S3_BUCKET")
if _s3_bucket:
    _endpoint = env_str("VERNISSAGE_S3_ENDPOINT_URL")
    if _endpoint:
        _parts = urlsplit(_endpoint)
        _media_sources.append(f"{_parts.scheme}://{_parts.netloc}")
        _media_sources.append(f"{_parts.scheme}://{_s3_bucket}.{_parts.netloc}")
    else:
        _region = env_str("VERNISSAGE_S3_REGION")
        _media_sources.append(f"https://{_s3_bucket}.s3.amazonaws.com")
        if _region:
            _media_sources.append(f"https://{_s3_bucket}.s3.{_region}.amazonaws.com")
    if env_str("VERNISSAGE_S3_CUSTOM_DOMAIN"):
        _media_sources.append(f"https://{env_str('VERNISSAGE_S3_CUSTOM_DOMAIN')}")
_media_sources += env_list("VERNISSAGE_CSP_MEDIA_SOURCES")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _media_sources,
        "media-src": _media_sources,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Published media: caches may keep a copy this long, then must ask again (a takedown answers 404). ---
MEDIA_PUBLIC_MAX_AGE = env_int("VERNISSAGE_MEDIA_MAX_AGE", 300, minimum=0)
# Dotted paths called as hook(paths=[...]) when a clip leaves publication: purge a CDN in front of S3 here.
MEDIA_PURGE_HOOKS = env_list("VERNISSAGE_MEDIA_PURGE_HOOKS")
