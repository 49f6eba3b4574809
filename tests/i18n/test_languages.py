"""English and German: pages follow the browser until the account chooses (the header's switch, remembered
across logins), API `detail`s follow Accept-Language with unchanged `code`s, every time is shown in the
viewer's zone, emails and notifications are written in the recipient's language, and JavaScript strings
come from the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services.leaks import token_suspend
from accounts.services.tokens import token_issue
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(user, **headers) -> Client:
    client = Client(**headers)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_start_page_follows_accept_language(client):
    german = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="de">' in german and "Registrierung nur auf Einladung." in german
    assert "Sign-up is by invitation." not in german
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Sign-up is by invitation." in english


def test_the_studio_in_german_shows_german(artist):
    artist.language = "de"
    artist.save()
    page = _login(artist, HTTP_ACCEPT_LANGUAGE="en").get(reverse("dashboard")).content.decode()
    for german in ("Neues Rendering", "Ihre Bibliothek", "Abmelden", "Rendern"):
        assert german in page
    for english in ("New render", "Your library", "Log out"):
        assert english not in page


def test_the_header_switch_is_remembered_on_the_account_across_logins(artist):
    client = _login(artist, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="language-switch"' in page and 'value="de"' in page and "Deutsch" in page
    answer = client.post(reverse("account_preferences"), {"language": "de", "next": reverse("dashboard")})
    assert answer.status_code == 302 and answer["Location"] == reverse("dashboard")
    artist.refresh_from_db()
    assert artist.language == "de"
    client.post(reverse("logout"))
    fresh = _login(artist, HTTP_ACCEPT_LANGUAGE="en")  # another browser: no language cookie, English asked for
    assert "Neues Rendering" in fresh.get(reverse("dashboard")).content.decode()
    fresh.post(reverse("account_preferences"), {"language": "en"})
    artist.refresh_from_db()
    assert artist.language == "en"
    assert "New render" in _login(artist, HTTP_ACCEPT_LANGUAGE="de").get(reverse("dashboard")).content.decode()


def test_an_unknown_language_or_zone_is_refused_with_a_message_and_nothing_changes(artist):
    client = _login(artist)
    client.post(reverse("account_preferences"), {"language": "xx", "time_zone": "Mars/Olympus"})
    artist.refresh_from_db()
    assert artist.language == "" and artist.time_zone == ""
    page = client.get(reverse("account")).content.decode()
    assert "is not a time zone we know" in page


def test_the_api_detail_follows_accept_language_and_the_code_stays(artist, api):
    client = api(artist)
    url = reverse("api_me_preferences")
    english = client.patch(url, {"time_zone": "Mars/Olympus"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    german = client.patch(url, {"time_zone": "Mars/Olympus"}, format="json", HTTP_ACCEPT_LANGUAGE="de")
    assert english.status_code == german.status_code == 400
    assert english.json()["code"] == german.json()["code"] == "invalid"
    assert english.json()["detail"] == "This is not a time zone we know, such as Europe/Berlin."
    assert german.json()["detail"] == "Diese Zeitzone kennen wir nicht; ein Beispiel wäre Europe/Berlin."
    missing_en = client.get("/api/v1/renders/999999", HTTP_ACCEPT_LANGUAGE="en").json()
    missing_de = client.get("/api/v1/renders/999999", HTTP_ACCEPT_LANGUAGE="de").json()
    assert missing_en["code"] == missing_de["code"] == "not_found"
    assert (missing_en["detail"], missing_de["detail"]) == ("Not found.", "Nicht gefunden.")


def test_the_api_sets_language_and_zone(artist, api):
    answer = api(artist).patch(
        reverse("api_me_preferences"), {"language": "de", "time_zone": "Asia/Tokyo"}, format="json"
    )
    assert answer.status_code == 200 and answer.json() == {"language": "de", "time_zone": "Asia/Tokyo"}
    artist.refresh_from_db()
    assert (artist.language, artist.time_zone) == ("de", "Asia/Tokyo")


def _used_token(artist) -> ApiToken:
    token = ApiToken.objects.get(pk=token_issue(user=artist, name="script", scopes=["clips:read"]).token.pk)
    token.last_used_at = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    token.save()
    return token


def test_times_are_shown_in_the_account_zone_else_the_browser_zone_else_utc(artist):
    _used_token(artist)
    client = _login(artist, HTTP_ACCEPT_LANGUAGE="en")
    assert "2026-01-01 23:30" in client.get(reverse("account")).content.decode()  # UTC
    client.cookies["vernissage_tz"] = "America/New_York"
    assert "2026-01-01 18:30" in client.get(reverse("account")).content.decode()  # the browser's zone
    client.post(reverse("account_preferences"), {"time_zone": "Asia/Tokyo"})
    page = client.get(reverse("account")).content.decode()  # the account's zone wins over the cookie
    assert "2026-01-02 08:30" in page and "2026-01-01 18:30" not in page
    assert "<option selected>Asia/Tokyo</option>" in page


def test_an_email_is_written_in_the_recipients_language(artist):
    artist.language = "de"
    artist.save()
    token = _used_token(artist)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())
        assert token_suspend(token_id=token.pk, reason="Used from 12 addresses.")
    to_artist = next(m for m in mail.outbox if m.to == [artist.email])
    assert to_artist.subject == "Ihr API-Token wurde gesperrt"
    assert "Ihre anderen Tokens und Ihre Web-Anmeldung funktionieren weiter." in to_artist.body


def test_the_javascript_catalogue_is_served_in_the_page_language(client):
    german = client.get(reverse("javascript_catalog"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Alle abspielen" in german and "Dieser Clip: %(size)s px, %(frames)s Frames (%(seconds)s s)." in german
    page = client.get("/").content.decode()
    assert page.index(reverse("javascript_catalog")) < page.index("/static/js/")  # loaded before the scripts


def test_money_is_formatted_per_locale(artist):
    from django.utils import translation

    from artists.templatetags.money import money

    with translation.override("en"):
        assert (money("1234.5"), money(None)) == ("1,234.50", "")
    with translation.override("de"):
        assert money("1234.5") == "1.234,50"
    assert (
        '<strong id="balance">0,00</strong>'
        in _login(artist, HTTP_ACCEPT_LANGUAGE="de").get(reverse("artists:ledger")).content.decode()
    )
    assert (
        '<strong id="balance">0.00</strong>'
        in _login(artist, HTTP_ACCEPT_LANGUAGE="en").get(reverse("artists:ledger")).content.decode()
    )


def test_a_time_is_labelled_with_the_zone_it_is_shown_in(artist):
    client = _login(artist, HTTP_ACCEPT_LANGUAGE="en")
    quota = client.get(reverse("dashboard")).content.decode().split('id="quota">')[1].split("</p>")[0]
    assert quota.endswith(" UTC.")
    client.cookies["vernissage_tz"] = "Asia/Tokyo"
    quota = client.get(reverse("dashboard")).content.decode().split('id="quota">')[1].split("</p>")[0]
    assert quota.endswith(" Asia/Tokyo.") and "UTC" not in quota
