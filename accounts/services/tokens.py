"""Personal API tokens: `vrn_` + random part + checksum, stored hashed, revocable one by one."""

from __future__ import annotations

import enum
import hashlib
import secrets
import string
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from accounts.models import ApiToken, User
from core import clock
from core.audit import audit_record

PREFIX = "vrn_"
_ALPHABET = string.ascii_letters + string.digits
_BODY_LEN = 32
_CHECK_LEN = 6
TOKEN_LEN = len(PREFIX) + _BODY_LEN + _CHECK_LEN

#: What a token may be allowed to do; a token never does more than its account may. Every API route declares
#: the scope it needs (`required_scopes`, tests/core/test_api_scopes.py); /media/ needs clips:read.
SCOPES = {
    "renders:write": gettext_lazy("Submit, list, follow and cancel renders"),
    "clips:read": gettext_lazy("Read your clips and renders, and fetch their media"),
    "clips:write": gettext_lazy("Ask for publication, withdraw, appeal"),
    "contests:write": gettext_lazy("Enter contests and withdraw entries"),
    "review": gettext_lazy("Moderators: the review queue and decisions"),
    "judging": gettext_lazy("Judges: the blind lists and scorecards of the contests you judge"),
    "tokens": gettext_lazy("List and revoke your API tokens"),
    "webhooks": gettext_lazy("Register webhook endpoints and read their deliveries"),
}
ARTIST_SCOPES = ("renders:write", "clips:read", "clips:write", "contests:write")
#: What fetching clip media (/media/) with a token needs.
MEDIA_SCOPE = "clips:read"
#: Granted only when asked for: a new token does not manage the others unless its owner says so.
OPT_IN_SCOPES = ("tokens", "webhooks")
#: Who may judge (contests declares the permission; accounts names it as a string, importing nothing).
JUDGE_PERMISSION = "contests.judge_entries"
#: Who may register site-wide webhook endpoints besides artists (webhooks declares it).
INTEGRATION_PERMISSION = "webhooks.manage_integrations"


class _Default(enum.Enum):
    """The sentinel for "not given" where None is a meaningful value."""

    TOKEN = enum.auto()


_DEFAULT: Final = _Default.TOKEN


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
    body, check = raw[len(PREFIX) : -_CHECK_LEN], raw[-_CHECK_LEN:]
    return all(c in _ALPHABET for c in body) and _checksum(body) == check


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


def scopes_for(user: User) -> list[str]:
    """Every scope the account's roles allow a token to carry: judging for judges, review for moderators."""
    scopes = list(ARTIST_SCOPES) if user.is_artist else ["clips:read"]
    if user.is_moderator:
        scopes.append("review")
    if user.is_active and user.has_perm(JUDGE_PERMISSION):
        scopes.append("judging")
    scopes.append("tokens")
    if user.is_artist or (user.is_active and user.has_perm(INTEGRATION_PERMISSION)):
        scopes.append("webhooks")
    return scopes


def default_scopes_for(user: User) -> list[str]:
    """The scopes a new token gets unless others are chosen: all the account allows but the opt-in ones."""
    return [scope for scope in scopes_for(user) if scope not in OPT_IN_SCOPES]


def token_issue(
    *,
    user: User,
    name: str = "",
    scopes: list[str] | None = None,
    ttl: timedelta | None | Literal[_Default.TOKEN] = _DEFAULT,
    request: HttpRequest | None = None,
) -> IssuedToken:
    """Create a token for `user`; the raw value is returned here once and never stored.

    `scopes` defaults to all the account may do but manage tokens (default_scopes_for); `ttl` to
    API_TOKEN_TTL_DAYS (None: no expiry).
    """
    if ttl is _DEFAULT:
        ttl = timedelta(days=settings.API_TOKEN_TTL_DAYS)
    allowed = scopes_for(user)
    if scopes is None:
        scopes = default_scopes_for(user)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationError(
            {
                "scopes": gettext("Unknown scope(s): %(join)s. Choose from %(join2)s.")
                % {"join": ", ".join(unknown), "join2": ", ".join(SCOPES)}
            }
        )
    beyond = sorted(set(scopes) - set(allowed))
    if beyond:
        raise ValidationError({"scopes": gettext("Your account cannot grant: %(join)s.") % {"join": ", ".join(beyond)}})
    if not scopes:
        raise ValidationError({"scopes": gettext("Choose at least one scope.")})
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_BODY_LEN))
    raw = PREFIX + body + _checksum(body)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:80],
            prefix=raw[:12],
            token_hash=token_hash(raw),
            expires_at=clock.now() + ttl if ttl else None,
            scopes=[scope for scope in SCOPES if scope in scopes],
        )
        audit_record(
            action="token.created",
            actor=request.user if request else user,
            request=request,
            obj=token,
            detail={"prefix": token.prefix, "name": token.name, "scopes": token.scopes},
        )
    return IssuedToken(token=token, raw=raw)


def token_revoke(*, token_id: int, user: User, request: HttpRequest | None = None) -> ApiToken:
    """Revoke one of `user`'s tokens; the next request with it is refused."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise ApiToken.DoesNotExist
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                action="token.revoked", actor=user, request=request, obj=token, detail={"prefix": token.prefix}
            )
    return token
