"""An artist registers a webhook endpoint, pings it and deletes it with the keyboard only (real Chromium);
the page's secret is shown once and the loopback receiver gets the signed ping."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user
from tests.fixtures import wait_until
from tests.second_factor import browser_login
from webhooks.models import Endpoint
from webhooks.signing import HEADER, verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_artist_manages_an_endpoint_with_the_keyboard(live_server, browser, receiver, settings, eager_tasks):
    server = receiver([200])
    artist = make_user("north", role="artist")
    base = live_server.url
    page = browser.new_context().new_page()
    browser_login(page, base, artist.username, PASSWORD)
    page.goto(f"{base}/webhooks/")
    page.focus("#id_url")
    page.keyboard.type(server.url)
    page.keyboard.press("Tab")  # description
    page.keyboard.type("CI hook")
    page.keyboard.press("Tab")  # the first event's checkbox
    page.keyboard.press("Space")
    for _ in range(6):  # past the other five events to the button
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector("#new-secret")
    secret = page.inner_text("#new-secret")
    endpoint = Endpoint.objects.get()
    assert secret == endpoint.secret and endpoint.events == ["render.finished"] and endpoint.description == "CI hook"

    page.focus(f"a[href='/webhooks/{endpoint.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ping")
    page.focus("#ping")
    page.keyboard.press("Enter")
    page.wait_for_selector("#deliveries")
    got = wait_until(lambda: server.received, timeout=10, message="the ping")[0]
    verify(header=got.headers[HEADER], body=got.body, secret=secret)
    assert "HTTP 200" in page.inner_text("#deliveries")

    page.focus("#delete")
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-delete")
    page.focus("#confirm-delete")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/webhooks/")
    assert not Endpoint.objects.exists() and "No endpoints yet." in page.inner_text("main")
