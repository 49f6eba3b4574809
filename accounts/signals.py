"""Audit logins and failed logins; keep the role groups in place after migrations."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core import clock
from core.audit import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="login", actor=user, request=request)
    session = getattr(request, "session", None)
    if session is not None:  # the idle timeout of staff sessions counts from the login
        from accounts.middleware import LAST_SEEN_KEY

        session[LAST_SEEN_KEY] = clock.now().timestamp()


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        action="login.failed", request=request, detail={"username": str(credentials.get("username", ""))[:150]}
    )


def ensure_roles_after_migrate(sender, **kwargs):
    from accounts.services.roles import roles_ensure

    roles_ensure()
