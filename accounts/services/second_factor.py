"""The second factor: who needs one, setting up an authenticator app (TOTP), recovery codes, and
checking a code at sign-in. Built on django-otp's TOTP and static devices; marking the session as
verified (`django_otp.login`) is left to the page that asked for the code."""

from __future__ import annotations

import re
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import clock
from core.audit import audit_record

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
_TOTP_CODE = re.compile(r"\d{6}")


def second_factor_required(user: Any) -> bool:
    """True when `user` may use the site only after a second factor: staff, superusers, members of
    SECOND_FACTOR_GROUPS, and anyone who set one up."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(
        user.is_staff
        or user.is_superuser
        or user.groups.filter(name__in=settings.SECOND_FACTOR_GROUPS).exists()
        or second_factor_enabled(user)
    )


def second_factor_enabled(user: Any) -> bool:
    """True when the user has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_setup_start(*, user: Any) -> TOTPDevice:
    """The user's pending (unconfirmed) authenticator device, created when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no script, no external image)."""
    return str(
        segno.make(device.config_url, error="m").svg_inline(
            scale=5, title=_("QR code for your authenticator app"), dark="#111", light="#fff"
        )
    )


def totp_secret_display(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_setup_confirm(*, user: Any, code: str, request: HttpRequest | None = None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with a code from the app: it replaces any earlier authenticator, and a
    fresh set of recovery codes is returned (shown once). A wrong code raises ValidationError (after the
    transaction that counted it, so the throttle holds)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            raise ValidationError(_("Start the set-up again: there is no authenticator waiting to be confirmed."))
        _refuse_if_throttled(device)
        if device.verify_token(_normalise(code)):
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = recovery_codes_issue(user=user, request=request)
            audit_record(action="second_factor.enabled", actor=user, request=request, obj=device)
            return device, codes
    audit_record(action="second_factor.setup_failed", actor=user, request=request)
    raise ValidationError(_("That code is not right. Check the time on your phone and type the newest code."))


@transaction.atomic
def recovery_codes_issue(*, user: Any, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; each works once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(action="second_factor.recovery_codes_issued", actor=user, request=request, obj=device)
    return codes


def recovery_codes_left(user: Any) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_check(*, user: Any, code: str, request: HttpRequest | None = None) -> Device:
    """The device that accepts `code`: six digits are checked against the authenticator app, anything
    else against the recovery codes (a used one is gone). Refusals raise ValidationError; repeated
    wrong codes make the next try wait (django-otp's throttling, committed before the refusal)."""
    code = _normalise(code)
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if _TOTP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=user, confirmed=True))
        for device in devices:
            _refuse_if_throttled(device)
        for device in devices:
            if device.verify_token(code):
                action = "second_factor.verified" if model is TOTPDevice else "second_factor.recovery_code_used"
                audit_record(action=action, actor=user, request=request, obj=device)
                return device
    audit_record(action="second_factor.failed", actor=user, request=request)
    if model is StaticDevice:
        raise ValidationError(_("That recovery code is not right, or it was used already."))
    raise ValidationError(_("That code is not right. Type the newest code from your authenticator app."))


@transaction.atomic
def second_factor_reset(*, user: Any, actor: Any, request: HttpRequest | None = None) -> None:
    """Remove the user's authenticator and recovery codes (a lost phone): their next sign-in sets up anew."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action="second_factor.reset", actor=actor, request=request, obj=user)


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).lower()[:32]


def _refuse_if_throttled(device: Any) -> None:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until")
        wait = min(3600, max(1, int((until - clock.now()).total_seconds()) + 1)) if until else 1
        raise ValidationError(
            _("Too many wrong codes. Wait %(seconds)d seconds, then try again.") % {"seconds": wait}, code="throttled"
        )
