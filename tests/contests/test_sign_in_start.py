"""Every sign-in lands on the studio (LOGIN_REDIRECT_URL); a judge, who is no artist, was shown a 403 there.
Other roles are sent to their own start page; an account with no role is still refused."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.contests.conftest import make_judge
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_judge_signing_in_lands_on_the_contests(client):
    judge = make_judge("judge9")
    client.force_login(judge)
    answer = client.get("/studio/", follow=True)  # where the sign-in (and its second factor) leads
    assert answer.status_code == 200
    assert answer.redirect_chain == [("/contests/", 302)]


def test_staff_land_on_the_render_farm_and_an_account_without_a_role_is_told_why(client):
    staff = get_user_model().objects.create_user(username="ops", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    assert client.get("/studio/").url == "/farm/"
    plain = get_user_model().objects.create_user(username="plain", password=PASSWORD)
    client.force_login(plain)
    refused = client.get("/studio/")
    assert refused.status_code == 403
