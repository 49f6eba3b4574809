"""`Authorization: Bearer vrn_...` authentication and token scopes for the REST API.

Each kind of bad token gets its own status, `code` and message, so a client can tell what to fix:
401 token_malformed, token_unknown, token_expired, token_revoked, token_suspended, account_disabled;
403 token_scope (the token is fine but may not do this).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from accounts.models import ApiToken
from accounts.services.leaks import token_note_use
from accounts.services.tokens import scopes_for, token_hash, token_is_well_formed
from core import clock
from core.audit import audit_record


def _refuse(message: str, code: str):
    return exceptions.AuthenticationFailed(message, code=code)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a personal API token; each kind of bad token gets its own clear message."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise _refuse("Malformed Authorization header: use 'Bearer <token>'.", "token_malformed")
        raw = parts[1]
        if not token_is_well_formed(raw):
            raise _refuse(
                "Malformed token: Vernissage tokens start with 'vrn_' and end in a checksum; "
                "this one is cut short or mistyped.",
                "token_malformed",
            )
        token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw)).first()
        if token is None:
            raise _refuse(
                "Unknown token: it is well formed but was never issued here, or was deleted.", "token_unknown"
            )
        django_request = request._request
        if token.revoked_at is not None:
            self._deny(token, django_request, "revoked")
            raise _refuse(f"This token was revoked on {token.revoked_at:%Y-%m-%d %H:%M} UTC.", "token_revoked")
        if token.suspended_at is not None:
            self._deny(token, django_request, "suspended")
            raise _refuse(
                f"This token is suspended. {token.suspended_reason} Create a new token on your "
                "account page; your other tokens still work.",
                "token_suspended",
            )
        if token.expires_at is not None and token.expires_at <= clock.now():
            self._deny(token, django_request, "expired")
            raise _refuse(
                f"This token expired on {token.expires_at:%Y-%m-%d}. Create a new one on your account page.",
                "token_expired",
            )
        if not token.user.is_active:
            raise _refuse("This account is disabled.", "account_disabled")
        if token_note_use(token=token, request=django_request):
            token.refresh_from_db(fields=["suspended_reason"])
            raise _refuse(
                f"This token is suspended. {token.suspended_reason} Create a new token on your "
                "account page; your other tokens still work.",
                "token_suspended",
            )
        return token.user, token

    @staticmethod
    def _deny(token: ApiToken, request, reason: str) -> None:
        audit_record(
            action="access.denied",
            actor=token.user,
            request=request,
            obj=token,
            detail={"reason": reason, "prefix": token.prefix},
        )

    def authenticate_header(self, request) -> str:
        return self.keyword


class HasScope(permissions.BasePermission):
    """A token must carry the scope its view declares in `required_scopes` (None: a public route, any token
    or none will do; a view that declares nothing refuses every token); a web session is limited by its
    account's roles only."""

    code = "token_scope"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        if not hasattr(view, "required_scopes"):
            self.message = "This route declares no token scope, so no token may use it."
            return False
        needed = scope_needed(view, request)
        if not needed:
            return True
        options = (needed,) if isinstance(needed, str) else tuple(needed)
        if any(scope in (token.scopes or []) for scope in options):
            return True
        if not set(options) & set(scopes_for(request.user)):
            return True  # the account's role may not do this at all: the view says so (403 with its reason)
        named = " or ".join(f"'{scope}'" for scope in options)
        self.message = f"This token lacks the {named} scope. Create a token with it on your account page."
        return False


def scope_needed(view, request):
    """The scope(s) the request's route needs: a string, a tuple (any of), or None (public)."""
    scopes = getattr(view, "required_scopes", None)
    if isinstance(scopes, dict):
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        return scopes.get(method)
    return scopes


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents BearerTokenAuthentication in the OpenAPI schema."""

    target_class = "accounts.api_auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "vrn_ + 32 characters + 6-character checksum"}
