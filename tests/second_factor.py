"""Test helpers for the second factor (django-otp): a confirmed authenticator for a user, the code it
shows now (computed as an app would, with django_otp.oath.totp), a test client's session marked
verified, and logging a browser in through the real login and verify pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator, created when there is none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    return device


def totp_code(device: TOTPDevice, *, reuse: bool = True) -> str:
    """The six digits the app shows now. With `reuse`, the device forgets the last step it accepted, so a
    test may sign the same user in twice within 30 s (a real app would wait for the next code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if reuse:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
        device.refresh_from_db()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return str(code).zfill(device.digits)


def verify_client_session(client, user) -> TOTPDevice:
    """Mark the test client's signed-in session as verified by the user's authenticator."""
    device = totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def browser_login(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log a Playwright page in through the login page and, when the account needs it, the second-factor
    page with the code of its authenticator (created confirmed if it has none)."""
    from accounts.services.second_factor import second_factor_required

    user = get_user_model().objects.get(username=username)
    device = totp_device(user) if second_factor_required(user) else None
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.card-form button[type=submit]")
    if device is not None and "/account/security/verify/" in page.url:
        page.fill("#id_code", totp_code(device))
        with page.expect_navigation():
            page.click("#second-factor-form button[type=submit]")
    page.wait_for_load_state()
