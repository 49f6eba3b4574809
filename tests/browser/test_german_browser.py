"""The studio in German in a real browser: the header's switch turns the page German (and the account
remembers it), no English sentence of the catalogue is left on the page, and the studio's script speaks
German through the JavaScript catalogue. VERNISSAGE_SCREENSHOTS=docs/screenshots saves de-studio.png."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from approvals.gate import Publication
from tests.browser_fixtures import save_screenshot
from tests.factories import PASSWORD, make_clip
from tests.po_reader import english_sentences
from tests.second_factor import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_studio_in_german(live_server, browser, artist):
    make_clip(artist, prompt="a paper lantern rising over a dark lake")
    make_clip(artist, publication=Publication.PUBLISHED, prompt="a heron in the morning fog")
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    page = context.new_page()
    browser_login(page, live_server.url, artist.username, PASSWORD)
    page.goto(f"{live_server.url}/studio/")
    assert page.inner_text("h1") == "Studio" and "New render" in page.inner_text("main")
    with page.expect_navigation():
        page.click("#language-de")  # the header's switch: a form posting to the account's preferences
    assert page.url.endswith("/studio/") and page.get_attribute("html", "lang") == "de"
    artist.refresh_from_db()
    assert artist.language == "de"
    text = page.inner_text("body")
    for german in ("Neues Rendering", "Ihre Bibliothek", "Abmelden", "Meine Arbeiten", "Negativ-Prompt", "Auflösung"):
        assert german in text
    assert page.inner_text("#language-en") == "English"  # each language named in its own
    assert page.get_attribute("#id_negative_prompt", "placeholder") == "Was vermieden werden soll (optional)"
    left = [sentence for sentence in english_sentences(settings.BASE_DIR) if sentence in text]
    assert left == [], f"English sentences on the German studio: {left}"
    # The form's script (static/js/render-form.js) speaks German through the JavaScript catalogue.
    page.fill("#id_duration_s", "2")
    page.dispatch_event("#id_duration_s", "input")
    assert re.match(r"Dieser Clip: \d+ × \d+ px, \d+ Frames", page.inner_text("#exact-frames"))
    save_screenshot(page, "de-studio")
    # The choice outlives the session: a new browser, asking for English, signs in to a German studio.
    fresh = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB").new_page()
    browser_login(fresh, live_server.url, artist.username, PASSWORD)
    fresh.goto(f"{live_server.url}/studio/")
    assert "Neues Rendering" in fresh.inner_text("main")
