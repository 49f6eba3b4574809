"""Styled error pages (issue 17 §3): 400, 403, 404, 429 and 500 say what happened and what to do, in English
and German; 403 (a refused CSRF token too) and 429 keep their page with DEBUG on; 500 needs neither the
database nor the context processors."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from core.ratelimit import too_many_requests
from tests.factories import PASSWORD

WORDS = {
    404: {"en": ("This page does not exist", "Check the address"), "de": ("Diese Seite gibt es nicht", "Adresse")},
    403: {
        "en": ("You may not open this page", "ask a moderator or an admin"),
        "de": ("Diese Seite dürfen Sie nicht öffnen", "fragen Sie die Moderation"),
    },
    "csrf": {
        "en": ("The form had expired", "Reload the page"),
        "de": ("Das Formular war abgelaufen", "Laden Sie die Seite neu"),
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_404_is_styled_in_both_languages(client, language):
    answer = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    page = answer.content.decode()
    assert answer.status_code == 404 and f'<html lang="{language}">' in page and 'class="error-page"' in page
    assert all(words in page for words in WORDS[404][language])
    assert 'href="/gallery/"' in page or reverse("gallery") in page


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("language", ["en", "de"])
def test_403_is_styled_in_both_languages_with_debug_too(settings, language, debug):
    settings.DEBUG = debug
    plain = get_user_model().objects.create_user(username="plain", password=PASSWORD)  # no role at all
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=plain.username, password=PASSWORD)
    answer = client.get(reverse("dashboard"))  # the studio is for artists (a judge is sent to the contests)
    page = answer.content.decode()
    assert answer.status_code == 403 and 'class="error-page"' in page and "Traceback" not in page
    assert all(words in page for words in WORDS[403][language])


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("language", ["en", "de"])
def test_a_refused_csrf_token_gets_the_styled_403_with_debug_too(settings, artist, language, debug):
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=artist.username, password=PASSWORD)
    answer = client.post(reverse("account_preferences"), {"language": "de"})
    page = answer.content.decode()
    assert answer.status_code == 403 and 'class="error-page"' in page and "CSRF verification failed" not in page
    assert all(words in page for words in WORDS["csrf"][language])
    artist.refresh_from_db()
    assert artist.language == ""  # nothing was changed


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Too many requests", "Try again in about 2 minutes.")),
        ("de", ("Zu viele Anfragen", "in etwa 2 Minuten")),
    ],
)
def test_429_is_styled_in_both_languages_with_debug_too(settings, rf, language, words, debug):
    from django.contrib.auth.models import AnonymousUser

    settings.DEBUG = debug
    request = rf.get("/accounts/login/")
    request.user = AnonymousUser()
    with translation.override(language):
        answer = too_many_requests(request, retry_after=90, message="Too many sign-in attempts.")
    page = answer.content.decode()
    assert answer.status_code == 429 and answer["Retry-After"] == "90" and 'class="error-page"' in page
    assert all(word in page for word in words)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Something went wrong on our side", "What you saved before is safe.")),
        ("de", ("Bei uns ist etwas schiefgelaufen", "Was Sie vorher gespeichert haben, ist sicher.")),
    ],
)
def test_500_is_styled_in_both_languages_without_the_database(language, words):
    """No django_db mark: any query would fail the test; server_error renders without context processors."""
    request = RequestFactory().get("/")
    with translation.override(language):
        answer = defaults.server_error(request)
    page = answer.content.decode()
    assert answer.status_code == 500 and f'<html lang="{language}">' in page
    assert all(word in page for word in words)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("This request could not be understood", "reload the page and try again")),
        ("de", ("Diese Anfrage war nicht verständlich", "laden Sie die Seite neu")),
    ],
)
def test_400_is_styled_in_both_languages(rf, language, words):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override(language):
        answer = defaults.bad_request(request, exception=None)
    page = answer.content.decode()
    assert answer.status_code == 400 and 'class="error-page"' in page
    assert all(word in page for word in words)
