"""A refused form on the review page or a clip's page comes back as it was typed, with its error beside the
field, answered 400; nothing is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.gate import Publication as P
from approvals.models import Review
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REASON = "The logo in the last second belongs to someone else"


def _page(client, user, url, data):
    client.login(username=user.username, password=PASSWORD)
    response = client.post(url, data)
    return response, response.content.decode()


def test_a_reason_without_a_clause_is_kept_on_the_review_page(client, artist, moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    response, page = _page(client, moderator, f"/review/{clip.id}/decide", {"decision": "reject", "reason": REASON})
    assert response.status_code == 400
    assert f">{REASON}</textarea>" in page
    assert 'id="clause-error"' in page and "Choose the policy clause this decision rests on." in page
    clip.refresh_from_db()
    assert clip.publication == P.PENDING_REVIEW and Review.objects.get(clip=clip).decided_at is None


def test_a_clause_without_a_reason_stays_chosen(client, artist, moderator):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    response, page = _page(client, moderator, f"/review/{clip.id}/decide", {"decision": "changes", "clause": "P6"})
    assert response.status_code == 400
    assert '<option value="P6"' in page and page.split('<option value="P6"')[1].split(">")[0].endswith(" selected")
    assert 'id="reason-error"' in page and "Write a reason: the artist will read it." in page
    assert Review.objects.get(clip=clip).decided_at is None


def test_a_refused_appeal_keeps_its_message(client, artist, moderator):
    clip = clip_in_state(P.REJECTED, artist=artist, moderator=moderator)
    message = "It is my own poster, " + "painted by hand " * 130  # over the 2000-character limit
    response, page = _page(client, artist, f"/clips/{clip.id}/appeal", {"message": message})
    assert response.status_code == 400
    assert f">{message}</textarea>" in page
    assert 'id="appeal-error"' in page and "2000" in page
    clip.refresh_from_db()
    assert clip.publication == P.REJECTED and not Review.objects.filter(clip=clip, is_appeal=True).exists()


def test_an_embargo_in_the_past_is_kept_with_its_error(client, artist, moderator):
    clip = clip_in_state(P.PRIVATE, artist=artist, moderator=moderator)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response, page = _page(client, artist, f"/clips/{clip.id}/publication", {"publish_at": past})
    assert response.status_code == 400
    assert f'value="{past}"' in page
    assert 'id="publish-at-error"' in page and "The embargo time must be in the future" in page
    clip.refresh_from_db()
    assert clip.publication == P.PRIVATE and not Review.objects.filter(clip=clip).exists()


def test_a_takedown_reason_without_a_clause_is_kept(client, artist, moderator):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    response, page = _page(client, moderator, f"/clips/{clip.id}/takedown", {"reason": REASON})
    assert response.status_code == 400
    assert f">{REASON}</textarea>" in page and 'id="td-clause-error"' in page
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED


def test_someone_deciding_first_is_said_on_the_page_again(client, artist, moderator):
    from approvals import services

    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    data = {"decision": "reject", "clause": "P3", "reason": REASON}
    response, page = _page(client, moderator, f"/review/{clip.id}/decide", data)
    assert response.status_code == 400
    assert 'class="msg-error"' in page
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED
