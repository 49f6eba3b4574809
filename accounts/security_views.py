"""Sign-in security pages: the second factor (verify, set up, recovery codes, the security page), the
rate-limited password reset, and the lockout answer of django-axes (AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

from urllib.parse import urlencode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import PasswordResetView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.forms import OutboxPasswordResetForm, SecondFactorForm
from accounts.services.second_factor import (
    recovery_codes_issue,
    recovery_codes_left,
    second_factor_check,
    second_factor_enabled,
    second_factor_required,
    totp_qr_svg,
    totp_secret_display,
    totp_setup_confirm,
    totp_setup_start,
)
from core.audit import audit_record, client_ip
from core.ratelimit import ratelimit_hit, too_many_requests
from core.redirects import next_url


def _safe_next(request: HttpRequest) -> str:
    """Where to go after this step: `next` when it is a page of this site, else the studio."""
    return next_url(request, settings.LOGIN_REDIRECT_URL)


def _mark_verified(request: HttpRequest, device) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # a new session id for the now fully signed-in session


@never_cache
@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app or a recovery code marks the session verified."""
    user = request.user
    next_url = _safe_next(request)
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    if not second_factor_enabled(user):
        return redirect(reverse("second_factor_setup") + "?" + urlencode({"next": next_url}))
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = second_factor_check(user=user, code=form.cleaned_data["code"], request=request)
            except ValidationError as exc:
                form.add_error("code", exc)
                status = 429 if exc.code == "throttled" else 400
            else:
                _mark_verified(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(
                        request,
                        _("You signed in with a recovery code; %(left)d are left. Make new ones on the security page.")
                        % {"left": recovery_codes_left(user)},
                    )
                return redirect(next_url)
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": next_url}, status=status)


@never_cache
@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code (and the secret to type), confirmed by one code; then the
    recovery codes, shown once. Replacing an authenticator needs a session verified by the old one."""
    user = request.user
    next_url = _safe_next(request)
    if second_factor_enabled(user) and not user.is_verified():  # type: ignore[union-attr]
        return redirect(reverse("second_factor_verify") + "?" + urlencode({"next": next_url}))
    device = totp_setup_start(user=user)
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device, codes = totp_setup_confirm(user=user, code=form.cleaned_data["code"], request=request)
            except ValidationError as exc:
                form.add_error("code", exc)
                status = 429 if exc.code == "throttled" else 400
            else:
                _mark_verified(request, device)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": totp_qr_svg(device),
        "secret": totp_secret_display(device),
        "required": second_factor_required(user),
        "replacing": second_factor_enabled(user),
    }
    return render(request, "accounts/second_factor_setup.html", context, status=status)


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    """The security page: is the second factor on, how many recovery codes are left."""
    user = request.user
    context = {
        "enabled": second_factor_enabled(user),
        "required": second_factor_required(user),
        "codes_left": recovery_codes_left(user),
        "idle_minutes": settings.STAFF_IDLE_MINUTES,
    }
    return render(request, "accounts/security.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST replaces the recovery codes (the old ones stop working) and shows
    the new ones once."""
    if not second_factor_enabled(request.user):
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("account_security")
    if request.method == "GET":
        return render(
            request, "accounts/recovery_codes_confirm.html", {"codes_left": recovery_codes_left(request.user)}
        )
    codes = recovery_codes_issue(user=request.user, request=request)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("account_security")})


class RateLimitedPasswordResetView(PasswordResetView):
    """Django's password reset, limited to PASSWORD_RESET_PER_HOUR requests per address and per email; the
    message goes through the outbox."""

    form_class = OutboxPasswordResetForm

    def post(self, request, *args, **kwargs):
        limit = settings.PASSWORD_RESET_PER_HOUR
        email = str(request.POST.get("email", "")).strip().casefold()[:254]
        for scope, key in (("password_reset.address", client_ip(request) or "-"), ("password_reset.email", email)):
            if not key:
                continue
            wait = ratelimit_hit(scope=scope, key=key, limit=limit)
            if wait is not None:
                audit_record(action="password_reset.limited", request=request, detail={"scope": scope})
                message = _("Too many password reset requests. No more links are sent for now.")
                return too_many_requests(request, retry_after=wait, message=message)
        return super().post(request, *args, **kwargs)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The login page again, with why sign-in is paused and for how long (429, Retry-After)."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, (seconds + 59) // 60)
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked": True, "minutes": minutes, "next": _safe_next(request)}
    response = render(request, "registration/login.html", context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
