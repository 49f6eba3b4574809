"""Feedback: filing, every allowed and refused triage move, one earning per accepted item, the changelog."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from artists.feedback import changelog_add, feedback_create, feedback_triage
from artists.ledger import balance_of
from artists.models import EntryKind, Feedback, FeedbackStatus, LedgerEntry
from core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
S = FeedbackStatus


def _item(artist, **kwargs):
    values = {"kind": "bug", "title": "Seed ignored", "text": "Two renders with seed 5 differ."}
    values.update(kwargs)
    return feedback_create(artist=artist, **values)


@pytest.mark.parametrize(
    "path, earns",
    [
        ([S.ACCEPTED], 1),
        ([S.ACCEPTED, S.FIXED], 1),
        ([S.FIXED], 1),
        ([S.WONT_FIX], 0),
        ([S.DUPLICATE], 0),
    ],
)
def test_allowed_moves_and_one_earning(artist, moderator, path, earns):
    original = _item(artist, title="first")
    item = _item(artist)
    for status in path:
        feedback_triage(
            feedback_id=item.pk, moderator=moderator, status=status, response=f"Now {status}.", duplicate_of=original.pk
        )
    item.refresh_from_db()
    assert item.status == path[-1] and item.response == f"Now {path[-1]}." and item.triaged_by == moderator
    assert LedgerEntry.objects.filter(kind=EntryKind.FEEDBACK, reference=f"feedback:{item.pk}").count() == earns
    assert balance_of(artist=artist) == Decimal("25.00") * earns
    assert AuditEvent.objects.filter(action=f"feedback.{path[-1]}", object_id=str(item.pk)).exists()
    assert artist.notifications.filter(message__contains="was triaged").count() == len(path)


@pytest.mark.parametrize(
    "start, target",
    [
        (S.DUPLICATE, S.ACCEPTED),
        (S.WONT_FIX, S.FIXED),
        (S.FIXED, S.ACCEPTED),
        (S.ACCEPTED, S.WONT_FIX),
        (S.ACCEPTED, S.ACCEPTED),
        (S.NEW, S.NEW),
    ],
)
def test_refused_moves(artist, moderator, start, target):
    original = _item(artist, title="first")
    item = _item(artist)
    if start != S.NEW:
        feedback_triage(feedback_id=item.pk, moderator=moderator, status=start, response="ok", duplicate_of=original.pk)
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError, match="cannot become"):
        feedback_triage(
            feedback_id=item.pk, moderator=moderator, status=target, response="again", duplicate_of=original.pk
        )
    assert Feedback.objects.get(pk=item.pk).status == start and LedgerEntry.objects.count() == before


def test_triage_needs_a_moderator_a_response_and_a_duplicate_target(artist, other_artist, moderator):
    item = _item(artist)
    with pytest.raises(ValidationError, match="Only moderators"):
        feedback_triage(feedback_id=item.pk, moderator=other_artist, status=S.ACCEPTED, response="x")
    with pytest.raises(ValidationError, match="Write a response"):
        feedback_triage(feedback_id=item.pk, moderator=moderator, status=S.ACCEPTED, response=" ")
    with pytest.raises(ValidationError, match="Name the item this one duplicates"):
        feedback_triage(feedback_id=item.pk, moderator=moderator, status=S.DUPLICATE, response="dup")
    with pytest.raises(ValidationError, match="Only artists"):
        feedback_create(artist=moderator, kind="bug", title="t", text="x")
    with pytest.raises(ValidationError):
        feedback_create(artist=artist, kind="rant", title="t", text="x")
    assert Feedback.objects.get(pk=item.pk).status == S.NEW


def test_artist_sees_the_response_and_others_see_nothing(client, artist, other_artist, moderator):
    item = _item(artist)
    client.login(username=moderator.username, password=PASSWORD)
    assert "Seed ignored" in client.get(reverse("artists:triage")).content.decode()
    response = client.post(
        reverse("artists:triage_decide", args=[item.pk]),
        {"status": "accepted", "response": "Reproduced; the seed was dropped on retry."},
    )
    assert response.status_code == 302
    client.login(username=artist.username, password=PASSWORD)
    page = client.get(reverse("artists:feedback_detail", args=[item.pk])).content.decode()
    assert "Reproduced; the seed was dropped on retry." in page and "Accepted" in page
    client.login(username=other_artist.username, password=PASSWORD)
    assert client.get(reverse("artists:feedback_detail", args=[item.pk])).status_code == 404
    assert (
        client.post(reverse("artists:triage_decide", args=[item.pk]), {"status": "fixed", "response": "x"}).status_code
        == 403
    )
    assert client.get(reverse("artists:triage")).status_code == 403


def test_changelog_credits_by_name_unless_the_artist_opts_out(client, artist, other_artist, moderator):
    named = _item(artist, title="Seed ignored")
    anonymous = _item(other_artist, title="Poster too dark", credit=False)
    pending = _item(artist, title="Not yet")
    for item in (named, anonymous):
        feedback_triage(feedback_id=item.pk, moderator=moderator, status=S.FIXED, response="Fixed in 1.2.")
    with pytest.raises(ValidationError, match="accepted or fixed feedback items"):
        changelog_add(title="x", body="", feedback_ids=[pending.pk], actor=moderator)
    with pytest.raises(ValidationError, match="Only moderators"):
        changelog_add(title="x", body="", feedback_ids=[named.pk], actor=artist)
    changelog_add(
        title="Seeds kept on retry; brighter posters",
        body="Both in 1.2.",
        feedback_ids=[named.pk, anonymous.pk],
        actor=moderator,
    )
    page = client.get(reverse("artists:changelog")).content.decode()
    assert "Seeds kept on retry; brighter posters" in page
    assert f"#{named.pk}" in page and "thanks to Studio North" in page
    assert f"#{anonymous.pk}" in page and "Studio South" not in page and "an artist" in page


@pytest.mark.parametrize(
    "target, lands_on",
    [
        ("https://evil.example/phish", "triage"),
        ("//evil.example/phish", "triage"),
        ("/\\evil.example", "triage"),
        ("javascript:alert(1)", "triage"),
        (None, "triage"),
        ("detail", "detail"),
    ],
)
def test_triage_returns_only_to_a_page_of_this_site(client, artist, moderator, target, lands_on):
    item = _item(artist)
    pages = {"triage": reverse("artists:triage"), "detail": reverse("artists:feedback_detail", args=[item.pk])}
    client.login(username=moderator.username, password=PASSWORD)
    data = {"status": "accepted", "response": "Thanks."}
    if target is not None:
        data["next"] = pages.get(target, target)
    response = client.post(reverse("artists:triage_decide", args=[item.pk]), data)
    assert response.status_code == 302 and response["Location"] == pages[lands_on]
