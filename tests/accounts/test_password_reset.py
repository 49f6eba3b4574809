"""Password reset with Django's views, our pages and an email through the configured backend."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_reset_by_email_then_log_in_with_the_new_password(client, artist):
    page = client.get("/accounts/password_reset/")
    assert page.status_code == 200 and b"Reset your password" in page.content
    response = client.post("/accounts/password_reset/", {"email": artist.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Choose a new Vernissage password"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "quiet-harbour-lantern-58"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert not client.login(username=artist.username, password=PASSWORD)
    assert client.login(username=artist.username, password=new)
    # The link works once.
    assert b"not valid any more" in client.get(link, follow=True).content


def test_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302 and mail.outbox == []
    bad = client.post("/accounts/password_reset/", {"email": "not-an-email"})
    assert bad.status_code == 200 and b"Enter a valid email address" in bad.content
