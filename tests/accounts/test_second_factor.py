"""The second factor (django-otp): moderators, judges and admins reach nothing but the set-up or verify
page until a code confirms the sign-in; the set-up shows a QR code and recovery codes once; each recovery
code works once; the admin site needs a verified session; artists are not asked."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from tests.factories import PASSWORD, make_user
from tests.second_factor import totp_code, totp_device

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/account/security/verify/"
SETUP = "/account/security/setup/"


def _password_login(user, **extra) -> Client:
    """Sign in through the login page, as a person does (no second factor yet)."""
    client = Client(**extra)
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def _recovery_codes(page: str) -> list[str]:
    import re

    return re.findall(r'<code class="secret">([a-z2-7]{8})</code>', page)


def test_a_moderator_without_an_authenticator_sets_one_up(moderator):
    client = _password_login(moderator)
    queue = client.get("/review/")
    assert queue.status_code == 302 and queue["Location"] == f"{SETUP}?next=%2Freview%2F"
    for path in ("/invitations/", "/account/", "/studio/", "/admin/"):
        assert client.get(path)["Location"].startswith(SETUP), path
    api = client.get("/api/v1/renders")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"

    page = client.get(queue["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'class="segno"' in html  # the QR code, inline
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    secret = page.context["secret"].replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    pending = TOTPDevice.objects.get(user=moderator)
    assert not pending.confirmed and pending.bin_key == key

    wrong = client.post(SETUP, {"code": "000000", "next": "/review/"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    TOTPDevice.objects.filter(pk=pending.pk).update(throttling_failure_count=0)  # no need to wait a second
    done = client.post(SETUP, {"code": f"{totp(key):06d}", "next": "/review/"})
    assert done.status_code == 200
    codes = _recovery_codes(done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=moderator).confirmed
    assert client.get("/review/").status_code == 200  # this session is verified now
    assert AuditEvent.objects.filter(action="second_factor.enabled", actor=moderator).exists()


def test_a_moderator_signs_in_with_the_code_of_the_app(moderator):
    device = totp_device(moderator)
    client = _password_login(moderator)
    assert client.get("/review/")["Location"] == f"{VERIFY}?next=%2Freview%2F"
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # a password alone cannot replace the app
    refused = client.post(VERIFY, {"code": "123456", "next": "/review/"})
    assert refused.status_code == 400 and client.get("/review/").status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    session_before = client.session.session_key
    ok = client.post(VERIFY, {"code": totp_code(device), "next": "/review/"})
    assert ok.status_code == 302 and ok["Location"] == "/review/"
    assert client.session.session_key != session_before  # a new session id once fully signed in
    assert client.get("/review/").status_code == 200
    assert AuditEvent.objects.filter(action="second_factor.verified", actor=moderator).exists()
    assert AuditEvent.objects.filter(action="second_factor.failed", actor=moderator).exists()


def test_wrong_codes_make_the_next_try_wait(moderator):
    device = totp_device(moderator)
    client = _password_login(moderator)
    assert client.post(VERIFY, {"code": "111111"}).status_code == 400
    throttled = client.post(VERIFY, {"code": totp_code(device, reuse=False)})
    assert throttled.status_code == 429 and "Too many wrong codes" in throttled.content.decode()
    assert client.get("/review/").status_code == 302


def test_a_recovery_code_works_once(moderator):
    totp_device(moderator)
    from accounts.services.second_factor import recovery_codes_issue

    first, second, *_rest = recovery_codes_issue(user=moderator)
    client = _password_login(moderator)
    used = client.post(VERIFY, {"code": first.upper(), "next": "/review/"})
    assert used.status_code == 302 and client.get("/review/").status_code == 200
    assert not StaticToken.objects.filter(token=first).exists()
    assert AuditEvent.objects.filter(action="second_factor.recovery_code_used").count() == 1

    again = _password_login(moderator)
    refused = again.post(VERIFY, {"code": first, "next": "/review/"})
    assert refused.status_code == 400 and "used already" in refused.content.decode()
    StaticDevice.objects.filter(user=moderator).update(throttling_failure_count=0)  # no need to wait a second
    assert again.post(VERIFY, {"code": second, "next": "/review/"}).status_code == 302
    assert again.get("/review/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(moderator):
    from accounts.services.second_factor import recovery_codes_issue

    totp_device(moderator)
    old = recovery_codes_issue(user=moderator)
    client = Client()
    client.force_login(moderator)  # verified by the test fixture
    assert "9 recovery codes left" not in client.get("/account/security/").content.decode()
    confirm = client.get("/account/security/recovery-codes/")  # asks first: the old codes stop working
    assert confirm.status_code == 200 and "10 unused recovery codes stop working" in confirm.content.decode()
    assert StaticToken.objects.filter(token__in=old).count() == 10
    page = client.post("/account/security/recovery-codes/")
    new = _recovery_codes(page.content.decode())
    assert page.status_code == 200 and len(new) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_judges_and_admins_need_it_and_artists_do_not(artist):
    from contests.services import judge_grant

    judge = make_user("judge1", role="artist")
    judge_grant(user=judge)
    admin = make_user("root", role="admin")
    for user in (judge, admin):
        assert _password_login(user).get("/account/")["Location"].startswith(SETUP), user
    artist_client = _password_login(artist)
    assert artist_client.get("/studio/").status_code == 200 and artist_client.get("/account/").status_code == 200


@pytest.mark.password_only
def test_the_admin_site_needs_a_verified_session():
    admin_user = make_user("root", role="admin")
    anonymous = Client().get("/admin/")
    assert anonymous.status_code == 302 and anonymous["Location"] == "/admin/login/?next=/admin/"
    assert Client().get("/admin/login/?next=/admin/")["Location"] == f"{LOGIN}?next=/admin/"
    totp_device(admin_user)
    client = Client()
    client.login(username="root", password=PASSWORD)  # password only (the marker)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": totp_code(totp_device(admin_user)), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_next_never_leaves_the_site(moderator):
    device = totp_device(moderator)
    client = _password_login(moderator)
    answer = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/studio/"


def test_an_admin_resets_a_lost_authenticator(moderator):
    totp_device(moderator)
    root = make_user("root", role="admin")
    root.is_superuser = True  # the user list is a superuser's (roles change through their services)
    root.save()
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [moderator.pk]}
    )
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=moderator).exists()
    assert AuditEvent.objects.filter(action="second_factor.reset").exists()
    assert _password_login(moderator).get("/review/")["Location"].startswith(SETUP)  # sets up anew


def test_an_artist_may_turn_it_on_and_is_then_asked(artist):
    device = totp_device(artist)
    client = _password_login(artist)
    assert client.get("/studio/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert client.get("/studio/").status_code == 200


def test_an_unverified_session_may_still_log_out(moderator):
    client = _password_login(moderator)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_bearer_tokens_are_not_second_guessed(moderator, api):
    client = _password_login(moderator, REMOTE_ADDR="192.0.2.3")
    from accounts.services.tokens import token_issue

    raw = token_issue(user=moderator, name="script").raw
    assert client.get("/api/v1/renders", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code != 403
