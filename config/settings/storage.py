"""Media: a local folder by default, S3 (django-storages) when VERNISSAGE_S3_BUCKET is set.

Local media is never served as plain files: /media/<path> is a permission-checked view. On S3 every
URL is signed and short-lived.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str
from config.settings.base import BASE_DIR, DEBUG

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
S3_BUCKET = os.environ.get("VERNISSAGE_S3_BUCKET", "")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "generation.storage.SignedS3Storage",  # signs every URL, custom domain or not
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("VERNISSAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("VERNISSAGE_S3_REGION") or None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "custom_domain": os.environ.get("VERNISSAGE_S3_CUSTOM_DOMAIN") or None,
            "signature_version": "s3v4",  # X-Amz-Expires is honoured up to 7 days; we cap it at 300 s
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Who sends a local media file once /media/<path> has checked the permission: "none" (this process, for
# development and `make run`), "x-accel" (nginx: X-Accel-Redirect to MEDIA_ACCEL_PREFIX + path, an
# `internal` location aliased to MEDIA_ROOT) or "x-sendfile" (Apache mod_xsendfile, lighttpd: the file's path).
MEDIA_HANDOFF = env_str("VERNISSAGE_MEDIA_HANDOFF", "none").strip().lower()
if MEDIA_HANDOFF not in ("none", "x-accel", "x-sendfile"):
    raise ImproperlyConfigured(
        f"VERNISSAGE_MEDIA_HANDOFF must be none, x-accel or x-sendfile, not {os.environ['VERNISSAGE_MEDIA_HANDOFF']!r}."
    )
MEDIA_ACCEL_PREFIX = env_str("VERNISSAGE_MEDIA_ACCEL_PREFIX", "/protected-media/")
if not (MEDIA_ACCEL_PREFIX.startswith("/") and MEDIA_ACCEL_PREFIX.endswith("/")):
    raise ImproperlyConfigured(
        f"VERNISSAGE_MEDIA_ACCEL_PREFIX must start and end with '/', not {MEDIA_ACCEL_PREFIX!r}."
    )
