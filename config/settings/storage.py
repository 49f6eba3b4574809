"""Media: a local folder by default, S3 (django-storages) when VERNISSAGE_S3_BUCKET is set.

Local media is never served as plain files: /media/<path> is a permission-checked view. On S3 every
URL is signed and short-lived.
"""

import os
from pathlib import Path

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
