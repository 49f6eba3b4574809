"""A moderator can sign in only with the second factor: set-up from the QR page's key, then a sign-in
with the password alone goes nowhere until the code, computed here as an authenticator app does
(django_otp.oath.totp with the device's key), is typed (real Chromium)."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from tests.second_factor import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password(page, base, username, password=PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_moderator_needs_the_code_of_the_app(live_server, browser, screenshot_dir):
    moderator = make_user("mod1", role="moderator")
    base = live_server.url

    # 1. First sign-in: the password leads to the set-up page with a QR code and the key to type.
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    _password(page, base, "mod1")
    assert "/account/security/setup/" in page.url
    assert page.locator("#totp-qr svg").is_visible()
    if screenshot_dir is not None:
        page.screenshot(path=str(screenshot_dir / "second-factor-setup.png"), full_page=True)
    secret = page.inner_text("#totp-secret").replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.goto(f"{base}/review/")
    assert "/account/security/setup/" in page.url  # nothing else until it is set up
    page.fill("#id_code", f"{totp(key):06d}")
    with page.expect_navigation():
        page.click("#second-factor-form button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    with page.expect_navigation():
        page.click("text=I saved them: continue")
    assert page.url == f"{base}/review/"

    # 2. Another browser with the password only: every page is the verify page until the code.
    other = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    _password(other, base, "mod1")
    for path in ("/review/", "/invitations/", "/admin/"):
        other.goto(f"{base}{path}")
        assert "/account/security/verify/" in other.url, path
    other.fill("#id_code", "000000")
    with other.expect_navigation():
        other.keyboard.press("Enter")
    assert "That code is not right" in other.inner_text("#second-factor-form")
    other.goto(f"{base}/review/")
    assert "/account/security/verify/" in other.url
    device = TOTPDevice.objects.get(user=moderator, confirmed=True)
    assert device.bin_key == key
    other.fill("#id_code", totp_code(device))  # the same key; a fresh step (and no wait after the wrong one)
    with other.expect_navigation():
        other.keyboard.press("Enter")
    assert other.url == f"{base}/review/"
    assert other.inner_text("h1") == "Review queue"

    # 3. A wrong password never reaches the code step.
    third = browser.new_context().new_page()
    _password(third, base, "mod1", "not-the-password")
    assert "/accounts/login/" in third.url
