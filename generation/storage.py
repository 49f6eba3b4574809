"""S3 storage whose URLs are always signed and short-lived.

django-storages returns a plain, unsigned URL whenever `custom_domain` is set (unless a CloudFront
signer is configured), which would make unpublished media reachable by anyone who learns its path.
Here a custom domain without a CloudFront signer is ignored for URLs: every URL is an S3 presigned
URL that expires within MEDIA_URL_MAX_EXPIRE seconds, and an unsigned result is refused.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

MEDIA_URL_MAX_EXPIRE = 300


def url_is_signed(url: str) -> bool:
    """True when the URL carries an AWS signature (SigV4, SigV2 or a CloudFront signature)."""
    query = parse_qs(urlsplit(url).query)
    return any(key in query for key in ("X-Amz-Signature", "Signature"))


class SignedS3Storage(S3Storage):
    """S3Storage that only hands out signed URLs, each valid for at most five minutes."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        expire = min(int(expire or self.querystring_expire or MEDIA_URL_MAX_EXPIRE), MEDIA_URL_MAX_EXPIRE)
        if not self.querystring_auth:
            raise ImproperlyConfigured("Private media needs querystring_auth=True: URLs must be signed.")
        if self.custom_domain and not self.cloudfront_signer:
            # Sign against the bucket's own endpoint instead of returning an unsigned custom-domain URL.
            params = dict(parameters or {}, Bucket=self.bucket.name, Key=self._normalize_name(clean_name(name)))
            url = self.connection.meta.client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expire, HttpMethod=http_method
            )
        else:
            url = super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        if not url_is_signed(url):
            raise ImproperlyConfigured(f"Refusing to hand out an unsigned media URL for {name!r}.")
        return url
