"""The review queue (order, age against the target, filters) on the page and the API; embargo and
take-down as artists and visitors see them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from approvals import services
from approvals.gate import Publication as P
from approvals.models import Review
from tests.approvals.helpers import clip_in_state
from tests.factories import PASSWORD


def _age(clip, hours):
    Review.objects.filter(clip=clip, decided_at__isnull=True).update(
        requested_at=timezone.now() - timedelta(hours=hours)
    )


def test_queue_is_oldest_first_with_age_against_the_target(artist, other_artist, moderator, client, api, settings):
    settings.REVIEW_TARGET_HOURS = 24
    young = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator, prompt="young")
    old = clip_in_state(P.PENDING_REVIEW, artist=other_artist, moderator=moderator, prompt="old")
    middle = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator, prompt="middle")
    _age(young, 1), _age(old, 30), _age(middle, 10)
    client.login(username=moderator.username, password=PASSWORD)
    page = client.get("/review/").content.decode()
    order = sorted([old, middle, young], key=lambda c: page.index(f'id="review-{c.id}"'))
    assert order == [old, middle, young]
    old_row = page.split(f'id="review-{old.id}"')[1].split("</tr>")[0]
    assert "30.0 h / 24 h" in old_row and "overdue" in old_row
    assert "overdue" not in page.split(f'id="review-{middle.id}"')[1].split("</tr>")[0]
    only_bruno = client.get("/review/?artist=south").content.decode()
    assert f"review-{old.id}" in only_bruno and f"review-{young.id}" not in only_bruno
    assert f"review-{old.id}" not in client.get("/review/?preset=cogvideox-5b").content.decode()
    assert client.get("/review/next")["Location"] == f"/review/{old.id}/"
    client.get(f"/review/{old.id}/")  # opening it claims it

    mod_api = api(moderator)
    listing = mod_api.get("/api/v1/reviews").json()["results"]
    assert [item["clip"]["id"] for item in listing] == [str(old.id), str(middle.id), str(young.id)]
    assert listing[0]["overdue"] is True and listing[0]["claimed_by"] == "mod1"  # held after opening it
    assert [i["clip"]["id"] for i in mod_api.get("/api/v1/reviews?artist=north").json()["results"]] == [
        str(middle.id),
        str(young.id),
    ]
    assert api(artist).get("/api/v1/reviews").status_code == 403


def test_api_decisions_need_clause_and_reason(artist, moderator, api):
    clip = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    mod_api = api(moderator)
    response = mod_api.post(f"/api/v1/reviews/{clip.id}", {"decision": "reject", "reason": "No."}, format="json")
    assert response.status_code == 400 and "clause" in response.json()["errors"]
    response = mod_api.post(f"/api/v1/reviews/{clip.id}", {"decision": "changes", "clause": "P6"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = mod_api.post(f"/api/v1/reviews/{clip.id}", {"decision": "maybe"}, format="json")
    assert response.status_code == 400
    response = mod_api.post(
        f"/api/v1/reviews/{clip.id}", {"decision": "changes", "clause": "P6", "reason": "Trim the end."}, format="json"
    )
    assert response.status_code == 200 and response.json()["publication"] == "changes_requested"


def test_embargo_chosen_on_the_clip_page(artist, moderator, client):
    clip = clip_in_state(P.PRIVATE, artist=artist, moderator=moderator)
    client.login(username=artist.username, password=PASSWORD)
    past = client.post(f"/clips/{clip.id}/publication", {"publish_at": "2001-01-01T10:00"}, follow=True)
    assert "must be in the future" in past.content.decode()
    when = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.post(f"/clips/{clip.id}/publication", {"publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    clip.refresh_from_db()
    assert clip.publication == P.PENDING_REVIEW and clip.publish_at == when
    services.clip_decide(clip_id=clip.id, moderator=moderator, decision="approve")
    clip.refresh_from_db()
    assert clip.publication == P.APPROVED and clip.published_at is None
    anonymous = client.__class__()
    assert anonymous.get(f"/clips/{clip.id}/").status_code == 404  # not before the embargo time
    assert "publishes" in client.get(f"/clips/{clip.id}/").content.decode()


def test_taken_down_clip_leaves_the_gallery_at_once(artist, moderator, client, api):
    clip = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    assert [c["id"] for c in api().get("/api/v1/gallery").json()["results"]] == [str(clip.id)]
    client.login(username=moderator.username, password=PASSWORD)
    refused = client.post(f"/clips/{clip.id}/takedown", {"clause": "P4", "reason": "", "confirm": "yes"})
    assert refused.status_code == 400 and "Write a reason: the artist will read it." in refused.content.decode()
    clip.refresh_from_db()
    assert clip.publication == P.PUBLISHED  # no reason: refused
    client.post(
        f"/clips/{clip.id}/takedown", {"clause": "P4", "reason": "Graphic injury in the last frames.", "confirm": "yes"}
    )
    clip.refresh_from_db()
    assert clip.publication == P.TAKEN_DOWN
    assert api().get("/api/v1/gallery").json()["results"] == []
    assert api().get(f"/api/v1/clips/{clip.id}").status_code == 404
    assert "Graphic injury" in artist.notifications.first().message


def test_bad_input_gets_a_clear_4xx_never_a_500(artist, moderator, client, api):
    pending = clip_in_state(P.PENDING_REVIEW, artist=artist, moderator=moderator)
    published = clip_in_state(P.PUBLISHED, artist=artist, moderator=moderator)
    mod_api, artist_api = api(moderator), api(artist)
    for payload in [
        {},
        {"decision": ""},
        {"decision": "reject", "clause": "x" * 500, "reason": "r"},
        {"decision": "reject", "clause": "P3", "reason": "r" * 5000},
        {"decision": ["approve"]},
    ]:
        response = mod_api.post(f"/api/v1/reviews/{pending.id}", payload, format="json")
        assert response.status_code == 400 and response.json()["detail"], payload
    assert (
        mod_api.post(
            f"/api/v1/clips/{published.id}/takedown", {"clause": "ZZ", "reason": "r"}, format="json"
        ).status_code
        == 400
    )
    assert artist_api.post(f"/api/v1/clips/{pending.id}/appeal", {}, format="json").status_code == 400
    assert mod_api.get("/api/v1/reviews?flagged=maybe&page=9999").status_code == 404  # DRF: no such page
    client.login(username=moderator.username, password=PASSWORD)
    for url, data in [
        (f"/review/{pending.id}/decide", {"decision": "reject", "clause": "nope", "reason": ""}),
        (f"/review/{pending.id}/decide", {"decision": "explode"}),
        (f"/clips/{published.id}/takedown", {"clause": "", "reason": "x" * 3000, "confirm": "yes"}),
    ]:
        response = client.post(url, data)  # the page again, the errors beside the fields
        assert response.status_code == 400 and b'class="error' in response.content, url
    assert client.get("/review/?page=abc&flagged=zzz&artist=" + "x" * 1000).status_code == 200
    client.login(username=artist.username, password=PASSWORD)
    response = client.post(f"/clips/{pending.id}/publication", {"publish_at": "not a date"})
    assert response.status_code == 400 and b"msg-error" in response.content  # no longer offered: said above
    pending.refresh_from_db()
    published.refresh_from_db()
    assert (pending.publication, published.publication) == (P.PENDING_REVIEW, P.PUBLISHED)
