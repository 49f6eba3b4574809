"""Triage has no default outcome (Accepted and Fixed pay): a triage without one keeps the text and says what to pick."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from artists.feedback import feedback_create
from artists.models import FeedbackStatus as S
from artists.models import LedgerEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(artist):
    return feedback_create(artist=artist, kind="bug", title="Seed ignored", text="Two renders with seed 5 differ.")


@pytest.fixture
def web(client, moderator):
    client.login(username=moderator.username, password=PASSWORD)
    return client


def _status_select(page: str, pk: int) -> str:
    return re.search(rf'<select name="status"[^>]*id="id_triage_{pk}_status"[^>]*>(.*?)</select>', page, re.S).group(1)


@pytest.mark.parametrize("where", ["triage", "detail"])
def test_no_outcome_is_chosen_in_advance(web, item, where):
    url = reverse("artists:triage") if where == "triage" else reverse("artists:feedback_detail", args=[item.pk])
    options = _status_select(web.get(url).content.decode(), item.pk)
    first = re.search(r"<option ([^>]*)>([^<]*)</option>", options)
    assert first.group(2) == "Choose an outcome" and 'value=""' in first.group(1)
    assert "selected" not in options.replace('value="" selected', "")  # nothing else is pre-selected


@pytest.mark.parametrize("where", ["triage", "detail"])
def test_a_triage_without_an_outcome_keeps_the_response_and_says_what_to_choose(web, item, where):
    data = {"status": "", "response": "Reproduced with seed 5; fix in 1.3."}
    if where == "detail":
        data["next"] = reverse("artists:feedback_detail", args=[item.pk])
    response = web.post(reverse("artists:triage_decide", args=[item.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Reproduced with seed 5; fix in 1.3." in page  # what was typed is still there
    assert "Choose an outcome: Accepted or Fixed pays the artist" in page.replace("&#x27;", "'")
    assert f"Feedback #{item.pk} was not triaged" in page
    item.refresh_from_db()
    assert item.status == S.NEW and item.response == "" and not LedgerEntry.objects.exists()


def test_a_refused_duplicate_keeps_the_response_on_the_triage_page(web, item):
    data = {"status": "duplicate", "response": "Same as the other one."}
    response = web.post(reverse("artists:triage_decide", args=[item.pk]), data)
    page = response.content.decode()
    assert (
        response.status_code == 400 and "Same as the other one." in page and "Name the item this one duplicates" in page
    )
    item.refresh_from_db()
    assert item.status == S.NEW


def test_a_chosen_outcome_is_triaged_and_pays(web, item):
    response = web.post(reverse("artists:triage_decide", args=[item.pk]), {"status": "accepted", "response": "Thanks."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.ACCEPTED and LedgerEntry.objects.filter(artist=item.artist).count() == 1
