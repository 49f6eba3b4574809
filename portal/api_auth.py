"""`Authorization: Bearer vrn_...` authentication for the REST API."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from portal.models import ApiToken
from portal.services.audit import audit_record, client_ip
from portal.services.tokens import token_hash, token_is_well_formed


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a personal API token; each kind of bad token gets its own clear message."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer <token>'.")
        raw = parts[1]
        if not token_is_well_formed(raw):
            raise exceptions.AuthenticationFailed("Malformed token: Vernissage tokens start with 'vrn_' and end in a checksum.")
        token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw)).first()
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown token.")
        if token.revoked_at is not None:
            audit_record(action="access.denied", actor=token.user, request=request._request, obj=token,
                         detail={"reason": "revoked"})
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed("This token has expired. Create a new one on your account page.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=client_ip(request._request))
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
