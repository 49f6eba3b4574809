"""Personal API tokens: `vrn_` + random part + checksum, stored hashed, revocable one by one."""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import ApiToken
from portal.services.audit import audit_record

PREFIX = "vrn_"
_ALPHABET = string.ascii_letters + string.digits
_BODY_LEN = 32
_CHECK_LEN = 6
TOKEN_LEN = len(PREFIX) + _BODY_LEN + _CHECK_LEN
DEFAULT_TTL = timedelta(days=90)


def _now() -> datetime:
    return timezone.now()


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        digits.append(_ALPHABET[rem])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), _CHECK_LEN)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_is_well_formed(raw: str) -> bool:
    """True when `raw` has the prefix, length, alphabet and checksum of a Vernissage token."""
    if len(raw) != TOKEN_LEN or not raw.startswith(PREFIX):
        return False
    body, check = raw[len(PREFIX):-_CHECK_LEN], raw[-_CHECK_LEN:]
    return all(c in _ALPHABET for c in body) and _checksum(body) == check


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


def token_issue(*, user, name: str = "", ttl: timedelta | None = DEFAULT_TTL, request=None) -> IssuedToken:
    """Create a token for `user`; the raw value is returned here once and never stored."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_BODY_LEN))
    raw = PREFIX + body + _checksum(body)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:80],
            prefix=raw[:12],
            token_hash=token_hash(raw),
            expires_at=_now() + ttl if ttl else None,
        )
        audit_record(action="token.created", actor=request.user if request else user, request=request,
                     obj=token, detail={"prefix": token.prefix, "name": token.name})
    return IssuedToken(token=token, raw=raw)


def token_revoke(*, token_id: int, user, request=None) -> ApiToken:
    """Revoke one of `user`'s tokens; the next request with it is refused."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise ValidationError("No such token.")
        if token.revoked_at is None:
            token.revoked_at = _now()
            token.save(update_fields=["revoked_at"])
            audit_record(action="token.revoked", actor=user, request=request, obj=token,
                         detail={"prefix": token.prefix})
    return token
